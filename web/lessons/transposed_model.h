// The transposed lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"

// The lesson's own settings (its URL keys are registered in transposed_model.cpp).
struct TransposedParams {
  int in = 4, k = 3, s = 2, p = 1, op = 1;  // input size, kernel, stride, padding, output padding
  int from = 32, to = 64;  // the output-size solver: input size and wanted output size
};
