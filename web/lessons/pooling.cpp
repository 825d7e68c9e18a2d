// Pooling: max, mean or min over a window, with PyTorch's kernel / stride / padding / ceil_mode /
// count_include_pad, on the image and on a small numeric crop where every window can be read; the
// output-size formula with ceil mode; and how a pool grows the receptive field of the next layer.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "formula.h"
#include "geometry.h"
#include "image_view.h"
#include "imgui.h"
#include "lesson.h"
#include "pooling_model.h"
#include "numeric_crop.h"
#include "pool.h"
#include "receptive_field.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr int kCrop = 8;  // the numeric grid is an 8 x 8 crop of the image's first channel (or grey)

std::string shape_text(const cl::Tensor& t) {
  return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

std::string value_text(float v) {
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", double(v));
  return buf;
}

cl::Pool2dParams params_of(const State& s) {
  cl::Pool2dParams p;
  p.mode = cl::parse_pool_mode(lesson_params<PoolingParams>(s).mode).value_or(cl::PoolMode::Max);
  p.kernel = cl::Pair{lesson_params<PoolingParams>(s).k, lesson_params<PoolingParams>(s).k};
  p.stride = cl::Pair{lesson_params<PoolingParams>(s).s, lesson_params<PoolingParams>(s).s};
  p.padding = cl::Pair{lesson_params<PoolingParams>(s).p, lesson_params<PoolingParams>(s).p};
  p.ceil_mode = lesson_params<PoolingParams>(s).ceil_mode;
  p.count_include_pad = lesson_params<PoolingParams>(s).count_include_pad;
  return p;
}

struct PoolLesson {
  ImageView input_view, output_view;
  std::string key;
  cl::Tensor crop, crop_out;  // the pooled image lives in output_view
  int crop_y = 0, crop_x = 0, crop_generation = -1;
  int hover_cell = -1;  // last frame's hovered cell of the crop's output
  std::vector<FormulaText> formulas_;  // height, width of the image

  void compute(LessonContext& ctx) {
    const State& s = ctx.state;
    const std::string k = std::to_string(ctx.input_generation) + "|" + lesson_params<PoolingParams>(s).mode + "|" + std::to_string(lesson_params<PoolingParams>(s).k) + "," +
                          std::to_string(lesson_params<PoolingParams>(s).s) + "," + std::to_string(lesson_params<PoolingParams>(s).p) + (lesson_params<PoolingParams>(s).ceil_mode ? "c" : "f") +
                          (lesson_params<PoolingParams>(s).count_include_pad ? "i" : "x");
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    // The display mode is not part of the key: changed from the URL or the JS API it only remaps the view.
    if (k == key) {
      if (!output_view.empty()) output_view.set_for(s.display + "|" + key, output_view.tensor(), s.display);
      return;
    }
    const cl::Pool2dParams p = params_of(s);
    try {
      // The crop: 8 x 8 grey pixels where the picture changes most, so max, mean and min differ; searched
      // again only for a new image.
      const bool new_image = crop_generation != ctx.input_generation;
      NumericCrop found = new_image ? busiest_crop(ctx.input, kCrop, kCrop, kCrop) : NumericCrop{};
      const cl::Tensor& c = new_image ? found.grey : crop;
      cl::Tensor out = cl::pool2d(ctx.input, p);
      cl::Tensor cout;
      try {
        cout = cl::pool2d(c, p);
      } catch (const std::exception&) {
        cout = cl::Tensor();  // a kernel larger than the padded crop: the grid says so, the image still pools
      }
      if (new_image) {
        crop = std::move(found.grey);  // c refers to it: not used after this
        crop_y = found.y, crop_x = found.x;
        crop_generation = ctx.input_generation;
      }
      crop_out = std::move(cout);
      output_view.set_for(s.display + "|" + k, std::move(out), s.display);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    key = k;
  }

  void controls(LessonContext& ctx) {
    State& s = ctx.state;
    const float w = ImGui::GetFontSize() * 7;
    if (ctx.visible("mode")) {
      ImGui::SetNextItemWidth(w * 0.8f);
      if (ImGui::BeginCombo("mode", lesson_params<PoolingParams>(s).mode.c_str())) {
        for (const char* m : {"max", "mean", "min"})
          if (ImGui::Selectable(m, lesson_params<PoolingParams>(s).mode == m)) lesson_params<PoolingParams>(s).mode = m;
        ImGui::EndCombo();
      }
      tip("max keeps the largest value of each window (PyTorch max_pool2d), mean averages it (avg_pool2d), min keeps the smallest.");
      ImGui::SameLine();
    }
    if (ctx.visible("kernel")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("kernel", &lesson_params<PoolingParams>(s).k, 1, 15);
      tip("Window size k x k.");
      ImGui::SameLine();
    }
    if (ctx.visible("stride")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("stride", &lesson_params<PoolingParams>(s).s, 1, 15);
      tip("How far the window moves between outputs; equal to the kernel, windows tile without overlap.");
      ImGui::SameLine();
    }
    if (ctx.visible("padding")) {
      ImGui::SetNextItemWidth(w);
      ImGui::SliderInt("padding", &lesson_params<PoolingParams>(s).p, 0, 7);
      tip("Border added on each side: -inf for max, +inf for min, zeros for mean. PyTorch allows at most kernel / 2.");
    }
    if (ctx.visible("ceil")) {
      ImGui::Checkbox("ceil mode", &lesson_params<PoolingParams>(s).ceil_mode);
      tip("Round the output size up instead of down, so a last partial window that overhangs the edge is kept.");
      ImGui::SameLine();
    }
    if (ctx.visible("cip")) {
      ImGui::BeginDisabled(lesson_params<PoolingParams>(s).mode != "mean");
      ImGui::Checkbox("count padding in the mean", &lesson_params<PoolingParams>(s).count_include_pad);
      tip("Mean pooling only: divide by the whole window including padded zeros (PyTorch's default), or only by the real pixels in it.");
      ImGui::EndDisabled();
    }
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Pooling: summarise each window",
                  "A pooling layer slides a window like a convolution but has no weights: it keeps the max, the mean or "
                  "the min. It shrinks the image and makes every later layer see further.");
    controls(ctx);
    compute(ctx);
    if (output_view.empty()) return;
    const cl::Tensor& output = output_view.tensor();
    const cl::Pool2dParams p = params_of(s);

    // The formula, per axis, for the image.
    FormulaText fh, fw;
    try {
      fh = pool_size_formula(ctx.input.h, lesson_params<PoolingParams>(s).k, lesson_params<PoolingParams>(s).s, lesson_params<PoolingParams>(s).p, 1, lesson_params<PoolingParams>(s).ceil_mode);
      fw = pool_size_formula(ctx.input.w, lesson_params<PoolingParams>(s).k, lesson_params<PoolingParams>(s).s, lesson_params<PoolingParams>(s).p, 1, lesson_params<PoolingParams>(s).ceil_mode);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    shape_line(("pool2d " + lesson_params<PoolingParams>(s).mode).c_str(), ctx.input, output);
    ctx.publish("output_shape", shape_text(output));
    ctx.publish("formula_h", fh.value);
    ctx.publish("formula_w", fw.value);

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float half = (avail.x - gap) * 0.5f;
    const float img_h = std::clamp(avail.y * 0.40f, 160.0f, 420.0f);
    const Overlay crop_box = [&](ImDrawList* dl, const ViewTransform& tf) {
      dl->AddRect(tf.to_screen(float(crop_x), float(crop_y)), tf.to_screen(float(crop_x + crop.w), float(crop_y + crop.h)),
                  IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
      dl->AddRect(tf.to_screen(float(crop_x), float(crop_y)), tf.to_screen(float(crop_x + crop.w), float(crop_y + crop.h)),
                  IM_COL32(255, 200, 0, 255), 0, 0, 2.0f);
    };
    ImGui::BeginGroup();
    ImGui::Text("input %d x %d", ctx.input.h, ctx.input.w);
    ImGui::SameLine();
    ImGui::TextDisabled("(the yellow square is the crop below)");
    input_view.draw("pool-in", ImVec2(half, img_h), s, crop_box);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::Text("%s pool output %d x %d", lesson_params<PoolingParams>(s).mode.c_str(), output.h, output.w);
    output_view.draw("pool-out", ImVec2(half, img_h), s);
    ImGui::EndGroup();

    ImGui::Separator();
    formulas_ = {fh, fw};
    draw_crop(ctx, p);
  }

  // The crop with its padding, the selected output cell's window, the crop's output, and the numbers.
  void draw_crop(LessonContext& ctx, const cl::Pool2dParams& p) {
    State& s = ctx.state;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (crop_out.empty()) {
      ImGui::TextWrapped("The %d x %d crop is too small for a %d x %d window with padding %d: no window fits.", crop.h, crop.w,
                         lesson_params<PoolingParams>(s).k, lesson_params<PoolingParams>(s).k, lesson_params<PoolingParams>(s).p);
      return;
    }
    const int k = lesson_params<PoolingParams>(s).k, st = lesson_params<PoolingParams>(s).s, pad = lesson_params<PoolingParams>(s).p;
    const int cells = crop_out.h * crop_out.w;
    int sel = s.step >= 0 && s.step < cells ? s.step : 0;
    if (hover_cell >= 0 && hover_cell < cells) sel = hover_cell;
    const int oy = sel / crop_out.w, ox = sel % crop_out.w;
    const int wy0 = oy * st - pad, wx0 = ox * st - pad;  // window top-left in crop coordinates
    // Grid extent: the padded crop, plus any ceil-mode overhang of the last windows.
    const int last_y = (crop_out.h - 1) * st - pad + k, last_x = (crop_out.w - 1) * st - pad + k;
    const int gy0 = -pad, gx0 = -pad;
    const int gy1 = std::max(crop.h + pad, last_y), gx1 = std::max(crop.w + pad, last_x);
    const int gh = gy1 - gy0, gw = gx1 - gx0;
    const float text_w = std::clamp(avail.x * 0.40f, 280.0f, 460.0f);
    const float grid_room = avail.x - text_w - 2 * ImGui::GetStyle().ItemSpacing.x;
    const float h_room = std::max(120.0f, avail.y - ImGui::GetTextLineHeightWithSpacing() * 2.0f);
    const float cell = std::clamp(std::min(grid_room * 0.6f / float(gw), h_room / float(gh)), 10.0f, 44.0f);
    const float out_cell = std::clamp(std::min(grid_room * 0.38f / float(crop_out.w), h_room / float(crop_out.h)), 10.0f, 44.0f);
    ImFont* font = mono_font();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float pad_fill = p.mode == cl::PoolMode::Mean ? 0.0f : p.mode == cl::PoolMode::Max ? -INFINITY : INFINITY;

    // Input crop.
    ImGui::BeginGroup();
    ImGui::Text("crop %d x %d, padding %d", crop.h, crop.w, pad);
    help("Grey cells are the padding (-inf for max, +inf for min, 0 for mean); dark hatched cells lie beyond it, where a "
         "ceil-mode window may overhang and reads nothing.");
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float fs = std::min(13.0f, cell * 0.36f);
    for (int y = gy0; y < gy1; ++y)
      for (int x = gx0; x < gx1; ++x) {
        const ImVec2 a(o.x + (x - gx0) * cell, o.y + (y - gy0) * cell), b(a.x + cell, a.y + cell);
        const bool inside = y >= 0 && x >= 0 && y < crop.h && x < crop.w;
        const bool padded = !inside && y >= -pad && x >= -pad && y < crop.h + pad && x < crop.w + pad;
        std::string t;
        if (inside) {
          const float v = crop.at(0, y, x);
          const int g = int(std::clamp(v, 0.0f, 1.0f) * 255);
          dl->AddRectFilled(a, b, IM_COL32(g, g, g, 255));
          t = value_text(v);
          if (cell >= 23) {
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
            dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f),
                        g > 140 ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), t.c_str());
          }
        } else if (padded) {
          dl->AddRectFilled(a, b, IM_COL32(70, 78, 92, 255));
          t = value_text(pad_fill);
          if (cell >= 23) {
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
            dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f), IM_COL32(190, 200, 215, 255), t.c_str());
          }
        } else {
          dl->AddRectFilled(a, b, IM_COL32(30, 32, 38, 255));
          for (float d = 0; d < 2 * cell; d += 6) {
            const float x0 = a.x + std::max(0.0f, d - cell), y0 = a.y + std::min(d, cell);
            const float x1 = a.x + std::min(d, cell), y1 = a.y + std::max(0.0f, d - cell);
            dl->AddLine(ImVec2(x0, y0), ImVec2(x1, y1), IM_COL32(60, 64, 72, 255));
          }
        }
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 110));
      }
    // The selected window.
    const ImVec2 wa(o.x + (wx0 - gx0) * cell, o.y + (wy0 - gy0) * cell), wb(wa.x + k * cell, wa.y + k * cell);
    dl->AddRectFilled(wa, wb, IM_COL32(255, 120, 40, 40));
    dl->AddRect(wa, wb, IM_COL32(0, 0, 0, 220), 0, 0, 5.0f);
    dl->AddRect(wa, wb, IM_COL32(255, 140, 40, 255), 0, 0, 3.0f);
    dl->AddRect(ImVec2(o.x + (0 - gx0) * cell, o.y + (0 - gy0) * cell),
                ImVec2(o.x + (crop.w - gx0) * cell, o.y + (crop.h - gy0) * cell), IM_COL32(255, 200, 0, 255), 0, 0, 1.5f);
    ImGui::Dummy(ImVec2(gw * cell, gh * cell));
    ImGui::EndGroup();
    ImGui::SameLine(0, 18);

    // Output of the crop.
    ImGui::BeginGroup();
    ImGui::Text("output %d x %d", crop_out.h, crop_out.w);
    help("Hover a cell to see its window; click to keep it.");
    const ImVec2 q = ImGui::GetCursorScreenPos();
    const float ofs = std::min(13.0f, out_cell * 0.36f);
    for (int y = 0; y < crop_out.h; ++y)
      for (int x = 0; x < crop_out.w; ++x) {
        const ImVec2 a(q.x + x * out_cell, q.y + y * out_cell), b(a.x + out_cell, a.y + out_cell);
        const float v = crop_out.at(0, y, x);
        const int g = std::isfinite(v) ? int(std::clamp(v, 0.0f, 1.0f) * 255) : 0;
        dl->AddRectFilled(a, b, IM_COL32(g, g, g, 255));
        if (out_cell >= 23) {
          const std::string t = value_text(v);
          const ImVec2 ts = font->CalcTextSizeA(ofs, 1e9f, 0, t.c_str());
          dl->AddText(font, ofs, ImVec2(a.x + (out_cell - ts.x) * 0.5f, a.y + (out_cell - ts.y) * 0.5f),
                      g > 140 ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), t.c_str());
        }
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 110));
      }
    dl->AddRect(ImVec2(q.x + ox * out_cell, q.y + oy * out_cell), ImVec2(q.x + (ox + 1) * out_cell, q.y + (oy + 1) * out_cell),
                IM_COL32(255, 140, 40, 255), 0, 0, 3.0f);
    ImGui::InvisibleButton("crop-out", ImVec2(crop_out.w * out_cell, crop_out.h * out_cell));
    hover_cell = -1;
    if (ImGui::IsItemHovered()) {
      const ImVec2 m = ImGui::GetIO().MousePos;
      const int x = int((m.x - q.x) / out_cell), y = int((m.y - q.y) / out_cell);
      if (x >= 0 && y >= 0 && x < crop_out.w && y < crop_out.h) {
        hover_cell = y * crop_out.w + x;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = hover_cell;
      }
    }
    ImGui::EndGroup();
    ImGui::SameLine(0, 18);

    // The numbers of the selected window.
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w);
    ImGui::Text("output cell (row %d, col %d)", oy, ox);
    ImGui::TextDisabled("window rows %d..%d, columns %d..%d", wy0, wy0 + k - 1, wx0, wx0 + k - 1);
    std::vector<float> vals;
    int in_padding = 0, in_input = 0, beyond = 0;
    double sum = 0;
    for (int y = wy0; y < wy0 + k; ++y)
      for (int x = wx0; x < wx0 + k; ++x) {
        if (y >= 0 && x >= 0 && y < crop.h && x < crop.w) {
          vals.push_back(crop.at(0, y, x));
          sum += crop.at(0, y, x);
          ++in_input;
        } else if (y >= -pad && x >= -pad && y < crop.h + pad && x < crop.w + pad) {
          ++in_padding;
        } else {
          ++beyond;
        }
      }
    std::string list;
    for (std::size_t i = 0; i < vals.size() && i < 16; ++i) list += (i ? " " : "") + value_text(vals[i]);
    if (vals.size() > 16) list += " ...";
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("pixels: %s", list.c_str());
    const float result = crop_out.at(0, oy, ox);
    if (p.mode == cl::PoolMode::Mean) {
      const int divisor = lesson_params<PoolingParams>(s).count_include_pad ? in_input + in_padding : in_input;
      ImGui::TextWrapped("mean = %.2f / %d = %s", sum, divisor, value_text(result).c_str());
    } else {
      ImGui::TextWrapped("%s = %s", lesson_params<PoolingParams>(s).mode.c_str(), value_text(result).c_str());
    }
    ImGui::PopFont();
    if (in_padding > 0 || beyond > 0) {
      ImGui::TextDisabled("%d in the image, %d in the padding, %d beyond it", in_input, in_padding, beyond);
      if (p.mode == cl::PoolMode::Mean)
        ImGui::TextDisabled(lesson_params<PoolingParams>(s).count_include_pad ? "The divisor counts the padding, never what lies beyond it."
                                                : "The divisor counts only the real pixels.");
    }
    ctx.publish("crop_out", std::to_string(crop_out.h) + "x" + std::to_string(crop_out.w));
    ctx.publish("cell", std::to_string(oy) + "," + std::to_string(ox));
    ctx.publish("cell_value", value_text(result));
    ImGui::Spacing();
    ImGui::TextUnformatted("Output size of the image");
    help("PyTorch: floor (or ceil) of (in + 2p - k) / s, plus 1. With ceil_mode it rounds up, but drops a last window "
         "that would start inside the right padding: if (out - 1) * s >= in + p, out shrinks by one.");
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("H: %s", formulas_[0].text.c_str());
    ImGui::TextWrapped("W: %s", formulas_[1].text.c_str());
    ImGui::PopFont();
    for (const FormulaText& f : formulas_)
      if (!f.note.empty()) {
        ImGui::TextDisabled("%s: %s", &f == &formulas_[0] ? "H" : "W", f.note.c_str());
      }
    ImGui::Spacing();
    // How the pool grows the next layer's field.
    cl::Layer pool_layer, conv3;
    pool_layer.type = cl::Layer::Type::Pool;
    pool_layer.kernel = cl::Pair{k, k};
    pool_layer.stride = cl::Pair{st, st};
    pool_layer.padding = cl::Pair{pad, pad};
    const auto fields = cl::receptive_field({pool_layer, conv3});
    const int field = fields[1].size.h;
    ImGui::TextUnformatted("Next layer's field");
    help("receptive_field() of [this pool, conv 3x3]: size = k + (3 - 1) x stride.");
    ImGui::PushFont(mono_font());
    ImGui::TextWrapped("pool %dx%d/%d then conv 3x3: %d + (3 - 1) x %d = %d", k, k, st, k, st, field);
    ImGui::PopFont();
    ImGui::TextDisabled("A 3x3 conv after this pool sees %d x %d input pixels; without the pool, 3 x 3.", field, field);
    ctx.publish("rf_after_conv3", field);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
  }
};

PoolLesson g_lesson;

}  // namespace

REGISTER_LESSON("pooling", "Pooling", "Max, mean and min pooling; ceil mode; how pooling grows the receptive field.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
