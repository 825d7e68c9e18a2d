// Lesson 3: stride. The window jumps s pixels between output pixels, so the output shrinks about s
// times: floor((in + 2p - k) / s) + 1. A 9 x 9 crop shown as numbers makes every window position
// visible (a dot per window on the padded crop), with the classic examples one click away; when the
// division is not whole the floor drops the last rows/columns, tinted as never read. The model
// (stride_model.h) computes; this file draws.
#include <algorithm>
#include <cstdio>
#include <string>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "lesson.h"
#include "step_through.h"
#include "stride_model.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

// A distinct colour per output column, so the windows of one row can be told apart.
ImU32 window_colour(int i) {
  static const ImU32 base[6] = {IM_COL32(255, 196, 0, 255), IM_COL32(90, 200, 255, 255), IM_COL32(120, 230, 120, 255),
                                IM_COL32(255, 120, 120, 255), IM_COL32(200, 140, 255, 255), IM_COL32(255, 160, 80, 255)};
  return base[i % 6];
}

// A grid cell: its colour, and its text when the cell is big enough to read it.
void value_cell(ImDrawList* dl, ImVec2 a, float cell, const char* text, ImU32 fill, ImU32 ink) {
  const ImVec2 b(a.x + cell, a.y + cell);
  dl->AddRectFilled(a, b, fill);
  dl->AddRect(a, b, IM_COL32(0, 0, 0, 150));
  if (cell < 24) return;
  const float fs = std::clamp(cell * 0.36f, 8.0f, 14.0f);
  const ImVec2 ts = mono_font()->CalcTextSizeA(fs, 1e9f, 0, text);
  dl->AddText(mono_font(), fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), ink, text);
}

std::string two_decimals(float v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", double(v));
  return buf;
}

ImU32 grey(float t) {
  const int g = int(std::clamp(t, 0.0f, 1.0f) * 150 + 30);
  return IM_COL32(g, g, g, 255);
}
ImU32 ink_on(float t) { return t * 150 + 30 > 110 ? IM_COL32(10, 10, 10, 255) : IM_COL32(240, 240, 240, 255); }

// The crop grid and the output grid side by side or one above the other, whichever gives bigger cells.
struct GridFit {
  float cell;
  bool stacked;
};
GridFit fit_grids(ImVec2 box, int gw, int gh, int ow, int oh, float caption, float gap) {
  const float side = std::min((box.x - gap) / float(gw + ow), (box.y - caption) / float(std::max(gh, oh)));
  const float stacked = std::min(box.x / float(std::max(gw, ow)), (box.y - 2 * caption - gap) / float(gh + oh));
  return GridFit{std::min(std::max(side, stacked), 46.0f), stacked > side};
}

class StrideView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    update_with_state_kernel(ctx, model_);
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    if (model_.empty()) return;
    const StrideResult& r = model_.result();
    output_view_.set_for(std::to_string(model_.version()), model_.shown());
    StepConv step{&r.crop.grey, &r.crop_weight, r.params, {}, LazyTensor::borrow(r.crop_out)};
    step.current = !model_.busy();
    step_.update(ctx, step);
    ctx.publish("crop_out_h", r.crop_h.value);
    ctx.publish("crop_out_w", r.crop_w.value);
    ctx.publish("crop_formula", r.crop_h.text);
    ctx.publish("crop_shape", shape_text(r.crop_out));
    ctx.publish("crop_at", std::to_string(r.crop.y) + "," + std::to_string(r.crop.x));
    ctx.publish("output_shape", shape_text(r.out.shape()));
    ctx.publish("out_h", r.out.shape().h);
    ctx.publish("out_w", r.out.shape().w);
    ctx.publish("formula_h", r.out_h.value);
    ctx.publish("formula_w", r.out_w.value);
    ctx.publish("formula_h_text", r.out_h.text);
    ctx.publish("formula_w_text", r.out_w.text);
  }

  void visual(LessonContext& ctx, ImVec2 size) override {
    if (model_.empty()) return;
    const StrideResult& r = model_.result();
    const cl::Pad4& p = r.params.padding;
    const int gw = r.crop.grey.w + p.left + p.right, gh = r.crop.grey.h + p.top + p.bottom;
    const int ow = std::max(1, r.crop_out.w), oh = std::max(1, r.crop_out.h);
    const float line = ImGui::GetTextLineHeightWithSpacing(), gap = 16.0f;
    // The grids come first; the whole image goes below when that leaves them nearly as big.
    const GridFit alone = fit_grids(size, gw, gh, ow, oh, line, gap);
    const float images_h = std::clamp(size.y * 0.35f, 140.0f, 260.0f);
    const GridFit shared = fit_grids(ImVec2(size.x, size.y - images_h), gw, gh, ow, oh, line, gap);
    const bool images = shared.cell >= std::min(24.0f, 0.85f * alone.cell);
    const GridFit fit = images ? shared : alone;
    const float cell = std::max(4.0f, fit.cell);

    const ImVec2 o = ImGui::GetCursorScreenPos();
    // The mode matters only when there is padding (it may come from the Padding lesson).
    const bool mode = r.params.padding_mode != cl::PadMode::Zeros && gh * gw > r.crop.grey.h * r.crop.grey.w;
    ImGui::TextDisabled("%d x %d crop, padding %d%s%s", r.crop.grey.h, r.crop.grey.w, p.top, mode ? " " : "",
                        mode ? cl::pad_mode_name(r.params.padding_mode) : "");
    crop_grid(ImVec2(o.x, o.y + line), cell);
    const ImVec2 out_at = fit.stacked ? ImVec2(o.x, o.y + line + gh * cell + gap) : ImVec2(o.x + gw * cell + gap, o.y);
    ImGui::SetCursorScreenPos(out_at);
    ImGui::TextDisabled("output %d x %d", r.crop_out.h, r.crop_out.w);
    output_grid(ctx, ImVec2(out_at.x, out_at.y + line), cell);
    if (!images) return;

    const float grids_h = fit.stacked ? 2 * line + gap + (gh + oh) * cell : line + std::max(gh, oh) * cell;
    ImGui::SetCursorScreenPos(ImVec2(o.x, o.y + grids_h + ImGui::GetStyle().ItemSpacing.y));
    const ImVec2 box(size.x, size.y - grids_h - ImGui::GetStyle().ItemSpacing.y);
    const ViewGrid grid = view_grid(2, box, float(ctx.input.h) / float(std::max(1, ctx.input.w)), line);
    const int cy = r.crop.y, cx = r.crop.x, ch = r.crop.grey.h, cw = r.crop.grey.w;
    const Overlay crop_box = [=](ImDrawList* dl, const ViewTransform& tf) {
      dl->AddRect(tf.to_screen(float(cx), float(cy)), tf.to_screen(float(cx + cw), float(cy + ch)), IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
    };
    ImGui::BeginGroup();
    ImGui::TextDisabled("input, the crop boxed");
    input_view_.draw("in", grid.cell, ctx.state, crop_box);
    ImGui::EndGroup();
    if (grid.cols > 1) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextDisabled("output %d x %d, stride %d", r.out.shape().h, r.out.shape().w, r.params.stride.h);
    output_view_.draw("out", grid.cell, ctx.state);
    ImGui::EndGroup();
  }

  const cl::Tensor* output() const override { return model_.result().out.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void controls(LessonContext& ctx) override {
    if (ctx.section("settings", "Stride, kernel size, padding")) settings(ctx);
    if (model_.empty()) return;
    const StrideResult& r = model_.result();
    if (ctx.section("sizes", "Output size")) {
      ImGui::TextUnformatted("The 9 x 9 crop");
      ImGui::PushFont(mono_font());
      ImGui::TextWrapped("%s", r.crop_h.text.c_str());
      ImGui::PopFont();
      ImGui::PushTextWrapPos(0.0f);
      if (!r.crop_h.note.empty()) ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.45f, 1), "%s (tinted red on the grid).", r.crop_h.note.c_str());
      else if (r.params.stride.h > 1) ImGui::TextDisabled("The division is whole: the last window ends exactly at the padded edge.");
      ImGui::PopTextWrapPos();
      ImGui::Spacing();
      ImGui::Text("The whole image: %d x %d -> %d x %d", ctx.input.h, ctx.input.w, r.out.shape().h, r.out.shape().w);
      formula_lines(r.out_h, r.out_w);
    }
    if (ctx.section("step", "Step through")) {
      step_.controls(ctx);
      step_.panel(ctx);
    }
  }

 private:
  void settings(LessonContext& ctx) {
    State& s = ctx.state;
    const float w = ImGui::GetFontSize() * 9;
    if (ctx.visible("stride")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("stride", &s.stride, 1, 8);
      tip("s: how many pixels the window moves between one output pixel and the next, along rows and down columns.");
    }
    if (ctx.visible("kernel-size")) {
      int k = s.kh;
      ImGui::SetNextItemWidth(w);
      if (ImGui::SliderInt("kernel size", &k, 1, 9)) set_kernel_size(s, k);
      tip("k x k window.");
    }
    if (ctx.visible("padding")) {
      ImGui::SetNextItemWidth(w);
      const std::string label = s.pad < 0 ? "same" : s.pad == 0 ? "0 (valid)" : std::to_string(s.pad);
      if (ImGui::BeginCombo("padding", label.c_str())) {
        for (int p = 0; p <= 4; ++p)
          if (ImGui::Selectable(p == 0 ? "0 (valid)" : std::to_string(p).c_str(), s.pad == p)) s.pad = p;
        if (ImGui::Selectable("same", s.pad < 0)) s.pad = -1;
        tip("d*(k-1) in total. PyTorch accepts padding='same' only with stride 1; here the same amounts are padded explicitly.");
        ImGui::EndCombo();
      }
      tip("Zeros around the input, per side (see the Padding lesson for the other modes).");
    }
    ImGui::Spacing();
    ImGui::TextUnformatted("Examples on the 9 x 9 crop, k = 3");
    help("Each sets kernel 3, padding and stride. On the crop a dot marks the centre of each window (one per output "
         "pixel; a colour per output column); rows and columns no window reads are tinted red.");
    const std::vector<StrideExample>& examples = stride_examples();
    for (std::size_t i = 0; i < examples.size(); ++i) {
      if (i % 2) ImGui::SameLine();
      const StrideExample& e = examples[i];
      const bool current = shows_example(s, e);
      if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      if (ImGui::Button(example_label(e).c_str(), ImVec2(ImGui::GetFontSize() * 8.5f, 0))) apply_example(s, e);
      if (current) ImGui::PopStyleColor();
      tip(e.tip);
    }
  }

  // The crop as numbers with its padding, a dot at the centre of every window, the step-through's
  // window outlined, and the rows/columns the floor leaves unread tinted.
  void crop_grid(ImVec2 o, float cell) const {
    const StrideResult& r = model_.result();
    const cl::Tensor& crop = r.crop.grey;
    const cl::Pad4& p = r.params.padding;
    const cl::Pair st = r.params.stride;
    const int gh = crop.h + p.top + p.bottom, gw = crop.w + p.left + p.right;
    const int eh = (r.crop_weight.kh - 1) * r.params.dilation.h + 1, ew = (r.crop_weight.kw - 1) * r.params.dilation.w + 1;
    const bool zeros = r.params.padding_mode == cl::PadMode::Zeros;
    const int read_h = rows_read(r.crop_out.h, st.h, eh), read_w = rows_read(r.crop_out.w, st.w, ew);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (int y = 0; y < gh; ++y)
      for (int x = 0; x < gw; ++x) {
        const ImVec2 a(o.x + x * cell, o.y + y * cell);
        const int iy = y - p.top, ix = x - p.left;
        const bool inside = iy >= 0 && ix >= 0 && iy < crop.h && ix < crop.w;
        const float v = r.padded.at(0, y, x);
        if (inside) value_cell(dl, a, cell, two_decimals(v).c_str(), grey(v), ink_on(v));
        else value_cell(dl, a, cell, zeros ? "0" : two_decimals(v).c_str(), IM_COL32(52, 40, 60, 255), IM_COL32(200, 150, 220, 255));
        if (y >= read_h || x >= read_w) dl->AddRectFilled(a, ImVec2(a.x + cell, a.y + cell), IM_COL32(220, 60, 60, 90));
      }
    dl->AddRect(ImVec2(o.x + p.left * cell, o.y + p.top * cell), ImVec2(o.x + (p.left + crop.w) * cell, o.y + (p.top + crop.h) * cell),
                IM_COL32(255, 255, 255, 200), 0, 0, 1.5f);
    const float radius = std::max(3.0f, cell * 0.4f);
    for (int i = 0; i < r.crop_out.h; ++i)
      for (int j = 0; j < r.crop_out.w; ++j) {
        const ImVec2 c(o.x + window_centre(j, st.w, ew) * cell, o.y + window_centre(i, st.h, eh) * cell);
        draw_ring(dl, c, window_colour(j), radius);
      }
    if (step_.active()) {
      const StepCell& sc = step_.cell();
      draw_window(dl, ViewTransform{ImVec2(o.x + p.left * cell, o.y + p.top * cell), cell},
                  WindowGeometry{sc.y0, sc.x0, sc.kh, sc.kw, sc.dh, sc.dw, crop.h, crop.w});
    }
  }

  // The crop's output as numbers; a click picks the step-through's cell.
  void output_grid(LessonContext& ctx, ImVec2 o, float cell) {
    const cl::Tensor& out = model_.result().crop_out;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float lo = 0, hi = 1;
    for (float v : out.data) lo = std::min(lo, v), hi = std::max(hi, v);
    for (int i = 0; i < out.h; ++i)
      for (int j = 0; j < out.w; ++j) {
        const ImVec2 a(o.x + j * cell, o.y + i * cell);
        const float v = out.at(0, i, j), t = (v - lo) / (hi - lo);
        value_cell(dl, a, cell, two_decimals(v).c_str(), grey(t), ink_on(t));
        dl->AddCircleFilled(ImVec2(a.x + 5, a.y + 5), 3.0f, window_colour(j));  // its window's dot colour
        if (step_.active() && step_.cell().oy == i && step_.cell().ox == j)
          dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(a.x + cell - 1, a.y + cell - 1), IM_COL32(255, 196, 0, 255), 0, 0, 2.5f);
      }
    ImGui::SetCursorScreenPos(o);
    ImGui::InvisibleButton("crop-out", ImVec2(std::max(1, out.w) * cell, std::max(1, out.h) * cell));
    if (ImGui::IsItemClicked()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      const int i = int((m.y - o.y) / cell), j = int((m.x - o.x) / cell);
      if (i >= 0 && j >= 0 && i < out.h && j < out.w) ctx.state.step = i * out.w + j;
    }
    if (ImGui::IsItemHovered() && !ctx.touch) ImGui::SetTooltip("Click an output pixel to see its window and its sum");
  }

  StrideModel model_;
  ImageView input_view_, output_view_;
  ConvStepThrough step_;
};

}  // namespace

REGISTER_LESSON_VIEW("stride", StrideView);
