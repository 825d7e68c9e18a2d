// A shared editor for State::layers, the stack of conv and pool layers the receptive-field and ERF
// lessons study: presets, one row per layer (type, kernel, stride, padding, dilation), move up/down,
// remove, add, and the stack as text ("c3,c3,p2s2") that can be edited and pasted.
#pragma once
#include <string>
#include <vector>

#include "imgui.h"
#include "receptive_field.h"
#include "state.h"

constexpr int kMaxStackLayers = 16;  // what a link can hold (layers_from_text)

// A distinct colour per layer index, shared by tables, rectangles and plots.
ImU32 layer_colour(int index, int alpha = 255);

// "conv 3x3", "pool 2x2 s2", "conv 3x3 d2 p2": a short label of one layer.
std::string layer_label(const convlab::Layer& l);

struct LayerStackOptions {
  bool allow_pool = true;       // offer pool layers
  bool colour_rows = true;      // a swatch of layer_colour(i) in front of each row
  int max_layers = kMaxStackLayers;
};

// Draws the editor; returns true when the stack changed.
bool layer_stack_editor(State& s, const LayerStackOptions& options = {});
