// Receptive field: which input pixels one unit of a stack of conv/pool layers can see. Hover a unit to
// see its exact input rectangle (and the growing rectangles of the layers below it), read size / jump /
// start per layer from the core's recurrence, and count paths: two 3x3 layers see 5x5 = 25 pixels,
// reached by 9 x 9 = 81 paths. The numbers come from the model (receptive_field_model.h).
#include <algorithm>
#include <string>

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

ImVec2 screen(const ViewTransform& tf, const cl::Rect& r, bool far) {
  return far ? tf.to_screen(float(r.x1), float(r.y1)) : tf.to_screen(float(r.x0), float(r.y0));
}

class ReceptiveFieldView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    model_.update(ctx.state, ctx.input, ctx.input_generation, pointer_);
    ctx.error = model_.error();
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
    const float line = ImGui::GetTextLineHeightWithSpacing(), gap = ImGui::GetStyle().ItemSpacing.x;
    const float sp = ImGui::GetStyle().ItemSpacing.y;
    const int L = model_.layer();
    const cl::Pair u = model_.unit();
    const cl::Rect& rect = model_.rect();
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
    ImGui::Text("unit %d,%d sees rows %d..%d, cols %d..%d", u.h, u.w, rect.y0, rect.y1 - 1, rect.x0, rect.x1 - 1);
    const Hover in = input_view_.draw("rf-input", input_box, ctx.state, [&](ImDrawList* dl, const ViewTransform& tf) {
      draw_fields(dl, tf);
    });
    ImGui::EndGroup();
    if (in.active) pointer_ = {RfPointer::Over::Input, in.y, in.x};
    if (in.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) keep_unit(ctx, u);
    tip("Hover to pick the unit whose field is centred nearest the pointer; click to keep it.");
    if (beside) ImGui::SameLine();
    ImGui::BeginGroup();
    const cl::Pair out = model_.sizes()[std::size_t(L)];
    ImGui::Text("layer %d: %d x %d units", L + 1, out.h, out.w);
    const Hover on_map = map_view_.draw("rf-map", small, ctx.state, [&](ImDrawList* dl, const ViewTransform& tf) {
      dl->AddRect(tf.to_screen(float(u.w), float(u.h)), tf.to_screen(float(u.w + 1), float(u.h + 1)), layer_colour(L), 0,
                  0, 2.5f);
    });
    if (on_map.active) pointer_ = {RfPointer::Over::Grid, on_map.y, on_map.x};
    if (on_map.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && on_map.y < out.h && on_map.x < out.w)
      keep_unit(ctx, cl::Pair{on_map.y, on_map.x});
    tip("The layer's units, drawn as the image through mean filters (conv) and max pools. Hover one to see its field.");
    if (!beside && !column) {
      ImGui::EndGroup();
      ImGui::SameLine();
      ImGui::BeginGroup();
    }
    ImGui::Text("%s paths", rf_number(model_.paths().total()).c_str());
    draw_paths(ctx, paths_box);
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
  }

 private:
  void keep_unit(LessonContext& ctx, cl::Pair unit) {
    ctx.state.step = unit.h * model_.sizes()[std::size_t(model_.layer())].w + unit.w;
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
  void draw_paths(LessonContext& ctx, ImVec2 box) const {
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
    ImGui::Dummy(ImVec2(gw * cell, gh * cell));
    if (!ImGui::IsItemHovered()) return;
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int x = int((m.x - o.x) / cell), y = int((m.y - o.y) / cell);
    if (x >= 0 && y >= 0 && x < gw && y < gh)
      ImGui::SetTooltip("input pixel (x %d, y %d): %s paths", r.x0 + x, r.y0 + y, rf_number(paths.at(r.y0 + y, r.x0 + x)).c_str());
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
