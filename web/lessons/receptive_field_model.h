// The receptive-field lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <string>
#include <vector>

#include "state.h"
