// Depthwise convolution: groups = channels, so each channel gets its own 2-D kernel and keeps its own
// output map; the depth is preserved (3 -> 3). The visual: the input and the merged output, then each
// channel's output on its own. The numbers (shapes, cost against a standard convolution) are the
// model's (depthwise_model.h).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "depthwise_model.h"
#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "lesson.h"
#include "view_cells.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

const char* const kChannelNames[3] = {"red", "green", "blue"};

class DepthwiseView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    const State& s = ctx.state;
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    try {  // an impossible preset size throws here; the previous result stays
      model_.update(ctx.input, ctx.input_generation, state_depthwise(s, ctx.input.c), s.display);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    if (!model_.error().empty()) ctx.error = model_.error();
    const DepthwiseResult& r = model_.result();
    if (!r.output) return;
    // The merged view keeps the colours; each channel alone gets the display's own auto (diverging when it
    // has negative values). All are coloured with the output, by the workers.
    const std::string version = std::to_string(r.version);
    merged_view_.set_for(version, r.merged);
    for (std::size_t i = 0; i < r.channel_shown.size() && i < 3; ++i) channel_views_[i].set_for(version, r.channel_shown[i]);
    ctx.publish("version", r.version);
    ctx.publish("workers", r.workers);
    ctx.publish("compute_ms", r.compute_ms);
    ctx.publish("input_shape", shape_text(ctx.input));
    ctx.publish("output_shape", shape_text(r.output.shape()));
    ctx.publish("weight_shape", depthwise_weight_shape(r));
    ctx.publish("macs_depthwise", std::to_string(r.depthwise.macs));
    ctx.publish("macs_standard", std::to_string(r.standard.macs));
    ctx.publish("params_depthwise", std::to_string(r.depthwise.params));
    ctx.publish("params_standard", std::to_string(r.standard.params));
  }

  // Colour: the input and the merged output on top, the three channels below. Grey: input and output.
  void visual(LessonContext& ctx, ImVec2 size) override {
    State& s = ctx.state;
    const DepthwiseResult& r = model_.result();
    if (!r.output) return;
    const LazyTensor::Shape out = r.output.shape();
    const float aspect = float(out.h) / float(out.w);
    const bool colour = out.c > 1;
    // The top pair may take 60% of the height (side by side, or stacked in a tall box); the channels
    // get whatever it leaves.
    const float top = ImGui::GetCursorPosY();
    draw_view_cells("dw-top",
                    {{&input_view_, "input " + shape_text(ctx.input)},
                     {&merged_view_, "output " + shape_text(out) + (colour ? " merged" : "")}},
                    ImVec2(size.x, colour ? size.y * 0.6f : size.y), aspect, s);
    if (!colour) return;
    std::vector<ViewCell> channels;
    for (int i = 0; i < 3 && i < out.c; ++i) channels.push_back({&channel_views_[i], std::string(kChannelNames[i]) + " * its kernel"});
    draw_view_cells("dw-channels", channels, ImVec2(size.x, size.y - (ImGui::GetCursorPosY() - top)), aspect, s);
  }

  const cl::Tensor* output() const override { return model_.result().output.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    if (ctx.section("kernel-editor", "Kernel")) {
      ImGui::TextWrapped("With groups = channels, each channel is filtered by its own kernel (tick 'depth' to give each one "
                         "its own values) and becomes its own output channel: nothing is mixed across channels.");
      kernel_editor(s, ctx.input.c, 9);
    }
    const DepthwiseResult& r = model_.result();
    if (!r.output || !ctx.section("cost", "Shapes and cost")) return;
    const int c = r.channels;
    ImGui::PushFont(mono_font());
    ImGui::Text("input   %d x %d x %d", ctx.input.c, ctx.input.h, ctx.input.w);
    ImGui::Text("weight  %d x 1 x %d x %d  (groups = %d)", c, r.kh, r.kw, c);
    ImGui::Text("output  %d x %d x %d", r.output.shape().c, r.output.shape().h, r.output.shape().w);
    ImGui::PopFont();
    help("PyTorch: nn.Conv2d(C, C, k, groups=C, padding='same'). The weight has one k x k plane per channel.");
    ImGui::TextDisabled("Depth in = depth out = %d.", c);
    ImGui::Spacing();
    if (ImGui::BeginTable("dw-cost", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("");
      ImGui::TableSetupColumn("MACs");
      ImGui::TableSetupColumn("weights");
      ImGui::TableHeadersRow();
      cost_row("depthwise", r.depthwise);
      cost_row("standard", r.standard);
      ImGui::EndTable();
    }
    help("Both map C channels to C channels with the same k x k kernel size on this image (cost() of the core). "
         "A MAC is one multiply-add.");
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushFont(mono_font());
    ImGui::Text("depthwise  C*H*W*k*k   = %d*%d*%d*%d*%d", c, r.depthwise.out_h, r.depthwise.out_w, r.kh, r.kw);
    ImGui::Text("standard   C*H*W*C*k*k = %d*%d*%d*%d*%d*%d", c, r.standard.out_h, r.standard.out_w, c, r.kh, r.kw);
    ImGui::PopFont();
    if (c > 1)
      ImGui::TextWrapped("Depthwise costs 1/%d of the standard convolution, because each output channel reads one input channel "
                         "instead of all %d. The price: it cannot combine channels (a pointwise 1x1 convolution does that).",
                         c, c);
    else
      ImGui::TextWrapped("With one channel (grey), depthwise and standard are the same layer. Untick 'grey' to see the difference.");
    ImGui::PopTextWrapPos();
  }

 private:
  static void cost_row(const char* name, const cl::LayerCost& cost) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    ImGui::PushFont(mono_font());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(grouped(cost.macs).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(grouped(cost.params).c_str());
    ImGui::PopFont();
  }

  DepthwiseModel model_;
  ImageView input_view_, merged_view_, channel_views_[3];
};

}  // namespace

REGISTER_LESSON_VIEW("depthwise", DepthwiseView);
