// Receptive field: which input pixels one unit of a stack of conv/pool layers can see. Hover a unit to
// see its exact input rectangle (and the growing rectangles of the layers below it), read size / jump /
// start per layer from the core's recurrence, and count paths: two 3x3 layers see 5x5 = 25 pixels,
// reached by 9 x 9 = 81 paths. The reverse, the projective field: click or tap an input pixel to see
// every unit of every layer it reaches (field=projective, or both at once). The numbers come from the
// model (receptive_field_model.h).
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "geometry.h"
#include "image_view.h"
#include "imgui.h"
#include "layer_stack_editor.h"
#include "lesson.h"
#include "receptive_field_model.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

// Dark blue -> teal -> yellow, for path counts.
ImU32 heat(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const float a[3] = {30, 40, 90}, b[3] = {30, 160, 160}, c[3] = {255, 225, 60};
  float rgb[3];
  for (int i = 0; i < 3; ++i)
    rgb[i] = t < 0.5 ? a[i] + (b[i] - a[i]) * float(t * 2) : b[i] + (c[i] - b[i]) * float(t * 2 - 1);
  return IM_COL32(int(rgb[0]), int(rgb[1]), int(rgb[2]), 255);
}

// The projective field's colour: white, the one colour none of the twelve layer colours (the receptive
// fields') comes near.
ImU32 projective_colour(int alpha = 255) { return IM_COL32(255, 255, 255, alpha); }

// Calls fn(r0, r1, c0, c1) for each block of reached units: runs of reached rows times runs of reached
// columns (one block for a solid field, one per unit where dilation leaves holes between them).
template <class Fn>
void for_each_reached_block(const cl::ProjectiveField& f, Fn fn) {
  const auto runs = [](const std::vector<double>& v) {
    std::vector<std::pair<int, int>> r;
    for (int i = 0; i < int(v.size());) {
      if (v[std::size_t(i)] == 0.0) {
        ++i;
        continue;
      }
      int j = i;
      while (j < int(v.size()) && v[std::size_t(j)] != 0.0) ++j;
      r.emplace_back(i, j);
      i = j;
    }
    return r;
  };
  const auto rows = runs(f.rows), cols = runs(f.cols);
  for (const auto& [r0, r1] : rows)
    for (const auto& [c0, c1] : cols) fn(r0, r1, c0, c1);
}

ImVec2 screen(const ViewTransform& tf, const cl::Rect& r, bool far) {
  return far ? tf.to_screen(float(r.x1), float(r.y1)) : tf.to_screen(float(r.x0), float(r.y0));
}

class ReceptiveFieldView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    model_.update(ctx.state, ctx.input, ctx.input_generation, pointer_);
    ctx.error = model_.error();
    if (!model_.pixel_error().empty()) {  // a pixel outside the image: the message shows, the setting goes back
      ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(ctx.state);
      p.pixel_y = model_.kept_pixel_setting().h;
      p.pixel_x = model_.kept_pixel_setting().w;
    }
    for (const auto& [key, value] : model_.readout()) ctx.publish(key, value);
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    if (model_.ok()) map_view_.set_for(std::to_string(model_.grid_generation()), model_.grid(), "clamp");
  }

  void visual(LessonContext& ctx, ImVec2 size) override {
    pointer_ = {};
    if (!model_.ok()) {
      ImGui::TextDisabled("Add a layer to see a receptive field.");
      return;
    }
    const bool receptive = shows_receptive(ctx.state), projective = shows_projective(ctx.state);
    const float line = ImGui::GetTextLineHeightWithSpacing(), gap = ImGui::GetStyle().ItemSpacing.x;
    const float sp = ImGui::GetStyle().ItemSpacing.y;
    const int L = model_.layer();
    const cl::Pair u = model_.unit(), px = model_.pixel();
    const cl::Rect& rect = model_.rect();
    const cl::ProjectiveField& pf = model_.projective_at_layer();
    // A wide box: the input left, the grid and the paths stacked right. A very tall one: all three in
    // a column. Otherwise the input on top, the grid and the paths side by side below it.
    const float aspect = float(ctx.input.h) / float(ctx.input.w);
    const bool beside = size.x > size.y * 1.25f, column = size.y > size.x * 1.8f;
    ImVec2 input_box, small;
    if (beside) {
      input_box = ImVec2(size.x * 0.58f, size.y - line);
      small = ImVec2(size.x - input_box.x - gap, (size.y - 2 * line - sp) * 0.5f - 1);
    } else if (column) {
      input_box = ImVec2(size.x, std::min((size.y - 3 * line - 2 * sp) * 0.36f, size.x * aspect));
      small = ImVec2(size.x, input_box.y);
    } else {
      input_box = ImVec2(size.x, std::min((size.y - 2 * line) * 0.56f, size.x * aspect));
      small = ImVec2((size.x - gap) * 0.5f, size.y - input_box.y - 2 * line - sp - 1);
    }
    const ImVec2 paths_box = column ? ImVec2(size.x, size.y - 2 * input_box.y - 3 * line - 2 * sp - 1) : small;
    ImGui::BeginGroup();
    if (!projective)
      ImGui::Text("unit %d,%d sees rows %d..%d, cols %d..%d", u.h, u.w, rect.y0, rect.y1 - 1, rect.x0, rect.x1 - 1);
    else if (!receptive)
      ImGui::TextColored(ImColor(projective_colour()), "pixel %d,%d: %s a pixel to move it", px.h, px.w,
                         ctx.touch ? "tap" : "click");
    else {
      ImGui::TextColored(ImColor(projective_colour()), "pixel %d,%d", px.h, px.w);
      ImGui::SameLine();
      ImGui::TextColored(ImColor(layer_colour(L)), "and unit %d,%d's field", u.h, u.w);
    }
    const Hover in = input_view_.draw("rf-input", input_box, ctx.state, [&](ImDrawList* dl, const ViewTransform& tf) {
      if (receptive) draw_fields(dl, tf);
      if (projective) draw_pixel(dl, tf);
    });
    ImGui::EndGroup();
    if (in.active) pointer_ = {RfPointer::Over::Input, in.y, in.x};
    if (in.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      if (projective) keep_pixel(ctx, cl::Pair{in.y, in.x});
      else keep_unit(ctx, u);
    }
    tip(projective ? "Hover to see a pixel's projective field; click or tap to keep the pixel."
                   : "Hover to pick the unit whose field is centred nearest the pointer; click to keep it.");
    if (beside) ImGui::SameLine();
    ImGui::BeginGroup();
    const cl::Pair out = model_.sizes()[std::size_t(L)];
    if (!projective) ImGui::Text("layer %d: %d x %d units", L + 1, out.h, out.w);
    else
      ImGui::TextColored(ImColor(projective_colour()), "layer %d: reaches %s of %d x %d", L + 1,
                         rf_number(double(pf.units())).c_str(), out.h, out.w);
    const Hover on_map = map_view_.draw("rf-map", small, ctx.state, [&](ImDrawList* dl, const ViewTransform& tf) {
      if (projective) draw_reached(dl, tf, pf);
      if (!receptive) return;
      const ImVec2 a = tf.to_screen(float(u.w), float(u.h)), b = tf.to_screen(float(u.w + 1), float(u.h + 1));
      dl->AddRect(a, b, layer_colour(L), 0, 0, 2.5f);
      if (projective && tf.scale < 14.0f) draw_ring(dl, ImVec2(0.5f * (a.x + b.x), 0.5f * (a.y + b.y)), layer_colour(L), 9.0f);
    });
    if (on_map.active) pointer_ = {RfPointer::Over::Grid, on_map.y, on_map.x};
    if (on_map.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && on_map.y < out.h && on_map.x < out.w)
      keep_unit(ctx, cl::Pair{on_map.y, on_map.x});
    tip(projective ? "The layer's units; in white: those the pixel reaches (its projective field). Hover one for its field."
                   : "The layer's units, drawn as the image through mean filters (conv) and max pools. Hover one to see its field.");
    if (!beside && !column) {
      ImGui::EndGroup();
      ImGui::SameLine();
      ImGui::BeginGroup();
    }
    if (!projective) {
      ImGui::Text("%s paths", rf_number(model_.paths().total()).c_str());
      draw_paths(ctx, paths_box, false);
    } else if (receptive) {
      const double n = model_.pixel_to_unit_paths();
      if (n > 0) ImGui::Text("pixel in unit's field: %s paths", rf_number(n).c_str());
      else ImGui::TextUnformatted("pixel outside the unit's field");
      draw_paths(ctx, paths_box, true);
    } else {
      ImGui::TextColored(ImColor(projective_colour()), "paths from the pixel");
      draw_projective_tiles(ctx, paths_box);
    }
    ImGui::EndGroup();
  }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    if (ctx.section("layers", "Layers")) {
      help("The stack lives in the link, so a URL reproduces it. Pool and conv layers have the same geometry.");
      layer_stack_editor(s);
    }
    if (!model_.ok()) return;
    if (ctx.section("layer", "Units and their fields")) {
      choose_layer(s);
      field_table();
      explain_paths();
    }
    if (ctx.section("projective", "Projective field of a pixel")) projective_controls(ctx);
  }

 private:
  void keep_unit(LessonContext& ctx, cl::Pair unit) {
    ctx.state.step = unit.h * model_.sizes()[std::size_t(model_.layer())].w + unit.w;
  }

  static void keep_pixel(LessonContext& ctx, cl::Pair pixel) {
    ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(ctx.state);
    p.pixel_y = pixel.h, p.pixel_x = pixel.w;
  }

  // The chosen pixel: outlined, with a ring while it is too small to spot.
  void draw_pixel(ImDrawList* dl, const ViewTransform& tf) const {
    const cl::Pair px = model_.pixel();
    const ImVec2 a = tf.to_screen(float(px.w), float(px.h)), b = tf.to_screen(float(px.w + 1), float(px.h + 1));
    dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), IM_COL32(0, 0, 0, 200), 0, 0, 3.0f);
    dl->AddRect(a, b, projective_colour(), 0, 0, 2.0f);
    if (tf.scale < 14.0f) draw_ring(dl, ImVec2(0.5f * (a.x + b.x), 0.5f * (a.y + b.y)), projective_colour(), 12.0f);
  }

  // On a layer's grid: the units the pixel reaches tinted (the exact set, holes left open), their box outlined.
  static void draw_reached(ImDrawList* dl, const ViewTransform& tf, const cl::ProjectiveField& f) {
    if (f.units() == 0) return;
    for_each_reached_block(f, [&](int r0, int r1, int c0, int c1) {
      const ImVec2 a = tf.to_screen(float(c0), float(r0)), b = tf.to_screen(float(c1), float(r1));
      dl->AddRectFilled(a, b, projective_colour(170));
      if (tf.scale >= 3.0f) dl->AddRect(a, b, IM_COL32(0, 0, 0, 160));
    });
    const ImVec2 a = tf.to_screen(float(f.box.x0), float(f.box.y0)), b = tf.to_screen(float(f.box.x1), float(f.box.y1));
    dl->AddRect(a, b, IM_COL32(0, 0, 0, 170), 0, 0, 3.5f);
    dl->AddRect(a, b, projective_colour(), 0, 0, 1.5f);
    if (b.x - a.x < 14.0f) draw_ring(dl, ImVec2(0.5f * (a.x + b.x), 0.5f * (a.y + b.y)), projective_colour(), 12.0f);
  }

  // The unit's input pixels tinted, its field outlined, and inside it the fields of the layers below.
  void draw_fields(ImDrawList* dl, const ViewTransform& tf) const {
    const int L = model_.layer();
    const cl::Rect& rect = model_.rect();
    if (!rect_empty(model_.clipped()))
      dl->AddRectFilled(screen(tf, model_.clipped(), false), screen(tf, model_.clipped(), true), layer_colour(L, 50));
    if (float(rect.x1 - rect.x0) * tf.scale < 14.0f) {  // a ring around a field too small to spot
      const ImVec2 c = tf.to_screen(0.5f * float(rect.x0 + rect.x1), 0.5f * float(rect.y0 + rect.y1));
      draw_ring(dl, c, layer_colour(L));
    }
    for (int l = 0; l <= L; ++l) {
      const cl::Rect& r = model_.nested()[std::size_t(l)];
      dl->AddRect(screen(tf, r, false), screen(tf, r, true), layer_colour(l), 0.0f, 0, l == L ? 3.0f : 1.5f);
    }
  }

  // The unit's field as cells coloured by their path count, with the counts when they fit.
  // With mark_pixel, the chosen pixel's cell is outlined in the projective field's colour.
  void draw_paths(LessonContext& ctx, ImVec2 box, bool mark_pixel) const {
    const cl::Rect& r = model_.rect();
    const cl::PathCounts& paths = model_.paths();
    const int gh = r.y1 - r.y0, gw = r.x1 - r.x0;
    if (gh * gw > 160 * 160) {
      ImGui::TextDisabled("(%d x %d: too many cells to draw)", gw, gh);
      return;
    }
    const float cell = std::min({box.x / float(gw), box.y / float(gh), 40.0f});
    const double max = std::max(paths.max(), 1.0);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImFont* font = mono_font();
    const float fs = std::min(14.0f, cell * 0.42f);
    for (int y = 0; y < gh; ++y)
      for (int x = 0; x < gw; ++x) {
        const int iy = r.y0 + y, ix = r.x0 + x;
        const ImVec2 a(o.x + x * cell, o.y + y * cell), b(a.x + cell, a.y + cell);
        const bool outside = iy < 0 || ix < 0 || iy >= ctx.input.h || ix >= ctx.input.w;
        const double c = paths.at(iy, ix);
        dl->AddRectFilled(a, b, outside ? IM_COL32(60, 60, 66, 255) : c > 0 ? heat(c / max) : IM_COL32(20, 22, 28, 255));
        if (cell >= 6) dl->AddRect(a, b, IM_COL32(0, 0, 0, 90));
        if (cell < 22.0f || outside) continue;
        const std::string t = rf_number(c);
        const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
        if (ts.x < cell - 2)
          dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f),
                      c / max > 0.6 ? IM_COL32(20, 20, 20, 255) : IM_COL32(235, 235, 235, 255), t.c_str());
      }
    dl->AddRect(o, ImVec2(o.x + gw * cell, o.y + gh * cell), layer_colour(model_.layer()), 0, 0, 2.5f);
    const cl::Pair px = model_.pixel();
    if (mark_pixel && px.h >= r.y0 && px.h < r.y1 && px.w >= r.x0 && px.w < r.x1) {
      const ImVec2 a(o.x + float(px.w - r.x0) * cell, o.y + float(px.h - r.y0) * cell);
      dl->AddRect(a, ImVec2(a.x + cell, a.y + cell), projective_colour(), 0, 0, std::max(2.0f, std::min(4.0f, cell * 0.2f)));
    }
    ImGui::Dummy(ImVec2(gw * cell, gh * cell));
    if (!ImGui::IsItemHovered()) return;
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int x = int((m.x - o.x) / cell), y = int((m.y - o.y) / cell);
    if (x >= 0 && y >= 0 && x < gw && y < gh)
      ImGui::SetTooltip("input pixel (x %d, y %d): %s paths", r.x0 + x, r.y0 + y, rf_number(paths.at(r.y0 + y, r.x0 + x)).c_str());
  }

  // One tile per layer: the units around the pixel's projective field, coloured by their paths from the
  // pixel (dark: not reached; grey: past the layer's edge). A tap on a tile chooses that layer.
  void draw_projective_tiles(LessonContext& ctx, ImVec2 box) const {
    const std::vector<cl::ProjectiveField>& pfs = model_.projective();
    const int n = int(pfs.size()), L = model_.layer();
    const float caption = ImGui::GetTextLineHeight(), gap = ImGui::GetStyle().ItemSpacing.x;
    const float vgap = ImGui::GetStyle().ItemSpacing.y;
    const ViewGrid g = view_grid(n, box, 1.0f, caption);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImFont* font = mono_font();
    for (int i = 0; i < n; ++i) {
      const cl::ProjectiveField& f = pfs[std::size_t(i)];
      const ImVec2 t(o.x + float(i % g.cols) * (g.cell.x + gap), o.y + float(i / g.cols) * (g.cell.y + caption + vgap));
      const ImVec2 lo(t.x, t.y + caption), hi(t.x + g.cell.x, t.y + caption + g.cell.y);
      char label[64];
      if (f.units() == 0) std::snprintf(label, sizeof label, "%d: none", i + 1);
      else if (f.units() == (long long)(f.box.y1 - f.box.y0) * (f.box.x1 - f.box.x0))
        std::snprintf(label, sizeof label, "%d: %dx%d", i + 1, f.box.y1 - f.box.y0, f.box.x1 - f.box.x0);
      else std::snprintf(label, sizeof label, "%d: %lld in %dx%d", i + 1, f.units(), f.box.y1 - f.box.y0, f.box.x1 - f.box.x0);
      dl->PushClipRect(t, ImVec2(hi.x, lo.y), true);
      dl->AddText(t, layer_colour(i), label);
      dl->PopClipRect();
      dl->AddRectFilled(lo, hi, IM_COL32(24, 26, 31, 255));
      if (f.units() > 0) draw_tile_cells(dl, f, lo, hi, font);
      dl->AddRect(lo, hi, layer_colour(i), 0, 0, i == L ? 3.0f : 1.0f);
      ImGui::SetCursorScreenPos(lo);
      ImGui::PushID(i);
      if (ImGui::InvisibleButton("tile", g.cell)) {
        ctx.state.rf_layer = i == n - 1 ? -1 : i;
        ctx.state.step = -1;
      }
      ImGui::PopID();
      if (ImGui::IsItemHovered() && !ctx.touch)
        ImGui::SetTooltip("layer %d: %s units reached (%s); click to show this layer", i + 1, rf_number(double(f.units())).c_str(),
                          layer_label(model_.layers()[std::size_t(i)]).c_str());
    }
    ImGui::SetCursorScreenPos(o);
    ImGui::Dummy(ImVec2(float(g.cols) * (g.cell.x + gap) - gap, float(g.rows) * (g.cell.y + caption + vgap) - vgap));
  }

  // The cells of one tile: the field's box and one unit around it, so the layer's edge shows when it is near.
  static void draw_tile_cells(ImDrawList* dl, const cl::ProjectiveField& f, ImVec2 lo, ImVec2 hi, ImFont* font) {
    const int y0 = std::max(f.box.y0 - 1, -1), y1 = std::min(f.box.y1 + 1, f.out.h + 1);
    const int x0 = std::max(f.box.x0 - 1, -1), x1 = std::min(f.box.x1 + 1, f.out.w + 1);
    const int gh = y1 - y0, gw = x1 - x0;
    const float cell = std::min({(hi.x - lo.x) / float(gw), (hi.y - lo.y) / float(gh), 40.0f});
    const ImVec2 c(lo.x + (hi.x - lo.x - cell * float(gw)) * 0.5f, lo.y + (hi.y - lo.y - cell * float(gh)) * 0.5f);
    const auto at = [&](int y, int x) { return ImVec2(c.x + float(x - x0) * cell, c.y + float(y - y0) * cell); };
    if (gh * gw > 96 * 96) {  // too many cells to draw one by one: the reached blocks in one colour
      for_each_reached_block(f, [&](int r0, int r1, int c0, int c1) {
        if (r1 <= y0 || r0 >= y1 || c1 <= x0 || c0 >= x1) return;
        dl->AddRectFilled(at(r0, c0), at(r1, c1), projective_colour(200));
      });
      return;
    }
    double max = 1.0;
    for (double v : f.rows) max = std::max(max, v);
    double max_cols = 1.0;
    for (double v : f.cols) max_cols = std::max(max_cols, v);
    max *= max_cols;
    const float fs = std::min(14.0f, cell * 0.42f);
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const ImVec2 a = at(y, x), b(a.x + cell, a.y + cell);
        const bool outside = y < 0 || x < 0 || y >= f.out.h || x >= f.out.w;
        const double p = f.paths(y, x);
        dl->AddRectFilled(a, b, outside ? IM_COL32(60, 60, 66, 255) : p > 0 ? heat(p / max) : IM_COL32(20, 22, 28, 255));
        if (cell >= 6) dl->AddRect(a, b, IM_COL32(0, 0, 0, 90));
        if (cell < 22.0f || p <= 0) continue;
        const std::string t = rf_number(p);
        const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
        if (ts.x < cell - 2)
          dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f),
                      p / max > 0.6 ? IM_COL32(20, 20, 20, 255) : IM_COL32(235, 235, 235, 255), t.c_str());
      }
    const ImVec2 a = at(f.box.y0, f.box.x0), b = at(f.box.y1, f.box.x1);
    dl->AddRect(a, b, projective_colour(), 0, 0, 2.0f);
  }

  void projective_controls(LessonContext& ctx) {
    ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(ctx.state);
    help("A pixel's projective field: the units of every layer it reaches. A unit is in pixel p's projective field "
         "exactly when p is in that unit's receptive field: both say a path of taps leads from p to the unit.");
    const char* labels[] = {"receptive field of a unit", "projective field of a pixel", "both"};
    for (int i = 0; i < 3; ++i) {
      const std::string& choice = rf_field_choices()[std::size_t(i)];
      if (i > 0) same_line_if_fits(labelled_width(ImGui::GetFrameHeight(), labels[i]));
      if (ImGui::RadioButton(labels[i], p.field == choice)) p.field = choice;
    }
    note("In the pictures the pixel and the units it reaches are white; a unit's receptive field has its layer's colour.");
    const cl::Pair px = model_.pixel();
    int row = px.h, col = px.w;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("pixel row");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * (ctx.touch ? 9.0f : 6.5f));
    if (ImGui::InputInt("##row", &row, 1, 10)) p.pixel_y = row, p.pixel_x = px.w;
    tip("The pixel's row, from 0 at the top. A row outside the image is refused.");
    same_line_if_fits(ImGui::GetFontSize() * (ctx.touch ? 12.0f : 9.5f));
    ImGui::TextUnformatted("col");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * (ctx.touch ? 9.0f : 6.5f));
    if (ImGui::InputInt("##col", &col, 1, 10)) p.pixel_y = px.h, p.pixel_x = col;
    tip("The pixel's column, from 0 at the left. A column outside the image is refused.");
    same_line_if_fits(button_width("centre"));
    if (ImGui::Button("centre")) p.pixel_y = p.pixel_x = -1;
    tip("The pixel at the image's centre.");
    projective_table();
    explain_projective();
  }

  void projective_table() const {
    const int L = model_.layer();
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (!ImGui::BeginTable("projective", 5, flags)) return;
    for (const char* name : {"layer", "rows", "cols", "box", "units"}) ImGui::TableSetupColumn(name);
    ImGui::TableHeadersRow();
    ImGui::PushFont(mono_font());
    const auto span = [](int a, int b) { return a < b ? std::to_string(a) + ".." + std::to_string(b - 1) : std::string("-"); };
    for (int i = 0; i < int(model_.projective().size()); ++i) {
      const cl::ProjectiveField& f = model_.projective()[std::size_t(i)];
      const bool none = f.units() == 0;
      ImGui::TableNextRow();
      if (i == L) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, layer_colour(i, 45));
      ImGui::TableNextColumn();
      ImGui::TextColored(ImColor(layer_colour(i)), "%d %s", i + 1, layers_to_text({model_.layers()[std::size_t(i)]}).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(none ? "-" : span(f.box.y0, f.box.y1).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(none ? "-" : span(f.box.x0, f.box.x1).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%dx%d", none ? 0 : f.box.y1 - f.box.y0, none ? 0 : f.box.x1 - f.box.x0);
      ImGui::TableNextColumn();
      const long long area = (long long)(f.box.y1 - f.box.y0) * (f.box.x1 - f.box.x0);
      if (!none && f.units() < area) ImGui::Text("%lld (%dx%d, holes)", f.units(), f.rows_reached(), f.cols_reached());
      else ImGui::Text("%lld", f.units());
    }
    ImGui::PopFont();
    ImGui::EndTable();
  }

  void explain_projective() const {
    const cl::Pair px = model_.pixel(), u = model_.unit();
    const cl::ProjectiveField& f = model_.projective_at_layer();
    const int L = model_.layer();
    const double n = model_.pixel_to_unit_paths();
    ImGui::PushTextWrapPos(0.0f);
    if (n > 0)
      ImGui::Text("Unit %d,%d of layer %d reads pixel %d,%d by %s paths: the unit is in the pixel's projective field, "
                  "and the pixel in the unit's receptive field.", u.h, u.w, L + 1, px.h, px.w, rf_number(n).c_str());
    else
      ImGui::Text("Unit %d,%d of layer %d never reads pixel %d,%d: the unit is outside the pixel's projective field, "
                  "and the pixel outside the unit's receptive field.", u.h, u.w, L + 1, px.h, px.w);
    const long long area = (long long)(f.box.y1 - f.box.y0) * (f.box.x1 - f.box.x0);
    if (f.units() == 0)
      note("The pixel reaches no unit of layer %d: a stride steps every window over it.", L + 1);
    else if (f.units() < area)
      note("Holes: the pixel reaches %lld units, not all %lld of their %dx%d box; dilation (or a stride) skips rows "
           "and columns between them.", f.units(), area, f.box.y1 - f.box.y0, f.box.x1 - f.box.x0);
    ImGui::TextDisabled("Near the image's edge a pixel reaches fewer units, and by fewer paths: the windows that would "
                        "reach it from outside read padding instead. With a stride, a pixel between two windows' starts "
                        "is read by fewer windows than one where they overlap.");
    ImGui::PopTextWrapPos();
  }

  void choose_layer(State& s) {
    const std::vector<cl::Layer>& layers = model_.layers();
    const int n = int(layers.size()), L = model_.layer();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("show the units of");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    const std::string current = "layer " + std::to_string(L + 1) + (L == n - 1 ? " (last)" : "");
    if (ImGui::BeginCombo("##layer", current.c_str())) {
      for (int i = 0; i < n; ++i) {
        const std::string label = "layer " + std::to_string(i + 1) + ": " + layer_label(layers[std::size_t(i)]);
        if (ImGui::Selectable(label.c_str(), i == L)) {
          s.rf_layer = i == n - 1 ? -1 : i;
          s.step = -1;
        }
      }
      ImGui::EndCombo();
    }
    tip("Whose units you hover: the last layer's, or any layer's below it.");
  }

  void field_table() const {
    help("size = size below + (d*(k-1)+1 - 1) * jump below;  jump = jump below * stride;  start = start below + "
         "((d*(k-1)+1 - 1)/2 - padding) * jump below. The input itself has size 1, jump 1, start 0.");
    const int L = model_.layer();
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (ImGui::BeginTable("fields", 6, flags)) {
      for (const char* name : {"layer", "span", "output HxW", "field", "jump", "start"}) ImGui::TableSetupColumn(name);
      ImGui::TableHeadersRow();
      ImGui::PushFont(mono_font());
      for (int i = 0; i < int(model_.fields().size()); ++i) {
        const cl::Layer& l = model_.layers()[std::size_t(i)];
        const cl::FieldInfo& f = model_.fields()[std::size_t(i)];
        const cl::Pair out = model_.sizes()[std::size_t(i)];
        ImGui::TableNextRow();
        if (i == L) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, layer_colour(i, 45));
        ImGui::TableNextColumn();
        ImGui::TextColored(ImColor(layer_colour(i)), "%d %s", i + 1, layers_to_text({l}).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", cl::effective_kernel(l.kernel.h, l.dilation.h));
        ImGui::TableNextColumn();
        ImGui::Text("%dx%d", out.h, out.w);
        ImGui::TableNextColumn();
        ImGui::Text("%dx%d", f.size.h, f.size.w);
        ImGui::TableNextColumn();
        ImGui::Text("%d", f.jump.w);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(rf_number(f.start_w).c_str());
      }
      ImGui::PopFont();
      ImGui::EndTable();
    }
    const RfRule r = model_.rule();
    ImGui::PushFont(mono_font());
    ImGui::TextColored(ImColor(layer_colour(L)), "layer %d: %d + (%d - 1) x %d = %d", L + 1, r.below_size, r.span,
                       r.below_jump, r.size);
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("size = size below + (span - 1) x jump below: each layer adds (span - 1) units of the layer below, "
                        "and each of those is 'jump' input pixels apart. Strides and pooling multiply the jump, so every later "
                        "layer grows the field faster. Padding only shifts 'start'.");
    ImGui::PopTextWrapPos();
  }

  void explain_paths() const {
    const cl::PathCounts& p = model_.paths();
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("%s pixels reach the unit by %s paths; an interior unit has %s = %s.", rf_number(double(p.support())).c_str(),
                rf_number(p.total()).c_str(), model_.interior_paths_text().c_str(), rf_number(model_.interior_paths()).c_str());
    ImGui::TextDisabled("Each path picks one tap of every layer's window, so the paths multiply while the field only "
                        "adds. With every weight 1 the path grid is the unit's gradient: the ERF lesson's uniform heatmap.");
    ImGui::PopTextWrapPos();
  }

  ReceptiveFieldModel model_;
  ImageView input_view_, map_view_;
  RfPointer pointer_;  // last frame's: the model picks the unit before this frame's views are drawn
};

}  // namespace

REGISTER_LESSON_VIEW("receptive-field", ReceptiveFieldView);
