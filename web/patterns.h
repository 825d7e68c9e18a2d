// Synthetic test images: small, exact, and good for seeing what a kernel does to an edge or a point.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

struct RgbaImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
};

// "checker" 64x64, 8-pixel squares; "square" a white 24x24 square on black, 64x64; "stripes" vertical
// bars left, horizontal bars right, 64x64; "dot" one white pixel in the middle of a black 33x33.
// Unknown names give an empty image.
RgbaImage make_pattern(const std::string& name);
