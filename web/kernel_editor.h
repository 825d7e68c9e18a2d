// The common kernel editor: presets, size, a grid of editable cells (per input channel when the kernel
// has depth), normalise, flip, randomise. Editing any cell turns the kernel into a custom one whose
// values the URL keeps.
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

// Everything of the state the kernel depends on (preset, size, sigma, depth, custom values), as text
// for the lessons' cache keys: not the view's zoom or pan.
std::string kernel_key(const State& s);

// Draws the editor; returns true when the kernel changed. `channels` is the input's channel count.
bool kernel_editor(State& s, int channels, int max_size = 11);
