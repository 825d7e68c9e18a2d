// Lesson 1: a kernel sliding over an RGB image. Its depth equals the image's channels: one filter of
// depth 3 summed into one map (a CNN layer's filter) or each channel filtered on its own (depthwise).
// Sizes 3, 5, 7 and beyond; blur, edges and emboss from quick buttons; a step-through of every product;
// the output-size formula; "Copy as PyTorch" and "Export PNG".
#include <emscripten.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "conv2d.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "kernels.h"
#include "lesson.h"
#include "kernel_model.h"
#include "pytorch_snippet.h"
#include "step_through.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

// Chooses a preset (dropping custom values) at a size; presets without a size are 3x3.
void use_preset(State& s, const char* name, int size = 3) {
  s.preset = name;
  s.values.clear();
  s.depth = false;
  s.kh = s.kw = size;
}

bool preset_has_size(const std::string& name) {
  for (const auto& p : cl::kernel_presets())
    if (name == p.name) return p.has_size;
  return false;
}

// What the convolution depends on (not the view, not the step): the cache key.
std::string conv_key(const LessonContext& ctx) {
  const State& s = ctx.state;
  return std::to_string(ctx.input_generation) + "|" + kernel_key(s) + (lesson_params<KernelParams>(s).one_filter ? "1" : "g") + "|" +
         std::to_string(s.pad) + s.pad_mode + "|" + std::to_string(s.stride) + "|" + std::to_string(s.dilation);
}

struct KernelLesson {
  ImageView input_view, output_view;
  std::string key, error;  // the output lives in output_view (moved in: a 1024x1024 RGB output is 12 MB)
  cl::Weights weights;
  cl::Conv2dParams params;
  std::string snippet;
  double compute_ms = 0;
  ConvStepThrough step;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    const std::string k = conv_key(ctx);
    if (k != key) {
      key = k;
      error.clear();
      try {
        const bool one = lesson_params<KernelParams>(s).one_filter || ctx.input.c == 1;
        cl::Weights w = one ? state_filter(s, ctx.input.c) : state_depthwise(s, ctx.input.c);
        cl::Conv2dParams p = state_conv_params(s, w.kh, w.kw);
        p.groups = one ? 1 : ctx.input.c;
        const double t0 = emscripten_get_now();
        cl::Tensor out = cl::conv2d(ctx.input, w, p);
        compute_ms = emscripten_get_now() - t0;
        output_view.set_for(s.display + "|" + key, std::move(out), s.display);
        weights = std::move(w);
        params = p;
        PytorchConv pc{ctx.input.c, ctx.input.h, ctx.input.w, weights, params, {},
                       "ConvLab, lesson 'kernel': " + s.preset + " " + std::to_string(weights.kh) + "x" + std::to_string(weights.kw) +
                           " on the '" + s.image + "' image"};
        snippet = pytorch_conv2d_snippet(pc);
      } catch (const std::exception& e) {
        error = e.what();  // keep the previous output
      }
    }
    if (!output_view.empty()) output_view.set_for(s.display + "|" + key, output_view.tensor(), s.display);
    if (!error.empty()) ctx.error = error;
  }

  void quick_buttons(State& s) {
    ImGui::TextUnformatted("Quick kernels");
    help("One click puts a named kernel in the editor above; its values then show there and can be edited.");
    if (ImGui::Button("Mean blur")) use_preset(s, "mean", preset_has_size(s.preset) ? s.kh : 3);
    tip("Box blur: every weight 1/(k*k), the plain average of the window.");
    ImGui::SameLine();
    if (ImGui::Button("Gaussian blur")) use_preset(s, "gaussian", preset_has_size(s.preset) ? std::max(3, s.kh | 1) : 5);
    tip("Weights fall off with distance from the centre (OpenCV's Gaussian): a softer blur without the box's blockiness.");
    ImGui::SameLine();
    ImGui::TextDisabled("size");
    for (int k : {3, 5, 7}) {
      ImGui::SameLine(0, 4);
      const bool can = preset_has_size(s.preset);
      ImGui::BeginDisabled(!can);
      char label[8];
      std::snprintf(label, sizeof label, "%d", k);
      const bool current = s.kh == k && s.kw == k;
      if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      if (ImGui::Button(label, ImVec2(ImGui::GetFrameHeight() * 1.1f, 0))) s.kh = s.kw = k;
      if (current) ImGui::PopStyleColor();
      ImGui::EndDisabled();
      tip("Kernel size k x k (the editor's slider goes further). A bigger kernel reads more pixels per output.");
    }
    if (ImGui::Button("Horizontal edges")) use_preset(s, "sobel_y", 3);
    tip("sobel_y: differentiates along y (down the rows), so it lights up where brightness changes from one row to the next: "
        "horizontal edges.");
    ImGui::SameLine();
    if (ImGui::Button("Vertical edges")) use_preset(s, "sobel_x", 3);
    tip("sobel_x: differentiates along x (across the columns), so it lights up vertical edges.");
    if (ImGui::Button("Demo: edges on the rocket")) {
      s.image = "rocket";
      use_preset(s, "sobel_y", 3);
      lesson_params<KernelParams>(s).one_filter = true;
      s.display = "abs";
      s.step = -1;
    }
    tip("A demo: the rocket is tall and thin. Which edge kernel keeps its shape?");
    // Emboss: a compass of the four primary directions and their diagonal combinations.
    ImGui::TextDisabled("emboss, lit from:");
    help("An emboss kernel is 1 at the centre plus -1 along one side and +1 along the opposite side: flat areas keep their "
         "value, edges facing that side turn dark or light, like a relief. Diagonals add two sides.");
    const char* names[3][3] = {{"emboss_top_left", "emboss_top", "emboss_top_right"},
                               {"emboss_left", nullptr, "emboss_right"},
                               {"emboss_bottom_left", "emboss_bottom", "emboss_bottom_right"}};
    const char* arrows[3][3] = {{"TL", "T", "TR"}, {"L", "", "R"}, {"BL", "B", "BR"}};
    const float bw = ImGui::GetFrameHeight() * 1.5f;
    ImGui::BeginGroup();
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) {
        if (c) ImGui::SameLine(0, 3);
        if (!names[r][c]) {
          ImGui::Dummy(ImVec2(bw, ImGui::GetFrameHeight()));
          continue;
        }
        ImGui::PushID(names[r][c]);
        const bool current = s.preset == names[r][c];
        if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(arrows[r][c], ImVec2(bw, 0))) use_preset(s, names[r][c], 3);
        if (current) ImGui::PopStyleColor();
        tip(r == 1 || c == 1 ? "A primary emboss: -1 along this side, +1 along the opposite one, 1 at the centre."
                             : "A diagonal emboss: the two neighbouring primaries combined (their sum minus the identity).");
        ImGui::PopID();
      }
    ImGui::EndGroup();
  }

  void depth_choice(LessonContext& ctx) {
    State& s = ctx.state;
    ImGui::TextUnformatted("Kernel depth = channels");
    help("An RGB image has 3 channels, so a kernel that reads it has 3 planes of k x k weights (here the same plane three "
         "times unless you tick 'a different kernel per channel').");
    if (ctx.input.c == 1) {
      ImGui::TextDisabled("The image is grey (one channel): the kernel has one plane.");
      return;
    }
    if (ImGui::RadioButton("each channel on its own (depthwise)", !lesson_params<KernelParams>(s).one_filter)) lesson_params<KernelParams>(s).one_filter = false;
    tip("groups = 3, weight [3, 1, k, k]: R, G and B are filtered separately into 3 output channels, so colour survives.");
    if (ImGui::RadioButton("one filter of depth 3, summed into 1 map", lesson_params<KernelParams>(s).one_filter)) lesson_params<KernelParams>(s).one_filter = true;
    tip("groups = 1, weight [1, 3, k, k]: the products of all three planes are added into a single output value per pixel, "
        "as every filter of a CNN layer does.");
    ImGui::PushFont(mono_font());
    ImGui::TextDisabled("weight [%d, %d, %d, %d], groups %d -> %d output channel%s", weights.a, weights.b, weights.kh, weights.kw,
                        params.groups, weights.a, weights.a == 1 ? "" : "s");
    ImGui::PopFont();
  }

  void conv_options(LessonContext& ctx) {
    State& s = ctx.state;
    const float w = ImGui::GetFontSize() * 6.5f;
    ImGui::SetNextItemWidth(w);
    const std::string label = s.pad < 0 ? "same" : s.pad == 0 ? "valid" : std::to_string(s.pad);
    if (ImGui::BeginCombo("padding", label.c_str())) {
      if (ImGui::Selectable("same", s.pad < 0)) s.pad = -1;
      if (ImGui::Selectable("valid", s.pad == 0)) s.pad = 0;
      for (int p = 1; p <= 8; ++p)
        if (ImGui::Selectable(std::to_string(p).c_str(), s.pad == p)) s.pad = p;
      ImGui::EndCombo();
    }
    tip("Pixels added around the image: 'same' keeps the size (PyTorch's rule), 'valid' adds none. The Padding lesson shows it all.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo("mode", s.pad_mode.c_str())) {
      for (const char* m : {"zeros", "reflect", "symmetric", "replicate", "circular"})
        if (ImGui::Selectable(m, s.pad_mode == m)) s.pad_mode = m;
      ImGui::EndCombo();
    }
    tip("What the padded pixels hold: zeros darken the border of a blur; reflect/replicate/circular copy image pixels.");
    ImGui::SetNextItemWidth(w);
    ImGui::SliderInt("stride", &s.stride, 1, 4);
    tip("How far the kernel jumps between output pixels; 2 halves the output size.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    ImGui::SliderInt("dilation", &s.dilation, 1, 4);
    tip("Spacing between the kernel's taps (1 = ordinary).");
  }

  void edge_note(State& s) {
    const bool horizontal = s.preset == "sobel_y" || s.preset == "prewitt_y";
    const bool vertical = s.preset == "sobel_x" || s.preset == "prewitt_x";
    if (!horizontal && !vertical) return;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.13f, 0.16f, 0.22f, 1.0f));
    ImGui::BeginChild("edge-note", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6.6f), true);
    ImGui::PushTextWrapPos(0.0f);
    if (horizontal)
      ImGui::TextUnformatted(
          "This kernel differentiates along y: it compares the row below with the row above, so it responds to HORIZONTAL edges "
          "(brightness changing from top to bottom). Along a vertical edge each row looks like the next, so it sees nothing: "
          "on the rocket, the tall body and tower almost vanish; only the horizontal bands remain.");
    else
      ImGui::TextUnformatted(
          "This kernel differentiates along x: it compares the column on the right with the one on the left, so it responds to "
          "VERTICAL edges. On the rocket, the long outlines of the body and the tower stand out: the vertical structure is kept.");
    ImGui::PopTextWrapPos();
    if (ImGui::Button(horizontal ? "Switch to vertical edges (sobel_x)" : "Switch to horizontal edges (sobel_y)"))
      use_preset(s, horizontal ? "sobel_x" : "sobel_y", s.kh);
    tip("The same kernel transposed: compare which edges survive.");
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("The kernel slides over the image",
                  "Each output pixel is the sum of the kernel's values times the pixels under it (cross-correlation, as "
                  "PyTorch's conv2d and OpenCV's filter2D compute it). Pick a kernel, then step through the sums.");
    const auto [wide, left_w] = begin_left_column("kernel-left", 860, 0.35f, 330.0f, 410.0f, 560.0f);
    if (ctx.visible("kernel-editor")) kernel_editor(s, ctx.input.c, 15);
    compute(ctx);
    const cl::Tensor& output = output_view.tensor();
    ImGui::Spacing();
    if (ctx.visible("presets")) quick_buttons(s);
    ImGui::Spacing();
    if (ctx.visible("depth")) depth_choice(ctx);
    ImGui::Spacing();
    if (ctx.visible("conv-options") && ImGui::CollapsingHeader("Padding, stride, dilation")) conv_options(ctx);
    ImGui::Spacing();
    ImGui::EndChild();
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    if (!output.empty()) {
      shape_line(params.groups > 1 ? "conv2d (depthwise)" : "conv2d", ctx.input, output);
      conv_formula_lines(ctx, ctx.input, weights.kh, weights.kw, params);
    }
    if (ctx.visible("display")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
      static const char* modes[] = {"auto", "clamp", "minmax", "abs", "diverging"};
      if (ImGui::BeginCombo("output display", s.display.c_str())) {
        for (const char* m : modes)
          if (ImGui::Selectable(m, s.display == m)) s.display = m;
        ImGui::EndCombo();
      }
      tip("How output values become colours: clamp to [0, 1], stretch min..max, |x| (edges of both signs bright), or a "
          "diverging map with 0 white, negative blue, positive red. 'auto' picks from the values; the legend shows the range.");
      ImGui::SameLine();
    }
    if (ctx.visible("export")) {
      if (copy_button("Copy as PyTorch", snippet)) {}
      tip("Copies Python that reproduces this output with torch.nn.functional.conv2d: the exact weights, stride, padding, "
          "dilation and groups.");
      ImGui::SameLine();
      export_png_button("convlab-kernel.png", output_view);
      tip("Download the output as a PNG image, mapped as shown.");
    }
    if (!output.empty()) {
      edge_note(s);
      StepConv sc{&ctx.input, &weights, params, {}, &output};
      step.update(ctx, sc);
      if (ctx.visible("step")) step.controls(ctx);
      ctx.publish("output_shape", shape_text(output));
      ctx.publish("out_h", output.h);
      ctx.publish("out_w", output.w);
      ctx.publish("groups", params.groups);
      ctx.publish("kernel", std::to_string(weights.kh) + "x" + std::to_string(weights.kw));
      ctx.publish("weight_shape", std::to_string(weights.a) + "x" + std::to_string(weights.b) + "x" + std::to_string(weights.kh) + "x" +
                                      std::to_string(weights.kw));
      ctx.publish("padding", std::to_string(params.padding.top) + "," + std::to_string(params.padding.bottom) + "," +
                                 std::to_string(params.padding.left) + "," + std::to_string(params.padding.right));
      ctx.publish("compute_ms", compute_ms);
      ctx.publish("display", cl::display_mode_name(output_view.resolved_display()));  // what "auto" became
      ctx.publish("snippet_chars", double(snippet.size()));
    }
    const float right_w = ImGui::GetContentRegionAvail().x;
    const float panel_h = step.panel_height(ImGui::GetContentRegionAvail().y);
    const float img_h = std::max(180.0f, ImGui::GetContentRegionAvail().y - panel_h - ImGui::GetTextLineHeightWithSpacing() - 8);
    const float half = (right_w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const int pad_view = std::max({params.padding.top, params.padding.left, params.padding.bottom, params.padding.right});
    ImGui::BeginGroup();
    ImGui::Text("input %d x %d x %d", ctx.input.c, ctx.input.h, ctx.input.w);
    input_view.draw("in", ImVec2(half, img_h), s, step.input_overlay(), pad_view);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d x %d", output.c, output.h, output.w);
    const Hover h = output_view.draw("out", ImVec2(half, img_h), s, step.output_overlay());
    step.pick(s, h);
    ImGui::EndGroup();
    step.panel(ctx);
    ImGui::EndGroup();
  }
};

KernelLesson g_lesson;

}  // namespace

REGISTER_LESSON("kernel", "The kernel", "A kernel slides over the image; kernel depth = channels.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
