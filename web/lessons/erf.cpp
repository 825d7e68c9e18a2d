// Effective receptive field (Luo et al. 2016): how much each input pixel actually moves one output
// unit, measured as the gradient through the stack (core/erf.h), beside the theoretical field. The
// ERF is a bump much smaller than the theoretical square, and its share of it shrinks with depth.
// The model (erf_model.h) sweeps the depths a few per frame under a time budget, with a progress bar,
// so deep stacks never freeze the page.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "erf_model.h"
#include "image_view.h"
#include "imgui.h"
#include "layer_stack_editor.h"
#include "lesson.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr double kFrameBudgetMs = 12;  // sweep work per frame before yielding to the browser
const ImU32 kErfColour = IM_COL32(0, 210, 255, 255);

std::string fmt(double v, const char* f = "%.4g") {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// A chart of a few series against depth 1..n.
struct Series {
  std::vector<double> values;
  ImU32 colour;
  const char* label;
};

void line_chart(const char* id, ImVec2 size, const std::vector<Series>& series, int n, double y_max) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 a(o.x + 40, o.y + line + 10), b(o.x + size.x - 8, o.y + size.y - line - 6);
  const ImU32 grey = IM_COL32(150, 155, 165, 255);
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(24, 26, 31, 255), 4.0f);
  auto X = [&](int d) { return n <= 1 ? (a.x + b.x) * 0.5f : a.x + (b.x - a.x) * float(d - 1) / float(n - 1); };
  auto Y = [&](double v) { return b.y - (b.y - a.y) * float(std::clamp(v / y_max, 0.0, 1.0)); };
  for (int t = 0; t <= 4; ++t) {
    const double v = y_max * t / 4.0;
    dl->AddLine(ImVec2(a.x, Y(v)), ImVec2(b.x, Y(v)), IM_COL32(255, 255, 255, t == 0 ? 60 : 18));
    dl->AddText(ImVec2(o.x + 4, Y(v) - line * 0.5f), grey, fmt(v, "%.3g").c_str());
  }
  const int every = std::max(1, int(std::ceil(n * 24.0f / std::max(1.0f, b.x - a.x))));  // labels that fit
  for (int d = 1; d <= n; ++d)
    if ((d - 1) % every == 0 || d == n) dl->AddText(ImVec2(X(d) - 4, b.y + 3), grey, std::to_string(d).c_str());
  for (const Series& s : series)
    for (int d = 1; d <= int(s.values.size()); ++d) {
      const ImVec2 p(X(d), Y(s.values[std::size_t(d - 1)]));
      if (d > 1) dl->AddLine(ImVec2(X(d - 1), Y(s.values[std::size_t(d - 2)])), p, s.colour, 2.0f);
      dl->AddCircleFilled(p, 3.5f, s.colour);
    }
  float lx = a.x;  // the legend, above the plot
  for (const Series& s : series) {
    dl->AddRectFilled(ImVec2(lx, o.y + 6), ImVec2(lx + 10, o.y + 6 + line * 0.7f), s.colour, 2.0f);
    dl->AddText(ImVec2(lx + 14, o.y + 3), IM_COL32(215, 220, 230, 255), s.label);
    lx += 26 + ImGui::CalcTextSize(s.label).x;
  }
  if (!ImGui::IsItemHovered()) return;
  const int d = n <= 1 ? 1 : int(std::lround((ImGui::GetIO().MousePos.x - a.x) / (b.x - a.x) * (n - 1))) + 1;
  if (d < 1 || series.empty() || d > int(series[0].values.size())) return;
  ImGui::BeginTooltip();
  ImGui::Text("depth %d", d);
  for (const Series& s : series) ImGui::Text("%s: %s", s.label, fmt(s.values[std::size_t(d - 1)]).c_str());
  ImGui::EndTooltip();
}

// The theoretical field (white) and the square holding 95% of the gradient (dashed blue).
void draw_outlines(ImDrawList* dl, const ViewTransform& tf, const ErfSweep& sweep) {
  const cl::Rect& f = sweep.field_rect();
  dl->AddRect(tf.to_screen(float(f.x0), float(f.y0)), tf.to_screen(float(f.x1), float(f.y1)), IM_COL32(255, 255, 255, 230), 0,
              0, 2.0f);
  const float half = float(sweep.shown().erf) * 0.5f;
  const float cy = float(sweep.centre_y()) + 0.5f, cx = float(sweep.centre_x()) + 0.5f;
  const ImVec2 a = tf.to_screen(cx - half, cy - half), b = tf.to_screen(cx + half, cy + half);
  for (float t = 0; t < 1.0f; t += 0.1f) {
    const float t1 = std::min(1.0f, t + 0.05f);
    dl->AddLine(ImVec2(a.x + (b.x - a.x) * t, a.y), ImVec2(a.x + (b.x - a.x) * t1, a.y), kErfColour, 2.0f);
    dl->AddLine(ImVec2(a.x + (b.x - a.x) * t, b.y), ImVec2(a.x + (b.x - a.x) * t1, b.y), kErfColour, 2.0f);
    dl->AddLine(ImVec2(a.x, a.y + (b.y - a.y) * t), ImVec2(a.x, a.y + (b.y - a.y) * t1), kErfColour, 2.0f);
    dl->AddLine(ImVec2(b.x, a.y + (b.y - a.y) * t), ImVec2(b.x, a.y + (b.y - a.y) * t1), kErfColour, 2.0f);
  }
}

class ErfView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    sweep_.sync(ctx.state);
    if (!sweep_.done()) {
      sweep_.advance(kFrameBudgetMs);
      if (!sweep_.done()) ctx.keep_drawing();
    }
    if (!sweep_.error().empty()) ctx.error = sweep_.error();
    for (const auto& [key, value] : sweep_.readout()) ctx.publish(key, value);
    if (!sweep_.gradient().empty()) heat_view_.set_for(std::to_string(sweep_.gradient_generation()), sweep_.gradient(), "abs");
  }

  void visual(LessonContext& ctx, ImVec2 size) override {
    if (sweep_.layers().empty()) {
      ImGui::TextDisabled("Add a layer to measure its effective receptive field.");
      return;
    }
    const ImVec2 top = ImGui::GetCursorPos();
    const float line = ImGui::GetTextLineHeightWithSpacing(), gap = ImGui::GetStyle().ItemSpacing.x;
    const float sp = ImGui::GetStyle().ItemSpacing.y;
    const int n = int(sweep_.layers().size()), done = int(sweep_.results().size());
    if (!sweep_.done()) {
      ImGui::ProgressBar(float(done) / float(n), ImVec2(size.x, 0), ("depth " + std::to_string(done) + " of " + std::to_string(n)).c_str());
      tip("The sweep runs a few depths per frame so the page stays responsive.");
    } else if (!sweep_.stop_reason().empty()) {
      ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.4f, 1.0f), "stopped at depth %d (see Per depth)", done);
      tip(sweep_.stop_reason().c_str());
    }
    if (sweep_.gradient().empty()) {
      ImGui::TextDisabled("Measuring...");
      return;
    }
    const float room = size.y - (ImGui::GetCursorPosY() - top.y);
    // The heatmap and two charts: the charts right of the heatmap on a wide box, below it otherwise.
    const bool beside = size.x > room * 1.3f;
    const ImVec2 heat = beside ? ImVec2(std::min(room - line, size.x * 0.55f), room - line)
                               : ImVec2(size.x, std::min(size.x, (room - line) * 0.55f));
    ImGui::BeginGroup();
    const ErfDepth& shown = sweep_.shown();
    ImGui::Text("|d unit / d pixel| at depth %d", shown.depth);
    heat_view_.draw("erf-heat", heat, ctx.state, [&](ImDrawList* dl, const ViewTransform& tf) { draw_outlines(dl, tf, sweep_); });
    tip("White: the theoretical field. Dashed: the smallest square around its centre holding 95% of the gradient.");
    ImGui::EndGroup();
    if (beside) ImGui::SameLine();
    std::vector<double> theo, erf, ratio;
    double top_size = 1;
    for (const ErfDepth& r : sweep_.results()) {
      theo.push_back(r.theoretical.h);
      erf.push_back(r.erf);
      ratio.push_back(r.erf / r.theoretical.h);
      top_size = std::max(top_size, double(r.theoretical.h));
    }
    // Below the heatmap: what is left (the view may draw less than it was given).
    const float below = size.y - (ImGui::GetCursorPosY() - top.y);
    const ImVec2 chart = beside ? ImVec2(size.x - heat.x - gap, (room - line - sp) * 0.5f - 1)
                                : ImVec2((size.x - gap) * 0.5f, below - line - 1);
    ImGui::BeginGroup();
    ImGui::TextDisabled("against depth 1..%d", n);
    line_chart("sizes", chart, {{theo, IM_COL32(235, 235, 235, 255), "field"}, {erf, kErfColour, "ERF"}}, n, top_size * 1.05);
    tip("Each point is the ERF of the first d layers. Stride-1 fields grow linearly with depth, the ERF roughly like "
        "its square root.");
    if (!beside) ImGui::SameLine();
    line_chart("ratio", chart, {{ratio, IM_COL32(255, 196, 0, 255), "ERF / field"}}, n, 1.0);
    tip("The ERF's share of the theoretical field: it falls with depth.");
    ImGui::EndGroup();
  }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    ErfParams& p = lesson_params<ErfParams>(s);
    if (ctx.section("weights", "Network")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
      if (ImGui::BeginCombo("weights", p.weights.c_str())) {
        if (ImGui::Selectable("uniform", p.weights == "uniform")) p.weights = "uniform";
        tip("Every weight 1: the gradient counts the paths from each pixel to the unit.");
        if (ImGui::Selectable("random", p.weights == "random")) p.weights = "random";
        tip("Weights uniform on [-a, a], a = sqrt(3 / fan_in), as a freshly initialised network; 8 channels per layer.");
        ImGui::EndCombo();
      }
      tip("Uniform weights count paths; random weights are an untrained network.");
      if (ctx.visible("relu")) {
        ImGui::SameLine();
        ImGui::Checkbox("ReLU", &p.relu);
        tip("A ReLU after every conv layer but the last: pixels whose path is switched off stop contributing.");
      }
      if (ctx.visible("seed")) {
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * (ctx.touch ? 10 : 6));  // room for the +/- buttons
        if (ImGui::InputInt("seed", &s.seed)) s.seed = std::clamp(s.seed, 0, 1000000);
        tip("Seeds the random input image and the random weights: the same seed gives the same network.");
      }
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextDisabled("The gradient is summed over %d input channel%s of a random image; the unit is the centre "
                          "of the last layer's output.", sweep_.channels(), sweep_.channels() > 1 ? "s" : "");
      ImGui::PopTextWrapPos();
    }
    if (ctx.section("depth", "Per depth")) {
      if (!s.layers.empty()) {
        int depth = int(s.layers.size());
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
        if (ImGui::SliderInt("depth", &depth, 1, kMaxStackLayers)) s.layers.assign(std::size_t(depth), s.layers.front());
        tip("Replace the stack by this many copies of layer 1, to see how the ERF grows with depth.");
      }
      depth_table();
    }
    if (ctx.section("layers", "Layers")) {
      help("The stack lives in the link. ERF pools are max pools; every conv maps C channels to C (1 for uniform "
           "weights, 8 for random), without bias.");
      layer_stack_editor(s);
    }
  }

 private:
  void depth_table() const {
    const std::vector<ErfDepth>& results = sweep_.results();
    if (!sweep_.stop_reason().empty()) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.4f, 1.0f), "%s", sweep_.stop_reason().c_str());
      ImGui::PopTextWrapPos();
    }
    if (results.empty()) return;
    help("theoretical: receptive_field() of the first d layers. ERF: side of the smallest square around the field's "
         "centre holding 95% of |gradient|. sum: the gradient's total (with uniform weights, the number of paths).");
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    bool any_clipped = false;
    if (ImGui::BeginTable("depths", 6, flags)) {
      for (const char* name : {"depth", "theoretical", "ERF", "ratio", "sum", "ms"}) ImGui::TableSetupColumn(name);
      ImGui::TableHeadersRow();
      ImGui::PushFont(mono_font());
      for (const ErfDepth& r : results) {
        any_clipped |= r.clipped;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImColor(layer_colour(r.depth - 1)), "%d", r.depth);
        ImGui::TableNextColumn();
        ImGui::Text("%dx%d%s", r.theoretical.h, r.theoretical.w, r.clipped ? "*" : "");
        ImGui::TableNextColumn();
        ImGui::Text("%g", r.erf);
        ImGui::TableNextColumn();
        ImGui::Text("%.2f", r.erf / r.theoretical.h);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt(r.sum, "%.5g").c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.1f", r.ms);
      }
      ImGui::PopFont();
      ImGui::EndTable();
    }
    if (any_clipped)
      ImGui::TextDisabled("* the field is larger than the %d-pixel input the page measures on: the ERF is cut off.", kErfMaxSide);
  }

  ErfSweep sweep_;
  ImageView heat_view_;
};

}  // namespace

REGISTER_LESSON_VIEW("erf", ErfView);
