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

void draw_grid(ImVec2 o, int h, int w, const std::function<float(int, int)>& value, const std::function<CellKind(int, int)>& kind,
               float cell, float scale) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = std::min(14.0f, cell * 0.42f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const ImVec2 a(o.x + float(x) * cell, o.y + float(y) * cell), b(a.x + cell, a.y + cell);
      const CellKind k = kind(y, x);
      const float v = value(y, x);
      const float t = scale > 0 ? std::clamp(std::fabs(v) / scale, 0.0f, 1.0f) : 0.0f;
      const ImU32 fill = k == CellKind::Inserted ? IM_COL32(58, 62, 72, 255)
                         : k == CellKind::Padding ? IM_COL32(36, 38, 46, 255)
                         : v >= 0 ? IM_COL32(int(40 + 40 * t), int(70 + 90 * t), int(110 + 140 * t), 255)
                                  : IM_COL32(int(110 + 140 * t), int(60 + 40 * t), int(50 + 20 * t), 255);
      const ImU32 ink = k == CellKind::Value      ? IM_COL32(240, 244, 250, 255)
                        : k == CellKind::Inserted ? IM_COL32(150, 158, 172, 255)
                                                  : IM_COL32(110, 116, 128, 255);
      dl->AddRectFilled(a, b, fill);
      dl->AddRect(a, b, IM_COL32(0, 0, 0, 140));
      if (cell < 18) continue;  // too small to read
      const std::string s = num_text(v);
      const ImVec2 ts = mono_font()->CalcTextSizeA(fs, 1e9f, 0, s.c_str());
      if (ts.x < cell - 2) dl->AddText(mono_font(), fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), ink, s.c_str());
    }
}

void outline(ImVec2 o, float cell, int y, int x, int h, int w) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a(o.x + float(x) * cell, o.y + float(y) * cell), b(a.x + float(w) * cell, a.y + float(h) * cell);
  dl->AddRect(a, b, IM_COL32(0, 0, 0, 220), 0, 0, 5.0f);
  dl->AddRect(a, b, IM_COL32(255, 170, 40, 255), 0, 0, 2.5f);
}

}  // namespace transposed
