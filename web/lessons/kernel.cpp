// Lesson 1: a kernel sliding over an RGB image. Its depth equals the image's channels: one filter of
// depth 3 summed into one map (a CNN layer's filter) or each channel filtered on its own (depthwise).
// Sizes 3, 5, 7 and beyond; blur, edges and emboss from quick buttons; a step-through of every product;
// after the filter a ReLU or |x|, and the filter applied again and again to its own output; the
// output-size formula; "Copy as PyTorch" and "Export PNG". The numbers come from kernel_model.h.
#include <algorithm>
#include <cstdio>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "kernel_model.h"
#include "lesson.h"
#include "step_through.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

// A button drawn pressed when it names the current choice.
bool choice_button(const char* label, bool current, ImVec2 size = ImVec2(0, 0)) {
  if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
  const bool clicked = ImGui::Button(label, size);
  if (current) ImGui::PopStyleColor();
  return clicked;
}

class KernelView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    State& s = ctx.state;
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    try {  // the filter itself fails for an impossible preset size (an odd-only Sobel at 4)
      const cl::Weights filter = state_filter(s, ctx.input.c);
      model_.update(s, ctx.input, ctx.input_generation, filter, state_conv_params(s, filter.kh, filter.kw));
      if (!model_.error().empty()) ctx.error = model_.error();
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    if (!model_.output) return;
    output_view_.set_for(std::to_string(model_.version), model_.shown);  // shared with the model: no copy, no recolouring
    const LazyTensor& out = model_.output;  // its values are read only where shown (the step, a hover)
    // With several applications the step-through explains the last one: it reads the one before's output.
    StepConv step{model_.last_input ? model_.last_input.get() : &ctx.input, &model_.weights, model_.params, {},
                  model_.last_conv};
    if (!model_.last_conv && model_.input_generation == ctx.input_generation) {
      // The workers activated the output: the sums are compared with conv2d's own values (one row of
      // it, recomputed here), while the output gives the cells.
      step.output = out;
      step.value_at = [this, input = &ctx.input](int c, int oy, int ox) { return model_.conv_before_activation(*input, c, oy, ox); };
    }  // (else, while a new image's output is computed, there is nothing to step through)
    step.current = !model_.busy();
    step_.update(ctx, step);
    if (step_.active())  // the shown output: the conv2d's value after the activation
      for (const StepOutput& o : step_.cell().outputs)
        ctx.publish("step_final_" + std::to_string(o.channel), out.value(o.channel, step_.cell().oy, step_.cell().ox));
    ctx.publish("activation", cl::activation_name(model_.activation));
    ctx.publish("applications", model_.repeats);
    ctx.publish("shapes", model_.shapes_text());
    ctx.publish("output_shape", shape_text(out.shape()));
    ctx.publish("out_h", out.shape().h);
    ctx.publish("out_w", out.shape().w);
    ctx.publish("groups", model_.params.groups);
    ctx.publish("kernel", model_.kernel_text());
    ctx.publish("weight_shape", model_.weight_shape_text());
    ctx.publish("padding", model_.padding_text());
    ctx.publish("formula_h", model_.formula_h.value);
    ctx.publish("formula_w", model_.formula_w.value);
    ctx.publish("formula_h_text", model_.formula_h.text);
    ctx.publish("formula_w_text", model_.formula_w.text);
    ctx.publish("compute_ms", model_.compute_ms);
    ctx.publish("workers", model_.workers);
    ctx.publish("version", model_.version);
    if (!model_.busy()) ctx.publish("snippet_chars", double(model_.snippet().size()));  // not while a slider moves
    ctx.publish("display", cl::display_mode_name(output_view_.resolved_display()));  // what "auto" became
  }

  // Input and output side by side (stacked in a tall box), the step's numbers under them when wide.
  void visual(LessonContext& ctx, ImVec2 size) override {
    if (!model_.output) return;
    const cl::Pad4& p = model_.params.padding;
    const bool again = model_.repeats > 1;  // the step's window lies on the last application's input, not shown
    step_.draw_views(ctx, size, "input " + shape_text(ctx.input), input_view_, again ? Overlay{} : step_.input_overlay(),
                     std::max({p.top, p.left, p.bottom, p.right}), output_caption(), output_view_);
  }

  const cl::Tensor* output() const override { return model_.output.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    if (model_.output) {
      ImGui::PushFont(mono_font());
      const std::string act = model_.activation == cl::Activation::None ? "" : std::string(" -> ") + activation_label(model_.activation);
      const std::string conv = std::string("conv2d") + (model_.depthwise() ? " (depthwise)" : "") + act;
      ImGui::TextWrapped("%s -> %s -> %s", shape_text(ctx.input).c_str(),
                         model_.repeats > 1 ? (std::to_string(model_.repeats) + " x [" + conv + "]").c_str() : conv.c_str(),
                         shape_text(model_.output.shape()).c_str());
      ImGui::PopFont();
      tip("Shapes are channels x height x width.");
      if (model_.repeats > 1) application_sizes();
      formula_lines(model_.formula_h, model_.formula_w);
      edge_note(s);
    }
    if (ctx.section("kernel-editor", "Kernel")) kernel_editor(s, ctx.input.c, 15, &ctx);
    if (ctx.section("presets", "Quick kernels")) quick_buttons(s);
    if (ctx.section("depth", "Kernel depth = channels")) depth_choice(ctx);
    if (ctx.section("after", "After the filter")) after_filter(ctx);
    step_.section(ctx);
    if (step_.active() && ctx.visible("step")) step_notes();
    if (ctx.section("conv-options", "Padding, stride, dilation")) conv_options(s);
    if (ctx.section("display", "Output display")) display_choice(s);
    if (ctx.section("export", "Export")) {
      copy_button("Copy as PyTorch", [this] { return model_.snippet(); });
      tip("Copies Python that reproduces this output with torch.nn.functional.conv2d: the exact weights, stride, padding, "
          "dilation and groups.");
      ImGui::SameLine();
      export_png_button("convlab-kernel.png", output_view_);
    }
  }

 private:
  // Under the step-through: which application it explains, and the activation that follows its sum.
  void step_notes() {
    if (model_.repeats > 1)
      note("The step-through explains application %d of %d: the values under its window are application %d's output%s, "
           "not the image on the left.", model_.repeats, model_.repeats, model_.repeats - 1,
           model_.activation == cl::Activation::None ? "" : (std::string(" after ") + activation_label(model_.activation)).c_str());
    if (model_.activation == cl::Activation::None) return;
    std::string line = std::string("then ") + activation_label(model_.activation) + ":";
    for (const StepOutput& o : step_.cell().outputs) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %.4f -> %.4f", double(o.output), double(cl::activate(o.output, model_.activation)));
      line += buf;
    }
    note("%s (shown)", line.c_str());
  }

  // "output 3x300x451", or with N applications what each fed back: "5 x conv+ReLU, fed back 3x300x451".
  std::string output_caption() const {
    const std::string shape = shape_text(model_.output.shape());
    if (model_.repeats == 1) return "output " + shape;
    const std::string act = model_.activation == cl::Activation::None ? "" : std::string("+") + activation_label(model_.activation);
    return std::to_string(model_.repeats) + " x conv" + act + ", fed back " + shape;
  }

  static const char* activation_label(cl::Activation a) {
    return a == cl::Activation::Relu ? "ReLU" : a == cl::Activation::Abs ? "|x|" : "none";
  }

  // The size after each application, when they shrink the image (valid padding, a stride).
  void application_sizes() {
    const auto& sh = model_.shapes;
    if (sh.front() == sh.back()) {
      note("Each application keeps the size: the formula below holds for every one.");
      return;
    }
    std::string t;
    for (std::size_t i = 0; i < sh.size(); ++i) {
      if (sh.size() > 8 && i == 3) {  // the first three and the last four
        t += " -> ...";
        i = sh.size() - 5;
        continue;
      }
      t += (i ? " -> " : "") + std::to_string(sh[i][1]) + "x" + std::to_string(sh[i][2]);
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("sizes per application: %s", t.c_str());
    ImGui::TextDisabled("The formula below is the last application's, from its input %dx%d:", sh[sh.size() - 2][1], sh[sh.size() - 2][2]);
    ImGui::PopTextWrapPos();
  }

  // A nonlinearity after the filter, and the filter applied again to its own output.
  void after_filter(LessonContext& ctx) {
    KernelParams& kp = lesson_params<KernelParams>(ctx.state);
    if (ctx.visible("activation")) {
      ImGui::TextUnformatted("then");
      help("A CNN follows each convolution with a nonlinearity. ReLU keeps positive values and sets negative ones to 0; |x| "
           "keeps the size of the response whatever its sign (both edges of a line light up).");
      for (cl::Activation a : {cl::Activation::None, cl::Activation::Relu, cl::Activation::Abs}) {
        ImGui::SameLine();
        if (ImGui::RadioButton(a == cl::Activation::None ? "nothing" : activation_label(a), kp.activation == a)) kp.activation = a;
      }
    }
    if (ctx.visible("again")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      ImGui::SliderInt("applications", &kp.repeats, 1, kMaxRepeats);
      kp.repeats = std::clamp(kp.repeats, 1, kMaxRepeats);  // typed with ctrl+click
      tip("Apply the filter (and the nonlinearity) again to its own output: a blur spreads further each time, edges thicken.");
      ImGui::PushTextWrapPos(0.0f);
      if (kp.repeats > 1)
        ImGui::TextDisabled("Each application's output%s is fed back as the next one's input.",
                            kp.activation == cl::Activation::None ? "" : (std::string(", after ") + activation_label(kp.activation) + ",").c_str());
      if (kp.one_filter && ctx.input.c > 1)
        ImGui::TextDisabled("One filter of depth %d sums the channels into 1 map, which cannot be fed back: applying again "
                            "needs 'each channel on its own'.", ctx.input.c);
      ImGui::PopTextWrapPos();
    }
  }

  void quick_buttons(State& s) {
    const bool sized = preset_has_size(s.preset);
    if (ImGui::Button("Mean blur")) use_preset(s, "mean", sized ? s.kh : 3);
    tip("Box blur: every weight 1/(k*k), the plain average of the window.");
    ImGui::SameLine();
    if (ImGui::Button("Gaussian blur")) use_preset(s, "gaussian", sized ? std::max(3, s.kh | 1) : 5);
    tip("Weights fall off with distance from the centre (OpenCV's Gaussian): a softer blur without the box's blockiness.");
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("size");
    ImGui::BeginDisabled(!sized);
    for (int k : {3, 5, 7}) {
      ImGui::SameLine(0, 6);
      char label[8];
      std::snprintf(label, sizeof label, "%d", k);
      if (choice_button(label, s.kh == k && s.kw == k, ImVec2(ImGui::GetFrameHeight() * 1.1f, 0))) s.kh = s.kw = k;
      tip("Kernel size k x k (the editor's slider goes further). A bigger kernel reads more pixels per output.");
    }
    ImGui::EndDisabled();
    if (ImGui::Button("Horizontal edges")) use_preset(s, "sobel_y");
    tip("sobel_y: differentiates along y (down the rows), so it lights up where brightness changes from one row to the next: "
        "horizontal edges.");
    ImGui::SameLine();
    if (ImGui::Button("Vertical edges")) use_preset(s, "sobel_x");
    tip("sobel_x: differentiates along x (across the columns), so it lights up vertical edges.");
    if (ImGui::Button("Demo: edges on the rocket")) {
      s.image = "rocket";
      use_preset(s, "sobel_y");
      lesson_params<KernelParams>(s).one_filter = true;
      s.display = "abs";
      s.step = -1;
    }
    tip("A demo: the rocket is tall and thin. Which edge kernel keeps its shape?");
    // Emboss: a compass of the four primary directions and their diagonal combinations.
    ImGui::TextDisabled("emboss, lit from:");
    help("An emboss kernel is 1 at the centre plus -1 along one side and +1 along the opposite side: flat areas keep their "
         "value, edges facing that side turn dark or light, like a relief. Diagonals add two sides.");
    static const char* const names[3][3] = {{"emboss_top_left", "emboss_top", "emboss_top_right"},
                                            {"emboss_left", nullptr, "emboss_right"},
                                            {"emboss_bottom_left", "emboss_bottom", "emboss_bottom_right"}};
    static const char* const arrows[3][3] = {{"TL", "T", "TR"}, {"L", "", "R"}, {"BL", "B", "BR"}};
    const ImVec2 button(ImGui::GetFrameHeight() * 1.5f, 0);
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) {
        if (c) ImGui::SameLine(0, 3);
        if (!names[r][c]) {
          ImGui::Dummy(ImVec2(button.x, ImGui::GetFrameHeight()));
          continue;
        }
        ImGui::PushID(names[r][c]);
        if (choice_button(arrows[r][c], s.preset == names[r][c], button)) use_preset(s, names[r][c]);
        tip(r == 1 || c == 1 ? "A primary emboss: -1 along this side, +1 along the opposite one, 1 at the centre."
                             : "A diagonal emboss: the two neighbouring primaries combined (their sum minus the identity).");
        ImGui::PopID();
      }
  }

  void depth_choice(LessonContext& ctx) {
    ImGui::TextUnformatted("One plane of weights per input channel");
    help("An RGB image has 3 channels, so a kernel that reads it has 3 planes of k x k weights (here the same plane three "
         "times unless you tick 'a different kernel per channel').");
    if (ctx.input.c == 1) {
      ImGui::TextDisabled("The image is grey (one channel): the kernel has one plane.");
      return;
    }
    bool& one = lesson_params<KernelParams>(ctx.state).one_filter;
    if (ImGui::RadioButton("each channel on its own (depthwise)", !one)) one = false;
    tip("groups = 3, weight [3, 1, k, k]: R, G and B are filtered separately into 3 output channels, so colour survives.");
    if (ImGui::RadioButton("one filter of depth 3, summed into 1 map", one)) one = true;
    tip("groups = 1, weight [1, 3, k, k]: the products of all three planes are added into a single output value per pixel, "
        "as every filter of a CNN layer does.");
    const cl::Weights& w = model_.weights;
    ImGui::PushFont(mono_font());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("weight [%d, %d, %d, %d], groups %d -> %d output channel%s", w.a, w.b, w.kh, w.kw, model_.params.groups,
                        w.a, w.a == 1 ? "" : "s");
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
  }

  void conv_options(State& s) {
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
      for (cl::PadMode m : {cl::PadMode::Zeros, cl::PadMode::Reflect, cl::PadMode::Symmetric, cl::PadMode::Replicate,
                            cl::PadMode::Circular})
        if (ImGui::Selectable(cl::pad_mode_name(m), s.pad_mode == cl::pad_mode_name(m))) s.pad_mode = cl::pad_mode_name(m);
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

  void display_choice(State& s) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    if (ImGui::BeginCombo("output display", s.display.c_str())) {
      if (ImGui::Selectable("auto", s.display == "auto")) s.display = "auto";
      for (cl::DisplayMode m : {cl::DisplayMode::Clamp, cl::DisplayMode::MinMax, cl::DisplayMode::Absolute, cl::DisplayMode::Diverging})
        if (ImGui::Selectable(cl::display_mode_name(m), s.display == cl::display_mode_name(m))) s.display = cl::display_mode_name(m);
      ImGui::EndCombo();
    }
    tip("How output values become colours: clamp to [0, 1], stretch min..max, |x| (edges of both signs bright), or a "
        "diverging map with 0 white, negative blue, positive red. 'auto' picks from the values; the legend shows the range.");
  }

  // What a derivative kernel keeps, and the same kernel transposed one click away.
  void edge_note(State& s) {
    const EdgeAxis axis = edge_axis(s.preset);
    if (axis == EdgeAxis::None) return;
    const bool horizontal = axis == EdgeAxis::Horizontal;
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.70f, 0.84f, 1.0f, 1.0f));
    ImGui::TextWrapped("%s", horizontal
        ? "This kernel differentiates along y: it compares the row below with the row above, so it responds to HORIZONTAL "
          "edges. Along a vertical edge each row looks like the next, so it sees nothing: on the rocket, the tall body and "
          "tower almost vanish; only the horizontal bands remain."
        : "This kernel differentiates along x: it compares the column on the right with the one on the left, so it responds "
          "to VERTICAL edges. On the rocket, the long outlines of the body and the tower stand out.");
    ImGui::PopStyleColor();
    if (ImGui::Button(horizontal ? "Switch to vertical edges (sobel_x)" : "Switch to horizontal edges (sobel_y)"))
      use_preset(s, horizontal ? "sobel_x" : "sobel_y", s.kh);
    tip("The same kernel transposed: compare which edges survive.");
  }

  KernelModel model_;
  ImageView input_view_, output_view_;
  ConvStepThrough step_;
};

}  // namespace

REGISTER_LESSON_VIEW("kernel", KernelView);
