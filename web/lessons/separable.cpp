// Separable kernels: is the kernel a column times a row (rank 1)? separate() answers with the best
// rank-1 factors and the residual; a separable kernel runs as two 1-D passes, kh + kw multiplications
// per pixel instead of kh * kw. Both paths are timed on the current image when the kernel changes; for
// a kernel that is not separable, the rank-1 approximation's output and its error are shown.
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "conv2d.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "kernels.h"
#include "lesson.h"
#include "separable.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kRepetitions = 3;
constexpr double kMinMs = 40.0;
constexpr double kSettleMs = 250.0;

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

std::string vector_text(const std::vector<float>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%.4g", i ? ", " : "", double(v[i]));
    out += buf;
  }
  return out + "]";
}

struct SeparableLesson {
  ImageView input_view, full_view, sep_view, diff_view;
  std::string key;
  cl::Kernel2D kernel, approx;
  cl::Separation sep;
  cl::Weights timed_weights;  // what full_ms and sep_ms time
  cl::Conv2dParams timed_params;
  double changed_at = 0, full_ms = 0, sep_ms = 0;
  bool timing_due = false;  // full_ms and sep_ms are not yet those of the current kernel and image
  float max_err = 0, rms_err = 0;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    const std::string k = std::to_string(ctx.input_generation) + "|" + kernel_key(s) + "|" + s.display;
    if (k != key) {
      key = k;
      try {
        const cl::Kernel2D kk = state_kernel(s, 0);
        const cl::Separation sp = cl::separate(kk);
        const int c = ctx.input.c;
        cl::Conv2dParams p;
        p.groups = c;
        p.padding = cl::same_padding(kk.h, kk.w, {1, 1});
        p.padding_mode = cl::PadMode::Reflect;
        cl::Weights w = cl::depthwise_weights(kk, c);
        cl::Tensor f = cl::conv2d(ctx.input, w, p);
        cl::Tensor t = cl::separable_conv2d(ctx.input, sp.column, sp.row, p);
        cl::Tensor d = cl::Tensor::uninitialized(f.c, f.h, f.w);
        double sq = 0;
        float mx = 0;
        for (std::size_t i = 0; i < f.size(); ++i) {
          d.data[i] = t.data[i] - f.data[i];
          mx = std::max(mx, std::fabs(d.data[i]));
          sq += double(d.data[i]) * d.data[i];
        }
        kernel = kk;
        sep = sp;
        approx = cl::outer(sp.column, sp.row);
        max_err = mx;
        rms_err = float(std::sqrt(sq / double(std::max<std::size_t>(1, d.size()))));
        full_view.set(std::move(f), s.display);  // the outputs live in their views
        sep_view.set(std::move(t), s.display);
        diff_view.set(std::move(d), "diverging", 0);
        timed_weights = std::move(w);
        timed_params = p;
        timing_due = true;
        changed_at = emscripten_get_now();
      } catch (const std::exception& e) {
        ctx.error = e.what();  // the previous outputs and timings stay; nothing is left to time
        timing_due = false;
      }
    }
    if (timing_due) time_both(ctx);
  }

  // Times both paths on the current image: each repeated for at least kMinMs (the browser's clock is coarse),
  // at least kRepetitions and at most 40 times. That takes a few frames' time, so it waits until the kernel has
  // not changed for kSettleMs: dragging a slider recomputes the outputs at once and times only where it stops.
  void time_both(LessonContext& ctx) {
    if (emscripten_get_now() - changed_at < kSettleMs) {
      ctx.keep_drawing();  // come back when it is due, even if nothing else happens
      return;
    }
    auto time_of = [](const auto& run) {
      const double start = emscripten_get_now();
      int n = 0;
      double now = start;
      while (n < kRepetitions || (now - start < kMinMs && n < 40)) {
        run();
        ++n;
        now = emscripten_get_now();
      }
      return (now - start) / n;
    };
    const cl::Tensor& input = ctx.input;
    full_ms = time_of([&] { (void)cl::conv2d(input, timed_weights, timed_params); });
    sep_ms = time_of([&] { (void)cl::separable_conv2d(input, sep.column, sep.row, timed_params); });
    timing_due = false;
  }

  void draw_kernel_pair(const char* title, const cl::Kernel2D& k, float cell) {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    float scale = 0;
    for (float v : kernel.data) scale = std::max(scale, std::fabs(v));
    ImFont* font = mono_font();
    const float fs = std::min(13.0f, cell * 0.3f);
    for (int y = 0; y < k.h; ++y)
      for (int x = 0; x < k.w; ++x) {
        const float v = k.at(y, x), t = scale > 0 ? std::clamp(std::fabs(v) / scale, 0.0f, 1.0f) : 0.0f;
        const ImVec2 a(o.x + x * cell, o.y + y * cell), b(a.x + cell, a.y + cell);
        dl->AddRectFilled(a, b, v >= 0 ? IM_COL32(int(40 + 40 * t), int(70 + 90 * t), int(110 + 140 * t), 255)
                                       : IM_COL32(int(110 + 140 * t), int(60 + 40 * t), int(50 + 20 * t), 255));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 140));
        if (cell >= 30) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "%.3g", double(v));
          const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
          if (ts.x < cell - 2) dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), IM_COL32(240, 244, 250, 255), buf);
        }
      }
    ImGui::Dummy(ImVec2(k.w * cell, k.h * cell));
    ImGui::EndGroup();
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Separable kernels: two thin passes instead of one square",
                  "A kernel that is a column times a row (rank 1) can be applied as a vertical 1-D pass and then a horizontal "
                  "one: kh + kw multiplications per pixel instead of kh x kw. Gaussian, box and Sobel kernels are separable; "
                  "the Laplacian is not.");
    const auto [wide, left_w] = begin_left_column("sep-left", 900, 0.36f, 330.0f, 430.0f, 460.0f);
    if (ctx.visible("kernel-editor")) kernel_editor(s, ctx.input.c, 11);
    compute(ctx);
    if (!full_view.empty()) draw_numbers(ctx);
    ImGui::EndChild();
    if (full_view.empty()) return;
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float half = (avail.x - gap) * 0.5f;
    const float total_h = wide ? avail.y : 640.0f;
    const ImVec2 box(half, std::max(140.0f, (total_h - 2 * line - 20) * 0.5f));
    ImGui::BeginGroup();
    ImGui::Text("input %d x %d x %d", ctx.input.c, ctx.input.h, ctx.input.w);
    input_view.draw("sep-in", box, s);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("full %d x %d kernel (conv2d, depthwise)", kernel.h, kernel.w);
    full_view.draw("sep-full", box, s);
    ImGui::EndGroup();
    ImGui::BeginGroup();
    ImGui::Text(sep.separable ? "column pass, then row pass" : "column pass, then row pass: the rank-1 approximation");
    sep_view.draw("sep-two", box, s);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("difference (two passes - full), red channel");
    help("Blue where the two-pass output is lower, red where it is higher, white where they agree. For a separable kernel "
         "only float rounding is left.");
    diff_view.draw("sep-diff", box, s);
    ImGui::EndGroup();
    ImGui::EndGroup();
  }

  void draw_numbers(LessonContext& ctx) {
    const int kh = kernel.h, kw = kernel.w;
    ImGui::Spacing();
    const ImVec4 good(0.45f, 0.85f, 0.55f, 1), bad(1.0f, 0.62f, 0.35f, 1);
    ImGui::TextColored(sep.separable ? good : bad, sep.separable ? "Separable: rank 1" : "Not separable: rank > 1");
    help("separate() takes the singular value decomposition of the kernel: K = s1 u1 v1^T + s2 u2 v2^T + ... The kernel is "
         "separable when everything after the first term is (numerically) zero.");
    ImGui::PushFont(mono_font());
    ImGui::Text("residual ||K - col row^T|| / ||K|| = %.3g", sep.residual);
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("column (%d) = %s", kh, vector_text(sep.column).c_str());
    ImGui::TextWrapped("row    (%d) = %s", kw, vector_text(sep.row).c_str());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    const float cell = std::clamp(ImGui::GetContentRegionAvail().x * 0.45f / float(std::max(kw, 1)), 8.0f, 40.0f);
    draw_kernel_pair("kernel", kernel, cell);
    ImGui::SameLine(0, 18);
    draw_kernel_pair("column x row", approx, cell);
    ImGui::Spacing();
    ImGui::TextUnformatted("Multiplications per output pixel");
    help("Per channel. The column pass multiplies kh values, the row pass kw.");
    ImGui::PushFont(mono_font());
    ImGui::Text("full %d x %d = %d   two passes %d + %d = %d", kh, kw, kh * kw, kh, kw, kh + kw);
    ImGui::PopFont();
    ImGui::Spacing();
    ImGui::TextUnformatted("Measured on this image");
    help(
        "Mean time per run, each path repeated for at least 40 ms (3 to 40 runs), timed in this browser tab a quarter "
        "of a second "
        "after the kernel or the image last changed. The full path is the core's conv2d with groups = channels; the "
        "two-pass path "
        "is separable_conv2d with the factors above.");
    if (timing_due) {
      ImGui::TextDisabled("measuring...");
    } else {
      ImGui::PushFont(mono_font());
      ImGui::Text("full conv2d         %7.2f ms", full_ms);
      ImGui::Text("separable (2 pass)  %7.2f ms", sep_ms);
      ImGui::PopFont();
      ImGui::PushTextWrapPos(0.0f);
      if (sep_ms > 0 && full_ms > 0)
        ImGui::TextDisabled("separable / full = %.2f: the two passes are %s", sep_ms / full_ms,
                            sep_ms < full_ms ? "faster" : "slower here");
      if (sep_ms >= full_ms)
        ImGui::TextDisabled(
            "For small kernels the saved multiplications do not pay for the extra pass; try a 9 x 9 Gaussian.");
      ImGui::PopTextWrapPos();
    }
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0.0f);
    if (sep.separable)
      ImGui::TextWrapped("The two passes give the full kernel's output up to float rounding: largest difference %.2g.", double(max_err));
    else
      ImGui::TextWrapped("The best rank-1 approximation misses %.1f%% of the kernel (Frobenius norm). Its output differs from the full "
                         "kernel's by up to %.3g (RMS %.3g) on this image.",
                         100.0 * sep.residual, double(max_err), double(rms_err));
    if (!sep.separable) {
      double ks = 0, as = 0;
      for (float v : kernel.data) ks += v;
      for (float v : approx.data) as += v;
      if (std::fabs(ks - as) > 1e-3 * std::max(1.0, std::fabs(ks)))
        ImGui::TextWrapped("A small residual in the kernel can still mean a large error in the output: the kernel sums to %.3g but its "
                           "approximation to %.3g, so even flat regions come out different.",
                           ks, as);
    }
    ImGui::PopTextWrapPos();
    ctx.publish("separable", sep.separable ? "yes" : "no");
    ctx.publish("residual", sep.residual);
    ctx.publish("column", vector_text(sep.column));
    ctx.publish("row", vector_text(sep.row));
    ctx.publish("kernel_size", std::to_string(kh) + "x" + std::to_string(kw));
    ctx.publish("mults_full", kh * kw);
    ctx.publish("mults_separable", kh + kw);
    if (timing_due) {  // empty, so that a reader never takes the last kernel's times for this one's
      for (const char* key : {"time_full_ms", "time_separable_ms", "time_ratio"}) ctx.publish(key, std::string());
    } else {
      ctx.publish("time_full_ms", full_ms);
      ctx.publish("time_separable_ms", sep_ms);
      ctx.publish("time_ratio", full_ms > 0 ? sep_ms / full_ms : 0.0);
    }
    ctx.publish("max_error", double(max_err));
    ctx.publish("rms_error", double(rms_err));
    ctx.publish("output_shape", shape_text(full_view.tensor()));
  }
};

SeparableLesson g_lesson;

}  // namespace

REGISTER_LESSON("separable", "Separable kernels", "Rank-1 kernels as a column pass and a row pass: kh + kw instead of kh x kw, measured.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
