// A small line plot drawn with ImDrawList: a frame, a y axis with its range, a zero line, whole-number
// ticks along x, samples as dots joined by lines. A plot is a mapping from data to a screen box; the
// caller draws bands, series and marks with it, so several plots can share one x range and line up.
#pragma once
#include <vector>

#include "imgui.h"

struct PlotPoint {
  double x = 0;
  float y = 0;
  bool hollow = false;  // a ring instead of a dot: not a real sample (padding)
};

class LinePlot {
 public:
  // A plot filling the box at `pos` (screen) of `size`, x from x0 to x1, y from y0 to y1 widened to
  // include 0 and given a small margin. `left` is the room for the y labels (label_room() by default;
  // plots stacked on one x axis pass the largest of theirs so that they line up). Draws nothing yet.
  LinePlot(ImVec2 pos, ImVec2 size, double x0, double x1, float y0, float y1, float left = -1);
  static float label_room(float y0, float y1);

  // The background, the title in the top-left corner, the y range, the zero line and the x ticks.
  void frame(ImDrawList* dl, const char* title) const;
  // A vertical band from x0 to x1 (data), the plot's full height.
  void band(ImDrawList* dl, double x0, double x1, ImU32 fill) const;
  // Dots (rings where hollow), joined by lines when `connect` is set.
  void series(ImDrawList* dl, const std::vector<PlotPoint>& points, ImU32 colour, bool connect) const;
  // A ring around a point, readable on any colour.
  void ring(ImDrawList* dl, double x, float y, ImU32 colour, float radius) const;

  ImVec2 at(double x, float y) const;
  // The point nearest the pointer along x, within `reach` screen pixels (at least half a unit); -1 if none.
  int nearest(const std::vector<PlotPoint>& points, ImVec2 pointer, float reach = 12.0f) const;
  // Radius of a sample's dot: smaller when samples are dense.
  float dot_radius() const;
  float unit() const { return float((hi_.x - lo_.x) / (x1_ - x0_)); }  // screen pixels per x unit
  ImVec2 inner_min() const { return lo_; }
  ImVec2 inner_max() const { return hi_; }

 private:
  ImVec2 box_lo_, box_hi_;  // the whole box
  ImVec2 lo_, hi_;          // the data area inside the margins
  double x0_, x1_;
  float y0_, y1_;            // the data's range (with 0), labelled
  float view_y0_, view_y1_;  // with the margin: the area's bottom and top
};
