#include "view_cells.h"

#include <algorithm>
#include <cstdio>

#include "widgets.h"

Hover draw_view_cells(const char* id, const std::vector<ViewCell>& cells, ImVec2 box, float aspect, State& s) {
  float legend = 0.0f;
  for (const ViewCell& c : cells) legend = std::max(legend, c.view->legend_height());
  const float caption = ImGui::GetTextLineHeightWithSpacing();
  const ViewGrid g = view_grid(int(cells.size()), box, aspect, caption + legend);
  const float image_h = std::min(g.cell.y, g.cell.x * aspect);
  const std::size_t cols = std::size_t(g.cols);
  Hover hover;
  ImGui::PushID(id);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i % cols) ImGui::SameLine();
    char cell_id[16];
    std::snprintf(cell_id, sizeof cell_id, "cell%zu", i);  // a text id: an ImGuiID would ignore the ID stack
    const std::size_t row = i - i % cols;
    float row_legend = 0.0f;  // a row without a legend needs no room for one
    for (std::size_t j = row; j < std::min(cells.size(), row + cols); ++j) row_legend = std::max(row_legend, cells[j].view->legend_height());
    ImGui::BeginChild(cell_id, ImVec2(g.cell.x, caption + image_h + row_legend), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::TextUnformatted(cells[i].caption.c_str());
    if (!cells[i].tip.empty()) tip(cells[i].tip.c_str());
    const Hover h = cells[i].view->draw("view", ImVec2(g.cell.x, image_h + cells[i].view->legend_height()), s);
    if (h.active) hover = h;
    ImGui::EndChild();
  }
  ImGui::PopID();
  return hover;
}
