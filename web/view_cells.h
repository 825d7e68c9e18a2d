// Captioned image views laid out in a box (view_grid), as tall as their images need, each in a child
// window so that a caption or legend wider than its view is clipped instead of pushing the next one away.
#pragma once
#include <string>
#include <vector>

#include "image_view.h"

struct ViewCell {
  ImageView* view;
  std::string caption;
  std::string tip = {};  // shown when the caption is hovered
};

// Draws the cells at the cursor in `box` (aspect: the images' height / width); returns the pixel under
// the pointer, if any.
Hover draw_view_cells(const char* id, const std::vector<ViewCell>& cells, ImVec2 box, float aspect, State& s);
