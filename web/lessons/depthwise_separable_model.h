// The depthwise-separable lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"

// The lesson's own settings (its URL keys are registered in depthwise_separable_model.cpp).
struct DepthwiseSeparableParams {
  int cin = 32, cout = 64, hw = 56;  // the layer compared: channels in and out, feature-map size
};
