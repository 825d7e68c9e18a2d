// Depthwise convolution: groups = channels, so each channel gets its own 2-D kernel and keeps its own
// output map; the depth is preserved (3 -> 3). The three channel outputs side by side and merged, and
// the cost against a standard convolution with the same input and output channels (core/cost.h).
#include <algorithm>
#include <cstdio>
#include <string>

#include "conv2d.h"
#include "cost.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "lesson.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

// 1234567 -> "1,234,567"
std::string grouped(long long v) {
  std::string s = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return (v < 0 ? "-" : "") + out;
}

struct DepthwiseLesson {
  ImageView input_view, merged_view, channel_views[3];
  std::string key;
  cl::LayerCost depthwise_cost, standard_cost;
  int kh = 3, kw = 3;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    // What changes the output: the image, the kernel and the display mapping (not the view's zoom or pan).
    const std::string k = std::to_string(ctx.input_generation) + "|" + kernel_key(s) + s.display;
    if (k == key) return;
    key = k;
    try {
      const int c = ctx.input.c;
      const cl::Weights w = state_depthwise(s, c);  // [C, 1, kh, kw]
      cl::Conv2dParams p;
      p.groups = c;
      p.padding = cl::same_padding(w.kh, w.kw, {1, 1});
      p.padding_mode = cl::PadMode::Reflect;
      cl::Tensor out = cl::conv2d(ctx.input, w, p);
      cl::CostLayer dw;
      dw.kind = cl::LayerKind::Depthwise;
      dw.kernel = {w.kh, w.kw};
      dw.padding = {w.kh / 2, w.kw / 2};
      cl::CostLayer st = dw;
      st.kind = cl::LayerKind::Standard;
      st.out_channels = c;
      // cost() takes symmetric padding k/2; an even kernel's 'same' padding is one pixel less in total, so the
      // input size passed is shrunk by that pixel to give the real output size (MACs follow the output size).
      const cl::LayerCost dc = cl::cost(dw, c, ctx.input.h + (p.padding.top + p.padding.bottom) - 2 * dw.padding.h,
                                        ctx.input.w + (p.padding.left + p.padding.right) - 2 * dw.padding.w);
      const cl::LayerCost sc = cl::cost(st, c, ctx.input.h + (p.padding.top + p.padding.bottom) - 2 * dw.padding.h,
                                        ctx.input.w + (p.padding.left + p.padding.right) - 2 * dw.padding.w);
      depthwise_cost = dc;
      standard_cost = sc;
      kh = w.kh, kw = w.kw;
      // 'auto' per view: the merged colour image keeps its colours (min-max when values leave [0, 1], never
      // |value|, which the view's own auto picks for a signed colour image); each channel alone is the view's
      // auto for that channel: diverging when it has negative values.
      const cl::FiniteRange r = cl::finite_range(out, -1);
      std::string merged = s.display;
      if (merged == "auto" && (r.lo < 0 || r.hi > 1) && out.c > 1) merged = "minmax";
      merged_view.set(std::move(out), merged);  // the output lives here; the channel views share it
      for (int i = 0; i < 3 && i < merged_view.tensor().c; ++i)
        channel_views[i].set(merged_view.shared_tensor(), s.display, i);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Depthwise convolution: one kernel per channel",
                  "With groups = channels, each input channel is filtered by its own 2-D kernel and becomes its own output "
                  "channel: nothing is mixed across channels, so 3 channels in give 3 channels out, and colour survives.");
    const auto [wide, left_w] = begin_left_column("dw-left", 900, (s.depth ? 0.5f : 0.34f), 330.0f, s.depth ? 580.0f : 400.0f, 360.0f);
    if (ctx.visible("kernel-editor")) kernel_editor(s, ctx.input.c, 9);
    compute(ctx);
    const cl::Tensor& output = merged_view.tensor();  // after compute(), which may replace it
    if (!output.empty()) {
      ImGui::Spacing();
      ImGui::TextUnformatted("Shapes");
      help("PyTorch: nn.Conv2d(C, C, k, groups=C, padding='same'). The weight has one k x k plane per channel.");
      ImGui::PushFont(mono_font());
      ImGui::Text("input   %d x %d x %d", ctx.input.c, ctx.input.h, ctx.input.w);
      ImGui::Text("weight  %d x 1 x %d x %d  (groups = %d)", output.c, kh, kw, output.c);
      ImGui::Text("output  %d x %d x %d", output.c, output.h, output.w);
      ImGui::PopFont();
      ImGui::TextDisabled("Depth in = depth out = %d.", output.c);
      ImGui::Spacing();
      ImGui::TextUnformatted("Cost against a standard convolution");
      help("Both map C channels to C channels with the same k x k kernel size on this image (cost() of the core). A MAC is one multiply-add.");
      const int c = ctx.input.c;
      if (ImGui::BeginTable("dw-cost", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("");
        ImGui::TableSetupColumn("MACs");
        ImGui::TableSetupColumn("weights");
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("depthwise");
        ImGui::TableNextColumn();
        ImGui::PushFont(mono_font());
        ImGui::TextUnformatted(grouped(depthwise_cost.macs).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(grouped(depthwise_cost.params).c_str());
        ImGui::PopFont();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("standard");
        ImGui::TableNextColumn();
        ImGui::PushFont(mono_font());
        ImGui::TextUnformatted(grouped(standard_cost.macs).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(grouped(standard_cost.params).c_str());
        ImGui::PopFont();
        ImGui::EndTable();
      }
      ImGui::PushTextWrapPos(0.0f);
      ImGui::PushFont(mono_font());
      ImGui::Text("depthwise  C*H*W*k*k   = %d*%d*%d*%d*%d", c, depthwise_cost.out_h, depthwise_cost.out_w, kh, kw);
      ImGui::Text("standard   C*H*W*C*k*k = %d*%d*%d*%d*%d*%d", c, standard_cost.out_h, standard_cost.out_w, c, kh, kw);
      ImGui::PopFont();
      if (c > 1)
        ImGui::TextWrapped("Depthwise costs 1/%d of the standard convolution, because each output channel reads one input channel "
                           "instead of all %d. The price: it cannot combine channels (a pointwise 1x1 convolution does that).",
                           c, c);
      else
        ImGui::TextWrapped("With one channel (grey), depthwise and standard are the same layer. Untick 'grey' to see the difference.");
      ImGui::PopTextWrapPos();
      ctx.publish("input_shape", shape_text(ctx.input));
      ctx.publish("output_shape", shape_text(output));
      ctx.publish("weight_shape", std::to_string(output.c) + "x1x" + std::to_string(kh) + "x" + std::to_string(kw));
      ctx.publish("macs_depthwise", std::to_string(depthwise_cost.macs));
      ctx.publish("macs_standard", std::to_string(standard_cost.macs));
      ctx.publish("params_depthwise", std::to_string(depthwise_cost.params));
      ctx.publish("params_standard", std::to_string(standard_cost.params));
    }
    ImGui::EndChild();
    if (output.empty()) return;
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float total_h = wide ? avail.y : 640.0f;
    const int c = output.c;
    // Top row: input and merged output; bottom row: the channels on their own.
    const float half = (avail.x - gap) * 0.5f;
    const float top_h = std::max(150.0f, (total_h - 2 * line - 40) * (c > 1 ? 0.52f : 1.0f));
    ImGui::BeginGroup();
    ImGui::Text("input %d x %d x %d", ctx.input.c, ctx.input.h, ctx.input.w);
    input_view.draw("dw-in", ImVec2(half, top_h), s);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d x %d%s", output.c, output.h, output.w, c > 1 ? ", channels merged" : "");
    if (c > 1) help("The three filtered channels below, shown together again as one colour image.");
    merged_view.draw("dw-out", ImVec2(half, top_h), s);
    ImGui::EndGroup();
    if (c > 1) {
      const float third = (avail.x - 2 * gap) / 3.0f;
      const float bottom_h = std::max(120.0f, total_h - top_h - 2 * line - 30);
      const char* names[3] = {"red", "green", "blue"};
      for (int i = 0; i < 3; ++i) {
        if (i) ImGui::SameLine();
        char id[16];
        std::snprintf(id, sizeof id, "dw-cell%d", i);
        // A child per view so that a legend wider than the view is clipped instead of pushing the next one away.
        ImGui::BeginChild(id, ImVec2(third, bottom_h + line + 6), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        ImGui::Text("%s * its kernel", names[i]);
        std::snprintf(id, sizeof id, "dw-ch%d", i);
        channel_views[i].draw(id, ImVec2(third, bottom_h), s);
        ImGui::EndChild();
      }
    }
    ImGui::EndGroup();
  }
};

DepthwiseLesson g_lesson;

}  // namespace

REGISTER_LESSON("depthwise", "Depthwise convolution", "One kernel per channel (groups = channels): depth kept, cost divided by C.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
