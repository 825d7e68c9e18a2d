// The erf lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"

// The lesson's own settings (its URL keys are registered in erf_model.cpp).
struct ErfParams {
  std::string weights = "uniform";  // uniform, random
  bool relu = false;
};
