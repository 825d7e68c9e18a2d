// The shared kernel settings of State (preset, size, sigma, custom values, depth) as the core's kernels,
// and the changes lessons make to them. No ImGui: lessons' models and their tests use these.
#pragma once
#include <string>

#include "state.h"
#include "tensor.h"

// The state's kernel: the preset at the state's size and sigma, or the custom values. With depth,
// `channel` picks that input channel's plane. Throws convlab::Error for an impossible preset size.
convlab::Kernel2D state_kernel(const State& s, int channel = 0);
// [1, C, kh, kw]: one filter whose depth is the image's channels (sums them into one output map).
convlab::Weights state_filter(const State& s, int channels);
// [C, 1, kh, kw] with groups = C: each channel filtered on its own, so colour survives.
convlab::Weights state_depthwise(const State& s, int channels);

bool preset_has_size(const std::string& preset);
// Chooses a named kernel at a size (presets without a size take 3), dropping custom values and depth.
void use_preset(State& s, const std::string& preset, int size = 3);
// A k x k kernel: the preset kept if it comes in that size (Sobel only in odd sizes from 3), else the
// mean; custom values and depth dropped.
void set_kernel_size(State& s, int k);
