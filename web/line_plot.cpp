#include "line_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "widgets.h"

namespace {

constexpr ImU32 kBackground = IM_COL32(30, 33, 41, 255);
constexpr ImU32 kAxis = IM_COL32(120, 128, 145, 255);
constexpr ImU32 kGrid = IM_COL32(55, 60, 72, 255);
constexpr ImU32 kLabel = IM_COL32(160, 168, 184, 255);

float label_size() { return std::max(10.0f, ImGui::GetFontSize() * 0.8f); }

std::string tick_text(double v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return std::string(buf) == "-0" ? "0" : buf;
}

ImVec2 text_size(const std::string& t) { return mono_font()->CalcTextSizeA(label_size(), 1e9f, 0, t.c_str()); }

void label(ImDrawList* dl, ImVec2 at, const std::string& t, ImU32 colour = kLabel) {
  dl->AddText(mono_font(), label_size(), at, colour, t.c_str());
}

}  // namespace

namespace {

void widen(float& y0, float& y1) {
  y0 = std::min(y0, 0.0f), y1 = std::max(y1, 0.0f);
  if (!(y1 - y0 > 1e-6f)) y1 = y0 + 1;  // a flat zero signal still gets a range
}

}  // namespace

float LinePlot::label_room(float y0, float y1) {
  widen(y0, y1);
  return std::max(text_size(tick_text(y0)).x, text_size(tick_text(y1)).x) + 6.0f;
}

LinePlot::LinePlot(ImVec2 pos, ImVec2 size, double x0, double x1, float y0, float y1, float left)
    : box_lo_(pos), box_hi_(pos.x + size.x, pos.y + size.y), x0_(x0), x1_(x1 > x0 ? x1 : x0 + 1) {
  if (left < 0) left = label_room(y0, y1);
  widen(y0, y1);
  y0_ = y0, y1_ = y1;
  const float margin = (y1 - y0) * 0.08f;
  view_y0_ = y0 - margin, view_y1_ = y1 + margin;
  // Room for the y labels on the left, a line of x labels below, a title line above.
  const float line = label_size() + 2.0f;
  lo_ = ImVec2(box_lo_.x + left, box_lo_.y + line);
  hi_ = ImVec2(std::max(lo_.x + 10.0f, box_hi_.x - 4.0f), std::max(lo_.y + 10.0f, box_hi_.y - line));
}

ImVec2 LinePlot::at(double x, float y) const {
  const float fx = float((x - x0_) / (x1_ - x0_)), fy = (y - view_y0_) / (view_y1_ - view_y0_);
  return ImVec2(lo_.x + fx * (hi_.x - lo_.x), hi_.y - fy * (hi_.y - lo_.y));
}

float LinePlot::dot_radius() const { return std::clamp(unit() * 0.28f, 1.5f, 4.5f); }

void LinePlot::frame(ImDrawList* dl, const char* title) const {
  dl->AddRectFilled(lo_, hi_, kBackground);
  // Whole-number ticks along x, spaced so their labels do not touch.
  const float widest = std::max(text_size(tick_text(x0_)).x, text_size(tick_text(x1_)).x) + 8.0f;
  int step = 1;
  for (int s : {1, 2, 5, 10, 20, 50, 100}) {
    step = s;
    if (float(s) * unit() >= widest) break;
  }
  for (long t = long(std::ceil(x0_ / step)) * step; double(t) <= x1_; t += step) {
    const float x = at(double(t), 0).x;
    dl->AddLine(ImVec2(x, lo_.y), ImVec2(x, hi_.y), kGrid);
    const std::string s = tick_text(double(t));
    label(dl, ImVec2(x - text_size(s).x * 0.5f, hi_.y + 1.0f), s);
  }
  // The y range at its two ends, and the zero line.
  const float top = y1_, bottom = y0_;
  for (float v : {top, bottom}) {
    const std::string s = tick_text(v);
    const ImVec2 p = at(x0_, v);
    dl->AddLine(ImVec2(lo_.x - 3.0f, p.y), ImVec2(lo_.x, p.y), kAxis);
    // Kept inside the data area's height, clear of the title line above.
    const float y = std::clamp(p.y - label_size() * 0.5f, lo_.y, std::max(lo_.y, hi_.y - label_size()));
    label(dl, ImVec2(lo_.x - 5.0f - text_size(s).x, y), s);
  }
  const float zero = at(x0_, 0).y;
  dl->AddLine(ImVec2(lo_.x, zero), ImVec2(hi_.x, zero), kAxis, 1.5f);
  if (std::abs(zero - at(x0_, bottom).y) > label_size() && std::abs(zero - at(x0_, top).y) > label_size())
    label(dl, ImVec2(lo_.x - 5.0f - text_size("0").x, zero - label_size() * 0.5f), "0");
  dl->AddLine(ImVec2(lo_.x, lo_.y), ImVec2(lo_.x, hi_.y), kAxis);
  dl->AddText(ImGui::GetFont(), label_size(), ImVec2(lo_.x + 2.0f, box_lo_.y), IM_COL32(215, 220, 230, 255), title);
}

void LinePlot::band(ImDrawList* dl, double x0, double x1, ImU32 fill) const {
  const float a = std::max(lo_.x, at(x0, 0).x), b = std::min(hi_.x, at(x1, 0).x);
  if (b > a) dl->AddRectFilled(ImVec2(a, lo_.y), ImVec2(b, hi_.y), fill);
}

void LinePlot::series(ImDrawList* dl, const std::vector<PlotPoint>& points, ImU32 colour, bool connect) const {
  const float r = dot_radius();
  if (connect)
    for (std::size_t i = 1; i < points.size(); ++i)
      dl->AddLine(at(points[i - 1].x, points[i - 1].y), at(points[i].x, points[i].y), (colour & 0x00FFFFFF) | 0xA0000000, 1.5f);
  for (const PlotPoint& p : points) {
    if (p.hollow) dl->AddCircle(at(p.x, p.y), r, colour, 0, 1.5f);
    else dl->AddCircleFilled(at(p.x, p.y), r, colour);
  }
}

void LinePlot::ring(ImDrawList* dl, double x, float y, ImU32 colour, float radius) const {
  const ImVec2 c = at(x, y);
  dl->AddCircle(c, radius, IM_COL32(0, 0, 0, 220), 0, 4.0f);
  dl->AddCircle(c, radius, colour, 0, 2.0f);
}

int LinePlot::nearest(const std::vector<PlotPoint>& points, ImVec2 pointer, float reach) const {
  if (pointer.y < lo_.y - reach || pointer.y > hi_.y + reach) return -1;
  int best = -1;
  float best_dx = std::max(reach, unit() * 0.5f);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const float dx = std::abs(at(points[i].x, 0).x - pointer.x);
    if (dx <= best_dx) best = int(i), best_dx = dx;
  }
  return best;
}
