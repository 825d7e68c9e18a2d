// Depthwise-separable convolution (MobileNet): the model (depthwise_separable_model.h) counts a standard
// k x k layer against depthwise + pointwise and fits a pair to a random full convolution; this view
// draws the costs as bars and the two sets of kernels side by side.
#include <algorithm>
#include <cmath>
#include <string>

#include "depthwise_separable_model.h"
#include "format.h"
#include "imgui.h"
#include "lesson.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

struct Preset {
  const char* name;
  const char* why;
  int cin, cout, k, hw;
};

const Preset kPresets[] = {
    {"MobileNet layer", "MobileNet v1's second block: 32 -> 64 channels on 112 x 112, 3 x 3", 32, 64, 3, 112},
    {"deep layer", "A late layer: 512 -> 512 channels on 14 x 14, 3 x 3", 512, 512, 3, 14},
    {"RGB stem", "The first layer of a network: 3 -> 32 channels on 224 x 224, 3 x 3", 3, 32, 3, 224},
    {"5 x 5", "A 5 x 5 kernel: the 1/k^2 term shrinks to 1/25", 64, 128, 5, 56},
};

const ImU32 kStandardColour = IM_COL32(110, 168, 254, 255), kDepthwiseColour = IM_COL32(120, 210, 140, 255),
            kPointwiseColour = IM_COL32(70, 160, 100, 255);

class DepthwiseSeparableView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    State& s = ctx.state;
    s.kw = s.kh;  // one square kernel size
    const DepthwiseSeparableParams& p = lesson_params<DepthwiseSeparableParams>(s);
    costs_recompute_(depthwise_separable_key(p, s.kh), [&] { costs_ = depthwise_separable_costs(p, s.kh); });
    demo_.update(s.seed, ctx.input, ctx.input_generation);
    for (const std::string* e : {&costs_recompute_.error(), &demo_.error()})
      if (!e->empty()) ctx.error = *e;
    if (costs_.standard.macs > 0) publish(ctx);
  }

  bool computing() const override { return demo_.busy(); }

  void visual(LessonContext&, ImVec2 size) override {
    if (costs_.standard.macs == 0) return;
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    ImGui::TextUnformatted("MACs");
    bars(costs_.standard.macs, costs_.depthwise.macs, costs_.pointwise.macs, size.x);
    ImGui::TextUnformatted("parameters");
    bars(costs_.standard.params, costs_.depthwise.params, costs_.pointwise.params, size.x);
    ImGui::PushFont(mono_font());
    ImGui::Text("1/%d + 1/%d = %.4f: %.1fx fewer", costs_.cout, costs_.k * costs_.k, costs_.formula_ratio(), 1.0 / costs_.ratio());
    ImGui::PopFont();
    ImGui::Spacing();
    const float left = size.y - (ImGui::GetCursorScreenPos().y - top.y);
    if (left > 4 * line && !demo_.demo().fit.full.data.empty()) kernel_grids(ImVec2(size.x, left));  // once the first landed
  }

  void controls(LessonContext& ctx) override {
    if (ctx.section("layer", "Layer")) layer_controls(ctx);
    if (costs_.standard.macs == 0) return;
    if (ctx.section("costs", "Costs")) cost_details();
    if (ctx.section("demo", "What it cannot do")) demo_details(ctx);
  }

 private:
  // A standard bar and a depthwise + pointwise bar under it, lengths relative to the standard one.
  void bars(long long standard, long long depthwise, long long pointwise, float width) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float label_w = ImGui::CalcTextSize("standard").x + ImGui::GetStyle().ItemSpacing.x, value_w = ImGui::CalcTextSize("0,000,000,000").x;
    const float bar_w = std::max(20.0f, width - label_w - value_w - 2 * ImGui::GetStyle().ItemSpacing.x);
    const float h = ImGui::GetTextLineHeight();
    auto row = [&](const char* label, long long a, ImU32 ca, long long b, ImU32 cb) {
      ImGui::TextUnformatted(label);
      ImGui::SameLine(label_w);
      const ImVec2 o = ImGui::GetCursorScreenPos();
      const float wa = bar_w * float(double(a) / double(standard)), wb = bar_w * float(double(b) / double(standard));
      dl->AddRectFilled(o, ImVec2(o.x + bar_w, o.y + h), IM_COL32(40, 44, 54, 255), 3.0f);
      dl->AddRectFilled(o, ImVec2(o.x + std::max(2.0f, wa), o.y + h), ca, 3.0f);
      if (b > 0) dl->AddRectFilled(ImVec2(o.x + wa, o.y), ImVec2(o.x + wa + std::max(2.0f, wb), o.y + h), cb, 3.0f);
      ImGui::Dummy(ImVec2(bar_w, h));
      ImGui::SameLine();
      ImGui::PushFont(mono_font());
      ImGui::TextUnformatted(grouped(a + b).c_str());
      ImGui::PopFont();
    };
    row("standard", standard, kStandardColour, 0, 0);
    row("dw + pw", depthwise, kDepthwiseColour, pointwise, kPointwiseColour);
  }

  // The demonstration's kernels: the random full convolution and the closest pair, one k x k kernel per
  // (output row, input column). In the pair each column's kernels are multiples of one kernel. The two
  // grids go side by side or one above the other, whichever draws the cells bigger.
  void kernel_grids(ImVec2 box) {
    const DepthwisePointwiseFit& f = demo_.demo().fit;
    const float line = ImGui::GetTextLineHeightWithSpacing(), gap = ImGui::GetStyle().ItemSpacing.x * 2;
    const int k = f.full.kh, rows = f.full.a, cols = f.full.b;
    const float sep = 0.5f;  // between kernels, in cells
    const float grid_w = cols * k + (cols - 1) * sep, grid_h = rows * k + (rows - 1) * sep;  // in cells
    const float text_h = 4 * line;  // two captions, the residual, the note
    const float beside = std::min((box.x - gap) / (2 * grid_w), (box.y - text_h) / grid_h);
    const float above = std::min(box.x / grid_w, (box.y - text_h - line) / (2 * grid_h));
    const bool stacked = above > beside;
    const float cell = std::max(2.0f, std::min(40.0f, stacked ? above : beside));
    float scale = 0;
    for (float v : f.full.data) scale = std::max(scale, std::fabs(v));
    for (int g = 0; g < 2; ++g) {
      const cl::Weights& w = g == 0 ? f.full : f.fit;
      if (g && !stacked) ImGui::SameLine(0, gap);
      ImGui::BeginGroup();
      ImGui::TextUnformatted(g == 0 ? "any 3 -> 2 kernels" : "closest dw + pw");
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const ImVec2 o = ImGui::GetCursorScreenPos();
      for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
          for (int y = 0; y < k; ++y)
            for (int x = 0; x < k; ++x) {
              const float v = w.at(r, c, y, x), t = scale > 0 ? std::min(1.0f, std::fabs(v) / scale) : 0.0f;
              const ImVec2 a(o.x + (c * (k + sep) + x) * cell, o.y + (r * (k + sep) + y) * cell);
              dl->AddRectFilled(a, ImVec2(a.x + cell, a.y + cell),
                                v >= 0 ? IM_COL32(int(40 + 40 * t), int(70 + 90 * t), int(110 + 140 * t), 255)
                                       : IM_COL32(int(110 + 140 * t), int(60 + 40 * t), int(50 + 20 * t), 255));
            }
      ImGui::Dummy(ImVec2(grid_w * cell, grid_h * cell));
      ImGui::EndGroup();
    }
    ImGui::PushFont(mono_font());
    ImGui::Text("weights missed %.1f%%", 100.0 * f.weight_residual);
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("Rows: outputs, columns: input channels. The pair's columns are one kernel each, scaled.");
    ImGui::PopTextWrapPos();
  }

  void layer_controls(LessonContext& ctx) {
    State& s = ctx.state;
    DepthwiseSeparableParams& p = lesson_params<DepthwiseSeparableParams>(s);
    // Room for five digits besides the - and + buttons (big on touch screens).
    const ImGuiStyle& style = ImGui::GetStyle();
    const float w = ImGui::CalcTextSize("00000").x + 2 * style.FramePadding.x + 2 * (ImGui::GetFrameHeight() + style.ItemInnerSpacing.x);
    auto number = [&](const char* id, const char* label, int& v, int step, const char* why) {
      if (!ctx.visible(id)) return;
      ImGui::SetNextItemWidth(w);
      if (ImGui::InputInt(label, &v, 1, step)) v = std::clamp(v, 1, 4096);
      tip(why);
    };
    number("cin", "Cin", p.cin, 16, "Input channels of the layer.");
    number("cout", "Cout", p.cout, 16, "Output channels of the layer.");
    if (ctx.visible("kernel")) {
      ImGui::SetNextItemWidth(w);
      if (ImGui::SliderInt("k", &s.kh, 1, 15)) s.kw = s.kh;
      tip("Kernel size k x k of the standard and of the depthwise convolution (padding k/2).");
    }
    number("size", "H = W", p.hw, 8, "Height and width of the input feature map.");
    if (!ctx.visible("presets")) return;
    ImGui::TextDisabled("examples:");
    for (const Preset& e : kPresets) {
      ImGui::SameLine();
      if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(e.name).x + 2 * style.FramePadding.x) ImGui::NewLine();
      if (ImGui::SmallButton(e.name)) p.cin = e.cin, p.cout = e.cout, s.kh = s.kw = e.k, p.hw = e.hw;
      tip(e.why);
    }
  }

  void cost_details() {
    const DepthwiseSeparableCosts& c = costs_;
    auto layer = [](const char* name, const cl::LayerCost& l, const std::string& formula, bool part) {
      if (part) ImGui::Indent();
      ImGui::TextUnformatted(name);
      ImGui::PushFont(mono_font());
      ImGui::Text("MACs %s   parameters %s", grouped(l.macs).c_str(), grouped(l.params).c_str());
      ImGui::PushTextWrapPos(0.0f);
      if (!formula.empty()) ImGui::TextDisabled("%s", formula.c_str());
      ImGui::PopTextWrapPos();
      ImGui::PopFont();
      if (part) ImGui::Unindent();
    };
    layer("standard k x k conv", c.standard, c.standard_formula(), false);
    layer("depthwise-separable", c.separable, "", false);
    layer("depthwise k x k", c.depthwise, c.depthwise_formula(), true);
    layer("pointwise 1x1", c.pointwise, c.pointwise_formula(), true);
    ImGui::Spacing();
    ImGui::TextUnformatted("Ratio");
    help("Divide the depthwise-separable MACs by the standard ones: (Cin*H*W*k^2 + Cout*H*W*Cin) / (Cout*H*W*Cin*k^2) = "
         "1/Cout + 1/k^2. The parameters follow the same ratio when there is no bias.");
    ImGui::PushFont(mono_font());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextWrapped("MACs %s / %s = %.4f (%.1fx fewer)", grouped(c.separable.macs).c_str(), grouped(c.standard.macs).c_str(),
                       c.ratio(), 1.0 / c.ratio());
    ImGui::TextWrapped("1/Cout + 1/k^2 = 1/%d + 1/%d", c.cout, c.k * c.k);
    ImGui::TextWrapped("  = %.4f + %.4f = %.4f", 1.0 / c.cout, 1.0 / (c.k * c.k), c.formula_ratio());
    ImGui::TextWrapped("parameters %s / %s = %.4f", grouped(c.separable.params).c_str(), grouped(c.standard.params).c_str(),
                       c.params_ratio());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::TextDisabled("Output %d x %d x %d for both (stride 1, padding %d).", c.cout, c.standard.out_h, c.standard.out_w, c.k / 2);
  }

  void demo_details(LessonContext& ctx) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(ImVec4(1.0f, 0.80f, 0.40f, 1.0f), "Not an equivalent, a cheaper restriction.");
    ImGui::TextWrapped(
        "Every output channel of the pair is a weighted sum of the same Cin filtered maps, one per input channel: the kernel "
        "that output o applies to input channel i must be P[o][i] x D[i], a multiple of one shared kernel. A standard "
        "convolution can use any Cout x Cin different kernels, so most standard layers cannot be rewritten exactly as "
        "depthwise + pointwise. Networks built this way learn within the restriction; the saving is real, the equivalence "
        "is not.");
    ImGui::Spacing();
    ImGui::TextWrapped("The picture: a random full convolution 3 -> 2 with 3 x 3 kernels (seed %d, 54 weights) against the "
                       "closest depthwise 3 x 3 + pointwise 3 -> 2 pair (27 + 6 = 33 weights):",
                       ctx.state.seed);
    help("For each input channel, the two kernels of the full convolution form a 2 x 9 matrix; depthwise + pointwise can only "
         "make rank-1 ones (P[0][i] D[i] and P[1][i] D[i]). The closest pair is the best rank-1 approximation per channel "
         "(separate() of that matrix); what is left over is the residual.");
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("weights left unexplained  ||W - W_fit|| / ||W|| = %.1f%%", 100.0 * demo_.demo().fit.weight_residual);
    if (demo_.demo().has_output)
      ImGui::TextWrapped("output error on this image  RMS(diff) / RMS(out) = %.1f%%", 100.0 * demo_.demo().output_residual);
    ImGui::PopFont();
    if (ctx.visible("seed")) {
      if (ImGui::Button("another random convolution")) ctx.state.seed = ctx.state.seed % 1000000 + 1;
      tip("Draw new random weights (the seed is part of the link).");
    }
    ImGui::TextDisabled("No choice of the 33 weights reaches 0%% unless the full kernels happen to be proportional per channel.");
    ImGui::PopTextWrapPos();
  }

  void publish(LessonContext& ctx) const {
    const DepthwiseSeparableCosts& c = costs_;
    ctx.publish("macs_standard", std::to_string(c.standard.macs));
    ctx.publish("macs_separable", std::to_string(c.separable.macs));
    ctx.publish("macs_depthwise", std::to_string(c.depthwise.macs));
    ctx.publish("macs_pointwise", std::to_string(c.pointwise.macs));
    ctx.publish("params_standard", std::to_string(c.standard.params));
    ctx.publish("params_separable", std::to_string(c.separable.params));
    ctx.publish("ratio", c.ratio());
    ctx.publish("formula_ratio", c.formula_ratio());
    ctx.publish("out_hw", std::to_string(c.standard.out_h) + "x" + std::to_string(c.standard.out_w));
    if (demo_.demo().fit.full.data.empty()) return;  // the first demonstration has not landed
    ctx.publish("version", demo_.version());
    ctx.publish("workers", demo_.workers());
    ctx.publish("demo_weight_residual", demo_.demo().fit.weight_residual);
    if (demo_.demo().has_output) ctx.publish("demo_output_residual", demo_.demo().output_residual);
  }

  Recompute costs_recompute_;
  DepthwiseSeparableCosts costs_;
  DemoModel demo_;  // its residual is computed by the workers
};

}  // namespace

REGISTER_LESSON_VIEW("depthwise-separable", DepthwiseSeparableView);
