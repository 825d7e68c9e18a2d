// Depthwise-separable convolution (MobileNet): a depthwise k x k convolution followed by a pointwise
// 1x1 one, against a standard k x k convolution with the same channels and size. MACs and parameters
// from cost(), the ratio and the formula 1/Cout + 1/k^2 filled in, the caveat that it is a restricted
// factorisation, and a small demonstration: a random 3 -> 2 convolution and the closest
// depthwise + pointwise pair to it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "conv2d.h"
#include "cost.h"
#include "imgui.h"
#include "lesson.h"
#include "depthwise_separable_model.h"
#include "separable.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

std::string grouped(long long v) {
  std::string s = std::to_string(v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// A small fixed-seed generator (xorshift32) for the demonstration's weights: uniform in [-1, 1].
struct Rng {
  std::uint32_t x;
  explicit Rng(int seed) : x(std::uint32_t(seed) * 2654435761u + 12345u) {}
  float next() {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return float(x >> 8) / float(1u << 23) * 2.0f - 1.0f;
  }
};

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

struct DemoFit {
  double weight_residual = 0;  // ||W - W_fit||_F / ||W||_F
  double output_residual = 0;  // RMS(conv(W) - conv(W_fit)) / RMS(conv(W)) on the image
  bool has_output = false;
};

struct DsLesson {
  std::string key, demo_key;
  cl::LayerCost standard, separable, depthwise_part, pointwise_part;
  DemoFit demo;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    const std::string k = std::to_string(lesson_params<DepthwiseSeparableParams>(s).cin) + "," + std::to_string(lesson_params<DepthwiseSeparableParams>(s).cout) + "," + std::to_string(s.kh) + "," + std::to_string(lesson_params<DepthwiseSeparableParams>(s).hw);
    if (k == key) return;
    key = k;
    try {
      cl::CostLayer st;
      st.kind = cl::LayerKind::Standard;
      st.out_channels = lesson_params<DepthwiseSeparableParams>(s).cout;
      st.kernel = {s.kh, s.kh};
      st.padding = {s.kh / 2, s.kh / 2};
      cl::CostLayer ds = st;
      ds.kind = cl::LayerKind::DepthwiseSeparable;
      cl::CostLayer dw = st;
      dw.kind = cl::LayerKind::Depthwise;
      dw.out_channels = 0;
      const cl::LayerCost a = cl::cost(st, lesson_params<DepthwiseSeparableParams>(s).cin, lesson_params<DepthwiseSeparableParams>(s).hw, lesson_params<DepthwiseSeparableParams>(s).hw), b = cl::cost(ds, lesson_params<DepthwiseSeparableParams>(s).cin, lesson_params<DepthwiseSeparableParams>(s).hw, lesson_params<DepthwiseSeparableParams>(s).hw), c = cl::cost(dw, lesson_params<DepthwiseSeparableParams>(s).cin, lesson_params<DepthwiseSeparableParams>(s).hw, lesson_params<DepthwiseSeparableParams>(s).hw);
      cl::CostLayer pw;
      pw.kind = cl::LayerKind::Pointwise;
      pw.out_channels = lesson_params<DepthwiseSeparableParams>(s).cout;
      const cl::LayerCost d = cl::cost(pw, lesson_params<DepthwiseSeparableParams>(s).cin, c.out_h, c.out_w);
      standard = a, separable = b, depthwise_part = c, pointwise_part = d;
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
  }

  // A random full 3 -> 2 convolution W[o][i] (3 x 3). A depthwise + pointwise pair makes W'[o][i] = P[o][i] * D[i]:
  // for each input channel i, its two kernels must be multiples of one kernel D[i], i.e. the 2 x 9 matrix
  // [W[0][i]; W[1][i]] must have rank 1. The closest such pair (in the weights' Frobenius norm) is its
  // best rank-1 approximation, channel by channel: separate() of that 2 x 9 matrix.
  void compute_demo(LessonContext& ctx) {
    const State& s = ctx.state;
    const std::string k = std::to_string(s.seed) + "|" + std::to_string(ctx.input_generation);
    if (k == demo_key) return;
    demo_key = k;
    try {
      Rng rng(s.seed);
      cl::Weights w(2, 3, 3, 3);
      for (float& v : w.data) v = rng.next();
      cl::Weights fit(2, 3, 3, 3);
      double err2 = 0, norm2 = 0;
      for (int i = 0; i < 3; ++i) {
        cl::Kernel2D m(2, 9);
        for (int o = 0; o < 2; ++o)
          for (int t = 0; t < 9; ++t) m.at(o, t) = w.kernel(o, i)[t];
        const cl::Separation sp = cl::separate(m);
        for (int o = 0; o < 2; ++o)
          for (int t = 0; t < 9; ++t) {
            const float f = sp.column[o] * sp.row[t];  // pointwise weight P[o][i] times depthwise tap D[i][t]
            fit.at(o, i, t / 3, t % 3) = f;
            err2 += double(m.at(o, t) - f) * (m.at(o, t) - f);
            norm2 += double(m.at(o, t)) * m.at(o, t);
          }
      }
      demo = DemoFit{};
      demo.weight_residual = std::sqrt(err2 / norm2);
      if (ctx.input.c == 3) {
        cl::Conv2dParams p;
        p.padding = cl::same_padding(3, 3, {1, 1});
        const cl::Tensor a = cl::conv2d(ctx.input, w, p), b = cl::conv2d(ctx.input, fit, p);
        double e = 0, n = 0;
        for (std::size_t j = 0; j < a.size(); ++j) e += double(a.data[j] - b.data[j]) * (a.data[j] - b.data[j]), n += double(a.data[j]) * a.data[j];
        demo.output_residual = n > 0 ? std::sqrt(e / n) : 0;
        demo.has_output = true;
      }
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
  }

  void controls(LessonContext& ctx) {
    State& s = ctx.state;
    const float w = ImGui::GetFontSize() * 6.5f;
    if (ctx.visible("cin")) {
      ImGui::SetNextItemWidth(w);
      if (ImGui::InputInt("Cin", &lesson_params<DepthwiseSeparableParams>(s).cin, 1, 16)) lesson_params<DepthwiseSeparableParams>(s).cin = std::clamp(lesson_params<DepthwiseSeparableParams>(s).cin, 1, 4096);
      tip("Input channels of the layer.");
      ImGui::SameLine();
    }
    if (ctx.visible("cout")) {
      ImGui::SetNextItemWidth(w);
      if (ImGui::InputInt("Cout", &lesson_params<DepthwiseSeparableParams>(s).cout, 1, 16)) lesson_params<DepthwiseSeparableParams>(s).cout = std::clamp(lesson_params<DepthwiseSeparableParams>(s).cout, 1, 4096);
      tip("Output channels of the layer.");
      ImGui::SameLine();
    }
    if (ctx.visible("kernel")) {
      ImGui::SetNextItemWidth(w);
      if (ImGui::SliderInt("k", &s.kh, 1, 15)) s.kw = s.kh;
      tip("Kernel size k x k of the standard and of the depthwise convolution (padding k/2).");
      ImGui::SameLine();
    }
    if (ctx.visible("size")) {
      ImGui::SetNextItemWidth(w);
      if (ImGui::InputInt("H = W", &lesson_params<DepthwiseSeparableParams>(s).hw, 1, 8)) lesson_params<DepthwiseSeparableParams>(s).hw = std::clamp(lesson_params<DepthwiseSeparableParams>(s).hw, 1, 4096);
      tip("Height and width of the input feature map.");
    }
    if (ctx.visible("presets")) {
      ImGui::TextDisabled("examples:");
      for (const Preset& p : kPresets) {
        ImGui::SameLine();
        if (ImGui::SmallButton(p.name)) lesson_params<DepthwiseSeparableParams>(s).cin = p.cin, lesson_params<DepthwiseSeparableParams>(s).cout = p.cout, s.kh = s.kw = p.k, lesson_params<DepthwiseSeparableParams>(s).hw = p.hw;
        tip(p.why);
      }
    }
  }

  void bar(const char* label, double value, double max_value, ImU32 colour, float width) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    const float len = max_value > 0 ? float(value / max_value) * width : 0;
    dl->AddRectFilled(o, ImVec2(o.x + width, o.y + h), IM_COL32(40, 44, 54, 255), 3.0f);
    dl->AddRectFilled(o, ImVec2(o.x + std::max(2.0f, len), o.y + h), colour, 3.0f);
    ImGui::Dummy(ImVec2(width, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(label);
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Depthwise-separable convolution: depthwise, then pointwise",
                  "MobileNet replaces a k x k convolution Cin -> Cout by a depthwise k x k convolution (each channel on its own) "
                  "followed by a 1x1 pointwise convolution Cin -> Cout that mixes the channels. The cost drops by a factor of "
                  "about k^2 when Cout is large.");
    controls(ctx);
    if (s.kw != s.kh) s.kw = s.kh;
    compute(ctx);
    compute_demo(ctx);
    if (standard.macs == 0) return;

    // The caveat, before the numbers.
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.30f, 0.24f, 0.10f, 1.0f));
    const float wrap_w = ImGui::GetContentRegionAvail().x;
    const char* caveat =
        "Not an equivalent, a cheaper restriction. Every output channel of the pair is a weighted sum of the same Cin filtered maps, "
        "one per input channel: the kernel that output o applies to input channel i must be P[o][i] x D[i], a multiple of one "
        "shared kernel. A standard convolution can use any Cout x Cin different kernels, so most standard layers cannot be "
        "rewritten exactly as depthwise + pointwise. Networks built this way learn within the restriction; the saving is real, "
        "the equivalence is not.";
    const float text_h = ImGui::CalcTextSize(caveat, nullptr, false, wrap_w - 36).y;
    ImGui::BeginChild("caveat", ImVec2(0, text_h + ImGui::GetTextLineHeightWithSpacing() + 22), true, ImGuiWindowFlags_NoScrollbar);
    ImGui::TextColored(ImVec4(1.0f, 0.80f, 0.40f, 1.0f), "Caveat");
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(caveat);
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::PopStyleColor();
    ImGui::Spacing();

    const int k = s.kh, oh = standard.out_h, ow = standard.out_w;
    const double ratio = double(separable.macs) / double(standard.macs);
    const double formula = 1.0 / lesson_params<DepthwiseSeparableParams>(s).cout + 1.0 / (double(k) * k);
    const float col_w = std::min(ImGui::GetContentRegionAvail().x, 1100.0f);
    if (ImGui::BeginTable("ds-cost", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(col_w, 0))) {
      ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch, 2.2f);
      ImGui::TableSetupColumn("MACs", ImGuiTableColumnFlags_WidthStretch, 1.4f);
      ImGui::TableSetupColumn("parameters", ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn("formula (MACs)", ImGuiTableColumnFlags_WidthStretch, 2.4f);
      ImGui::TableHeadersRow();
      auto row = [&](const char* name, const cl::LayerCost& c, const std::string& f, bool strong) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (strong) ImGui::TextUnformatted(name);
        else ImGui::TextDisabled("%s", name);
        ImGui::TableNextColumn();
        ImGui::PushFont(mono_font());
        ImGui::TextUnformatted(grouped(c.macs).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(grouped(c.params).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(f.c_str());
        ImGui::PopFont();
      };
      char f1[128], f2[128], f3[128], f4[128];
      std::snprintf(f1, sizeof f1, "Cout*H*W*Cin*k*k = %d*%d*%d*%d*%d*%d", lesson_params<DepthwiseSeparableParams>(s).cout, oh, ow, lesson_params<DepthwiseSeparableParams>(s).cin, k, k);
      std::snprintf(f2, sizeof f2, "Cin*H*W*k*k = %d*%d*%d*%d*%d", lesson_params<DepthwiseSeparableParams>(s).cin, oh, ow, k, k);
      std::snprintf(f3, sizeof f3, "Cout*H*W*Cin = %d*%d*%d*%d", lesson_params<DepthwiseSeparableParams>(s).cout, oh, ow, lesson_params<DepthwiseSeparableParams>(s).cin);
      std::snprintf(f4, sizeof f4, "sum of the two");
      row("standard k x k conv", standard, f1, true);
      row("  depthwise k x k", depthwise_part, f2, false);
      row("  pointwise 1x1", pointwise_part, f3, false);
      row("depthwise-separable", separable, f4, true);
      ImGui::EndTable();
    }
    ImGui::Spacing();
    const float bw = std::min(ImGui::GetContentRegionAvail().x * 0.55f, 560.0f);
    const double mx = double(standard.macs);
    bar("standard", double(standard.macs), mx, IM_COL32(110, 168, 254, 255), bw);
    bar("depthwise + pointwise", double(separable.macs), mx, IM_COL32(120, 210, 140, 255), bw);
    ImGui::Spacing();
    ImGui::TextUnformatted("Ratio");
    help("Divide the depthwise-separable MACs by the standard ones: (Cin*H*W*k^2 + Cout*H*W*Cin) / (Cout*H*W*Cin*k^2) = 1/Cout + 1/k^2. "
         "The parameters follow the same ratio when there is no bias.");
    ImGui::PushFont(mono_font());
    ImGui::Text("MACs        %s / %s = %.4f   (%.1fx fewer)", grouped(separable.macs).c_str(), grouped(standard.macs).c_str(), ratio,
                1.0 / ratio);
    ImGui::Text("1/Cout + 1/k^2 = 1/%d + 1/%d = %.4f + %.4f = %.4f", lesson_params<DepthwiseSeparableParams>(s).cout, k * k, 1.0 / lesson_params<DepthwiseSeparableParams>(s).cout, 1.0 / (k * k), formula);
    ImGui::Text("parameters  %s / %s = %.4f", grouped(separable.params).c_str(), grouped(standard.params).c_str(),
                double(separable.params) / double(standard.params));
    ImGui::PopFont();
    ImGui::TextDisabled("Output %d x %d x %d for both (stride 1, padding %d).", lesson_params<DepthwiseSeparableParams>(s).cout, oh, ow, k / 2);

    ctx.publish("macs_standard", std::to_string(standard.macs));
    ctx.publish("macs_separable", std::to_string(separable.macs));
    ctx.publish("macs_depthwise", std::to_string(depthwise_part.macs));
    ctx.publish("macs_pointwise", std::to_string(pointwise_part.macs));
    ctx.publish("params_standard", std::to_string(standard.params));
    ctx.publish("params_separable", std::to_string(separable.params));
    ctx.publish("ratio", ratio);
    ctx.publish("formula_ratio", formula);
    ctx.publish("out_hw", std::to_string(oh) + "x" + std::to_string(ow));

    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextUnformatted("Can depthwise + pointwise copy a given convolution?");
    help("For each input channel, the two kernels of the full convolution form a 2 x 9 matrix; depthwise + pointwise can only "
         "make rank-1 ones (P[0][i] D[i] and P[1][i] D[i]). The closest pair is the best rank-1 approximation per channel "
         "(separate() of that matrix); what is left over is the residual.");
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextWrapped("A random full convolution 3 -> 2 with 3 x 3 kernels (seed %d, 54 weights) against the closest depthwise 3 x 3 + "
                       "pointwise 3 -> 2 pair (27 + 6 = 33 weights):",
                       s.seed);
    ImGui::PopTextWrapPos();
    ImGui::PushFont(mono_font());
    ImGui::Text("weights left unexplained  ||W - W_fit|| / ||W|| = %.1f%%", 100.0 * demo.weight_residual);
    if (demo.has_output) ImGui::Text("output error on this image  RMS(diff) / RMS(out) = %.1f%%", 100.0 * demo.output_residual);
    ImGui::PopFont();
    if (ctx.visible("seed")) {
      if (ImGui::Button("another random convolution")) s.seed = s.seed % 1000000 + 1;
      tip("Draw new random weights (the seed is part of the link).");
      ImGui::SameLine();
    }
    ImGui::TextDisabled("No choice of the 33 weights reaches 0%% unless the full kernels happen to be proportional per channel.");
    ctx.publish("demo_weight_residual", demo.weight_residual);
    if (demo.has_output) ctx.publish("demo_output_residual", demo.output_residual);
  }
};

DsLesson g_lesson;

}  // namespace

REGISTER_LESSON("depthwise-separable", "Depthwise-separable", "Depthwise then pointwise: MACs, parameters and 1/Cout + 1/k^2, and what it cannot do.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
