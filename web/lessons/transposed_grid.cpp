#include "transposed_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "widgets.h"

namespace transposed {

std::string num_text(float v) {
  char buf[24];
  if (std::fabs(v - std::round(v)) < 1e-4f) std::snprintf(buf, sizeof buf, "%.0f", double(std::round(v)));
  else std::snprintf(buf, sizeof buf, "%.2f", double(v));
  return buf;
}

// Large grids (a 64 x 64 input at stride 8) have many thousands of cells, and ImGui's 16-bit indices
// hold 65536 vertices a window: each grid gets a window of its own, equal neighbours in a row share one
// rectangle, the borders are h + w + 2 lines, and a grid too large for that is only outlined.
constexpr int kMaxDrawnCells = 14000;

void draw_grid(const char* id, ImVec2 o, int h, int w, const std::function<float(int, int)>& value,
               const std::function<CellKind(int, int)>& kind, float cell, float scale, const std::vector<GridFrame>& frames) {
  const float margin = 3;  // room for the frames' outer stroke
  ImGui::SetCursorScreenPos(ImVec2(o.x - margin, o.y - margin));
  ImGui::BeginChild(id, ImVec2(float(w) * cell + 2 * margin, float(h) * cell + 2 * margin), false,
                    ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 end(o.x + float(w) * cell, o.y + float(h) * cell);
  if (h * w > kMaxDrawnCells) {
    dl->AddRectFilled(o, end, IM_COL32(36, 38, 46, 255));
    dl->AddText(ImVec2(o.x + 4, o.y + 4), IM_COL32(150, 158, 172, 255), "too many cells to draw");
    ImGui::EndChild();
    return;
  }
  auto fill = [&](int y, int x) {
    const CellKind k = kind(y, x);
    const float v = value(y, x);
    const float t = scale > 0 ? std::clamp(std::fabs(v) / scale, 0.0f, 1.0f) : 0.0f;
    return k == CellKind::Inserted  ? IM_COL32(58, 62, 72, 255)
           : k == CellKind::Padding ? IM_COL32(36, 38, 46, 255)
           : v >= 0                 ? IM_COL32(int(40 + 40 * t), int(70 + 90 * t), int(110 + 140 * t), 255)
                                    : IM_COL32(int(110 + 140 * t), int(60 + 40 * t), int(50 + 20 * t), 255);
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w;) {
      const ImU32 c = fill(y, x);
      int run = x + 1;
      while (run < w && fill(y, run) == c) ++run;
      dl->AddRectFilled(ImVec2(o.x + float(x) * cell, o.y + float(y) * cell), ImVec2(o.x + float(run) * cell, o.y + float(y + 1) * cell), c);
      x = run;
    }
  const ImU32 line = IM_COL32(0, 0, 0, 140);
  for (int y = 0; y <= h; ++y) dl->AddLine(ImVec2(o.x, o.y + float(y) * cell), ImVec2(end.x, o.y + float(y) * cell), line);
  for (int x = 0; x <= w; ++x) dl->AddLine(ImVec2(o.x + float(x) * cell, o.y), ImVec2(o.x + float(x) * cell, end.y), line);
  if (cell >= 18) {  // big enough to read
    const float fs = std::min(14.0f, cell * 0.42f);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const CellKind k = kind(y, x);
        const ImU32 ink = k == CellKind::Value      ? IM_COL32(240, 244, 250, 255)
                          : k == CellKind::Inserted ? IM_COL32(150, 158, 172, 255)
                                                    : IM_COL32(110, 116, 128, 255);
        const std::string s = num_text(value(y, x));
        const ImVec2 ts = mono_font()->CalcTextSizeA(fs, 1e9f, 0, s.c_str());
        if (ts.x < cell - 2)
          dl->AddText(mono_font(), fs, ImVec2(o.x + float(x) * cell + (cell - ts.x) * 0.5f, o.y + float(y) * cell + (cell - ts.y) * 0.5f),
                      ink, s.c_str());
      }
  }
  for (const GridFrame& f : frames) {
    const ImVec2 a(o.x + float(f.x) * cell, o.y + float(f.y) * cell), b(a.x + float(f.w) * cell, a.y + float(f.h) * cell);
    dl->AddRect(a, b, IM_COL32(0, 0, 0, 220), 0, 0, 5.0f);
    dl->AddRect(a, b, IM_COL32(255, 170, 40, 255), 0, 0, 2.5f);
  }
  ImGui::EndChild();
}

}  // namespace transposed
