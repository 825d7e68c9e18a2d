// Lesson 2: padding. Without it (valid) the output shrinks by k - 1; 'same' pads d*(k-1) in total
// (PyTorch's rule: the extra pixel on the bottom/right); and the modes fill the border differently:
// zeros, reflect (edge not repeated), symmetric (edge repeated), replicate (edge pixel copied),
// circular (wraps around). The padded input is the core's pad(), its border drawn in its own colour, and
// a numeric grid of the top-left corner labels every padded cell with the pixel it copies. The numbers
// come from padding_model.h.
#include <algorithm>
#include <cstdio>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "lesson.h"
#include "padding_model.h"
#include "step_through.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr ImU32 kBorder = IM_COL32(236, 96, 236, 255);  // padding, wherever it is drawn
constexpr ImU32 kBorderText = IM_COL32(255, 170, 255, 255);

// What a padded cell holds: "0" or "(row,col)" of the pixel it copies.
void source_label(char (&buf)[24], PadSource s) {
  if (s.zero()) std::snprintf(buf, sizeof buf, "0");
  else std::snprintf(buf, sizeof buf, "(%d,%d)", s.y, s.x);
}

class PaddingView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    State& s = ctx.state;
    try {  // the kernel itself fails for an impossible preset size (an odd-only Sobel at 4)
      const cl::Weights w = state_depthwise(s, ctx.input.c);
      model_.update(ctx.input, ctx.input_generation, w, state_conv_params(s, w.kh, w.kw), s.display);
      if (!model_.error().empty()) ctx.error = model_.error();
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    if (!model_.output) return;
    if (model_.version != padded_version_) {
      // Shared with the model: no copies; coloured again only when the padding made a new one.
      if (padded_view_.shared_tensor() != model_.padded) padded_view_.set(model_.padded);
      output_view_.set_displayed(model_.shown);  // coloured by the workers
      padded_version_ = model_.version;
    }
    padded_view_.show_input_at(model_.params.padding.left, model_.params.padding.top);  // paint mode paints through it
    StepConv step{&ctx.input, &model_.weights, model_.params, {}, model_.output};
    step.current = !model_.busy();
    step_.update(ctx, step);
    ctx.publish("output_shape", shape_text(model_.output.shape()));
    ctx.publish("padded_shape", shape_text(*model_.padded));
    ctx.publish("padding", model_.padding_text());
    ctx.publish("pad_mode", cl::pad_mode_name(model_.params.padding_mode));
    ctx.publish("formula_h", model_.formula_h.value);
    ctx.publish("formula_w", model_.formula_w.value);
    ctx.publish("formula_h_text", model_.formula_h.text);
    ctx.publish("formula_w_text", model_.formula_w.text);
    // The sources of a few padded cells, and the padded value at (-1, -1).
    const cl::Pad4& p = model_.params.padding;
    if (p.top >= 1 && p.left >= 1) ctx.publish("src_-1_-1", model_.source_text(-1, -1));
    if (p.top >= 1) ctx.publish("src_-1_2", model_.source_text(-1, 2));
    if (p.top >= 2) ctx.publish("src_-2_0", model_.source_text(-2, 0));
    if (p.top >= 1 && p.left >= 1) ctx.publish("corner_value", model_.padded->at(0, p.top - 1, p.left - 1));
  }

  // The padded input and the output side by side (stacked in a tall box), the step's numbers under
  // them when wide.
  void visual(LessonContext& ctx, ImVec2 size) override {
    if (!model_.output) return;
    const cl::Tensor& padded = *model_.padded;
    const LazyTensor::Shape out = model_.output.shape();
    const cl::Pad4& p = model_.params.padding;
    const Overlay window = step_.input_overlay(float(p.left), float(p.top));
    char caption[96];
    std::snprintf(caption, sizeof caption, "padded %d x %d, border %d %d %d %d", padded.h, padded.w, p.top, p.bottom, p.left, p.right);
    step_.draw_views(ctx, size, caption, padded_view_,
                     [this, window](ImDrawList* dl, const ViewTransform& tf) {
                       draw_border(dl, tf);
                       if (window) window(dl, tf);
                     },
                     0, "output " + std::to_string(out.h) + " x " + std::to_string(out.w), output_view_);
  }

  const cl::Tensor* output() const override { return model_.output.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    if (model_.output) {
      ImGui::PushFont(mono_font());
      ImGui::TextWrapped("%s -> pad %s, conv2d %dx%d -> %s", shape_text(ctx.input).c_str(), s.pad_mode.c_str(),
                         model_.weights.kh, model_.weights.kw, shape_text(model_.output.shape()).c_str());
      ImGui::PopFont();
      formula_lines(model_.formula_h, model_.formula_w);
      const std::string note = model_.amount_note(s.pad);
      if (!note.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", note.c_str());
        ImGui::PopTextWrapPos();
      }
    }
    if (ctx.section("amount", "How much padding")) {
      if (ImGui::RadioButton("valid (none)", s.pad == 0)) s.pad = 0;
      tip("No padding: the window must fit inside the image, so the output loses k - 1 rows and columns.");
      ImGui::SameLine();
      if (ImGui::RadioButton("same", s.pad < 0)) s.pad = -1;
      tip("Just enough to keep the output the size of the input: d*(k-1) in total per axis, split as PyTorch does.");
      if (ImGui::RadioButton("pixels:", s.pad > 0)) s.pad = std::max(1, (s.kh - 1) / 2);
      tip("The same number of pixels on every side.");
      ImGui::SameLine();
      int n = std::max(1, s.pad);
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.5f);
      if (ImGui::SliderInt("##amount", &n, 1, 32)) s.pad = n;
      tip("Padding per side, in pixels.");
    }
    if (ctx.section("kernel-size", "Kernel size")) {
      int k = s.kh;
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      if (ImGui::SliderInt("kernel size", &k, 1, 15)) set_kernel_size(s, k);
      tip("The kernel's size decides how much 'same' pads and how much 'valid' shrinks the output.");
    }
    if (ctx.section("mode", "What the padded pixels hold")) mode_list(s);
    if (ctx.section("corner", "The top-left corner, cell by cell")) corner(ImGui::GetContentRegionAvail().x);
    step_.section(ctx);
  }

 private:
  void mode_list(State& s) {
    ImGui::TextDisabled("'|' is the image's edge, a b c its first pixels");
    help("Reading along a row from the left edge: what is left of '|' is the padding each mode puts there.");
    // The pictures in one column, clear of the longest name's radio button.
    const float rule_x = ImGui::GetCursorPosX() + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
                         ImGui::CalcTextSize("symmetric").x + ImGui::GetFontSize();
    for (const PadModeInfo& m : pad_mode_infos()) {
      const char* name = cl::pad_mode_name(m.mode);
      const bool current = s.pad_mode == name;
      if (ImGui::RadioButton(name, current)) s.pad_mode = name;
      tip(m.text);
      ImGui::SameLine(rule_x);
      ImGui::PushFont(mono_font());
      ImGui::TextColored(current ? ImVec4(1.0f, 0.8f, 0.45f, 1) : ImVec4(0.6f, 0.62f, 0.68f, 1), "%s", m.rule);
      ImGui::PopFont();
      if (current) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", m.text);
        ImGui::PopTextWrapPos();
      }
    }
  }

  // The padded band tinted, the image outlined inside it; at high zoom each padded cell names its source.
  void draw_border(ImDrawList* dl, const ViewTransform& tf) const {
    const cl::Pad4& p = model_.params.padding;
    const int pw = model_.padded->w, ph = model_.padded->h;
    const ImVec2 a = tf.to_screen(0, 0), b = tf.to_screen(float(pw), float(ph));
    const ImVec2 ia = tf.to_screen(float(p.left), float(p.top)), ib = tf.to_screen(float(p.left + model_.in_w), float(p.top + model_.in_h));
    const ImU32 tint = IM_COL32(236, 96, 236, 70);
    dl->AddRectFilled(a, ImVec2(b.x, ia.y), tint);
    dl->AddRectFilled(ImVec2(a.x, ib.y), b, tint);
    dl->AddRectFilled(ImVec2(a.x, ia.y), ImVec2(ia.x, ib.y), tint);
    dl->AddRectFilled(ImVec2(ib.x, ia.y), ImVec2(b.x, ib.y), tint);
    dl->AddRect(a, b, kBorder, 0, 0, 2.0f);
    dl->AddRect(ia, ib, IM_COL32(255, 255, 255, 220), 0, 0, 1.5f);
    if (tf.scale < 44.0f) return;
    ImFont* font = mono_font();
    const float fs = std::min(12.0f, tf.scale * 0.2f);
    const ImVec2 lo = dl->GetClipRectMin(), hi = dl->GetClipRectMax();
    const int x0 = std::max(0, int((lo.x - tf.origin.x) / tf.scale)), x1 = std::min(pw, int((hi.x - tf.origin.x) / tf.scale) + 1);
    const int y0 = std::max(0, int((lo.y - tf.origin.y) / tf.scale)), y1 = std::min(ph, int((hi.y - tf.origin.y) / tf.scale) + 1);
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const int iy = y - p.top, ix = x - p.left;
        if (iy >= 0 && ix >= 0 && iy < model_.in_h && ix < model_.in_w) continue;
        char buf[24];
        source_label(buf, model_.source(iy, ix));
        const ImVec2 c = tf.to_screen(float(x), float(y));
        dl->AddRectFilled(ImVec2(c.x + 2, c.y + 2), ImVec2(c.x + 6 + font->CalcTextSizeA(fs, 1e9f, 0, buf).x, c.y + 4 + fs),
                          IM_COL32(0, 0, 0, 190));
        dl->AddText(font, fs, ImVec2(c.x + 4, c.y + 3), kBorderText, buf);
      }
  }

  // The top-left corner as numbers: every cell labelled by the pixel it holds, padding in magenta.
  void corner(float width) {
    const CornerGrid g = corner_grid(model_);
    if (g.cells.empty()) return;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("Each cell names the input pixel (row, col) it holds, in its colour. Magenta: padding, a copy of that "
                        "pixel (0 with zeros padding).");
    ImGui::PopTextWrapPos();
    const float cell = std::clamp(width / float(g.cols), 30.0f, 44.0f);
    const float fs = std::clamp(cell * 0.3f, 10.0f, 13.0f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* font = mono_font();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(float(g.cols) * cell, float(g.rows) * cell));
    const bool hovered = ImGui::IsItemHovered();
    for (int i = 0; i < int(g.cells.size()); ++i) {
      const CornerCell& k = g.cells[std::size_t(i)];
      const ImVec2 a(o.x + float(i % g.cols) * cell, o.y + float(i / g.cols) * cell), b(a.x + cell, a.y + cell);
      dl->AddRectFilled(a, b, IM_COL32(int(k.rgb[0] * 255), int(k.rgb[1] * 255), int(k.rgb[2] * 255), 255));
      dl->AddRectFilled(a, b, IM_COL32(0, 0, 0, k.padding ? 120 : 80));  // darkened: the labels stay readable
      dl->AddRect(a, b, IM_COL32(0, 0, 0, 160));
      if (k.padding) dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), kBorder, 0, 0, 2.0f);
      char buf[24];
      source_label(buf, k.src);
      const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
      const ImVec2 at((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f);
      dl->AddText(font, fs, ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 255), buf);
      dl->AddText(font, fs, at, k.padding ? kBorderText : IM_COL32(235, 235, 235, 255), buf);
      if (hovered && ImGui::IsMouseHoveringRect(a, b)) {
        if (k.padding && k.src.zero()) ImGui::SetTooltip("padding at (%d, %d): zeros, reads 0", k.y, k.x);
        else if (k.padding)
          ImGui::SetTooltip("padding at (%d, %d) copies pixel (%d, %d): R %.3f G %.3f B %.3f", k.y, k.x, k.src.y, k.src.x,
                            double(k.rgb[0]), double(k.rgb[1]), double(k.rgb[2]));
        else ImGui::SetTooltip("pixel (%d, %d): R %.3f G %.3f B %.3f", k.y, k.x, double(k.rgb[0]), double(k.rgb[1]), double(k.rgb[2]));
      }
    }
    // The image's edge.
    const float ex = o.x + float(g.pad_cols) * cell, ey = o.y + float(g.pad_rows) * cell;
    dl->AddLine(ImVec2(ex, o.y), ImVec2(ex, o.y + float(g.rows) * cell), IM_COL32(255, 255, 255, 230), 2.0f);
    dl->AddLine(ImVec2(o.x, ey), ImVec2(o.x + float(g.cols) * cell, ey), IM_COL32(255, 255, 255, 230), 2.0f);
    const cl::Pad4& p = model_.params.padding;
    if (p.top > g.pad_rows || p.left > g.pad_cols)
      ImGui::TextDisabled("(showing %d of the %d padded rows and %d of the %d padded columns)", g.pad_rows, p.top, g.pad_cols, p.left);
  }

  PaddingModel model_;
  ImageView padded_view_, output_view_;
  int padded_version_ = -1;
  ConvStepThrough step_;
};

}  // namespace

REGISTER_LESSON_VIEW("padding", PaddingView);
