// The transposed lesson's numeric grids (ImGui): a small tensor or kernel drawn cell by cell with its
// values written in, real pixels tinted, inserted zeros and padding in two greys.
#pragma once
#include <functional>
#include <string>

#include "imgui.h"
#include "transposed_model.h"

namespace transposed {

std::string num_text(float v);  // whole numbers without decimals, others with two

// h x w cells of `cell` pixels at screen position o (no layout item: the caller reserves the room).
// Value cells are tinted by value up to |scale| (blue positive, red negative).
void draw_grid(ImVec2 o, int h, int w, const std::function<float(int, int)>& value, const std::function<CellKind(int, int)>& kind,
               float cell, float scale);

// An orange frame around h x w cells from (y, x) of a grid drawn at o.
void outline(ImVec2 o, float cell, int y, int x, int h, int w);

}  // namespace transposed
