// Transposed convolution: the three-step construction (zeros between pixels, padding d*(k-1)-p with
// output_padding on the bottom/right, a stride-1 correlation with the kernel rotated by 180 degrees) on
// a small numeric input, checked against the direct conv_transpose2d; the output-size formula and a
// solver for it; upsampling an image 32 -> 64 and the checkerboard that uneven overlap makes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "conv_transpose.h"
#include "formula.h"
#include "geometry.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "transposed_model.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kUpIn = 32;  // the upsampling demo's input size

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

std::string num_text(float v) {
  char buf[24];
  if (std::fabs(v - std::round(v)) < 1e-4f) std::snprintf(buf, sizeof buf, "%.0f", double(std::round(v)));
  else std::snprintf(buf, sizeof buf, "%.2f", double(v));
  return buf;
}

template <class Floats>  // a tensor's or a kernel's data
std::string values_text(const Floats& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + num_text(v[i]);
  return out;
}

// What a cell of a step grid is: a real input pixel, a zero put between pixels, or padding.
enum class Cell { Value, Inserted, Padding };

struct Grid {
  ImVec2 origin;
  float cell = 0;
};

// A numeric grid of a single-channel tensor (or kernel): value cells tinted by value, inserted zeros and
// padding in two shades of grey. `kind` says what each cell is; `scale` is the largest |value| for the tint.
Grid draw_grid(const char* id, int h, int w, const std::function<float(int, int)>& value, const std::function<Cell(int, int)>& kind,
               float cell, float scale) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImFont* font = mono_font();
  const float fs = std::min(14.0f, cell * 0.42f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const ImVec2 a(o.x + x * cell, o.y + y * cell), b(a.x + cell, a.y + cell);
      const Cell k = kind(y, x);
      const float v = value(y, x);
      ImU32 fill, text;
      if (k == Cell::Value) {
        const float t = scale > 0 ? std::clamp(std::fabs(v) / scale, 0.0f, 1.0f) : 0.0f;
        fill = v >= 0 ? IM_COL32(int(40 + 40 * t), int(70 + 90 * t), int(110 + 140 * t), 255)
                      : IM_COL32(int(110 + 140 * t), int(60 + 40 * t), int(50 + 20 * t), 255);
        text = IM_COL32(240, 244, 250, 255);
      } else if (k == Cell::Inserted) {
        fill = IM_COL32(58, 62, 72, 255);
        text = IM_COL32(150, 158, 172, 255);
      } else {
        fill = IM_COL32(36, 38, 46, 255);
        text = IM_COL32(110, 116, 128, 255);
      }
      dl->AddRectFilled(a, b, fill);
      dl->AddRect(a, b, IM_COL32(0, 0, 0, 140));
      if (cell >= 18) {
        const std::string t = num_text(v);
        const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
        if (ts.x < cell - 2) dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), text, t.c_str());
      }
    }
  ImGui::Dummy(ImVec2(std::max(1, w) * cell, std::max(1, h) * cell));
  (void)id;
  return Grid{o, cell};
}

void outline(const Grid& g, int y, int x, int h, int w, ImU32 colour) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a(g.origin.x + x * g.cell, g.origin.y + y * g.cell), b(a.x + w * g.cell, a.y + h * g.cell);
  dl->AddRect(a, b, IM_COL32(0, 0, 0, 220), 0, 0, 5.0f);
  dl->AddRect(a, b, colour, 0, 0, 2.5f);
}

template <class Floats>
float max_abs(const Floats& v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

template <class Floats>
double sum_of(const Floats& v) {
  double s = 0;
  for (float x : v) s += x;
  return s;
}

struct Combo {
  int k, s, p, op;
};

struct TransposedLesson {
  // The numeric demo.
  std::string key;
  cl::Tensor input;
  cl::Weights kernel;
  cl::TransposedSteps steps;
  cl::Tensor direct;
  float max_diff = 0;
  int hover_cell = -1;
  // The solver.
  std::string solver_key;
  std::vector<Combo> combos;
  // Upsampling and the checkerboard.
  std::string up_key;
  cl::Tensor small, up_bilinear, up_ones;
  ImageView small_view, bilinear_view, ones_view;
  std::string checker_key;
  cl::Tensor checker;   // all-ones kernel over a constant 4 x 4 input, current k, s, p, op
  float checker_min = 0, checker_max = 0;

  static cl::ConvTranspose2dParams params_of(const State& s) {
    cl::ConvTranspose2dParams p;
    p.stride = cl::Pair{lesson_params<TransposedParams>(s).s, lesson_params<TransposedParams>(s).s};
    p.padding = cl::Pair{lesson_params<TransposedParams>(s).p, lesson_params<TransposedParams>(s).p};
    p.output_padding = cl::Pair{lesson_params<TransposedParams>(s).op, lesson_params<TransposedParams>(s).op};
    return p;
  }

  void compute_steps(LessonContext& ctx) {
    const State& s = ctx.state;
    const std::string k = std::to_string(lesson_params<TransposedParams>(s).in) + "," + std::to_string(lesson_params<TransposedParams>(s).k) + "," + std::to_string(lesson_params<TransposedParams>(s).s) + "," +
                          std::to_string(lesson_params<TransposedParams>(s).p) + "," + std::to_string(lesson_params<TransposedParams>(s).op);
    if (k == key) return;
    key = k;
    try {
      // Small integers so every step can be read: the input counts 1..9, the kernel mixes 1, 2, 3 so that
      // its 180-degree rotation is visibly different.
      cl::Tensor in(1, lesson_params<TransposedParams>(s).in, lesson_params<TransposedParams>(s).in);
      for (int y = 0; y < lesson_params<TransposedParams>(s).in; ++y)
        for (int x = 0; x < lesson_params<TransposedParams>(s).in; ++x) in.at(0, y, x) = float((y * lesson_params<TransposedParams>(s).in + x) % 9 + 1);
      cl::Weights w(1, 1, lesson_params<TransposedParams>(s).k, lesson_params<TransposedParams>(s).k);
      for (int y = 0; y < lesson_params<TransposedParams>(s).k; ++y)
        for (int x = 0; x < lesson_params<TransposedParams>(s).k; ++x) w.at(0, 0, y, x) = float((y + 2 * x) % 3 + 1);
      const cl::ConvTranspose2dParams p = params_of(s);
      cl::TransposedSteps st = cl::conv_transpose2d_steps(in, w, p);
      cl::Tensor d = cl::conv_transpose2d(in, w, p);
      float diff = 0;
      for (std::size_t i = 0; i < d.size(); ++i) diff = std::max(diff, std::fabs(d.data[i] - st.output.data[i]));
      input = std::move(in);
      kernel = std::move(w);
      steps = std::move(st);
      direct = std::move(d);
      max_diff = diff;
      hover_cell = -1;
    } catch (const std::exception& e) {
      ctx.error = std::string("transposed convolution: ") + e.what();
    }
  }

  void compute_solver(const State& s) {
    const std::string k = std::to_string(lesson_params<TransposedParams>(s).from) + ">" + std::to_string(lesson_params<TransposedParams>(s).to);
    if (k == solver_key) return;
    solver_key = k;
    combos.clear();
    // out = (in - 1)*s - 2p + (k - 1) + op + 1, so for each (s, k, op) at most one p fits.
    for (int st = 1; st <= 8; ++st)
      for (int kk = 1; kk <= 9; ++kk)
        for (int op = 0; op < st; ++op) {
          const long long twice_p = (long long)(lesson_params<TransposedParams>(s).from - 1) * st + (kk - 1) + op + 1 - lesson_params<TransposedParams>(s).to;
          if (twice_p < 0 || twice_p % 2 != 0 || twice_p / 2 > 16) continue;
          const int pp = int(twice_p / 2);
          try {
            if (cl::conv_transpose_output_size(lesson_params<TransposedParams>(s).from, kk, st, pp, op, 1) == lesson_params<TransposedParams>(s).to) combos.push_back({kk, st, pp, op});
          } catch (const std::exception&) {
          }
        }
    std::stable_sort(combos.begin(), combos.end(), [](const Combo& a, const Combo& b) {
      if (a.s != b.s) return a.s < b.s;
      if (a.op != b.op) return a.op < b.op;
      return a.k < b.k;
    });
  }

  void compute_upsampling(LessonContext& ctx) {
    const std::string k = std::to_string(ctx.input_generation) + "|" + ctx.state.display;
    if (k == up_key) return;
    up_key = k;
    try {
      const cl::Tensor& img = ctx.input;
      // The centre square of the image, averaged down to 32 x 32.
      const int m = std::min(img.h, img.w), y0 = (img.h - m) / 2, x0 = (img.w - m) / 2;
      cl::Tensor sm(img.c, kUpIn, kUpIn);
      for (int c = 0; c < img.c; ++c)
        for (int y = 0; y < kUpIn; ++y)
          for (int x = 0; x < kUpIn; ++x) {
            const int ya = y0 + y * m / kUpIn, yb = std::max(ya + 1, y0 + (y + 1) * m / kUpIn);
            const int xa = x0 + x * m / kUpIn, xb = std::max(xa + 1, x0 + (x + 1) * m / kUpIn);
            double sum = 0;
            for (int yy = ya; yy < yb; ++yy)
              for (int xx = xa; xx < xb; ++xx) sum += img.at(c, yy, xx);
            sm.at(c, y, x) = float(sum / double((yb - ya) * (xb - xa)));
          }
      // Bilinear: k = 4, s = 2, p = 1, the outer product of (1/4, 3/4, 3/4, 1/4) with itself, per channel.
      const float b1[4] = {0.25f, 0.75f, 0.75f, 0.25f};
      cl::Weights bil(img.c, 1, 4, 4);
      for (int c = 0; c < img.c; ++c)
        for (int y = 0; y < 4; ++y)
          for (int x = 0; x < 4; ++x) bil.at(c, 0, y, x) = b1[y] * b1[x];
      cl::ConvTranspose2dParams pb;
      pb.stride = {2, 2};
      pb.padding = {1, 1};
      pb.groups = img.c;
      // All ones k = 3, s = 2, p = 1, output_padding 1, scaled by s^2 / k^2 = 4/9 so the mean brightness stays.
      cl::Weights ones(img.c, 1, 3, 3, 4.0f / 9.0f);
      cl::ConvTranspose2dParams po;
      po.stride = {2, 2};
      po.padding = {1, 1};
      po.output_padding = {1, 1};
      po.groups = img.c;
      cl::Tensor ub = cl::conv_transpose2d(sm, bil, pb), uo = cl::conv_transpose2d(sm, ones, po);
      small = std::move(sm);
      up_bilinear = std::move(ub);
      up_ones = std::move(uo);
      small_view.set(small, ctx.state.display);
      bilinear_view.set(up_bilinear, ctx.state.display);
      ones_view.set(up_ones, ctx.state.display);
    } catch (const std::exception& e) {
      ctx.error = std::string("upsampling: ") + e.what();
    }
  }

  void compute_checker(LessonContext& ctx) {
    const State& s = ctx.state;
    const std::string k = std::to_string(lesson_params<TransposedParams>(s).k) + "," + std::to_string(lesson_params<TransposedParams>(s).s) + "," + std::to_string(lesson_params<TransposedParams>(s).p) + "," + std::to_string(lesson_params<TransposedParams>(s).op);
    if (k == checker_key) return;
    checker_key = k;
    try {
      const cl::Weights w(1, 1, lesson_params<TransposedParams>(s).k, lesson_params<TransposedParams>(s).k, 1.0f);
      cl::Tensor c = cl::conv_transpose2d(cl::Tensor(1, 4, 4, 1.0f), w, params_of(s));
      // Away from the borders (full output, no padding: rows k-1 .. (n-1)*s of a 16 x 16 input) every
      // output should receive the same number of kernel copies; count them.
      const int n = 16;
      cl::ConvTranspose2dParams full;
      full.stride = cl::Pair{lesson_params<TransposedParams>(s).s, lesson_params<TransposedParams>(s).s};
      const cl::Tensor f = cl::conv_transpose2d(cl::Tensor(1, n, n, 1.0f), w, full);
      float lo = 1e30f, hi = -1e30f;
      for (int y = lesson_params<TransposedParams>(s).k - 1; y <= (n - 1) * lesson_params<TransposedParams>(s).s; ++y)
        for (int x = lesson_params<TransposedParams>(s).k - 1; x <= (n - 1) * lesson_params<TransposedParams>(s).s; ++x) lo = std::min(lo, f.at(0, y, x)), hi = std::max(hi, f.at(0, y, x));
      checker = std::move(c);
      checker_min = lo;
      checker_max = hi;
    } catch (const std::exception&) {
      checker = cl::Tensor();  // the settings are invalid: the numeric demo's message says why
    }
  }

  void controls(LessonContext& ctx) {
    State& s = ctx.state;
    const float w = ImGui::GetFontSize() * 6.5f;
    if (ctx.visible("input")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("input size", &lesson_params<TransposedParams>(s).in, 1, 8);
      tip("The numeric input is n x n; its values count 1..9 so every step can be followed.");
      ImGui::SameLine();
    }
    if (ctx.visible("kernel")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("kernel", &lesson_params<TransposedParams>(s).k, 1, 9);
      tip("Kernel size k: each input pixel scatters a k x k copy of the kernel, scaled by its value.");
      ImGui::SameLine();
    }
    if (ctx.visible("stride")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("stride", &lesson_params<TransposedParams>(s).s, 1, 8);
      tip("Stride s: the copies land s pixels apart, which is the same as putting s - 1 zeros between input pixels.");
      ImGui::SameLine();
    }
    if (ctx.visible("padding")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("padding", &lesson_params<TransposedParams>(s).p, 0, 16);
      tip("PyTorch's padding p removes p rows and columns from each side of the full output (so the step-2 padding is k - 1 - p).");
      ImGui::SameLine();
    }
    if (ctx.visible("output-padding")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("output padding", &lesson_params<TransposedParams>(s).op, 0, 7);
      tip("Extra rows and columns on the bottom and right only; PyTorch requires it to be smaller than the stride (or the dilation).");
    }
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Transposed convolution: upsampling with a kernel",
                  "A transposed convolution goes the other way: every input pixel stamps a copy of the kernel, scaled by "
                  "its value, onto a larger output, s pixels apart. The same result comes from three ordinary steps: put "
                  "zeros between the pixels, pad, and slide the kernel rotated by 180 degrees with stride 1.");
    controls(ctx);
    compute_steps(ctx);
    compute_checker(ctx);
    compute_solver(s);
    compute_upsampling(ctx);
    if (steps.output.empty()) return;

    // The formula.
    try {
      const FormulaText f = transposed_size_formula(lesson_params<TransposedParams>(s).in, lesson_params<TransposedParams>(s).k, lesson_params<TransposedParams>(s).s, lesson_params<TransposedParams>(s).p, lesson_params<TransposedParams>(s).op, 1);
      ImGui::TextUnformatted("Output size");
      help("PyTorch's ConvTranspose2d: (in - 1)*s - 2p + d*(k - 1) + output_padding + 1, here with dilation d = 1.");
      ImGui::SameLine();
      ImGui::PushFont(mono_font());
      ImGui::TextUnformatted(f.text.c_str());
      ImGui::PopFont();
      ctx.publish("formula_size", f.value);
      ctx.publish("formula", f.text);
    } catch (const std::exception& e) {
      ctx.error = std::string("transposed convolution: ") + e.what();
    }
    draw_steps(ctx);
    ImGui::Spacing();
    ImGui::Separator();
    draw_solver(ctx);
    ImGui::Spacing();
    ImGui::Separator();
    draw_upsampling(ctx);
  }

  void draw_steps(LessonContext& ctx) {
    const State& s = ctx.state;
    const cl::Tensor& zi = steps.zero_inserted;
    const cl::Tensor& pd = steps.padded;
    const cl::Tensor& out = steps.output;
    const cl::Pad4 pad = steps.padding;
    const int n = input.h, k = kernel.kh;
    const float gap = 28.0f;
    const float avail = ImGui::GetContentRegionAvail().x;
    const float cell1 = std::clamp((avail - 3 * gap) / float(n + zi.w + pd.w), 8.0f, 40.0f);
    const float cell2 = std::clamp((avail * 0.62f - 3 * gap) / float(2 * k + out.w), 8.0f, 40.0f);
    // Both rows should fit the visible height, so the output is seen with the steps.
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const int rows = std::max({n, zi.h, pd.h}) + std::max(k, out.h);
    const float cell3 = std::clamp((ImGui::GetContentRegionAvail().y - 6 * line) / float(rows), 8.0f, 40.0f);
    const float cell = std::min({cell1, cell2, cell3});
    const float in_scale = max_abs(input.data), out_scale = max_abs(out.data), k_scale = max_abs(kernel.data);

    // The output cell whose window is drawn: hovered (last frame) or kept by a click, else the first.
    const int cells = out.h * out.w;
    int sel = s.step >= 0 && s.step < cells ? s.step : 0;
    if (hover_cell >= 0 && hover_cell < cells) sel = hover_cell;
    const int oy = sel / out.w, ox = sel % out.w;

    auto value_kind = [](const cl::Tensor&) { return [](int, int) { return Cell::Value; }; };
    // Step 1 and 2: which cells hold a real pixel. Zero-inserted (y, x) is a pixel when y % s == 0.
    auto zi_kind = [&](int y, int x) { return (y % lesson_params<TransposedParams>(s).s == 0 && x % lesson_params<TransposedParams>(s).s == 0) ? Cell::Value : Cell::Inserted; };
    auto pd_kind = [&](int y, int x) {
      const int zy = y - pad.top, zx = x - pad.left;  // negative pads crop: the indices shift the other way
      if (zy < 0 || zx < 0 || zy >= zi.h || zx >= zi.w) return Cell::Padding;
      return zi_kind(zy, zx);
    };

    ImGui::BeginGroup();
    ImGui::Text("input %d x %d", n, n);
    draw_grid("in", n, n, [&](int y, int x) { return input.at(0, y, x); }, value_kind(input), cell, in_scale);
    ImGui::EndGroup();
    ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::Text("1  zeros inserted: %d x %d", zi.h, zi.w);
    help("s - 1 zeros between neighbouring pixels, so each side becomes (n - 1)*s + 1.");
    draw_grid("zi", zi.h, zi.w, [&](int y, int x) { return zi.at(0, y, x); }, zi_kind, cell, in_scale);
    ImGui::EndGroup();
    ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::Text("2  padded: %d x %d", pd.h, pd.w);
    help("k - 1 - p zeros on the top and left, k - 1 - p + output_padding on the bottom and right. A negative amount crops "
         "that many rows or columns instead.");
    const Grid pg = draw_grid("pd", pd.h, pd.w, [&](int y, int x) { return pd.at(0, y, x); }, pd_kind, cell, in_scale);
    outline(pg, oy, ox, k, k, IM_COL32(255, 170, 40, 255));
    ImGui::EndGroup();
    ImGui::TextDisabled("padding top/left %d, bottom/right %d  (k - 1 - p = %d - 1 - %d; + output padding %d)", pad.top, pad.bottom, k,
                        lesson_params<TransposedParams>(s).p, lesson_params<TransposedParams>(s).op);

    ImGui::Spacing();
    ImGui::BeginGroup();
    ImGui::Text("kernel %d x %d", k, k);
    draw_grid("k", k, k, [&](int y, int x) { return kernel.at(0, 0, y, x); }, value_kind(input), cell, k_scale);
    ImGui::EndGroup();
    ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::TextUnformatted("3  rotated 180\xc2\xb0");
    help("The kernel turned upside down and left-right. Sliding it with stride 1 over the padded grid gives the output.");
    draw_grid("rk", k, k, [&](int y, int x) { return steps.rotated.at(0, 0, y, x); }, value_kind(input), cell, k_scale);
    ImGui::EndGroup();
    ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d", out.h, out.w);
    help("Hover a cell to see its window on the padded grid; click to keep it.");
    const Grid og = draw_grid("out", out.h, out.w, [&](int y, int x) { return out.at(0, y, x); }, value_kind(out), cell, out_scale);
    outline(og, oy, ox, 1, 1, IM_COL32(255, 170, 40, 255));
    hover_cell = -1;
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int hx = int(std::floor((m.x - og.origin.x) / og.cell)), hy = int(std::floor((m.y - og.origin.y) / og.cell));
    if (ImGui::IsWindowHovered() && hx >= 0 && hy >= 0 && hx < out.w && hy < out.h) {
      hover_cell = hy * out.w + hx;
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) ctx.state.step = hover_cell;
    }
    ImGui::EndGroup();
    ImGui::SameLine(0, gap);

    // The sum for the chosen cell and the check against the direct computation.
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(220.0f, ImGui::GetContentRegionAvail().x));
    ImGui::Text("output (row %d, col %d)", oy, ox);
    std::string terms;
    int shown = 0, nonzero = 0;
    for (int y = 0; y < k; ++y)
      for (int x = 0; x < k; ++x) {
        const float a = pd.at(0, oy + y, ox + x), b = steps.rotated.at(0, 0, y, x);
        if (a == 0) continue;
        ++nonzero;
        if (shown++ < 6) terms += (terms.empty() ? "" : " + ") + num_text(a) + "*" + num_text(b);
      }
    if (shown > 6) terms += " + ...";
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("= %s = %s", terms.empty() ? "0" : terms.c_str(), num_text(out.at(0, oy, ox)).c_str());
    ImGui::PopFont();
    ImGui::TextDisabled("%d kernel tap%s land%s on real pixels; the rest read inserted zeros or padding.", nonzero, nonzero == 1 ? "" : "s",
                        nonzero == 1 ? "s" : "");
    ImGui::Spacing();
    const bool same = max_diff <= 1e-4f * std::max(1.0f, out_scale);
    ImGui::TextColored(same ? ImVec4(0.45f, 0.85f, 0.55f, 1) : ImVec4(1, 0.45f, 0.4f, 1), "%s",
                       same ? "Equal to conv_transpose2d computed directly" : "Differs from conv_transpose2d!");
    help("The direct computation scatters a scaled kernel copy from every input pixel (PyTorch's definition); the three "
         "steps gather with an ordinary convolution. Both are computed by the core on every change.");
    ImGui::PushFont(mono_font());
    ImGui::Text("max |steps - direct| = %g", double(max_diff));
    ImGui::Text("sum: steps %s, direct %s", num_text(float(sum_of(out.data))).c_str(), num_text(float(sum_of(direct.data))).c_str());
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();

    ctx.publish("out_size", std::to_string(out.h) + "x" + std::to_string(out.w));
    ctx.publish("zero_inserted", std::to_string(zi.h) + "x" + std::to_string(zi.w));
    ctx.publish("padded", std::to_string(pd.h) + "x" + std::to_string(pd.w));
    ctx.publish("pad_top", pad.top);
    ctx.publish("pad_bottom", pad.bottom);
    ctx.publish("steps_equal_direct", same ? "yes" : "no");
    ctx.publish("max_diff", double(max_diff));
    ctx.publish("sum_steps", sum_of(out.data));
    ctx.publish("sum_direct", sum_of(direct.data));
    ctx.publish("input_values", values_text(input.data));
    ctx.publish("kernel_values", values_text(kernel.data));
    ctx.publish("output_values", values_text(out.data));
    ctx.publish("direct_values", values_text(direct.data));
  }

  void draw_solver(LessonContext& ctx) {
    State& s = ctx.state;
    ImGui::TextUnformatted("Which settings give the size I want?");
    help("Every (kernel, stride, padding, output padding) with k <= 9, s <= 8, p <= 16 and output padding < stride "
         "(PyTorch's rule at dilation 1) whose formula gives the target size.");
    const float w = ImGui::GetFontSize() * 6.0f;
    ImGui::SetNextItemWidth(w);
    if (ImGui::InputInt("from", &lesson_params<TransposedParams>(s).from, 1, 8)) lesson_params<TransposedParams>(s).from = std::clamp(lesson_params<TransposedParams>(s).from, 1, 4096);
    tip("The input size (height or width) of the transposed convolution.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    if (ImGui::InputInt("to", &lesson_params<TransposedParams>(s).to, 1, 8)) lesson_params<TransposedParams>(s).to = std::clamp(lesson_params<TransposedParams>(s).to, 1, 4096);
    tip("The output size you want.");
    ImGui::SameLine();
    ImGui::TextDisabled("%d setting%s found", int(combos.size()), combos.size() == 1 ? "" : "s");
    ctx.publish("solver_count", double(combos.size()));
    if (!combos.empty())
      ctx.publish("solver_first", "k=" + std::to_string(combos[0].k) + ",s=" + std::to_string(combos[0].s) + ",p=" +
                                      std::to_string(combos[0].p) + ",op=" + std::to_string(combos[0].op));
    if (combos.empty()) {
      ImGui::TextWrapped("No kernel up to 9 with stride up to 8 turns %d into %d. A transposed convolution with stride s grows "
                         "the size roughly s times: try a target near a multiple of %d.",
                         lesson_params<TransposedParams>(s).from, lesson_params<TransposedParams>(s).to, lesson_params<TransposedParams>(s).from);
      return;
    }
    const float row_h = ImGui::GetTextLineHeightWithSpacing() + 4;
    const float table_h = std::min(row_h * (float(combos.size()) + 1.5f), row_h * 7.5f);
    if (ImGui::BeginTable("solver", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit,
                          ImVec2(std::min(ImGui::GetContentRegionAvail().x, 720.0f), table_h))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn("kernel");
      ImGui::TableSetupColumn("stride");
      ImGui::TableSetupColumn("padding");
      ImGui::TableSetupColumn("output padding");
      ImGui::TableSetupColumn("formula", ImGuiTableColumnFlags_WidthStretch);
      ImGui::TableSetupColumn("");
      ImGui::TableHeadersRow();
      for (std::size_t i = 0; i < combos.size(); ++i) {
        const Combo& c = combos[i];
        ImGui::TableNextRow();
        ImGui::PushID(int(i));
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.k);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.s);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.p);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.op);
        ImGui::TableNextColumn();
        ImGui::PushFont(mono_font());
        ImGui::TextUnformatted(transposed_size_formula(lesson_params<TransposedParams>(s).from, c.k, c.s, c.p, c.op, 1).text.c_str());
        ImGui::PopFont();
        ImGui::TableNextColumn();
        if (ImGui::SmallButton("use")) lesson_params<TransposedParams>(s).k = c.k, lesson_params<TransposedParams>(s).s = c.s, lesson_params<TransposedParams>(s).p = c.p, lesson_params<TransposedParams>(s).op = c.op;
        tip("Set the kernel, stride, padding and output padding above to these values.");
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
  }

  void draw_upsampling(LessonContext& ctx) {
    State& s = ctx.state;
    ImGui::TextUnformatted("Upsampling an image 32 -> 64, and the checkerboard");
    help("The centre square of the current image averaged down to 32 x 32, then each channel upsampled on its own (groups = channels).");
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.72f, 0.75f, 0.80f, 1.0f));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted("With k = 4, s = 2, p = 1 and the bilinear kernel, every output pixel receives exactly two taps per axis, and the "
                           "result is smooth. With k = 3 and s = 2 the copies overlap unevenly: some output pixels get one copy, their "
                           "neighbours two or four, and a checkerboard appears even in flat regions.");
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    if (up_bilinear.empty()) return;
    const float avail = ImGui::GetContentRegionAvail().x;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float side = std::clamp((avail - 3 * gap) / 4.0f, 140.0f, 300.0f);
    // Each view in a child of fixed width, so a legend wider than the view is clipped instead of pushing
    // the next view off the screen.
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
    ImGui::BeginChild("up-in-cell", ImVec2(side, side + line + 6), false, flags);
    ImGui::Text("input %d x %d", small.h, small.w);
    small_view.draw("up-in", ImVec2(side, side), s);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("up-bil-cell", ImVec2(side, side + line + 6), false, flags);
    ImGui::Text("bilinear k=4 s=2 p=1: %d x %d", up_bilinear.h, up_bilinear.w);
    bilinear_view.draw("up-bil", ImVec2(side, side), s);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("up-ones-cell", ImVec2(side, side + line + 6), false, flags);
    ImGui::Text("ones k=3 s=2 p=1 op=1: %d x %d", up_ones.h, up_ones.w);
    help("An all-ones 3 x 3 kernel scaled by 4/9 so that the mean brightness is kept. Zoom in to see the grid pattern.");
    ones_view.draw("up-ones", ImVec2(side, side), s);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("your k=%d s=%d on a flat 4 x 4", lesson_params<TransposedParams>(s).k, lesson_params<TransposedParams>(s).s);
    help("A constant input of ones and an all-ones kernel with the settings above: each output counts how many kernel copies "
         "cover it. Even overlap needs k divisible by s.");
    if (!checker.empty()) {
      const float cell = std::clamp(side / float(std::max(checker.h, checker.w)), 6.0f, 30.0f);
      draw_grid("chk", checker.h, checker.w, [&](int y, int x) { return checker.at(0, y, x); },
                [](int, int) { return Cell::Value; }, cell, max_abs(checker.data));
      const bool even = checker_min == checker_max;
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
      if (even)
        ImGui::TextWrapped("k = %d is divisible by s = %d: away from the border every pixel gets %s copies.", lesson_params<TransposedParams>(s).k, lesson_params<TransposedParams>(s).s,
                           num_text(checker_max).c_str());
      else
        ImGui::TextWrapped("k = %d is not divisible by s = %d: away from the border pixels get %s to %s copies, a checkerboard.", lesson_params<TransposedParams>(s).k,
                           lesson_params<TransposedParams>(s).s, num_text(checker_min).c_str(), num_text(checker_max).c_str());
      ImGui::PopTextWrapPos();
      ctx.publish("checker_min", double(checker_min));
      ctx.publish("checker_max", double(checker_max));
    } else {
      ImGui::TextDisabled("These settings are not valid.");
    }
    ImGui::EndGroup();
    ctx.publish("up_in_shape", shape_text(small));
    ctx.publish("up_bilinear_shape", shape_text(up_bilinear));
    ctx.publish("up_ones_shape", shape_text(up_ones));
  }
};

TransposedLesson g_lesson;

}  // namespace

REGISTER_LESSON("transposed", "Transposed convolution",
                "Zeros between pixels, padding, a rotated kernel: how a transposed convolution upsamples, and its checkerboard.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
