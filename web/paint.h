// Painting on the input image. A round brush dragged over the picture paints (or erases) every pixel
// whose centre lies within the brush's radius of the pointer's path: the path between two pointer
// positions is filled exactly, however far apart they are, so fast strokes have no gaps. The paint is a
// layer over the original (which pixels are painted, in which colour), so erasing gives back exactly the
// original pixels, and the same paint stays on top of each new webcam frame. Plain C++ (no ImGui), tested
// natively in tests/web/paint_test.cpp.
#pragma once
#include <cstdint>
#include <vector>

#include "patterns.h"
#include "tensor.h"

// Pixels [x0, x1) x [y0, y1).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  void include(const PixelRect& r);
};

struct Brush {
  float size = 12.0f;  // diameter in image pixels (see brush_radius)
  std::uint8_t r = 255, g = 64, b = 64;
  bool erase = false;  // back to the original pixels instead of the colour
};

// Half the size, but at least half a pixel's diagonal: the pixel under the pointer is always painted,
// wherever in it the pointer is (size 1 paints that pixel alone).
double brush_radius(float size);

// Whether the pixel (px, py), centre (px + 0.5, py + 0.5), is within `radius` of the segment from
// (ax, ay) to (bx, by) in image pixel coordinates (a == b: a dab).
bool brush_covers(double ax, double ay, double bx, double by, double radius, int px, int py);

class PaintLayer {
 public:
  // Starts over (nothing painted) for an image of this size.
  void reset(int width, int height);
  int width() const { return width_; }
  int height() const { return height_; }
  bool empty() const { return painted_ == 0; }
  std::size_t painted_pixels() const { return painted_; }
  // Paints or erases along a-b. Returns the pixels whose paint changed (empty if none did).
  PixelRect stroke(float ax, float ay, float bx, float by, const Brush& brush);
  // `out` = `original` with the paint over it, within r (out and original have the layer's size).
  void composite(const RgbaImage& original, const PixelRect& r, RgbaImage& out) const;

 private:
  int width_ = 0, height_ = 0;
  std::vector<std::uint8_t> mask_;    // 1 where painted
  std::vector<std::uint8_t> colour_;  // RGB of each painted pixel
  std::size_t painted_ = 0;
};

// Writes the pixels of `image` within r into `input` (CHW, 1 or 3 channels, the image's size) exactly
// as convlab::from_rgba8 converts them, so that a painted rectangle needs no conversion of the whole image.
void update_input_rect(const RgbaImage& image, const PixelRect& r, convlab::Tensor& input);
