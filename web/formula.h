// Text of the shape formulas as the lessons show them, filled in with the current numbers. No ImGui:
// tested natively against the core's own size functions.
#pragma once
#include <string>

struct FormulaText {
  std::string text;   // e.g. "floor((9 + 2*1 - 3) / 2) + 1 = floor(8 / 2) + 1 = 5"
  std::string note;   // empty, or what the floor dropped: "(9 + 2 - 4) / 2 = 3.5: the last 1 pixel is never visited"
  int value = 0;      // the output size, equal to convlab::conv_output_size
};

// Convolution / pooling (floor or ceil) along one axis: in, kernel, stride, padding per side, dilation.
FormulaText conv_size_formula(int in, int kernel, int stride, int pad_before, int pad_after, int dilation);
FormulaText pool_size_formula(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode);
// Transposed: (in - 1)*s - 2p + d*(k - 1) + output_padding + 1.
FormulaText transposed_size_formula(int in, int kernel, int stride, int pad, int output_padding, int dilation);
