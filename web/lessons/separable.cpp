// Separable kernels: is the kernel a column times a row (rank 1)? The model (separable_model.h) splits
// it, filters the image both ways and times both paths; this view shows the four images, the factors
// and the costs.
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "format.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "lesson.h"
#include "separable_model.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

class SeparableView : public LessonView {
 public:
  void update(LessonContext& ctx) override {
    cl::Kernel2D kernel;
    try {
      kernel = state_kernel(ctx.state, 0);
    } catch (const std::exception& e) {
      ctx.error = e.what();  // an impossible preset size: the previous outputs stay
      return;
    }
    const bool fresh = model_.update(ctx.input, ctx.input_generation, kernel, ctx.state.display);
    if (model_.asked() != asked_) {  // a new setting: time it once it has stayed a while
      asked_ = model_.asked();
      settle_.changed(emscripten_get_now());
    }
    if (!model_.error().empty()) {
      ctx.error = model_.error();
      settle_.clear();  // nothing new to time; the previous times stay
    }
    if (settle_.ready(emscripten_get_now())) {
      model_.time(ctx.input, ctx.input_generation);  // in a worker, or here at once without workers
      settle_.clear();
    } else if (settle_.due()) {
      ctx.keep_drawing();  // come back when it is due, even if nothing else happens
    }
    const SeparableResult& r = model_.result();
    if (r.empty()) return;
    input_view_.set_for(std::to_string(ctx.input_generation), ctx.input);
    if (fresh) {
      full_view_.set_displayed(r.shown[0]);
      two_pass_view_.set_displayed(r.shown[1]);
      diff_view_.set_displayed(r.shown[2]);
    }
    publish(ctx);
  }

  const cl::Tensor* output() const override { return result().full.shared().get(); }
  bool computing() const override { return model_.busy(); }

  void visual(LessonContext& ctx, ImVec2 size) override {
    if (result().empty()) return;
    const cl::Tensor& in = ctx.input;
    char input_caption[48], full_caption[48];
    std::snprintf(input_caption, sizeof input_caption, "input %s", shape_text(in).c_str());
    std::snprintf(full_caption, sizeof full_caption, "full %d x %d kernel", result().kernel.h, result().kernel.w);
    struct Cell {
      const char* caption;
      ImageView& view;
    } cells[] = {{input_caption, input_view_},
                 {full_caption, full_view_},
                 {result().sep.separable ? "column, then row pass" : "rank-1 approximation", two_pass_view_},
                 {"passes - full (red)", diff_view_}};
    const ViewGrid grid = view_grid(4, size, float(in.h) / float(in.w), ImGui::GetTextLineHeightWithSpacing());
    for (int i = 0; i < 4; ++i) {
      if (i % grid.cols) ImGui::SameLine();
      ImGui::BeginGroup();
      ImGui::TextUnformatted(cells[i].caption);
      ImGui::PushID(i);
      cells[i].view.draw("sep-view", grid.cell, ctx.state);
      ImGui::PopID();
      ImGui::EndGroup();
    }
  }

  void controls(LessonContext& ctx) override {
    if (ctx.section("kernel-editor", "Kernel")) kernel_editor(ctx.state, ctx.input.c, 11);
    if (result().empty()) return;
    if (ctx.section("factors", "Rank-1 split")) factors();
    if (ctx.section("cost", "Multiplications and time")) cost();
  }

 private:
  void factors() {
    const cl::Separation& sep = result().sep;
    const ImVec4 good(0.45f, 0.85f, 0.55f, 1), bad(1.0f, 0.62f, 0.35f, 1);
    ImGui::TextColored(sep.separable ? good : bad, sep.separable ? "Separable: rank 1" : "Not separable: rank > 1");
    help("separate() takes the singular value decomposition of the kernel: K = s1 u1 v1^T + s2 u2 v2^T + ... The kernel is "
         "separable when everything after the first term is (numerically) zero.");
    ImGui::PushFont(mono_font());
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextWrapped("residual ||K - col row^T|| / ||K|| = %.3g", sep.residual);
    ImGui::TextWrapped("column (%d) = %s", result().kernel.h, vector_text(sep.column).c_str());
    ImGui::TextWrapped("row    (%d) = %s", result().kernel.w, vector_text(sep.row).c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    const float cell = std::clamp(ImGui::GetContentRegionAvail().x * 0.45f / float(std::max(result().kernel.w, 1)), 8.0f, 40.0f);
    draw_kernel("kernel", result().kernel, cell);
    ImGui::SameLine(0, 18);
    draw_kernel("column x row", result().approx, cell);
    ImGui::PushTextWrapPos(0.0f);
    if (sep.separable) {
      ImGui::TextWrapped("The two passes give the full kernel's output up to float rounding: largest difference %.2g.",
                         double(result().max_error));
    } else {
      ImGui::TextWrapped("The best rank-1 approximation misses %.1f%% of the kernel (Frobenius norm). Its output differs from "
                         "the full kernel's by up to %.3g (RMS %.3g) on this image.",
                         100.0 * sep.residual, double(result().max_error), double(result().rms_error));
      if (result().sum_changed())
        ImGui::TextWrapped("A small residual in the kernel can still mean a large error in the output: the kernel sums to %.3g "
                           "but its approximation to %.3g, so even flat regions come out different.",
                           result().kernel_sum, result().approx_sum);
    }
    ImGui::TextDisabled("The difference view: blue where the passes are lower, red where higher, white where they agree.");
    ImGui::PopTextWrapPos();
  }

  // The kernel's cells coloured by sign and size (scaled to the full kernel), with values when they fit.
  void draw_kernel(const char* title, const cl::Kernel2D& k, float cell) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    float scale = 0;
    for (float v : result().kernel.data) scale = std::max(scale, std::fabs(v));
    ImFont* font = mono_font();
    const float fs = std::min(13.0f, cell * 0.3f);
    for (int y = 0; y < k.h; ++y)
      for (int x = 0; x < k.w; ++x) {
        const float v = k.at(y, x), t = scale > 0 ? std::clamp(std::fabs(v) / scale, 0.0f, 1.0f) : 0.0f;
        const ImVec2 a(o.x + x * cell, o.y + y * cell), b(a.x + cell, a.y + cell);
        dl->AddRectFilled(a, b, v >= 0 ? IM_COL32(int(40 + 40 * t), int(70 + 90 * t), int(110 + 140 * t), 255)
                                       : IM_COL32(int(110 + 140 * t), int(60 + 40 * t), int(50 + 20 * t), 255));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 140));
        if (cell < 30) continue;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.3g", double(v));
        const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
        if (ts.x < cell - 2)
          dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), IM_COL32(240, 244, 250, 255), buf);
      }
    ImGui::Dummy(ImVec2(k.w * cell, k.h * cell));
    ImGui::EndGroup();
  }

  void cost() {
    const int kh = result().kernel.h, kw = result().kernel.w;
    ImGui::TextUnformatted("Multiplications per output pixel");
    help("Per channel. The column pass multiplies kh values, the row pass kw.");
    ImGui::PushFont(mono_font());
    ImGui::Text("full %d x %d = %d   two passes %d + %d = %d", kh, kw, result().mults_full(), kh, kw, result().mults_separable());
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::TextUnformatted("Measured on this image");
    help("Mean time per run, each path repeated for at least 40 ms (3 to 40 runs), timed in one of the page's compute "
         "workers (the same wasm core; this tab itself without workers) a quarter of a second after the kernel or the image "
         "last changed. The full path is the core's conv2d with groups = channels; the "
         "two-pass path is separable_conv2d with the factors above.");
    if (!model_.times_current()) {
      ImGui::TextDisabled("measuring...");
      return;
    }
    ImGui::PushFont(mono_font());
    ImGui::Text("full conv2d         %7.2f ms", times().full_ms);
    ImGui::Text("separable (2 pass)  %7.2f ms", times().separable_ms);
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    if (times().separable_ms > 0 && times().full_ms > 0)
      ImGui::TextDisabled("separable / full = %.2f: the two passes are %s", times().ratio(),
                          times().separable_ms < times().full_ms ? "faster" : "slower here");
    if (times().separable_ms >= times().full_ms)
      ImGui::TextDisabled("For small kernels the saved multiplications do not pay for the extra pass; try a 9 x 9 Gaussian.");
    ImGui::PopTextWrapPos();
  }

  void publish(LessonContext& ctx) const {
    const SeparableResult& r = model_.result();
    ctx.publish("version", model_.version());
    ctx.publish("workers", model_.workers());
    ctx.publish("separable", r.sep.separable ? "yes" : "no");
    ctx.publish("residual", r.sep.residual);
    ctx.publish("column", vector_text(r.sep.column));
    ctx.publish("row", vector_text(r.sep.row));
    ctx.publish("kernel_size", std::to_string(r.kernel.h) + "x" + std::to_string(r.kernel.w));
    ctx.publish("mults_full", r.mults_full());
    ctx.publish("mults_separable", r.mults_separable());
    if (!model_.times_current()) {  // empty, so that a reader never takes the last kernel's times for this one's
      for (const char* key : {"time_full_ms", "time_separable_ms", "time_ratio"}) ctx.publish(key, std::string());
    } else {
      ctx.publish("time_full_ms", times().full_ms);
      ctx.publish("time_separable_ms", times().separable_ms);
      ctx.publish("time_ratio", times().ratio());
    }
    ctx.publish("max_error", double(r.max_error));
    ctx.publish("rms_error", double(r.rms_error));
    ctx.publish("output_shape", shape_text(r.full.shape()));
  }

  const SeparableResult& result() const { return model_.result(); }
  const PathTimes& times() const { return model_.times(); }

  SeparableModel model_;
  int asked_ = 0;  // the model's asked() when the settle timer last restarted
  SettleTimer settle_;
  ImageView input_view_, full_view_, two_pass_view_, diff_view_;
};

}  // namespace

REGISTER_LESSON_VIEW("separable", SeparableView);
