// Transposed convolution: the three-step construction (zeros between pixels, padding d*(k-1)-p with
// output_padding on the bottom/right, a stride-1 correlation with the kernel rotated by 180 degrees) on
// a small numeric input, checked against the direct conv_transpose2d; the output-size formula and a
// solver for it; upsampling an image 32 -> 64 and the checkerboard that uneven overlap makes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "transposed_grid.h"
#include "transposed_model.h"
#include "widgets.h"

namespace cl = convlab;
using transposed::draw_grid;
using transposed::num_text;

namespace {

template <class Floats>  // a tensor's or a kernel's data
std::string values_text(const Floats& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + num_text(v[i]);
  return out;
}

template <class Floats>
float max_abs(const Floats& v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

const auto value_cell = [](int, int) { return CellKind::Value; };

class TransposedView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    const TransposedParams& p = lesson_params<TransposedParams>(ctx.state);
    model_.update(p, ctx.input, ctx.input_generation);
    const std::string error = model_.error();
    if (!error.empty()) ctx.error = error;
    if (const auto& f = model_.formula()) {
      ctx.publish("formula_size", f->value);
      ctx.publish("formula", f->text);
    }
    publish_solver(ctx);
    const Checkerboard& chk = model_.checker();
    if (!chk.counts.empty()) {
      ctx.publish("checker_min", double(chk.min));
      ctx.publish("checker_max", double(chk.max));
    }
    const Upsampling& up = model_.upsampling();
    if (!up.small.empty()) {
      const std::string key = std::to_string(model_.upsampling_generation()) + "|" + ctx.state.display;
      small_view_.set_for(key, up.small, ctx.state.display);
      bilinear_view_.set_for(key, up.bilinear, ctx.state.display);
      ones_view_.set_for(key, up.ones, ctx.state.display);
      ctx.publish("up_in_shape", shape_text(up.small));
      ctx.publish("up_bilinear_shape", shape_text(up.bilinear));
      ctx.publish("up_ones_shape", shape_text(up.ones));
    }
    const TransposedDemo& d = model_.demo();
    if (d.steps.output.empty()) return;
    // The output cell explained: hovered (last frame), else kept by a click or the slider.
    const cl::Tensor& out = d.steps.output;
    const int cells = out.h * out.w;
    sum_ = cell_sum(d, hover_cell_ >= 0 && hover_cell_ < cells ? hover_cell_ : ctx.state.step);
    const cl::Tensor& zi = d.steps.zero_inserted;
    const cl::Tensor& pd = d.steps.padded;
    ctx.publish("out_size", std::to_string(out.h) + "x" + std::to_string(out.w));
    ctx.publish("zero_inserted", std::to_string(zi.h) + "x" + std::to_string(zi.w));
    ctx.publish("padded", std::to_string(pd.h) + "x" + std::to_string(pd.w));
    ctx.publish("pad_top", d.steps.padding.top);
    ctx.publish("pad_bottom", d.steps.padding.bottom);
    ctx.publish("steps_equal_direct", d.equal ? "yes" : "no");
    ctx.publish("max_diff", double(d.max_diff));
    ctx.publish("sum_steps", d.sum_steps);
    ctx.publish("sum_direct", d.sum_direct);
    ctx.publish("input_values", values_text(d.input.data));
    ctx.publish("kernel_values", values_text(d.kernel.data));
    ctx.publish("output_values", values_text(out.data));
    ctx.publish("direct_values", values_text(d.direct.data));
  }

  // The six grids of the construction, the selected output cell and its window on the padded grid.
  void visual(LessonContext& ctx, ImVec2 size) override {
    const TransposedDemo& d = model_.demo();
    if (d.steps.output.empty()) return;
    const cl::Tensor& zi = d.steps.zero_inserted;
    const cl::Tensor& pd = d.steps.padded;
    const cl::Tensor& out = d.steps.output;
    const int k = d.kernel.kh;
    char captions[6][40];
    std::snprintf(captions[0], 40, "input %dx%d", d.input.h, d.input.w);
    std::snprintf(captions[1], 40, "1 zeros %dx%d", zi.h, zi.w);
    std::snprintf(captions[2], 40, "2 padded %dx%d", pd.h, pd.w);
    std::snprintf(captions[3], 40, "kernel %dx%d", k, k);
    std::snprintf(captions[4], 40, "3 rotated 180\xc2\xb0");
    std::snprintf(captions[5], 40, "output %dx%d", out.h, out.w);
    const int dims[6][2] = {{d.input.h, d.input.w}, {zi.h, zi.w}, {pd.h, pd.w}, {k, k}, {k, k}, {out.h, out.w}};
    std::vector<GridSize> sizes;
    for (int i = 0; i < 6; ++i) sizes.push_back({dims[i][0], dims[i][1], ImGui::CalcTextSize(captions[i]).x});
    const float caption_h = ImGui::GetTextLineHeightWithSpacing();
    const GridLayout l = layout_step_grids(sizes, size.x, size.y, caption_h, 16.0f, 40.0f);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImVec2 at[6];
    for (int i = 0; i < 6; ++i) {
      ImGui::SetCursorScreenPos(ImVec2(o.x + l.grids[i].x, o.y + l.grids[i].y));
      ImGui::TextUnformatted(captions[i]);
      at[i] = ImVec2(o.x + l.grids[i].x, o.y + l.grids[i].y + caption_h);
    }
    const float c = l.cell, in_scale = max_abs(d.input.data), k_scale = max_abs(d.kernel.data);
    draw_grid("in", at[0], d.input.h, d.input.w, [&](int y, int x) { return d.input.at(0, y, x); }, value_cell, c, in_scale);
    draw_grid("zeros", at[1], zi.h, zi.w, [&](int y, int x) { return zi.at(0, y, x); },
              [&](int y, int x) { return zero_inserted_kind(d, y, x); }, c, in_scale);
    draw_grid("padded", at[2], pd.h, pd.w, [&](int y, int x) { return pd.at(0, y, x); },
              [&](int y, int x) { return padded_kind(d, y, x); }, c, in_scale, {{sum_.oy, sum_.ox, k, k}});
    draw_grid("kernel", at[3], k, k, [&](int y, int x) { return d.kernel.at(0, 0, y, x); }, value_cell, c, k_scale);
    draw_grid("rotated", at[4], k, k, [&](int y, int x) { return d.steps.rotated.at(0, 0, y, x); }, value_cell, c, k_scale);
    draw_grid("out", at[5], out.h, out.w, [&](int y, int x) { return out.at(0, y, x); }, value_cell, c, max_abs(out.data),
              {{sum_.oy, sum_.ox, 1, 1}});
    // Hover an output cell to see its window; click (tap) to keep it.
    ImGui::SetCursorScreenPos(at[5]);
    ImGui::InvisibleButton("out-cells", ImVec2(std::max(1.0f, float(out.w) * c), std::max(1.0f, float(out.h) * c)));
    hover_cell_ = -1;
    if (ImGui::IsItemHovered()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      const int hx = int((m.x - at[5].x) / c), hy = int((m.y - at[5].y) / c);
      if (hx >= 0 && hy >= 0 && hx < out.w && hy < out.h) {
        hover_cell_ = hy * out.w + hx;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) ctx.state.step = hover_cell_;
      }
    }
  }

  void controls(LessonContext& ctx) override {
    State& s = ctx.state;
    TransposedParams& p = lesson_params<TransposedParams>(s);
    if (ctx.section("settings", "Transposed convolution")) settings(ctx, p);
    if (!model_.demo().steps.output.empty() && ctx.section("step", "The selected output")) selected_output(s);
    if (ctx.section("solver", "Which settings give the size I want?")) solver(p);
    if (ctx.section("upsampling", "Upsampling 32 -> 64, and the checkerboard")) upsampling(s, p);
  }

 private:
  void publish_solver(LessonContext& ctx) const {
    const std::vector<SizeSetting>& found = model_.solutions();
    ctx.publish("solver_count", double(found.size()));
    if (found.empty()) return;
    const SizeSetting& f = found[0];
    ctx.publish("solver_first", "k=" + std::to_string(f.k) + ",s=" + std::to_string(f.s) + ",p=" + std::to_string(f.p) +
                                    ",op=" + std::to_string(f.op));
  }

  void settings(LessonContext& ctx, TransposedParams& p) const {
    struct Slider {
      const char* id;
      const char* label;
      int* value;
      int lo, hi;
      const char* tip;
    };
    const Slider sliders[] = {
        {"input", "input size", &p.in, 1, 8, "The numeric input is n x n; its values count 1..9 so every step can be followed."},
        {"kernel", "kernel", &p.k, 1, 9, "Kernel size k: each input pixel scatters a k x k copy of the kernel, scaled by its value."},
        {"stride", "stride", &p.s, 1, 8, "Stride s: the copies land s pixels apart, which is the same as putting s - 1 zeros between input pixels."},
        {"padding", "padding", &p.p, 0, 16, "PyTorch's padding p removes p rows and columns from each side of the full output (so the step-2 padding is k - 1 - p)."},
        {"output-padding", "output padding", &p.op, 0, 7, "Extra rows and columns on the bottom and right only; PyTorch requires it to be smaller than the stride (or the dilation)."}};
    for (const Slider& sl : sliders)
      if (ctx.visible(sl.id)) {
        ImGui::SliderInt(sl.label, sl.value, sl.lo, sl.hi);
        tip(sl.tip);
      }
    if (const auto& f = model_.formula()) {
      ImGui::TextUnformatted("Output size");
      help("PyTorch's ConvTranspose2d: (in - 1)*s - 2p + d*(k - 1) + output_padding + 1, here with dilation d = 1.");
      ImGui::PushFont(mono_font());
      ImGui::TextWrapped("%s", f->text.c_str());
      ImGui::PopFont();
    }
    const cl::Pad4 pad = model_.demo().steps.padding;
    note("Step 2 pads k - 1 - p = %d on the top and left, %d with the output padding on the bottom and right (a negative "
         "amount crops instead).", pad.top, pad.bottom);
  }

  // The chosen output cell as the sum of step 3, and the check against the direct computation.
  void selected_output(State& s) const {
    const TransposedDemo& d = model_.demo();
    const cl::Tensor& out = d.steps.output;
    int cell = sum_.oy * out.w + sum_.ox;
    if (ImGui::SliderInt("output cell", &cell, 0, out.h * out.w - 1)) s.step = cell;
    tip("Which output to explain; hovering or tapping the output grid picks one too.");
    std::string terms;
    for (std::size_t i = 0; i < sum_.taps.size() && i < 6; ++i)
      terms += (i ? " + " : "") + num_text(sum_.taps[i].first) + "*" + num_text(sum_.taps[i].second);
    if (sum_.taps.size() > 6) terms += " + ...";
    ImGui::Text("output (row %d, col %d)", sum_.oy, sum_.ox);
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("= %s = %s", terms.empty() ? "0" : terms.c_str(), num_text(sum_.value).c_str());
    ImGui::PopFont();
    const int n = int(sum_.taps.size());
    note("%d kernel tap%s land%s on real pixels; the rest read inserted zeros or padding.", n, n == 1 ? "" : "s",
                        n == 1 ? "s" : "");
    ImGui::TextColored(d.equal ? ImVec4(0.45f, 0.85f, 0.55f, 1) : ImVec4(1, 0.45f, 0.4f, 1), "%s",
                       d.equal ? "Equal to conv_transpose2d computed directly" : "Differs from conv_transpose2d!");
    help("The direct computation scatters a scaled kernel copy from every input pixel (PyTorch's definition); the three "
         "steps gather with an ordinary convolution. Both are computed by the core on every change.");
    ImGui::PushFont(mono_font());
    ImGui::Text("max |steps - direct| = %g", double(d.max_diff));
    ImGui::Text("sum: steps %s, direct %s", num_text(float(d.sum_steps)).c_str(), num_text(float(d.sum_direct)).c_str());
    ImGui::PopFont();
  }

  void solver(TransposedParams& p) const {
    help("Every (kernel, stride, padding, output padding) with k <= 9, s <= 8, p <= 16 and output padding < stride "
         "(PyTorch's rule at dilation 1) whose formula gives the target size.");
    if (ImGui::InputInt("from", &p.from, 1, 8)) p.from = std::clamp(p.from, 1, 4096);
    tip("The input size (height or width) of the transposed convolution.");
    if (ImGui::InputInt("to", &p.to, 1, 8)) p.to = std::clamp(p.to, 1, 4096);
    tip("The output size you want. Pick a setting below to use it above.");
    const std::vector<SizeSetting>& found = model_.solutions();
    note("%d setting%s found", int(found.size()), found.size() == 1 ? "" : "s");
    if (found.empty()) {
      ImGui::TextWrapped("No kernel up to 9 with stride up to 8 turns %d into %d. A transposed convolution with stride s grows "
                         "the size roughly s times: try a target near a multiple of %d.", p.from, p.to, p.from);
      return;
    }
    // One row per setting; a tap uses it.
    const float row_h = ImGui::GetTextLineHeightWithSpacing();
    ImGui::BeginChild("solver", ImVec2(0, std::min(row_h * float(found.size()), row_h * 6.0f) + 2 * ImGui::GetStyle().WindowPadding.y), true);
    for (const SizeSetting& c : found) {
      char row[64];
      std::snprintf(row, sizeof row, "k %d   s %d   p %d   output padding %d", c.k, c.s, c.p, c.op);
      if (ImGui::Selectable(row, c.k == p.k && c.s == p.s && c.p == p.p && c.op == p.op)) p.k = c.k, p.s = c.s, p.p = c.p, p.op = c.op;
    }
    ImGui::EndChild();
  }

  void upsampling(State& s, const TransposedParams& p) {
    ImGui::TextWrapped("The centre of the image averaged down to 32 x 32, then each channel upsampled on its own. With k = 4, "
                       "s = 2, p = 1 and the bilinear kernel every output pixel receives two taps per axis: smooth. With k = 3, "
                       "s = 2 the copies overlap unevenly and a checkerboard appears even in flat regions.");
    const Upsampling& up = model_.upsampling();
    if (up.small.empty()) return;
    const float caption = ImGui::GetTextLineHeightWithSpacing();
    const float width = ImGui::GetContentRegionAvail().x;
    const ViewGrid g = view_grid(4, ImVec2(width, width * 1.1f), 1.0f, caption);
    const ImVec2 box(g.cell.x, g.cell.y + caption);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
    const char* captions[3] = {"input 32x32", "bilinear k4 s2 p1", "ones k3 s2 p1 op1"};
    ImageView* views[3] = {&small_view_, &bilinear_view_, &ones_view_};
    for (int i = 0; i < 4; ++i) {
      if (i % g.cols) ImGui::SameLine();
      ImGui::PushID(i);
      ImGui::BeginChild("panel", box, false, flags);  // clips a caption or legend wider than its panel
      if (i < 3) {
        ImGui::TextUnformatted(captions[i]);
        views[i]->draw(captions[i], g.cell, s);
      } else {
        checker(p, g.cell);
      }
      ImGui::EndChild();
      ImGui::PopID();
    }
    const Checkerboard& chk = model_.checker();
    if (chk.counts.empty()) note("These settings are not valid.");
    else if (chk.min == chk.max)
      ImGui::TextWrapped("k = %d is divisible by s = %d: away from the border every pixel gets %s copies.", p.k, p.s, num_text(chk.max).c_str());
    else
      ImGui::TextWrapped("k = %d is not divisible by s = %d: away from the border pixels get %s to %s copies, a checkerboard.", p.k, p.s,
                         num_text(chk.min).c_str(), num_text(chk.max).c_str());
  }

  // Your settings on a flat 4 x 4 of ones with an all-ones kernel: each output counts its copies.
  void checker(const TransposedParams& p, ImVec2 box) const {
    ImGui::Text("your k=%d s=%d", p.k, p.s);
    const cl::Tensor& c = model_.checker().counts;
    if (c.empty()) return;
    const float cell = std::min({box.x / float(c.w), box.y / float(c.h), 30.0f});
    draw_grid("checker", ImGui::GetCursorScreenPos(), c.h, c.w, [&](int y, int x) { return c.at(0, y, x); }, value_cell, cell, max_abs(c.data));
  }

  TransposedModel model_;
  ImageView small_view_, bilinear_view_, ones_view_;
  CellSum sum_;
  int hover_cell_ = -1;  // last frame's hovered output cell
};

}  // namespace

REGISTER_LESSON_VIEW("transposed", TransposedView);
