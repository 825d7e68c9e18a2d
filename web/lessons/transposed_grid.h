// The transposed lesson's numeric grids (ImGui): a small tensor or kernel drawn cell by cell with its
// values written in, real pixels tinted, inserted zeros and padding in two greys.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "imgui.h"
#include "transposed_model.h"

namespace transposed {

std::string num_text(float v);  // whole numbers without decimals, others with two

// An orange frame around h x w cells from (y, x): the window of the selected output.
struct GridFrame {
  int y, x, h, w;
};

// h x w cells of `cell` pixels at screen position o, values written in when they fit, then `frames`.
// Value cells are tinted by value up to |scale| (blue positive, red negative). Drawn in a child window
// of its own that takes no input (the caller handles the mouse); the cursor ends below it.
void draw_grid(const char* id, ImVec2 o, int h, int w, const std::function<float(int, int)>& value,
               const std::function<CellKind(int, int)>& kind, float cell, float scale, const std::vector<GridFrame>& frames = {});

}  // namespace transposed
