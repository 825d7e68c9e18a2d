// The pooling lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"

// The lesson's own settings (its URL keys are registered in pooling_model.cpp).
struct PoolingParams {
  std::string mode = "max";  // max, mean, min
  int k = 2, s = 2, p = 0;  // kernel, stride, padding
  bool ceil_mode = false;
  bool count_include_pad = true;  // mean pooling: padded cells count in the divisor
};
