// Dilation: the kernel's taps spread out with holes between them, so a k x k kernel spans
// d*(k-1)+1 pixels while still reading only k*k of them. The footprint is drawn on the input, the
// dilated convolution's output is shown, and a stack with dilations 1, 2, 4, 8 grows its receptive
// field exponentially (3, 7, 15, 31 for 3x3).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "conv2d.h"
#include "geometry.h"
#include "image_view.h"
#include "imgui.h"
#include "kernel_editor.h"
#include "layer_stack_editor.h"
#include "lesson.h"
#include "receptive_field.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

// Diverging colour for a kernel value: blue negative, white zero, orange positive.
ImU32 weight_colour(float v, float scale) {
  const float t = std::clamp(scale > 0 ? v / scale : 0.0f, -1.0f, 1.0f);
  if (t >= 0) return IM_COL32(255, int(255 - 105 * t), int(255 - 215 * t), 255);
  return IM_COL32(int(255 + 195 * t), int(255 + 115 * t), 255, 255);
}

struct DilationLesson {
  ImageView input_view, output_view;
  std::string key;
  cl::Kernel2D kernel;  // the output lives in output_view
  cl::Pad4 pad{};
  Hover last_in, last_out;

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    // Not the whole state: zoom, pan and the picked pixel must not recompute. The display mode only remaps.
    const std::string k = std::to_string(ctx.input_generation) + "|" + kernel_key(s) + std::to_string(s.pad) +
                          s.pad_mode + "|" + std::to_string(s.dilation);
    if (k == key) {
      if (!output_view.empty()) output_view.set_for(s.display + "|" + key, output_view.tensor(), s.display);
      return;
    }
    key = k;
    try {
      const cl::Weights w = state_depthwise(s, ctx.input.c);
      cl::Conv2dParams p;
      p.dilation = cl::Pair{s.dilation, s.dilation};
      p.groups = ctx.input.c;
      p.padding = s.pad < 0 ? cl::same_padding(w.kh, w.kw, p.dilation) : cl::Pad4{s.pad, s.pad, s.pad, s.pad};
      p.padding_mode = cl::parse_pad_mode(s.pad_mode).value_or(cl::PadMode::Zeros);
      cl::Tensor out = cl::conv2d(ctx.input, w, p);
      kernel = state_kernel(s, 0);
      pad = p.padding;
      output_view.set_for(s.display + "|" + key, std::move(out), s.display);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Dilation: a kernel with holes",
                  "Dilation d spreads the kernel's taps d pixels apart. A 3x3 kernel with d = 2 still reads 9 pixels but "
                  "spans 5 x 5: a wider view for the same weights and the same cost.");
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    // ---- left: kernel, dilation, padding, numbers ----------------------------------------------
    const auto [wide, left_w] = begin_left_column("dil-left", 820, 0.36f, 330.0f, 420.0f, 420.0f);
    if (ctx.visible("kernel-editor")) kernel_editor(s, ctx.input.c, 9);
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
    compute(ctx);
    const cl::Tensor& output = output_view.tensor();  // after compute(), which may replace it
    const int kh = kernel.h > 0 ? kernel.h : s.kh, kw = kernel.w > 0 ? kernel.w : s.kw;
    const int eh = cl::effective_kernel(kh, s.dilation), ew = cl::effective_kernel(kw, s.dilation);
    ImGui::Spacing();
    ImGui::TextUnformatted("Effective size");
    help("The span of the dilated kernel: d*(k-1)+1. It replaces k in the output-size formula.");
    ImGui::PushFont(mono_font());
    ImGui::Text("d*(k-1)+1 = %d*(%d-1)+1 = %d", s.dilation, kh, eh);
    if (kw != kh) ImGui::Text("width: %d*(%d-1)+1 = %d", s.dilation, kw, ew);
    ImGui::PopFont();
    ImGui::TextDisabled("%d x %d taps spread over %d x %d pixels", kh, kw, eh, ew);
    ctx.publish("effective_size", std::to_string(eh) + "x" + std::to_string(ew));
    ctx.publish("effective_h", eh);
    if (!output.empty()) ctx.publish("output_shape", shape_text(output));
    ImGui::Spacing();
    draw_stack(ctx, kh);
    ImGui::EndChild();
    if (output.empty()) return;
    if (wide) ImGui::SameLine();

    // ---- right: footprint, images ---------------------------------------------------------------
    ImGui::BeginGroup();
    const float right_w = ImGui::GetContentRegionAvail().x;
    const float right_h = wide ? ImGui::GetContentRegionAvail().y : 600.0f;
    // The output pixel whose footprint is drawn: hovered (input or output view), kept by a click, or the centre.
    int oy = output.h / 2, ox = output.w / 2;
    if (s.step >= 0 && s.step < output.h * output.w) oy = s.step / output.w, ox = s.step % output.w;
    if (last_out.active) oy = last_out.y, ox = last_out.x;
    else if (last_in.active) {
      oy = std::clamp(last_in.y + pad.top - (eh - 1) / 2, 0, output.h - 1);
      ox = std::clamp(last_in.x + pad.left - (ew - 1) / 2, 0, output.w - 1);
    }
    const int y0 = oy - pad.top, x0 = ox - pad.left;  // footprint's top-left input pixel (stride 1)
    shape_line(("conv2d, dilation " + std::to_string(s.dilation)).c_str(), ctx.input, output);
    const float grid_h = std::clamp(right_h * 0.36f, 150.0f, 280.0f);
    draw_footprint(ctx, ImVec2(right_w, grid_h), y0, x0, oy, ox, eh, ew);

    const float half = (right_w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const float img_h = std::max(160.0f, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() - 4);
    const Overlay taps = [&](ImDrawList* dl, const ViewTransform& tf) {
      const ImVec2 a = tf.to_screen(float(x0), float(y0)), b = tf.to_screen(float(x0 + ew), float(y0 + eh));
      dl->AddRect(a, b, IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
      dl->AddRect(a, b, IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
      if (tf.scale * s.dilation >= 4.0f)
        for (int i = 0; i < kh; ++i)
          for (int j = 0; j < kw; ++j) {
            const ImVec2 p = tf.to_screen(float(x0 + j * s.dilation), float(y0 + i * s.dilation));
            dl->AddRectFilled(p, ImVec2(p.x + tf.scale, p.y + tf.scale), IM_COL32(255, 196, 0, 150));
          }
      if ((b.x - a.x) < 14.0f) {
        const ImVec2 c((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
        dl->AddCircle(c, 16.0f, IM_COL32(0, 0, 0, 160), 32, 4.0f);
        dl->AddCircle(c, 16.0f, IM_COL32(255, 196, 0, 255), 32, 2.0f);
      }
    };
    const Overlay mark = [&](ImDrawList* dl, const ViewTransform& tf) {
      const ImVec2 a = tf.to_screen(float(ox), float(oy));
      dl->AddRect(a, ImVec2(a.x + std::max(tf.scale, 3.0f), a.y + std::max(tf.scale, 3.0f)), IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
      dl->AddCircle(ImVec2(a.x + tf.scale * 0.5f, a.y + tf.scale * 0.5f), 16.0f, IM_COL32(255, 196, 0, 255), 32, 2.0f);
    };
    ImGui::BeginGroup();
    ImGui::Text("input %d x %d", ctx.input.h, ctx.input.w);
    last_in = input_view.draw("dil-in", ImVec2(half, img_h), s, taps);
    if (last_in.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = oy * output.w + ox;
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d", output.h, output.w);
    last_out = output_view.draw("dil-out", ImVec2(half, img_h), s, mark);
    if (last_out.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = last_out.y * output.w + last_out.x;
    ImGui::EndGroup();
    ImGui::EndGroup();
  }

  // The input around the footprint, cell by cell: taps (with their weights) and the holes between them.
  void draw_footprint(LessonContext& ctx, ImVec2 box, int y0, int x0, int oy, int ox, int eh, int ew) {
    const State& s = ctx.state;
    const int margin = 1;
    const int gh = eh + 2 * margin, gw = ew + 2 * margin;
    const float cell = std::clamp(std::min((box.x * 0.55f) / float(gw), (box.y - 24.0f) / float(gh)), 3.0f, 34.0f);
    ImGui::Text("output pixel (row %d, col %d) reads these input pixels", oy, ox);
    help("Orange cells are the kernel's taps, multiplied by the weights shown; the dark cells between them are the holes, "
         "read by no tap of this output pixel. Hover or click the images to move it.");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const int channel = 0;
    float scale = 0;
    for (float v : kernel.data) scale = std::max(scale, std::fabs(v));
    ImFont* font = mono_font();
    const float fs = std::min(12.0f, cell * 0.34f);
    int taps_inside = 0;
    for (int gy = 0; gy < gh; ++gy)
      for (int gx = 0; gx < gw; ++gx) {
        const int iy = y0 - margin + gy, ix = x0 - margin + gx;
        const ImVec2 a(o.x + gx * cell, o.y + gy * cell), b(a.x + cell, a.y + cell);
        const bool inside = iy >= 0 && ix >= 0 && iy < ctx.input.h && ix < ctx.input.w;
        ImU32 fill = IM_COL32(60, 64, 74, 255);  // padding
        if (inside) {
          float r = ctx.input.at(0, iy, ix), g = r, bl = r;
          if (ctx.input.c == 3) g = ctx.input.at(1, iy, ix), bl = ctx.input.at(2, iy, ix);
          fill = IM_COL32(int(r * 255), int(g * 255), int(bl * 255), 255);
        }
        dl->AddRectFilled(a, b, fill);
        const int ty = gy - margin, tx = gx - margin;  // position inside the footprint
        const bool in_fp = ty >= 0 && tx >= 0 && ty < eh && tx < ew;
        const bool tap = in_fp && ty % s.dilation == 0 && tx % s.dilation == 0;
        if (in_fp && !tap) dl->AddRectFilled(a, b, IM_COL32(15, 16, 20, 170));  // a hole
        if (tap) {
          taps_inside += inside;
          dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), IM_COL32(255, 160, 40, 255), 0, 0, cell >= 12 ? 2.5f : 1.5f);
          if (cell >= 24) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.2g", double(kernel.at(ty / s.dilation, tx / s.dilation)));
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, buf);
            const ImVec2 at(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f);
            dl->AddRectFilled(ImVec2(at.x - 2, at.y - 1), ImVec2(at.x + ts.x + 2, at.y + ts.y + 1), IM_COL32(0, 0, 0, 170), 2.0f);
            dl->AddText(font, fs, at, IM_COL32(255, 220, 170, 255), buf);
          }
        }
        if (cell >= 8) dl->AddRect(a, b, IM_COL32(0, 0, 0, 80));
      }
    dl->AddRect(ImVec2(o.x + margin * cell, o.y + margin * cell), ImVec2(o.x + (margin + ew) * cell, o.y + (margin + eh) * cell),
                IM_COL32(255, 196, 0, 255), 0, 0, 2.0f);
    ImGui::Dummy(ImVec2(gw * cell, gh * cell));
    ImGui::SameLine(0, 20);
    // The kernel itself, dense, for comparison.
    ImGui::BeginGroup();
    ImGui::TextDisabled("the kernel, %d x %d", kernel.h, kernel.w);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    const float kc = std::min(cell, 26.0f);
    for (int i = 0; i < kernel.h; ++i)
      for (int j = 0; j < kernel.w; ++j) {
        const ImVec2 a(q.x + j * kc, q.y + i * kc), b(a.x + kc, a.y + kc);
        dl->AddRectFilled(a, b, weight_colour(kernel.at(i, j), scale));
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 120));
      }
    ImGui::Dummy(ImVec2(kernel.w * kc, kernel.h * kc));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(160.0f, box.x * 0.4f - 30));
    ImGui::TextDisabled("Same %d weights, spread %d apart: the %d x %d footprint reads %d pixels%s.", kernel.h * kernel.w,
                        s.dilation, eh, ew, kernel.h * kernel.w,
                        taps_inside < kernel.h * kernel.w ? " (some fall in the padding here)" : "");
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    (void)channel;
  }

  // Receptive field of a stack of k x k layers with dilation 1, 2, 4, 8 against plain layers.
  void draw_stack(LessonContext& ctx, int k) {
    State& s = ctx.state;
    ImGui::TextUnformatted("Stacking dilated layers");
    help("Each layer adds d*(k-1) pixels to the field (receptive_field() of the stack). Doubling d per layer doubles the "
         "growth, so the field grows exponentially with depth while the weights grow linearly.");
    std::vector<cl::Layer> dilated, plain;
    for (int d : {1, 2, 4, 8}) {
      cl::Layer l;
      l.kernel = cl::Pair{k, k};
      l.dilation = cl::Pair{d, d};
      l.padding = cl::Pair{d * (k - 1) / 2, d * (k - 1) / 2};
      dilated.push_back(l);
      l.dilation = cl::Pair{1, 1};
      l.padding = cl::Pair{(k - 1) / 2, (k - 1) / 2};
      plain.push_back(l);
    }
    std::vector<cl::FieldInfo> fd, fp;
    try {
      fd = cl::receptive_field(dilated);
      fp = cl::receptive_field(plain);
    } catch (const std::exception& e) {
      ctx.error = e.what();
      return;
    }
    std::string published;
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (ImGui::BeginTable("stack", 5, flags)) {
      ImGui::TableSetupColumn("layer");
      ImGui::TableSetupColumn("dilation");
      ImGui::TableSetupColumn("span");
      ImGui::TableSetupColumn("field");
      ImGui::TableSetupColumn("plain k x k");
      ImGui::TableHeadersRow();
      ImGui::PushFont(mono_font());
      for (std::size_t i = 0; i < fd.size(); ++i) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImColor(layer_colour(int(i))), "%d", int(i + 1));
        ImGui::TableNextColumn();
        ImGui::Text("%d", dilated[i].dilation.h);
        ImGui::TableNextColumn();
        ImGui::Text("%d", cl::effective_kernel(k, dilated[i].dilation.h));
        ImGui::TableNextColumn();
        ImGui::Text("%d x %d", fd[i].size.h, fd[i].size.w);
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%d x %d", fp[i].size.h, fp[i].size.w);
        published += (i ? "," : "") + std::to_string(fd[i].size.h);
      }
      ImGui::PopFont();
      ImGui::EndTable();
    }
    ctx.publish("rf_stack", published);
    if (ImGui::Button("Explore this stack in Receptive field")) {
      s.layers = dilated;
      for (cl::Layer& l : s.layers) l.padding = cl::Pair{std::min(l.padding.h, 8), std::min(l.padding.w, 8)};  // what a link holds
      s.lesson = "receptive-field";
      s.rf_layer = -1;
      s.step = -1;
    }
    tip("Opens the receptive-field lesson with these four dilated layers loaded.");
  }
};

DilationLesson g_lesson;

}  // namespace

REGISTER_LESSON("dilation", "Dilation", "A kernel with holes: wider view, same weights; exponential receptive-field growth.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
