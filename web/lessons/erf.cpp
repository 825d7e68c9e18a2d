// Effective receptive field (Luo et al. 2016): how much each input pixel actually moves one output
// unit, measured as the gradient through the stack (core/erf.h), beside the theoretical field. The
// ERF is a bump much smaller than the theoretical square, and its share of it shrinks with depth.
// The depth sweep runs a few depths per frame under a time budget, with a progress bar, so deep
// stacks never freeze the page.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "erf.h"
#include "image_view.h"
#include "imgui.h"
#include "layer_stack_editor.h"
#include "lesson.h"
#include "erf_model.h"
#include "receptive_field.h"
#include "widgets.h"

namespace cl = convlab;
using Layer = cl::Layer;

namespace {

constexpr int kMaxSide = 192;          // the ERF input is at most this many pixels per side
constexpr double kMaxDepthMs = 40;     // predicted time for one depth above which its margin shrinks
constexpr double kMaxStopMs = 250;     // predicted time for one depth above which the sweep stops
constexpr double kFrameBudgetMs = 12;  // work per frame before yielding to the browser
constexpr int kMargin = 8;             // pixels around the theoretical field
// Uniform weights on one channel make the gradient count paths exactly. Random weights use several
// channels, as a real layer does: with one channel and ReLU a single negative unit can cut every path.
constexpr int kRandomChannels = 8;

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string fmt(double v, const char* f = "%.4g") {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// One depth of the sweep: the first `depth` layers of the stack.
struct DepthResult {
  int depth = 0;
  int side_h = 0, side_w = 0;  // the input the ERF was measured on
  cl::Pair theoretical;        // receptive_field(prefix).back().size
  double erf = 0;              // erf_effective_size (95% of the gradient's mass)
  double sum = 0;              // sum of the gradient
  double ms = 0;               // time to compute
  bool clipped = false;        // the theoretical field did not fit the capped input
};

double conv_work(const std::vector<Layer>& layers, int h, int w, int channels) {
  const auto sizes = cl::layer_output_sizes(layers, h, w);
  double work = 0;
  for (std::size_t i = 0; i < layers.size(); ++i)
    work += 2.0 * sizes[i].h * sizes[i].w * layers[i].kernel.h * layers[i].kernel.w * channels * channels;  // forward + backward
  return work;
}

// A chart of a few series against depth 1..n.
struct Series {
  std::vector<double> values;
  ImU32 colour;
  const char* label;
};

void line_chart(const char* id, ImVec2 size, const std::vector<Series>& series, int n, double y_max, const char* y_label,
                int done) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const float left = 44, bottom = 22, top = 8, right = 10;
  const ImVec2 a(o.x + left, o.y + top), b(o.x + size.x - right, o.y + size.y - bottom);
  dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(24, 26, 31, 255), 4.0f);
  if (y_max <= 0) y_max = 1;
  auto X = [&](int d) { return n <= 1 ? (a.x + b.x) * 0.5f : a.x + (b.x - a.x) * float(d - 1) / float(n - 1); };
  auto Y = [&](double v) { return b.y - (b.y - a.y) * float(std::clamp(v / y_max, 0.0, 1.0)); };
  for (int t = 0; t <= 4; ++t) {
    const double v = y_max * t / 4.0;
    dl->AddLine(ImVec2(a.x, Y(v)), ImVec2(b.x, Y(v)), IM_COL32(255, 255, 255, t == 0 ? 60 : 18));
    const std::string s = fmt(v, "%.3g");
    dl->AddText(ImVec2(o.x + 4, Y(v) - 7), IM_COL32(150, 155, 165, 255), s.c_str());
  }
  for (int d = 1; d <= n; ++d) {
    const std::string s = std::to_string(d);
    if (n <= 10 || d % 2 == 1 || d == n) dl->AddText(ImVec2(X(d) - 4, b.y + 4), IM_COL32(150, 155, 165, 255), s.c_str());
  }
  for (const Series& s : series) {
    for (int d = 1; d <= done && d <= int(s.values.size()); ++d) {
      const ImVec2 p(X(d), Y(s.values[std::size_t(d - 1)]));
      if (d > 1) dl->AddLine(ImVec2(X(d - 1), Y(s.values[std::size_t(d - 2)])), p, s.colour, 2.0f);
      dl->AddCircleFilled(p, 3.5f, s.colour);
    }
  }
  // Legend, top left inside the plot.
  float lx = a.x + 8;
  for (const Series& s : series) {
    dl->AddRectFilled(ImVec2(lx, a.y + 6), ImVec2(lx + 12, a.y + 16), s.colour, 2.0f);
    dl->AddText(ImVec2(lx + 16, a.y + 3), IM_COL32(215, 220, 230, 255), s.label);
    lx += 24 + ImGui::CalcTextSize(s.label).x;
  }
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(y_label).x, b.y - ImGui::GetTextLineHeight() - 2), IM_COL32(150, 155, 165, 255), y_label);
  if (ImGui::IsItemHovered()) {
    const int d = n <= 1 ? 1 : int(std::lround((ImGui::GetIO().MousePos.x - a.x) / (b.x - a.x) * (n - 1))) + 1;
    if (d >= 1 && d <= done) {
      ImGui::BeginTooltip();
      ImGui::Text("depth %d", d);
      for (const Series& s : series)
        if (d <= int(s.values.size())) ImGui::Text("%s: %s", s.label, fmt(s.values[std::size_t(d - 1)]).c_str());
      ImGui::EndTooltip();
    }
  }
}

struct ErfLesson {
  ImageView heat_view;
  std::string key;
  std::vector<Layer> layers;  // the stack being swept
  cl::ErfOptions options;
  std::vector<DepthResult> results;
  std::string stop_reason;    // why the sweep stopped before the full depth, if it did
  // The full stack's gradient and where its theoretical field lies in it.
  cl::Tensor gradient;
  cl::Rect field_rect;
  cl::Pair unit;
  double centre_y = 0, centre_x = 0;
  DepthResult shown;          // the result the heatmap shows
  double ms_per_work = 2e-6;  // measured speed: milliseconds per multiply-add

  int channels() const { return options.weights == cl::ErfOptions::Weights::Random ? kRandomChannels : 1; }
  bool done() const { return !stop_reason.empty() || results.size() >= layers.size(); }

  void restart(const State& s) {
    layers = s.layers;
    options = cl::ErfOptions{};
    options.weights = lesson_params<ErfParams>(s).weights == "random" ? cl::ErfOptions::Weights::Random : cl::ErfOptions::Weights::Uniform;
    options.seed = std::uint32_t(s.seed);
    options.relu = lesson_params<ErfParams>(s).relu;
    results.clear();
    stop_reason.clear();
  }

  // Computes the next depth; false when the sweep has to stop.
  bool step(LessonContext& ctx) {
    const int depth = int(results.size()) + 1;
    const std::vector<Layer> prefix(layers.begin(), layers.begin() + depth);
    DepthResult r;
    r.depth = depth;
    try {
      r.theoretical = cl::receptive_field(prefix).back().size;
      // The field plus a margin, capped; the margin shrinks first when the predicted time is too long,
      // never the field itself (unless it exceeds the cap).
      const int min_h = std::min(r.theoretical.h, kMaxSide), min_w = std::min(r.theoretical.w, kMaxSide);
      r.side_h = std::min(r.theoretical.h + 2 * kMargin, kMaxSide);
      r.side_w = std::min(r.theoretical.w + 2 * kMargin, kMaxSide);
      while (conv_work(prefix, r.side_h, r.side_w, channels()) * ms_per_work > kMaxDepthMs &&
             (r.side_h > min_h || r.side_w > min_w)) {
        r.side_h = std::max(min_h, r.side_h - 2);
        r.side_w = std::max(min_w, r.side_w - 2);
      }
      if (conv_work(prefix, r.side_h, r.side_w, channels()) * ms_per_work > kMaxStopMs) {
        stop_reason = "Depth " + std::to_string(depth) + " would take about " +
                      fmt(conv_work(prefix, r.side_h, r.side_w, channels()) * ms_per_work, "%.0f") +
                      " ms on this machine: the sweep stops at depth " + std::to_string(depth - 1) + " to keep the page responsive.";
        return false;
      }
    } catch (const std::exception&) {
      stop_reason = "Depth " + std::to_string(depth) + " needs an input larger than " + std::to_string(kMaxSide) +
                    " pixels per side: the sweep stops at depth " + std::to_string(depth - 1) + ".";
      return false;
    }
    r.clipped = r.side_h < r.theoretical.h || r.side_w < r.theoretical.w;
    try {
      const double t0 = now_ms();
      cl::Tensor g = cl::effective_receptive_field(channels(), r.side_h, r.side_w, prefix, options);
      r.erf = cl::erf_effective_size(g, prefix);
      for (float v : g.data) r.sum += v;
      r.ms = now_ms() - t0;
      // Learn how fast this machine (and this kind of layer) runs, for the next depth's input size.
      const double work = conv_work(prefix, r.side_h, r.side_w, channels());
      if (work > 1e6 && r.ms > 2.0) ms_per_work = std::clamp(r.ms / work, ms_per_work * 0.5, ms_per_work * 2.0);
      {  // the heatmap shows the deepest depth measured so far
        unit = cl::erf_output_unit(r.side_h, r.side_w, prefix);
        field_rect = cl::input_rect(prefix, depth - 1, unit.h, unit.w);
        const cl::FieldInfo f = cl::receptive_field(prefix).back();
        centre_y = f.start_h + unit.h * f.jump.h;
        centre_x = f.start_w + unit.w * f.jump.w;
        gradient = cl::Tensor(1, g.h, g.w);  // |gradient| summed over the channels, as erf_effective_size measures it
        for (int c = 0; c < g.c; ++c)
          for (int y = 0; y < g.h; ++y)
            for (int x = 0; x < g.w; ++x) gradient.at(0, y, x) += std::fabs(g.at(c, y, x));
        heat_view.set(gradient, "abs");
        shown = r;
      }
    } catch (const std::exception& e) {
      ctx.error = e.what();
      stop_reason = std::string("Depth ") + std::to_string(depth) + ": " + e.what();
      return false;
    }
    results.push_back(r);
    return true;
  }

  void controls(LessonContext& ctx) {
    State& s = ctx.state;
    if (ctx.visible("weights")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
      if (ImGui::BeginCombo("weights", lesson_params<ErfParams>(s).weights.c_str())) {
        if (ImGui::Selectable("uniform", lesson_params<ErfParams>(s).weights == "uniform")) lesson_params<ErfParams>(s).weights = "uniform";
        tip("Every weight 1: the gradient counts the paths from each pixel to the unit.");
        if (ImGui::Selectable("random", lesson_params<ErfParams>(s).weights == "random")) lesson_params<ErfParams>(s).weights = "random";
        tip("Weights uniform on [-a, a], a = sqrt(3 / fan_in), as a freshly initialised network; 8 channels per layer.");
        ImGui::EndCombo();
      }
      tip("Uniform weights count paths; random weights are an untrained network.");
      ImGui::SameLine();
    }
    if (ctx.visible("relu")) {
      ImGui::Checkbox("ReLU", &lesson_params<ErfParams>(s).relu);
      tip("A ReLU after every conv layer but the last: pixels whose path is switched off stop contributing.");
      ImGui::SameLine();
    }
    if (ctx.visible("seed")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
      if (ImGui::InputInt("seed", &s.seed)) s.seed = std::clamp(s.seed, 0, 1000000);
      tip("Seeds the random input image and the random weights: the same seed gives the same network.");
    }
    if (!s.layers.empty() && ctx.visible("depth")) {
      int depth = int(s.layers.size());
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      if (ImGui::SliderInt("depth", &depth, 1, kMaxStackLayers)) s.layers.assign(std::size_t(depth), s.layers.front());
      tip("Replace the stack by this many copies of layer 1, to see how the ERF grows with depth.");
    }
    ImGui::Spacing();
    ImGui::TextUnformatted("Layers");
    help("The stack lives in the link. ERF pools are max pools; every conv maps C channels to C (1 for uniform weights, 8 for random), without bias.");
    if (ctx.visible("layers")) layer_stack_editor(s);
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Effective receptive field: which pixels really matter",
                  "The theoretical field says which pixels can reach a unit; the gradient of the unit with respect to "
                  "each pixel says how much each one does. Most of it sits in a small central bump.");
    const auto [wide, left_w] = begin_left_column("erf-left", 820, 0.44f, 400.0f, 520.0f, 420.0f);
    controls(ctx);

    // The sweep: restart on any change, then a few depths per frame.
    const std::string k = layers_to_text(s.layers) + "|" + lesson_params<ErfParams>(s).weights + "|" + (lesson_params<ErfParams>(s).relu ? "r" : "") + "|" + std::to_string(s.seed);
    if (k != key) {
      key = k;
      restart(s);
    }
    if (!layers.empty() && !done()) {
      const double t0 = now_ms();
      do {
        if (!step(ctx)) break;
      } while (!done() && now_ms() - t0 < kFrameBudgetMs);
      if (!done()) ctx.keep_drawing();
    }
    ImGui::Spacing();
    draw_table(ctx);
    ImGui::EndChild();
    if (s.layers.empty()) {
      if (wide) ImGui::SameLine();
      ImGui::TextDisabled("Add a layer to measure its effective receptive field.");
      return;
    }
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    const float right_w = ImGui::GetContentRegionAvail().x;
    const float right_h = wide ? ImGui::GetContentRegionAvail().y : 600.0f;
    if (!done()) {
      char label[64];
      std::snprintf(label, sizeof label, "depth %d of %d", int(results.size()), int(layers.size()));
      ImGui::ProgressBar(float(results.size()) / float(std::max<std::size_t>(1, layers.size())), ImVec2(right_w, 0), label);
      tip("The sweep runs a few depths per frame so the page stays responsive.");
    }
    if (!stop_reason.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.7f, 0.4f, 1.0f));
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + right_w);
      ImGui::TextWrapped("%s", stop_reason.c_str());
      ImGui::PopTextWrapPos();
      ImGui::PopStyleColor();
    }
    if (gradient.empty()) {
      ImGui::TextDisabled("Measuring...");
      ImGui::EndGroup();
      return;
    }
    ImGui::Text("|d unit / d pixel| on a %d x %d x %d input", channels(), shown.side_h, shown.side_w);
    if (shown.depth < int(layers.size())) {
      ImGui::SameLine();
      ImGui::TextDisabled("(first %d layers)", shown.depth);
    }
    help("Summed over the input's channels (1 for uniform weights, 8 for random), a random input image from the seed; the unit is the centre of the last layer's output. White "
         "outline: the theoretical field. Dashed square: the smallest square around its centre holding 95% of the gradient.");
    const float heat_h = std::clamp(right_h * 0.55f, 200.0f, right_h - 200.0f);
    const Overlay outlines = [&](ImDrawList* dl, const ViewTransform& tf) {
      dl->AddRect(tf.to_screen(float(field_rect.x0), float(field_rect.y0)), tf.to_screen(float(field_rect.x1), float(field_rect.y1)),
                  IM_COL32(255, 255, 255, 230), 0, 0, 2.0f);
      const float half = float(shown.erf) * 0.5f;
      const ImVec2 a = tf.to_screen(float(centre_x + 0.5 - half), float(centre_y + 0.5 - half));
      const ImVec2 b = tf.to_screen(float(centre_x + 0.5 + half), float(centre_y + 0.5 + half));
      const ImU32 c = IM_COL32(0, 210, 255, 255);
      for (float t = 0; t < 1.0f; t += 0.1f) {  // dashed
        const float t1 = std::min(1.0f, t + 0.05f);
        dl->AddLine(ImVec2(a.x + (b.x - a.x) * t, a.y), ImVec2(a.x + (b.x - a.x) * t1, a.y), c, 2.0f);
        dl->AddLine(ImVec2(a.x + (b.x - a.x) * t, b.y), ImVec2(a.x + (b.x - a.x) * t1, b.y), c, 2.0f);
        dl->AddLine(ImVec2(a.x, a.y + (b.y - a.y) * t), ImVec2(a.x, a.y + (b.y - a.y) * t1), c, 2.0f);
        dl->AddLine(ImVec2(b.x, a.y + (b.y - a.y) * t), ImVec2(b.x, a.y + (b.y - a.y) * t1), c, 2.0f);
      }
    };
    heat_view.draw("erf-heat", ImVec2(right_w, heat_h), s, outlines);

    // The depth plot.
    const int n = int(layers.size()), d = int(results.size());
    std::vector<double> theo, erf, ratio;
    double top = 1;
    for (const DepthResult& r : results) {
      theo.push_back(r.theoretical.h);
      erf.push_back(r.erf);
      ratio.push_back(r.erf / r.theoretical.h);
      top = std::max(top, double(r.theoretical.h));
    }
    const float chart_h = std::max(140.0f, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() - 4);
    const float cw = (right_w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::Text("against depth: the first 1..%d layers of the stack", n);
    help("Each point is the ERF of the first d layers, measured like the heatmap. Theoretical size grows linearly with "
         "depth for stride-1 layers; the ERF grows roughly like its square root, so the ratio falls.");
    line_chart("sizes", ImVec2(cw, chart_h),
               {{theo, IM_COL32(235, 235, 235, 255), "theoretical"}, {erf, IM_COL32(0, 210, 255, 255), "ERF (95%)"}}, n,
               top * 1.05, "size in pixels", d);
    ImGui::SameLine();
    line_chart("ratio", ImVec2(cw, chart_h), {{ratio, IM_COL32(255, 196, 0, 255), "ERF / theoretical"}}, n, 1.0, "ratio", d);
    ImGui::EndGroup();
  }

  void draw_table(LessonContext& ctx) {
    if (results.empty()) return;
    ImGui::TextUnformatted("Per depth");
    help("theoretical: receptive_field() of the first d layers. ERF: side of the smallest square around the field's "
         "centre holding 95% of |gradient|. sum: the gradient's total (with uniform weights, the number of paths).");
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  0;
    if (ImGui::BeginTable("depths", 6, flags)) {
      ImGui::TableSetupColumn("depth");
      ImGui::TableSetupColumn("theoretical");
      ImGui::TableSetupColumn("ERF");
      ImGui::TableSetupColumn("ratio");
      ImGui::TableSetupColumn("sum");
      ImGui::TableSetupColumn("ms");
      ImGui::TableHeadersRow();
      ImGui::PushFont(mono_font());
      for (const DepthResult& r : results) {
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
        ImGui::Text("%s", fmt(r.sum, "%.5g").c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.1f", r.ms);
      }
      ImGui::PopFont();
      ImGui::EndTable();
    }
    bool any_clipped = false;
    for (const DepthResult& r : results) any_clipped |= r.clipped;
    if (any_clipped)
      ImGui::TextDisabled("* the field is larger than the %d-pixel input the page measures on: the ERF is cut off.", kMaxSide);
    double total_ms = 0, max_ms = 0;
    for (const DepthResult& r : results) total_ms += r.ms, max_ms = std::max(max_ms, r.ms);
    ctx.publish("erf_ms_max", max_ms);
    ctx.publish("erf_depths_done", double(results.size()));
    ctx.publish("erf_done", done() ? 1.0 : 0.0);
    ctx.publish("erf_ms_total", total_ms);
    std::string series;
    for (const DepthResult& r : results) series += (series.empty() ? "" : ",") + fmt(r.erf, "%g") + "/" + std::to_string(r.theoretical.h);
    ctx.publish("erf_series", series);
    if (!gradient.empty()) {
      ctx.publish("erf_sum", shown.sum);
      ctx.publish("erf_size", shown.erf);
      ctx.publish("theoretical_size", std::to_string(shown.theoretical.h) + "x" + std::to_string(shown.theoretical.w));
      ctx.publish("erf_input", std::to_string(shown.side_h) + "x" + std::to_string(shown.side_w));
    }
  }
};

ErfLesson g_lesson;

}  // namespace

REGISTER_LESSON("erf", "Effective receptive field", "The gradient of one unit: a small central bump inside the theoretical field.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
