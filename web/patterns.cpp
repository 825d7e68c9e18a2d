#include "patterns.h"

RgbaImage make_pattern(const std::string& name) {
  RgbaImage img;
  const bool dot = name == "dot";
  img.width = img.height = dot ? 33 : 64;
  img.rgba.assign(std::size_t(img.width) * img.height * 4, 255);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      bool white = false;
      if (name == "checker") white = ((x / 8) + (y / 8)) % 2 == 0;
      else if (name == "square") white = x >= 20 && x < 44 && y >= 20 && y < 44;
      else if (name == "stripes") white = x < 32 ? (x / 4) % 2 == 0 : (y / 4) % 2 == 0;
      else if (dot) white = x == 16 && y == 16;
      else return RgbaImage{};
      std::uint8_t* p = &img.rgba[(std::size_t(y) * img.width + x) * 4];
      p[0] = p[1] = p[2] = white ? 255 : 0;
    }
  return img;
}
