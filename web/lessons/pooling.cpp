// Pooling: max, mean or min over a window, with PyTorch's kernel / stride / padding / ceil_mode /
// count_include_pad, on the image and on a small numeric crop where every window can be read; the
// output-size formula with ceil mode; and how a pool grows the receptive field of the next layer.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "pooling_model.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

std::string value_text(float v) {
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", double(v));
  return buf;
}

// A number centred in a grid cell, when the cell is big enough to read it.
void cell_text(ImDrawList* dl, ImVec2 a, float cell, const std::string& t, ImU32 colour) {
  if (cell < 23) return;
  const float fs = std::min(13.0f, cell * 0.36f);
  const ImVec2 ts = mono_font()->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
  dl->AddText(mono_font(), fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), colour, t.c_str());
}

ImU32 grey(float v) {
  const int g = std::isfinite(v) ? int(std::clamp(v, 0.0f, 1.0f) * 255) : 0;
  return IM_COL32(g, g, g, 255);
}
ImU32 ink_on(float v) { return std::isfinite(v) && v > 0.55f ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255); }

class PoolingView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    const PoolingParams& p = lesson_params<PoolingParams>(ctx.state);
    model_.update(p, ctx.input, ctx.input_generation, ctx.state.display);
    if (!model_.error().empty()) ctx.error = model_.error();
    const PoolingResult& r = model_.result();
    if (!r.output) return;
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    output_view_.set_for(std::to_string(r.generation), r.shown);  // coloured by the workers with the display
    ctx.publish("output_shape", shape_text(r.output.shape()));
    ctx.publish("compute_ms", r.compute_ms);
    ctx.publish("workers", r.workers);
    ctx.publish("version", r.generation);
    ctx.publish("pool_mode", r.params.mode);  // the shown result's, which may trail the state's while the workers pool
    ctx.publish("formula_h", r.formula_h.value);
    ctx.publish("formula_w", r.formula_w.value);
    ctx.publish("rf_after_conv3", r.field);
    if (r.crop_out.empty()) return;
    // The window shown: the hovered output cell (last frame), else the one kept by a click or the slider.
    const int cells = r.crop_out.h * r.crop_out.w;
    window_ = pool_window(r, r.params, hover_cell_ >= 0 && hover_cell_ < cells ? hover_cell_ : ctx.state.step);
    ctx.publish("crop_out", std::to_string(r.crop_out.h) + "x" + std::to_string(r.crop_out.w));
    ctx.publish("cell", std::to_string(window_.oy) + "," + std::to_string(window_.ox));
    ctx.publish("cell_value", value_text(window_.value));
  }

  // Four panels: the image with the crop's square, the pooled image, the crop with its padding and the
  // window, the crop's output.
  void visual(LessonContext& ctx, ImVec2 size) override {
    const PoolingResult& r = model_.result();
    if (!r.output) return;
    const PoolingParams& p = r.params;  // what the shown result was computed with
    const float caption = ImGui::GetTextLineHeightWithSpacing();
    const ViewGrid g = view_grid(4, size, 1.0f, caption);
    // In two rows the images take the height their shape needs, the square grids the rest.
    ImVec2 image = g.cell, grid = g.cell;
    if (g.rows == 2) {
      const float room = size.y - 2 * caption - ImGui::GetStyle().ItemSpacing.y;
      const float want_image = g.cell.x * float(ctx.input.h) / float(ctx.input.w);
      const float scale = std::min(1.0f, room / (want_image + g.cell.x));
      image.y = want_image * scale;
      grid.y = room - image.y;
    }
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
    for (int i = 0; i < 4; ++i) {
      if (i % g.cols) ImGui::SameLine();
      const ImVec2 cell = i < 2 ? image : grid;
      ImGui::PushID(i);
      ImGui::BeginChild("panel", ImVec2(cell.x, cell.y + caption), false, flags);  // clips a caption wider than its panel
      if (i == 0) {
        ImGui::Text("input %d x %d (yellow: crop)", ctx.input.h, ctx.input.w);
        const NumericCrop& c = r.crop;
        input_view_.draw("pool-in", cell, ctx.state, [&](ImDrawList* dl, const ViewTransform& tf) {
          const ImVec2 a = tf.to_screen(float(c.x), float(c.y)), b = tf.to_screen(float(c.x + c.grey.w), float(c.y + c.grey.h));
          dl->AddRect(a, b, IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
          dl->AddRect(a, b, IM_COL32(255, 200, 0, 255), 0, 0, 2.0f);
        });
      } else if (i == 1) {
        ImGui::Text("%s pool %d x %d", p.mode.c_str(), r.output.shape().h, r.output.shape().w);
        output_view_.draw("pool-out", cell, ctx.state);
      } else if (i == 2) {
        ImGui::Text("crop %d x %d, padding %d", r.crop.grey.h, r.crop.grey.w, p.p);
        draw_crop(p, cell);
      } else if (r.crop_out.empty()) {
        ImGui::TextWrapped("No %d x %d window fits the crop with padding %d.", p.k, p.k, p.p);
      } else {
        ImGui::Text("crop output %d x %d", r.crop_out.h, r.crop_out.w);
        draw_crop_output(ctx, cell);
      }
      ImGui::EndChild();
      ImGui::PopID();
    }
  }

  const cl::Tensor* output() const override { return model_.result().output.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    PoolingParams& p = lesson_params<PoolingParams>(s);
    const PoolingResult& r = model_.result();
    if (ctx.section("settings", "Pooling window")) {
      if (ctx.visible("mode") && ImGui::BeginCombo("mode", p.mode.c_str())) {
        for (cl::PoolMode m : {cl::PoolMode::Max, cl::PoolMode::Mean, cl::PoolMode::Min})
          if (ImGui::Selectable(cl::pool_mode_name(m), p.mode == cl::pool_mode_name(m))) p.mode = cl::pool_mode_name(m);
        ImGui::EndCombo();
      }
      if (ctx.visible("mode")) tip("max keeps the largest value of each window (PyTorch max_pool2d), mean averages it (avg_pool2d), min keeps the smallest.");
      if (ctx.visible("kernel")) {
        ImGui::SliderInt("kernel", &p.k, 1, 15);
        tip("Window size k x k.");
      }
      if (ctx.visible("stride")) {
        ImGui::SliderInt("stride", &p.s, 1, 15);
        tip("How far the window moves between outputs; equal to the kernel, windows tile without overlap.");
      }
      if (ctx.visible("padding")) {
        ImGui::SliderInt("padding", &p.p, 0, 7);
        tip("Border added on each side: -inf for max, +inf for min, zeros for mean. PyTorch allows at most kernel / 2.");
      }
      if (ctx.visible("ceil")) {
        ImGui::Checkbox("ceil mode", &p.ceil_mode);
        tip("Round the output size up instead of down, so a last partial window that overhangs the edge is kept.");
      }
      if (ctx.visible("cip")) {
        ImGui::BeginDisabled(p.mode != "mean");
        ImGui::Checkbox("count padding in the mean", &p.count_include_pad);
        tip("Mean pooling only: divide by the whole window including padded zeros (PyTorch's default), or only by the real pixels in it.");
        ImGui::EndDisabled();
      }
    }
    if (!r.crop_out.empty() && ctx.section("step", "The selected window")) window_numbers(s, r.params, r);
    if (ctx.section("formula", "Output size of the image")) {
      ImGui::TextWrapped("input %s -> pool2d %s -> output %s (C x H x W)", shape_text(ctx.input).c_str(),
                         r.params.mode.c_str(), r.output ? shape_text(r.output.shape()).c_str() : "?");
      help("PyTorch: floor (or ceil) of (in + 2p - k) / s, plus 1. With ceil_mode it rounds up, but drops a last window "
           "that would start inside the right padding: if (out - 1) * s >= in + p, out shrinks by one.");
      ImGui::PushFont(mono_font());
      ImGui::TextWrapped("H: %s", r.formula_h.text.c_str());
      ImGui::TextWrapped("W: %s", r.formula_w.text.c_str());
      ImGui::PopFont();
      if (!r.formula_h.note.empty()) note("H: %s", r.formula_h.note.c_str());
      if (!r.formula_w.note.empty()) note("W: %s", r.formula_w.note.c_str());
    }
    if (ctx.section("field", "Next layer's field")) {
      help("receptive_field() of [this pool, conv 3x3]: size = k + (3 - 1) x stride.");
      ImGui::PushFont(mono_font());
      const PoolingParams& q = r.params;
      ImGui::TextWrapped("pool %dx%d/%d then conv 3x3: %d + (3 - 1) x %d = %d", q.k, q.k, q.s, q.k, q.s, r.field);
      ImGui::PopFont();
      ImGui::TextWrapped("A 3x3 conv after this pool sees %d x %d input pixels; without the pool, 3 x 3.", r.field, r.field);
    }
  }

 private:
  // The crop with its padding (grey) and what lies past it (hatched), the selected window on top.
  void draw_crop(const PoolingParams& p, ImVec2 box) const {
    const PoolingResult& r = model_.result();
    const cl::Tensor& crop = r.crop.grey;
    const PoolGridExtent e = crop_grid_extent(r, p);
    const float cell = std::min({box.x / float(e.x1 - e.x0), box.y / float(e.y1 - e.y0), 44.0f});
    const cl::PoolMode mode = pool_params(p).mode;
    const float pad_fill = mode == cl::PoolMode::Mean ? 0.0f : mode == cl::PoolMode::Max ? -INFINITY : INFINITY;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    auto at = [&](int y, int x) { return ImVec2(o.x + float(x - e.x0) * cell, o.y + float(y - e.y0) * cell); };
    for (int y = e.y0; y < e.y1; ++y)
      for (int x = e.x0; x < e.x1; ++x) {
        const ImVec2 a = at(y, x), b(a.x + cell, a.y + cell);
        if (y >= 0 && x >= 0 && y < crop.h && x < crop.w) {
          const float v = crop.at(0, y, x);
          dl->AddRectFilled(a, b, grey(v));
          cell_text(dl, a, cell, value_text(v), ink_on(v));
        } else if (y >= -p.p && x >= -p.p && y < crop.h + p.p && x < crop.w + p.p) {
          dl->AddRectFilled(a, b, IM_COL32(70, 78, 92, 255));
          cell_text(dl, a, cell, value_text(pad_fill), IM_COL32(190, 200, 215, 255));
        } else {  // past the padding: a ceil-mode window may hang here and reads nothing
          dl->AddRectFilled(a, b, IM_COL32(30, 32, 38, 255));
          for (float d = 0; d < 2 * cell; d += 6)
            dl->AddLine(ImVec2(a.x + std::max(0.0f, d - cell), a.y + std::min(d, cell)),
                        ImVec2(a.x + std::min(d, cell), a.y + std::max(0.0f, d - cell)), IM_COL32(60, 64, 72, 255));
        }
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 110));
      }
    dl->AddRect(at(0, 0), at(crop.h, crop.w), IM_COL32(255, 200, 0, 255), 0, 0, 1.5f);
    if (!r.crop_out.empty()) {
      const ImVec2 wa = at(window_.y0, window_.x0), wb = at(window_.y0 + p.k, window_.x0 + p.k);
      dl->AddRectFilled(wa, wb, IM_COL32(255, 120, 40, 40));
      dl->AddRect(wa, wb, IM_COL32(0, 0, 0, 220), 0, 0, 5.0f);
      dl->AddRect(wa, wb, IM_COL32(255, 140, 40, 255), 0, 0, 3.0f);
    }
    ImGui::Dummy(ImVec2(float(e.x1 - e.x0) * cell, float(e.y1 - e.y0) * cell));
  }

  // The crop's output: hover a cell to see its window, click (tap) to keep it.
  void draw_crop_output(LessonContext& ctx, ImVec2 box) {
    const cl::Tensor& out = model_.result().crop_out;
    const float cell = std::min({box.x / float(out.w), box.y / float(out.h), 44.0f});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 q = ImGui::GetCursorScreenPos();
    for (int y = 0; y < out.h; ++y)
      for (int x = 0; x < out.w; ++x) {
        const ImVec2 a(q.x + float(x) * cell, q.y + float(y) * cell), b(a.x + cell, a.y + cell);
        const float v = out.at(0, y, x);
        dl->AddRectFilled(a, b, grey(v));
        cell_text(dl, a, cell, value_text(v), ink_on(v));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 110));
      }
    const ImVec2 sa(q.x + float(window_.ox) * cell, q.y + float(window_.oy) * cell);
    dl->AddRect(sa, ImVec2(sa.x + cell, sa.y + cell), IM_COL32(255, 140, 40, 255), 0, 0, 3.0f);
    ImGui::InvisibleButton("crop-out", ImVec2(float(out.w) * cell, float(out.h) * cell));
    hover_cell_ = -1;
    if (ImGui::IsItemHovered()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      const int x = int((m.x - q.x) / cell), y = int((m.y - q.y) / cell);
      if (x >= 0 && y >= 0 && x < out.w && y < out.h) {
        hover_cell_ = y * out.w + x;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) ctx.state.step = hover_cell_;
      }
    }
  }

  // The selected window's pixels and the value they give.
  void window_numbers(State& s, const PoolingParams& p, const PoolingResult& r) const {
    const PoolWindow& w = window_;
    int cell = w.oy * r.crop_out.w + w.ox;
    if (ImGui::SliderInt("output cell", &cell, 0, r.crop_out.h * r.crop_out.w - 1)) s.step = cell;
    tip("Which output of the crop to explain; hovering or tapping the crop's output picks one too.");
    ImGui::TextWrapped("output (row %d, col %d): window rows %d..%d, columns %d..%d", w.oy, w.ox, w.y0, w.y0 + p.k - 1, w.x0, w.x0 + p.k - 1);
    std::string list;
    for (std::size_t i = 0; i < w.pixels.size() && i < 16; ++i) list += (i ? " " : "") + value_text(w.pixels[i]);
    if (w.pixels.size() > 16) list += " ...";
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("pixels: %s", list.c_str());
    if (pool_params(p).mode == cl::PoolMode::Mean)
      ImGui::TextWrapped("mean = %.2f / %d = %s", w.sum, w.divisor, value_text(w.value).c_str());
    else
      ImGui::TextWrapped("%s = %s", p.mode.c_str(), value_text(w.value).c_str());
    ImGui::PopFont();
    if (w.in_padding > 0 || w.beyond > 0) {
      note("%d in the image, %d in the padding, %d beyond it", w.in_input, w.in_padding, w.beyond);
      if (pool_params(p).mode == cl::PoolMode::Mean)
        note("%s", p.count_include_pad ? "The divisor counts the padding, never what lies beyond it." : "The divisor counts only the real pixels.");
    }
  }

  PoolingModel model_;
  ImageView input_view_, output_view_;
  PoolWindow window_;
  int hover_cell_ = -1;  // last frame's hovered cell of the crop's output
};

}  // namespace

REGISTER_LESSON_VIEW("pooling", PoolingView);
