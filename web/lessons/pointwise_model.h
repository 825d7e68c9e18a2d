// The pointwise lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"

// The lesson's own settings (its URL keys are registered in pointwise_model.cpp).
struct PointwiseParams {
  std::string mix = "gray";  // gray (RGB -> 1), features (RGB -> 8)
  std::vector<float> values;  // the edited 1x3 or 8x3 matrix, row-major; empty = the default
};
