// A small grey crop for the lessons' numeric grids: where the picture varies most, so that what an
// operation does to the numbers is visible. No ImGui: plain tensor logic.
#pragma once
#include "tensor.h"

struct NumericCrop {
  convlab::Tensor grey;  // [1, h, w], channel mean rounded to two decimals: what the grid shows is what is computed
  int y = 0, x = 0;      // its top-left corner in the input
};

// Searches an h x w window on a grid of `step` pixels for the largest variance of channel 0 (the centre if
// the input is smaller), then averages the channels. Sizes are clipped to the input.
NumericCrop busiest_crop(const convlab::Tensor& input, int h, int w, int step);
