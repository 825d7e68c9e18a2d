// Lesson 2: padding. Without it (valid) the output shrinks by k - 1; 'same' pads d*(k-1) in total
// (PyTorch's rule: the extra pixel on the bottom/right); and the modes fill the border differently:
// zeros, reflect (edge not repeated), symmetric (edge repeated), replicate (edge pixel copied),
// circular (wraps around). The padded input is the core's pad(), its border drawn in its own colour, and
// a numeric grid of the top-left corner labels every padded cell with the pixel it copies.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "conv2d.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "kernels.h"
#include "lesson.h"
#include "padding.h"
#include "step_through.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kCorner = 6;      // the numeric grid: a 6 x 6 corner of the image...
constexpr int kCornerPad = 3;   // ...with up to 3 padded rows and columns shown
constexpr ImU32 kBorder = IM_COL32(236, 96, 236, 255);

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

struct ModeInfo {
  const char* id;
  const char* rule;    // the 1-D picture
  const char* text;    // one sentence
};

const ModeInfo kModes[] = {
    {"zeros", "0 0 | a b c", "Outside reads 0 (PyTorch's default). A blur darkens the border: the window averages in black."},
    {"reflect", "c b | a b c",
     "Mirror WITHOUT repeating the edge pixel (torch 'reflect', OpenCV BORDER_REFLECT_101). Needs padding < image size."},
    {"symmetric", "b a | a b c",
     "Mirror WITH the edge pixel repeated (numpy 'symmetric', OpenCV BORDER_REFLECT). PyTorch has no such mode."},
    {"replicate", "a a | a b c",
     "The edge pixel copied outwards, again and again (torch 'replicate', OpenCV BORDER_REPLICATE). Not a mirror."},
    {"circular", "b c | a b c",
     "Wraps around: the last rows/columns pad the first side, as if the image were tiled (torch 'circular', OpenCV BORDER_WRAP)."},
};

bool preset_has_size(const std::string& name) {
  for (const auto& p : cl::kernel_presets())
    if (name == p.name) return p.has_size;
  return false;
}

struct PaddingLesson {
  ImageView padded_view, output_view;
  std::string key, error;
  // The padded image lives in padded_view and the output in output_view (1024x1024 RGB is 12 MB each).
  cl::Weights weights;
  cl::Conv2dParams params;
  ConvStepThrough step;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    const std::string k = std::to_string(ctx.input_generation) + "|" + kernel_key(s) + std::to_string(s.pad) +
                          s.pad_mode + "|" + std::to_string(s.dilation);
    if (k != key) {
      key = k;
      error.clear();
      try {
        cl::Weights w = state_depthwise(s, ctx.input.c);
        cl::Conv2dParams p = state_conv_params(s, w.kh, w.kw);
        p.stride = cl::Pair{1, 1};  // this lesson is about padding; the stride lesson has strides
        p.groups = ctx.input.c;
        cl::Tensor pd = cl::pad(ctx.input, p.padding, p.padding_mode);
        cl::Tensor out = cl::conv2d(ctx.input, w, p);
        padded_view.set(std::move(pd));
        output_view.set_for(s.display + "|" + key, std::move(out), s.display);
        weights = std::move(w);
        params = p;
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (!output_view.empty()) output_view.set_for(s.display + "|" + key, output_view.tensor(), s.display);
    if (!error.empty()) ctx.error = error;
  }

  void controls(LessonContext& ctx) {
    State& s = ctx.state;
    if (ctx.visible("amount")) {
      ImGui::TextUnformatted("How much padding");
      if (ImGui::RadioButton("valid (none)", s.pad == 0)) s.pad = 0;
      tip("No padding: the window must fit inside the image, so the output loses k - 1 rows and columns.");
      ImGui::SameLine();
      if (ImGui::RadioButton("same", s.pad < 0)) s.pad = -1;
      tip("Just enough to keep the output the size of the input: d*(k-1) in total per axis, split as PyTorch does.");
      ImGui::SameLine();
      if (ImGui::RadioButton("pixels:", s.pad > 0)) s.pad = std::max(1, (s.kh - 1) / 2);
      tip("The same number of pixels on every side.");
      ImGui::SameLine();
      int n = std::max(1, s.pad);
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.5f);
      if (ImGui::SliderInt("##amount", &n, 1, 32)) s.pad = n;
      tip("Padding per side, in pixels.");
    }
    if (ctx.visible("kernel-size")) {
      int k = s.kh;
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
      if (ImGui::SliderInt("kernel size", &k, 1, 15)) {
        if (!preset_has_size(s.preset) || (s.preset.rfind("sobel", 0) == 0 && k % 2 == 0)) s.preset = "mean";
        s.values.clear();
        s.depth = false;
        s.kh = s.kw = k;
      }
      tip("The kernel's size decides how much 'same' pads and how much 'valid' shrinks the output.");
    }
    ImGui::Spacing();
    if (ctx.visible("mode")) {
      ImGui::TextUnformatted("What the padded pixels hold");
      help("Reading along a row from the left edge: '|' is the image's edge, a b c its first pixels, and what is left of '|' is "
           "the padding each mode puts there.");
      ImGui::PushTextWrapPos(0.0f);
      for (const ModeInfo& m : kModes) {
        ImGui::PushID(m.id);
        if (ImGui::RadioButton(m.id, s.pad_mode == m.id)) s.pad_mode = m.id;
        tip(m.text);
        ImGui::SameLine(ImGui::GetFontSize() * 7.5f);
        ImGui::PushFont(mono_font());
        ImGui::TextColored(s.pad_mode == m.id ? ImVec4(1.0f, 0.8f, 0.45f, 1) : ImVec4(0.6f, 0.62f, 0.68f, 1), "%s", m.rule);
        ImGui::PopFont();
        if (s.pad_mode == m.id) ImGui::TextDisabled("%s", m.text);
        ImGui::PopID();
      }
      ImGui::PopTextWrapPos();
    }
  }

  // The 'same' split for the current kernel, spelled out.
  void same_note(LessonContext& ctx) {
    const State& s = ctx.state;
    const int d = s.dilation;
    const cl::Pad4 p = cl::same_padding(weights.kh > 0 ? weights.kh : s.kh, weights.kw > 0 ? weights.kw : s.kw, cl::Pair{d, d});
    const int total = p.top + p.bottom;
    ImGui::PushTextWrapPos(0.0f);
    if (s.pad < 0)
      ImGui::TextDisabled("same for a %dx%d kernel: d*(k-1) = %d*(%d-1) = %d in total per axis -> top %d, bottom %d, left %d, right %d%s",
                          weights.kh, weights.kw, d, weights.kh, total, p.top, p.bottom, p.left, p.right,
                          p.top != p.bottom ? " (odd total: the extra pixel goes bottom/right, as in PyTorch)" : "");
    else if (s.pad == 0)
      ImGui::TextDisabled("valid: no padding, so the output is (k - 1) = %d smaller than the input on each axis.", weights.kh - 1);
    ImGui::PopTextWrapPos();
  }

  // The top-left corner as numbers: every padded cell labelled by the pixel it copies.
  void corner_grid(LessonContext& ctx, float width) {
    const cl::Tensor& padded = padded_view.tensor();
    const cl::Pad4& p = params.padding;
    const int ch = std::min(kCorner, ctx.input.h), cw = std::min(kCorner, ctx.input.w);
    const int pt = std::min(p.top, kCornerPad), pl = std::min(p.left, kCornerPad);
    const int rows = ch + pt, cols = cw + pl;
    ImGui::TextUnformatted("The top-left corner, cell by cell");
    help("Each cell shows which input pixel (row, col) it holds. Magenta cells are padding: they copy the pixel named in them "
         "(or hold 0 with zeros padding). The colour is the pixel's colour. Hover a cell for its values.");
    const float cell = std::clamp(std::min(width / float(cols), (ImGui::GetContentRegionAvail().y - 30.0f) / float(rows)), 34.0f, 44.0f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImFont* font = mono_font();
    const float fs = std::clamp(cell * 0.3f, 10.0f, 13.0f);
    const cl::PadMode mode = params.padding_mode;
    std::string tooltip;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const int y = r - pt, x = c - pl;  // input coordinates
        const bool pad_cell = y < 0 || x < 0;
        const int sy = cl::pad_source_index(y, ctx.input.h, mode), sx = cl::pad_source_index(x, ctx.input.w, mode);
        const bool zero = sy < 0 || sx < 0;
        const ImVec2 a(o.x + c * cell, o.y + r * cell), b(a.x + cell, a.y + cell);
        float rgb[3] = {0, 0, 0};
        // The value is read from the core's padded tensor, not recomputed here.
        for (int k = 0; k < 3; ++k) rgb[k] = padded.at(std::min(k, padded.c - 1), y + p.top, x + p.left);
        dl->AddRectFilled(a, b, IM_COL32(int(rgb[0] * 255), int(rgb[1] * 255), int(rgb[2] * 255), 255));
        dl->AddRectFilled(a, b, IM_COL32(0, 0, 0, pad_cell ? 120 : 80));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 160));
        if (pad_cell) dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), kBorder, 0, 0, 2.0f);
        char buf[24];
        if (zero) std::snprintf(buf, sizeof buf, "0");
        else std::snprintf(buf, sizeof buf, "(%d,%d)", sy, sx);
        const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
        const ImVec2 at((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f);
        dl->AddText(font, fs, ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 255), buf);
        dl->AddText(font, fs, at, pad_cell ? IM_COL32(255, 170, 255, 255) : IM_COL32(235, 235, 235, 255), buf);
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (m.x >= a.x && m.x < b.x && m.y >= a.y && m.y < b.y && ImGui::IsWindowHovered()) {
          char t[160];
          if (pad_cell && zero) std::snprintf(t, sizeof t, "padding at (%d, %d): zeros, reads 0", y, x);
          else if (pad_cell)
            std::snprintf(t, sizeof t, "padding at (%d, %d) copies pixel (%d, %d): R %.3f G %.3f B %.3f", y, x, sy, sx, double(rgb[0]),
                          double(rgb[1]), double(rgb[2]));
          else std::snprintf(t, sizeof t, "pixel (%d, %d): R %.3f G %.3f B %.3f", y, x, double(rgb[0]), double(rgb[1]), double(rgb[2]));
          tooltip = t;
        }
      }
    // The image's edge.
    dl->AddLine(ImVec2(o.x + pl * cell, o.y), ImVec2(o.x + pl * cell, o.y + rows * cell), IM_COL32(255, 255, 255, 230), 2.0f);
    dl->AddLine(ImVec2(o.x, o.y + pt * cell), ImVec2(o.x + cols * cell, o.y + pt * cell), IM_COL32(255, 255, 255, 230), 2.0f);
    ImGui::Dummy(ImVec2(cols * cell, rows * cell));
    if (!tooltip.empty()) ImGui::SetTooltip("%s", tooltip.c_str());
    if (p.top > kCornerPad || p.left > kCornerPad)
      ImGui::TextDisabled("(showing %d of the %d padded rows and %d of the %d padded columns)", pt, p.top, pl, p.left);
    // Published for tests: the sources of a few padded cells.
    auto src = [&](int y, int x) {
      const int sy = cl::pad_source_index(y, ctx.input.h, mode), sx = cl::pad_source_index(x, ctx.input.w, mode);
      return (sy < 0 || sx < 0) ? std::string("zero") : std::to_string(sy) + "," + std::to_string(sx);
    };
    if (p.top >= 1 && p.left >= 1) ctx.publish("src_-1_-1", src(-1, -1));
    if (p.top >= 1) ctx.publish("src_-1_2", src(-1, 2));
    if (p.top >= 2) ctx.publish("src_-2_0", src(-2, 0));
    if (p.top >= 1 && p.left >= 1) ctx.publish("corner_value", padded.at(0, p.top - 1, p.left - 1));
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Padding: what the kernel reads beyond the edge",
                  "Near the border part of the window falls outside the image. Without padding those positions are skipped and "
                  "the output shrinks; with padding the image is first grown by a border whose pixels each mode fills differently.");
    const auto [wide, left_w] = begin_left_column("padding-left", 860, 0.36f, 340.0f, 420.0f, 640.0f);
    controls(ctx);
    compute(ctx);
    // After compute(), which may replace what the views hold.
    const cl::Tensor& padded = padded_view.tensor();
    const cl::Tensor& output = output_view.tensor();
    if (!output.empty()) {
      same_note(ctx);
      ImGui::Spacing();
      corner_grid(ctx, left_w - 16);
    }
    ImGui::EndChild();
    if (output.empty()) return;
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    shape_line(("pad " + s.pad_mode + ", conv2d " + std::to_string(weights.kh) + "x" + std::to_string(weights.kw)).c_str(), ctx.input, output);
    conv_formula_lines(ctx, ctx.input, weights.kh, weights.kw, params);
    const cl::Pad4& p = params.padding;
    ctx.publish("output_shape", shape_text(output));
    ctx.publish("padded_shape", shape_text(padded));
    ctx.publish("padding", std::to_string(p.top) + "," + std::to_string(p.bottom) + "," + std::to_string(p.left) + "," + std::to_string(p.right));
    ctx.publish("pad_mode", std::string(cl::pad_mode_name(params.padding_mode)));
    StepConv sc{&ctx.input, &weights, params, {}, &output};
    step.update(ctx, sc);
    if (ctx.visible("step")) step.controls(ctx);

    const float right_w = ImGui::GetContentRegionAvail().x;
    const float panel_h = step.panel_height(ImGui::GetContentRegionAvail().y);
    const float img_h = std::max(180.0f, ImGui::GetContentRegionAvail().y - panel_h - ImGui::GetTextLineHeightWithSpacing() - 8);
    const float half = (right_w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const Overlay window = step.input_overlay(float(p.left), float(p.top));
    const int in_h = ctx.input.h, in_w = ctx.input.w;
    const Overlay border = [&, window](ImDrawList* dl, const ViewTransform& tf) {
      // Tint the padded band and outline the original image inside it.
      const ImVec2 a = tf.to_screen(0, 0), b = tf.to_screen(float(padded.w), float(padded.h));
      const ImVec2 ia = tf.to_screen(float(p.left), float(p.top)), ib = tf.to_screen(float(p.left + in_w), float(p.top + in_h));
      const ImU32 tint = IM_COL32(236, 96, 236, 70);
      dl->AddRectFilled(a, ImVec2(b.x, ia.y), tint);
      dl->AddRectFilled(ImVec2(a.x, ib.y), b, tint);
      dl->AddRectFilled(ImVec2(a.x, ia.y), ImVec2(ia.x, ib.y), tint);
      dl->AddRectFilled(ImVec2(ib.x, ia.y), ImVec2(b.x, ib.y), tint);
      dl->AddRect(a, b, kBorder, 0, 0, 2.0f);
      dl->AddRect(ia, ib, IM_COL32(255, 255, 255, 220), 0, 0, 1.5f);
      // At high zoom, each padded cell names the pixel it copies.
      if (tf.scale >= 44.0f) {
        ImFont* font = mono_font();
        const float fs = std::min(12.0f, tf.scale * 0.2f);
        const ImVec2 clip_lo = dl->GetClipRectMin(), clip_hi = dl->GetClipRectMax();
        const int x0 = std::max(0, int((clip_lo.x - tf.origin.x) / tf.scale)), x1 = std::min(padded.w, int((clip_hi.x - tf.origin.x) / tf.scale) + 1);
        const int y0 = std::max(0, int((clip_lo.y - tf.origin.y) / tf.scale)), y1 = std::min(padded.h, int((clip_hi.y - tf.origin.y) / tf.scale) + 1);
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x) {
            const int iy = y - p.top, ix = x - p.left;
            if (iy >= 0 && ix >= 0 && iy < in_h && ix < in_w) continue;
            const int sy = cl::pad_source_index(iy, in_h, params.padding_mode), sx = cl::pad_source_index(ix, in_w, params.padding_mode);
            char buf[24];
            if (sy < 0 || sx < 0) std::snprintf(buf, sizeof buf, "0");
            else std::snprintf(buf, sizeof buf, "(%d,%d)", sy, sx);
            const ImVec2 c = tf.to_screen(float(x), float(y));
            dl->AddRectFilled(ImVec2(c.x + 2, c.y + 2), ImVec2(c.x + 2 + font->CalcTextSizeA(fs, 1e9f, 0, buf).x + 4, c.y + 4 + fs), IM_COL32(0, 0, 0, 190));
            dl->AddText(font, fs, ImVec2(c.x + 4, c.y + 3), IM_COL32(255, 170, 255, 255), buf);
          }
      }
      if (window) window(dl, tf);
    };
    ImGui::BeginGroup();
    ImGui::Text("padded input %d x %d (border: %d %d %d %d)", padded.h, padded.w, p.top, p.bottom, p.left, p.right);
    padded_view.draw("padded", ImVec2(half, img_h), s, border);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d", output.h, output.w);
    const Hover h = output_view.draw("out", ImVec2(half, img_h), s, step.output_overlay());
    step.pick(s, h);
    ImGui::EndGroup();
    step.panel(ctx);
    ImGui::EndGroup();
  }
};

PaddingLesson g_lesson;

}  // namespace

REGISTER_LESSON("padding", "Padding", "Valid, same and the five ways to fill the border.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
