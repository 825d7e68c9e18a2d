// Dilation: the kernel's taps spread out with holes between them, so a k x k kernel spans
// d*(k-1)+1 pixels while still reading only k*k of them. The footprint of one output pixel is drawn
// cell by cell and on the input, the dilated convolution's output is shown, and a stack with
// dilations 1, 2, 4, 8 grows its receptive field exponentially (3, 7, 15, 31 for 3x3). The model
// (dilation_model.h) computes; this file draws.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "dilation_model.h"
#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "layer_stack_editor.h"
#include "lesson.h"
#include "step_through.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

// Diverging colour for a kernel value: blue negative, white zero, orange positive.
ImU32 weight_colour(float v, float scale) {
  const float t = std::clamp(scale > 0 ? v / scale : 0.0f, -1.0f, 1.0f);
  if (t >= 0) return IM_COL32(255, int(255 - 105 * t), int(255 - 215 * t), 255);
  return IM_COL32(int(255 + 195 * t), int(255 + 115 * t), 255, 255);
}

class DilationView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    const State& s = ctx.state;
    update_with_state_kernel(ctx, model_);
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    if (model_.empty()) return;
    const DilationResult& r = model_.result();
    output_view_.set_for(std::to_string(model_.version()), model_.shown());
    stack_ = dilated_stack(r.kernel.h);
    // The output pixel whose footprint is drawn: last frame's hover (output or input view), else the
    // one a click kept, else the centre.
    picked_ = cl::Pair{r.out.shape().h / 2, r.out.shape().w / 2};
    if (s.step >= 0 && s.step < r.out.shape().h * r.out.shape().w) picked_ = cl::Pair{s.step / r.out.shape().w, s.step % r.out.shape().w};
    if (hover_out_.active) picked_ = cl::Pair{std::min(hover_out_.y, r.out.shape().h - 1), std::min(hover_out_.x, r.out.shape().w - 1)};
    else if (hover_in_.active) picked_ = output_centred_on(r, hover_in_.y, hover_in_.x);
    ctx.publish("effective_size", std::to_string(r.span_h) + "x" + std::to_string(r.span_w));
    ctx.publish("effective_h", r.span_h);
    ctx.publish("output_shape", shape_text(r.out.shape()));
    ctx.publish("rf_stack", stack_.fields_text());
  }

  void visual(LessonContext& ctx, ImVec2 size) override {
    if (model_.empty()) return;
    const DilationResult& r = model_.result();
    const Footprint f = footprint_of(r, picked_.h, picked_.w);
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float top_h = std::clamp(size.y * 0.4f, 110.0f, 300.0f);
    footprint(ctx, ImVec2(size.x, top_h), f);

    State& s = ctx.state;
    const ViewGrid grid = view_grid(2, ImVec2(size.x, size.y - top_h - ImGui::GetStyle().ItemSpacing.y),
                                    float(ctx.input.h) / float(std::max(1, ctx.input.w)), line);
    const int d = r.params.dilation.h;
    const Overlay taps = [f, d](ImDrawList* dl, const ViewTransform& tf) {
      const ImVec2 a = tf.to_screen(float(f.x0), float(f.y0)), b = tf.to_screen(float(f.x0 + f.span_w()), float(f.y0 + f.span_h()));
      dl->AddRect(a, b, IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
      dl->AddRect(a, b, IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
      if (tf.scale * float(d) >= 4.0f)
        for (int i = 0; i < f.kh; ++i)
          for (int j = 0; j < f.kw; ++j) {
            const ImVec2 p = tf.to_screen(float(f.x0 + j * f.dilation.w), float(f.y0 + i * f.dilation.h));
            dl->AddRectFilled(p, ImVec2(p.x + tf.scale, p.y + tf.scale), IM_COL32(255, 196, 0, 150));
          }
      if (b.x - a.x < 14.0f) {  // too small to see: ring it
        const ImVec2 c((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
        draw_ring(dl, c, IM_COL32(255, 196, 0, 255));
      }
    };
    const int oy = picked_.h, ox = picked_.w;
    const Overlay mark = [oy, ox](ImDrawList* dl, const ViewTransform& tf) { draw_cell_mark(dl, tf, oy, ox); };
    ImGui::BeginGroup();
    ImGui::TextDisabled("input %d x %d", ctx.input.h, ctx.input.w);
    hover_in_ = input_view_.draw("dil-in", grid.cell, s, taps);
    if (hover_in_.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = picked_.h * r.out.shape().w + picked_.w;
    ImGui::EndGroup();
    if (grid.cols > 1) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextDisabled("output %d x %d, dilation %d", r.out.shape().h, r.out.shape().w, d);
    hover_out_ = output_view_.draw("dil-out", grid.cell, s, mark);
    if (hover_out_.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = hover_out_.y * r.out.shape().w + hover_out_.x;
    ImGui::EndGroup();
  }

  const cl::Tensor* output() const override { return model_.result().out.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    if (ctx.section("settings", "Dilation and padding")) settings(ctx);
    if (ctx.section("kernel-editor", "Kernel")) kernel_editor(s, ctx.input.c, 9);
    if (!model_.empty() && ctx.section("stack", "Stacking dilated layers")) stack(s);
  }

 private:
  void settings(LessonContext& ctx) {
    State& s = ctx.state;
    if (ctx.visible("dilation")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      ImGui::SliderInt("dilation", &s.dilation, 1, 8);
      tip("d: the distance between neighbouring taps. d = 1 is an ordinary convolution.");
    }
    if (ctx.visible("padding")) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      const std::string label = s.pad < 0 ? "same" : s.pad == 0 ? "valid (none)" : std::to_string(s.pad);
      if (ImGui::BeginCombo("padding", label.c_str())) {
        if (ImGui::Selectable("same", s.pad < 0)) s.pad = -1;
        tip("Pad d*(k-1) in total, so the output keeps the input's size.");
        if (ImGui::Selectable("valid (none)", s.pad == 0)) s.pad = 0;
        tip("No padding: the output shrinks by the effective size minus one.");
        for (int p = 1; p <= 16; ++p)
          if (ImGui::Selectable(std::to_string(p).c_str(), s.pad == p)) s.pad = p;
        ImGui::EndCombo();
      }
      tip("Zeros added around the image. 'same' grows with the dilation: d*(k-1) pixels in total per axis.");
    }
    if (model_.empty()) return;
    const DilationResult& r = model_.result();
    const int d = r.params.dilation.h, kh = r.kernel.h, kw = r.kernel.w;
    ImGui::Spacing();
    ImGui::TextUnformatted("Effective size");
    help("The span of the dilated kernel: d*(k-1)+1. It replaces k in the output-size formula.");
    ImGui::PushFont(mono_font());
    ImGui::Text("d*(k-1)+1 = %d*(%d-1)+1 = %d", d, kh, r.span_h);
    if (kw != kh) ImGui::Text("width: %d*(%d-1)+1 = %d", d, kw, r.span_w);
    ImGui::PopFont();
    const Footprint f = footprint_of(r, picked_.h, picked_.w);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("The same %d weights, spread %d apart: the %d x %d footprint reads %d pixels%s.", kh * kw, d, r.span_h,
                        r.span_w, kh * kw, f.taps_inside(ctx.input.h, ctx.input.w) < kh * kw ? " (some in the padding here)" : "");
    ImGui::PopTextWrapPos();
    ImGui::PushFont(mono_font());
    ImGui::Text("input %d x %d -> output %d x %d", ctx.input.h, ctx.input.w, r.out.shape().h, r.out.shape().w);
    ImGui::PopFont();
  }

  // The input around the footprint, cell by cell: taps (with their weights) and the holes between
  // them; beside it the kernel itself, dense.
  void footprint(LessonContext& ctx, ImVec2 box, const Footprint& f) const {
    const cl::Kernel2D& kernel = model_.result().kernel;
    const cl::Tensor& in = ctx.input;
    const int margin = 1, gh = f.span_h() + 2 * margin, gw = f.span_w() + 2 * margin;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float cell = std::clamp(std::min(box.x * 0.62f / float(gw), (box.y - line) / float(gh)), 1.0f, 34.0f);
    ImGui::TextDisabled("output (%d, %d) reads:", picked_.h, picked_.w);
    const float caption_w = ImGui::GetItemRectSize().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float fs = std::min(12.0f, cell * 0.34f);
    for (int gy = 0; gy < gh; ++gy)
      for (int gx = 0; gx < gw; ++gx) {
        const int ty = gy - margin, tx = gx - margin, iy = f.y0 + ty, ix = f.x0 + tx;
        const ImVec2 a(o.x + gx * cell, o.y + gy * cell), b(a.x + cell, a.y + cell);
        ImU32 fill = IM_COL32(60, 64, 74, 255);  // padding
        if (iy >= 0 && ix >= 0 && iy < in.h && ix < in.w) {
          const int c1 = in.c == 3 ? 1 : 0, c2 = in.c == 3 ? 2 : 0;
          fill = IM_COL32(int(in.at(0, iy, ix) * 255), int(in.at(c1, iy, ix) * 255), int(in.at(c2, iy, ix) * 255), 255);
        }
        dl->AddRectFilled(a, b, fill);
        const bool in_span = ty >= 0 && tx >= 0 && ty < f.span_h() && tx < f.span_w();
        int i = 0, j = 0;
        if (f.tap(ty, tx, &i, &j)) {
          dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), IM_COL32(255, 160, 40, 255), 0, 0, cell >= 12 ? 2.5f : 1.5f);
          if (cell >= 24) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.2g", double(kernel.at(i, j)));
            const ImVec2 ts = mono_font()->CalcTextSizeA(fs, 1e9f, 0, buf);
            const ImVec2 at(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f);
            dl->AddRectFilled(ImVec2(at.x - 2, at.y - 1), ImVec2(at.x + ts.x + 2, at.y + ts.y + 1), IM_COL32(0, 0, 0, 170), 2.0f);
            dl->AddText(mono_font(), fs, at, IM_COL32(255, 220, 170, 255), buf);
          }
        } else if (in_span) {
          dl->AddRectFilled(a, b, IM_COL32(15, 16, 20, 170));  // a hole
        }
        if (cell >= 8) dl->AddRect(a, b, IM_COL32(0, 0, 0, 80));
      }
    dl->AddRect(ImVec2(o.x + margin * cell, o.y + margin * cell), ImVec2(o.x + (margin + f.span_w()) * cell, o.y + (margin + f.span_h()) * cell),
                IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
    // The kernel itself, dense, in what is left of the width.
    const float gap = 16.0f, left = std::max(gw * cell, caption_w) + gap;
    const float kc = std::min({cell, 26.0f, (box.x - left) / float(std::max(1, kernel.w)),
                               (box.y - 3 * line - 4) / float(std::max(1, kernel.h))});
    ImGui::SetCursorScreenPos(ImVec2(o.x + left, o.y - line));
    ImGui::TextDisabled("kernel %d x %d", kernel.h, kernel.w);
    float scale = 0;
    for (float v : kernel.data) scale = std::max(scale, std::fabs(v));
    for (int i = 0; i < kernel.h; ++i)
      for (int j = 0; j < kernel.w; ++j) {
        const ImVec2 a(o.x + left + j * kc, o.y + i * kc), b(a.x + kc, a.y + kc);
        dl->AddRectFilled(a, b, weight_colour(kernel.at(i, j), scale));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 120));
      }
    ImGui::SetCursorScreenPos(ImVec2(o.x + left, o.y + kernel.h * kc + 4));
    ImGui::TextDisabled("%d taps over", kernel.h * kernel.w);
    ImGui::SetCursorScreenPos(ImVec2(o.x + left, ImGui::GetCursorScreenPos().y));
    ImGui::TextDisabled("%d x %d pixels", f.span_h(), f.span_w());
    ImGui::SetCursorScreenPos(ImVec2(o.x, o.y - line + box.y + ImGui::GetStyle().ItemSpacing.y));
  }

  // Receptive field of k x k layers with dilation 1, 2, 4, 8 against plain layers.
  void stack(State& s) {
    help("Each layer adds d*(k-1) pixels to the field (receptive_field() of the stack). Doubling d per layer doubles the "
         "growth, so the field grows exponentially with depth while the weights grow linearly.");
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (ImGui::BeginTable("stack", 5, flags)) {
      for (const char* name : {"layer", "dilation", "span", "field", "plain k x k"}) ImGui::TableSetupColumn(name);
      ImGui::TableHeadersRow();
      ImGui::PushFont(mono_font());
      for (std::size_t i = 0; i < stack_.rows.size(); ++i) {
        const StackRow& row = stack_.rows[i];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImColor(layer_colour(int(i))), "%d", int(i + 1));
        ImGui::TableNextColumn();
        ImGui::Text("%d", row.dilation);
        ImGui::TableNextColumn();
        ImGui::Text("%d", row.span);
        ImGui::TableNextColumn();
        ImGui::Text("%d x %d", row.field, row.field);
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%d x %d", row.plain_field, row.plain_field);
      }
      ImGui::PopFont();
      ImGui::EndTable();
    }
    if (ImGui::Button("Explore this stack in Receptive field")) {
      s.layers = stack_.link_layers();
      s.lesson = "receptive-field";
      s.rf_layer = -1;
      s.step = -1;
    }
    tip("Opens the receptive-field lesson with these four dilated layers loaded.");
  }

  DilationModel model_;
  ImageView input_view_, output_view_;
  DilatedStack stack_;
  cl::Pair picked_;
  Hover hover_in_, hover_out_;  // last frame's, for the footprint drawn this frame
};

}  // namespace

REGISTER_LESSON_VIEW("dilation", DilationView);
