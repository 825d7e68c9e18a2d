// The kernel lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"

// The lesson's own settings (its URL keys are registered in kernel_model.cpp).
struct KernelParams {
  bool one_filter = false;  // one filter of depth C summed into one map (else each channel alone)
};
