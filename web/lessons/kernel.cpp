// Lesson 1: a kernel sliding over an RGB image. Its depth equals the image's channels; sizes 3, 5, 7 and
// beyond; blur, edges and emboss from the presets.
#include <string>

#include "conv2d.h"
#include "imgui.h"
#include "image_view.h"
#include "kernel_editor.h"
#include "lesson.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

struct KernelLesson {
  ImageView input_view, output_view;
  std::string key;
  cl::Tensor output;
  bool one_filter = false;  // true: one filter of depth C summed into one map; false: each channel alone

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("The kernel slides over the image",
                  "Each output pixel is the sum of the kernel's values times the pixels under it (cross-correlation, "
                  "as PyTorch and OpenCV's filter2D compute it). Pick a preset or edit the cells.");
    if (ctx.visible("kernel-editor")) kernel_editor(s, ctx.input.c);
    if (ctx.input.c > 1) {
      ImGui::Checkbox("one filter with depth 3 (a CNN layer's view)", &one_filter);
      tip("A CNN filter has one plane per input channel and sums them all into one output map; unticked, each "
          "colour channel is filtered on its own (a depthwise convolution), so colour survives.");
    }
    cl::Conv2dParams p;
    cl::Weights w;
    try {
      w = one_filter ? state_filter(s, ctx.input.c) : state_depthwise(s, ctx.input.c);
      p.groups = one_filter ? 1 : ctx.input.c;
      p.padding = cl::same_padding(w.kh, w.kw, {1, 1});
      p.padding_mode = cl::PadMode::Reflect;
      const std::string k = std::to_string(ctx.input_generation) + to_hash(s) + (one_filter ? "1" : "0");
      if (k != key) {
        output = cl::conv2d(ctx.input, w, p);
        output_view.set(output, s.display);
        input_view.set(ctx.input);
        key = k;
      }
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    shape_line("conv2d", ctx.input, output);
    ctx.publish("output_shape", std::to_string(output.c) + "x" + std::to_string(output.h) + "x" + std::to_string(output.w));
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float side = (avail.x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const ImVec2 box(side, std::max(200.0f, avail.y - 40));
    ImGui::BeginGroup();
    ImGui::TextUnformatted("input");
    input_view.draw("in", box, s);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted("output");
    output_view.draw("out", box, s);
    ImGui::EndGroup();
  }
};

KernelLesson g_lesson;

}  // namespace

REGISTER_LESSON("kernel", "The kernel", "A kernel slides over the image; kernel depth = channels.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
