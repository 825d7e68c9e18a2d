// Lesson 3: stride. The window jumps s pixels between output pixels, so the output shrinks about s
// times: floor((in + 2p - k) / s) + 1. A 9 x 9 crop shown as numbers makes every window position
// visible (the output grid drawn over the input), with the classic examples one click away:
// k = 3 on 9 x 9 gives 7 (p = 0), 9 (p = 1) and 5 (p = 1, s = 2); when the division is not whole
// the floor drops the last rows/columns, which are tinted as never read.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "conv2d.h"
#include "formula.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "kernels.h"
#include "lesson.h"
#include "numeric_crop.h"
#include "step_through.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kCrop = 9;

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

bool preset_has_size(const std::string& name) {
  for (const auto& p : cl::kernel_presets())
    if (name == p.name) return p.has_size;
  return false;
}

// A distinct colour per output column, so the windows of one row can be told apart.
ImU32 window_colour(int i, int alpha) {
  static const ImU32 base[6] = {IM_COL32(255, 196, 0, 255), IM_COL32(90, 200, 255, 255), IM_COL32(120, 230, 120, 255),
                                IM_COL32(255, 120, 120, 255), IM_COL32(200, 140, 255, 255), IM_COL32(255, 160, 80, 255)};
  const ImU32 c = base[i % 6];
  return (c & 0x00FFFFFF) | (ImU32(alpha) << 24);
}

struct StrideLesson {
  ImageView input_view, output_view;
  std::string key, error;
  cl::Tensor crop, crop_out;  // the strided image output lives in output_view
  cl::Weights crop_w, weights;
  cl::Conv2dParams params;
  int crop_y = 0, crop_x = 0, crop_generation = -1;
  ConvStepThrough step;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    const std::string k = std::to_string(ctx.input_generation) + "|" + kernel_key(s) + std::to_string(s.pad) +
                          s.pad_mode + "|" + std::to_string(s.stride) + "|" + std::to_string(s.dilation);
    // The display mode is not part of the key: a mode changed elsewhere (the kernel lesson, the URL) must
    // still reach the output view, so an unchanged key skips only the recompute.
    if (k == key) {
      if (!error.empty()) ctx.error = error;
    } else {
      key = k;
      error.clear();
      try {
        // The crop: 9 x 9 grey pixels (two decimals, so what is shown is what is convolved) where the image
        // varies most; searched again only for a new image.
        const bool new_image = crop_generation != ctx.input_generation;
        NumericCrop found = new_image ? busiest_crop(ctx.input, kCrop, kCrop, kCrop) : NumericCrop{};
        const cl::Tensor& c = new_image ? found.grey : crop;
        const cl::Kernel2D kern = state_kernel(s, 0);
        cl::Weights cw(1, 1, kern.h, kern.w, kern.data);
        cl::Conv2dParams p = state_conv_params(s, kern.h, kern.w);
        cl::Tensor cout = cl::conv2d(c, cw, p);  // the crop first: its errors are the lesson's
        cl::Weights w = state_depthwise(s, ctx.input.c);
        cl::Conv2dParams pf = p;
        pf.groups = ctx.input.c;
        cl::Tensor out = cl::conv2d(ctx.input, w, pf);
        if (new_image) {
          crop = std::move(found.grey);  // c refers to it: not used after this
          crop_y = found.y, crop_x = found.x;
          crop_generation = ctx.input_generation;
        }
        crop_out = std::move(cout);
        crop_w = std::move(cw);
        output_view.set_for(s.display + "|" + key, std::move(out), s.display);
        weights = std::move(w);
        params = p;
      } catch (const std::exception& e) {
        error = e.what();
        ctx.error = error;
      }
    }
    if (!output_view.empty()) output_view.set_for(s.display + "|" + key, output_view.tensor(), s.display);
  }

  void controls(LessonContext& ctx) {
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
      if (ImGui::SliderInt("kernel size", &k, 1, 9)) {
        if (!preset_has_size(s.preset) || (s.preset.rfind("sobel", 0) == 0 && k % 2 == 0)) s.preset = "mean";
        s.values.clear();
        s.depth = false;
        s.kh = s.kw = k;
      }
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
    ImGui::TextUnformatted("Examples on the 9 x 9 input, k = 3");
    help("Each sets kernel 3, padding and stride; the grid on the right then shows every window position.");
    struct Example { const char* label; int p, s; const char* tip; };
    const Example examples[] = {
        {"p=0 -> 7", 0, 1, "No padding, stride 1: (9 - 3) / 1 + 1 = 7."},
        {"p=1 -> 9", 1, 1, "Padding 1 keeps the size: (9 + 2 - 3) / 1 + 1 = 9."},
        {"p=1, s=2 -> 5", 1, 2, "Stride 2 roughly halves it: (9 + 2 - 3) / 2 + 1 = 5."},
        {"p=0, s=4 -> 2", 0, 4, "Not whole: (9 - 3) / 4 = 1.5, the floor gives 1, so 2 outputs and the last 2 columns are never read."},
    };
    for (int i = 0; i < 4; ++i) {
      if (i % 2) ImGui::SameLine();
      const Example& e = examples[i];
      const bool current = s.kh == 3 && s.kw == 3 && s.pad == e.p && s.stride == e.s && s.dilation == 1;
      if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      if (ImGui::Button(e.label, ImVec2(ImGui::GetFontSize() * 8.5f, 0))) {
        if (!preset_has_size(s.preset)) s.preset = "mean";
        s.values.clear();
        s.depth = false;
        s.kh = s.kw = 3;
        s.pad = e.p;
        s.stride = e.s;
        s.dilation = 1;
        s.pad_mode = "zeros";
        s.step = 0;
      }
      if (current) ImGui::PopStyleColor();
      tip(e.tip);
    }
  }

  // The 9 x 9 crop as numbers with its padding, every window's centre as a dot (one per output pixel),
  // the current window outlined, and rows/columns the floor leaves unread tinted.
  void crop_grid(LessonContext& ctx, float cell) {
    State& s = ctx.state;
    const cl::Pad4& p = params.padding;
    const int gh = crop.h + p.top + p.bottom, gw = crop.w + p.left + p.right;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImFont* font = mono_font();
    const float fs = std::clamp(cell * 0.3f, 8.0f, 13.0f);
    const int eh = (crop_w.kh - 1) * params.dilation.h + 1, ew = (crop_w.kw - 1) * params.dilation.w + 1;
    // Reach of the last window: rows/columns beyond it are never read.
    const int reach_h = (crop_out.h - 1) * params.stride.h + eh, reach_w = (crop_out.w - 1) * params.stride.w + ew;
    for (int r = 0; r < gh; ++r)
      for (int c = 0; c < gw; ++c) {
        const int y = r - p.top, x = c - p.left;
        const ImVec2 a(o.x + c * cell, o.y + r * cell), b(a.x + cell, a.y + cell);
        const bool inside = y >= 0 && x >= 0 && y < crop.h && x < crop.w;
        const float v = inside ? crop.at(0, y, x) : 0.0f;
        const int g = int(std::clamp(v, 0.0f, 1.0f) * 150 + 30);
        dl->AddRectFilled(a, b, inside ? IM_COL32(g, g, g, 255) : IM_COL32(52, 40, 60, 255));
        if (r >= reach_h || c >= reach_w) dl->AddRectFilled(a, b, IM_COL32(220, 60, 60, 90));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 150));
        if (cell >= 24) {
          char buf[16];
          std::snprintf(buf, sizeof buf, inside ? "%.2f" : "0", double(v));
          const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
          dl->AddText(font, fs, ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f),
                      inside ? (g > 110 ? IM_COL32(10, 10, 10, 255) : IM_COL32(240, 240, 240, 255)) : IM_COL32(200, 150, 220, 255), buf);
        }
      }
    dl->AddRect(ImVec2(o.x + p.left * cell, o.y + p.top * cell), ImVec2(o.x + (p.left + crop.w) * cell, o.y + (p.top + crop.h) * cell),
                IM_COL32(255, 255, 255, 200), 0, 0, 1.5f);
    // Window centres: output pixel (i, j) reads the window starting at (i*s, j*s) in padded coordinates.
    for (int i = 0; i < crop_out.h; ++i)
      for (int j = 0; j < crop_out.w; ++j) {
        const float cy = o.y + (i * params.stride.h + eh * 0.5f) * cell, cx = o.x + (j * params.stride.w + ew * 0.5f) * cell;
        const float r = std::max(3.0f, cell * 0.4f);
        dl->AddCircle(ImVec2(cx, cy), r, IM_COL32(0, 0, 0, 200), 24, 4.0f);
        dl->AddCircle(ImVec2(cx, cy), r, window_colour(j, 255), 24, 2.0f);
      }
    if (step.active()) {
      ViewTransform tf;
      tf.origin = ImVec2(o.x + p.left * cell, o.y + p.top * cell);
      tf.scale = cell;
      const StepCell& sc = step.cell();
      draw_window(dl, tf, WindowGeometry{sc.y0, sc.x0, sc.kh, sc.kw, sc.dh, sc.dw, crop.h, crop.w});
    }
    ImGui::InvisibleButton("crop", ImVec2(gw * cell, gh * cell));
    (void)s;
  }

  void output_grid(LessonContext& ctx, float cell) {
    State& s = ctx.state;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImFont* font = mono_font();
    const float fs = std::clamp(cell * 0.3f, 8.0f, 13.0f);
    float lo = 0, hi = 1;
    for (float v : crop_out.data) lo = std::min(lo, v), hi = std::max(hi, v);
    int hovered = -1;
    for (int i = 0; i < crop_out.h; ++i)
      for (int j = 0; j < crop_out.w; ++j) {
        const ImVec2 a(o.x + j * cell, o.y + i * cell), b(a.x + cell, a.y + cell);
        const float v = crop_out.at(0, i, j);
        const int g = int(std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f) * 150 + 30);
        dl->AddRectFilled(a, b, IM_COL32(g, g, g, 255));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 150));
        // The dot colour of this column's windows, in the corner.
        dl->AddCircleFilled(ImVec2(a.x + 5, a.y + 5), 3.0f, window_colour(j, 255));
        if (cell >= 24) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "%.2f", double(v));
          const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
          dl->AddText(font, fs, ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f),
                      g > 110 ? IM_COL32(10, 10, 10, 255) : IM_COL32(240, 240, 240, 255), buf);
        }
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (m.x >= a.x && m.x < b.x && m.y >= a.y && m.y < b.y) hovered = i * crop_out.w + j;
        if (step.active() && step.cell().oy == i && step.cell().ox == j)
          dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), IM_COL32(255, 196, 0, 255), 0, 0, 2.5f);
      }
    ImGui::InvisibleButton("crop-out", ImVec2(std::max(1, crop_out.w) * cell, std::max(1, crop_out.h) * cell));
    if (ImGui::IsItemClicked() && hovered >= 0) s.step = hovered;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click an output pixel to see its window and its sum");
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Stride: the window jumps",
                  "With stride s the window moves s pixels between neighbouring output pixels, so the output is about s times "
                  "smaller on each axis. Every dot on the grid is one window position, and one output pixel.");
    const auto [wide, left_w] = begin_left_column("stride-left", 860, 0.33f, 320.0f, 390.0f, 560.0f);
    controls(ctx);
    compute(ctx);
    // After compute(), which may replace what the views hold.
    const cl::Tensor& output = output_view.tensor();
    if (!crop_out.empty()) {
      ImGui::Spacing();
      ImGui::Separator();
      ImGui::TextUnformatted("The 9 x 9 input");
      const FormulaText fh = conv_size_formula(crop.h, crop_w.kh, params.stride.h, params.padding.top, params.padding.bottom, params.dilation.h);
      const FormulaText fw = conv_size_formula(crop.w, crop_w.kw, params.stride.w, params.padding.left, params.padding.right, params.dilation.w);
      ImGui::PushFont(mono_font());
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(fh.text.c_str());
      ImGui::PopTextWrapPos();
      ImGui::PopFont();
      ImGui::PushTextWrapPos(0.0f);
      if (!fh.note.empty()) ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.45f, 1), "%s (tinted red on the grid).", fh.note.c_str());
      else if (params.stride.h > 1) ImGui::TextDisabled("The division is whole: the last window ends exactly at the padded edge.");
      ImGui::PopTextWrapPos();
      ImGui::Text("output %d x %d", fh.value, fw.value);
      ctx.publish("crop_out_h", fh.value);
      ctx.publish("crop_out_w", fw.value);
      ctx.publish("crop_formula", fh.text);
      ctx.publish("crop_shape", shape_text(crop_out));
      ctx.publish("crop_at", std::to_string(crop_y) + "," + std::to_string(crop_x));
      ImGui::Spacing();
      ImGui::Separator();
      ImGui::TextUnformatted("The whole image");
      if (!output.empty()) {
        ImGui::PushFont(mono_font());
        ImGui::Text("%d x %d -> %d x %d", ctx.input.h, ctx.input.w, output.h, output.w);
        ImGui::PopFont();
        conv_formula_lines(ctx, ctx.input, weights.kh, weights.kw, params);
        ctx.publish("output_shape", shape_text(output));
        ctx.publish("out_h", output.h);
        ctx.publish("out_w", output.w);
        const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
        const float h = std::max(120.0f, std::min(half * 0.9f, ImGui::GetContentRegionAvail().y - 30));
        const Overlay crop_box = [this](ImDrawList* dl, const ViewTransform& tf) {
          dl->AddRect(tf.to_screen(float(crop_x), float(crop_y)), tf.to_screen(float(crop_x + crop.w), float(crop_y + crop.h)),
                      IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
        };
        ImGui::BeginGroup();
        ImGui::TextDisabled("input (the crop boxed)");
        input_view.draw("in", ImVec2(half, h), s, crop_box);
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextDisabled("output, stride %d", params.stride.h);
        output_view.draw("out", ImVec2(half, h), s);
        ImGui::EndGroup();
      }
    }
    ImGui::EndChild();
    if (crop_out.empty()) return;
    if (wide) ImGui::SameLine();

    ImGui::BeginGroup();
    StepConv sc{&crop, &crop_w, params, {}, &crop_out};
    step.update(ctx, sc);
    if (ctx.visible("step")) step.controls(ctx);
    const float right_w = ImGui::GetContentRegionAvail().x;
    const cl::Pad4& p = params.padding;
    const int gw = crop.w + p.left + p.right, gh = crop.h + p.top + p.bottom;
    const float panel_h = step.active() ? float(step.cell().kh) * 32.0f + 70.0f : 0.0f;
    const float grid_h = ImGui::GetContentRegionAvail().y - panel_h - ImGui::GetTextLineHeightWithSpacing() * 2;
    const float cell = std::clamp(std::min((right_w - 30.0f) / float(gw + std::max(1, crop_out.w)), grid_h / float(gh)), 14.0f, 46.0f);
    ImGui::BeginGroup();
    ImGui::Text("input 9 x 9 + padding %d: every dot is a window", p.top);
    help("A dot sits at the centre of each window the kernel visits; the windows of one output column share a colour. The "
         "yellow box is the step-through's current window.");
    crop_grid(ctx, cell);
    ImGui::EndGroup();
    ImGui::SameLine(0, 24);
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d", crop_out.h, crop_out.w);
    output_grid(ctx, cell);
    ImGui::EndGroup();
    step.panel(ctx);
    ImGui::EndGroup();
  }
};

StrideLesson g_lesson;

}  // namespace

REGISTER_LESSON("stride", "Stride", "The window jumps s pixels: the output shrinks s times; the floor in the formula.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
