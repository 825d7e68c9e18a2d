// Receptive field: which input pixels one unit of a stack of conv/pool layers can see. Hover a unit to
// see its exact input rectangle (and the growing rectangles of the layers below it), read size / jump /
// start per layer from the core's recurrence, and count paths: two 3x3 layers see 5x5 = 25 pixels,
// reached by 9 x 9 = 81 paths.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "conv2d.h"
#include "geometry.h"
#include "image_view.h"
#include "imgui.h"
#include "layer_stack_editor.h"
#include "lesson.h"
#include "pool.h"
#include "receptive_field.h"
#include "widgets.h"

namespace cl = convlab;
using Layer = cl::Layer;

namespace {

std::string pair_text(cl::Pair p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

std::string num(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// Paths from every input pixel to one unit: the unit holds 1, and each layer, walked backwards, hands
// every unit's count to each tap of its window that lands inside the layer's input (taps in the padding
// read a constant, so no path goes through them). Restricted to the unit's input rectangle.
struct PathGrid {
  cl::Rect rect;               // input_rect of the unit (padding included)
  std::vector<double> counts;  // (rect.y1 - rect.y0) x (rect.x1 - rect.x0), row-major
  double total = 0;
  int support = 0;             // pixels with at least one path
  double max = 0;
  bool computed = false;
};

PathGrid count_paths(const std::vector<Layer>& layers, int L, int uy, int ux, const std::vector<cl::Pair>& sizes, cl::Pair in) {
  PathGrid g;
  long long y0 = uy, y1 = uy + 1, x0 = ux, x1 = ux + 1;  // region of the current layer's outputs, half-open
  // Cost guard: region area times taps, summed over layers.
  double work = 0;
  {
    long long a0 = y0, a1 = y1, b0 = x0, b1 = x1;
    for (int l = L; l >= 0; --l) {
      const Layer& ly = layers[std::size_t(l)];
      work += double(a1 - a0) * double(b1 - b0) * ly.kernel.h * ly.kernel.w;
      a1 = (a1 - 1) * ly.stride.h - ly.padding.h + cl::effective_kernel(ly.kernel.h, ly.dilation.h);
      a0 = a0 * ly.stride.h - ly.padding.h;
      b1 = (b1 - 1) * ly.stride.w - ly.padding.w + cl::effective_kernel(ly.kernel.w, ly.dilation.w);
      b0 = b0 * ly.stride.w - ly.padding.w;
    }
    if (work > 2e7 || double(a1 - a0) * double(b1 - b0) > 600.0 * 600.0) return g;
  }
  std::vector<double> map(1, 1.0);
  for (int l = L; l >= 0; --l) {
    const Layer& ly = layers[std::size_t(l)];
    const cl::Pair below = l > 0 ? sizes[std::size_t(l - 1)] : in;
    const long long ny0 = y0 * ly.stride.h - ly.padding.h;
    const long long ny1 = (y1 - 1) * ly.stride.h - ly.padding.h + cl::effective_kernel(ly.kernel.h, ly.dilation.h);
    const long long nx0 = x0 * ly.stride.w - ly.padding.w;
    const long long nx1 = (x1 - 1) * ly.stride.w - ly.padding.w + cl::effective_kernel(ly.kernel.w, ly.dilation.w);
    const long long w = x1 - x0, nw = nx1 - nx0;
    std::vector<double> next(std::size_t((ny1 - ny0) * nw), 0.0);
    for (long long oy = y0; oy < y1; ++oy)
      for (long long ox = x0; ox < x1; ++ox) {
        const double c = map[std::size_t((oy - y0) * w + (ox - x0))];
        if (c == 0.0) continue;
        for (int i = 0; i < ly.kernel.h; ++i) {
          const long long iy = oy * ly.stride.h - ly.padding.h + (long long)i * ly.dilation.h;
          if (iy < 0 || iy >= below.h) continue;  // padding: a constant, not a path
          for (int j = 0; j < ly.kernel.w; ++j) {
            const long long ix = ox * ly.stride.w - ly.padding.w + (long long)j * ly.dilation.w;
            if (ix < 0 || ix >= below.w) continue;
            next[std::size_t((iy - ny0) * nw + (ix - nx0))] += c;
          }
        }
      }
    map.swap(next);
    y0 = ny0, y1 = ny1, x0 = nx0, x1 = nx1;
  }
  g.rect = cl::Rect{int(y0), int(x0), int(y1), int(x1)};
  g.counts = std::move(map);
  for (double c : g.counts) {
    g.total += c;
    g.support += c > 0;
    g.max = std::max(g.max, c);
  }
  g.computed = true;
  return g;
}

// Dark blue -> teal -> yellow, for path counts.
ImU32 heat(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const float a[3] = {30, 40, 90}, b[3] = {30, 160, 160}, c[3] = {255, 225, 60};
  float rgb[3];
  for (int i = 0; i < 3; ++i)
    rgb[i] = t < 0.5 ? a[i] + (b[i] - a[i]) * float(t * 2) : b[i] + (c[i] - b[i]) * float(t * 2 - 1);
  return IM_COL32(int(rgb[0]), int(rgb[1]), int(rgb[2]), 255);
}

struct RfLesson {
  ImageView input_view, map_view;
  std::string map_key, paths_key;
  cl::Tensor map;  // the chosen layer's output grid, drawn as the image through mean filters
  PathGrid paths;
  Hover last_in, last_map;  // last frame's hovers (the overlay is drawn before draw() returns this frame's)

  // The chosen layer's output grid as a picture: grey input through mean filters (conv) and max pooling.
  void build_map(LessonContext& ctx, int L) {
    const State& s = ctx.state;
    const std::string key = std::to_string(ctx.input_generation) + "|" + layers_to_text(s.layers) + "|" + std::to_string(L);
    if (key == map_key) return;
    cl::Tensor t(1, ctx.input.h, ctx.input.w);
    for (int y = 0; y < t.h; ++y)
      for (int x = 0; x < t.w; ++x) {
        float sum = 0;
        for (int c = 0; c < ctx.input.c; ++c) sum += ctx.input.at(c, y, x);
        t.at(0, y, x) = sum / float(ctx.input.c);
      }
    for (int l = 0; l <= L; ++l) {
      const Layer& ly = s.layers[std::size_t(l)];
      if (ly.type == Layer::Type::Pool) {
        cl::Pool2dParams p;
        p.kernel = ly.kernel, p.stride = ly.stride, p.padding = ly.padding, p.dilation = ly.dilation;
        t = cl::pool2d(t, p);
        for (float& v : t.data)
          if (!std::isfinite(v)) v = 0.0f;
      } else {
        cl::Weights w(1, 1, ly.kernel.h, ly.kernel.w, 1.0f / float(ly.kernel.h * ly.kernel.w));
        cl::Conv2dParams p;
        p.stride = ly.stride, p.dilation = ly.dilation;
        p.padding = cl::Pad4{ly.padding.h, ly.padding.h, ly.padding.w, ly.padding.w};
        t = cl::conv2d(t, w, p);
      }
    }
    map = std::move(t);
    map_view.set(map, "clamp");
    map_key = key;
  }

  void draw(LessonContext& ctx) {
    State& s = ctx.state;
    lesson_header("Receptive field: what one unit can see",
                  "Stack conv and pool layers, then hover a unit (on the image or on the layer's grid) to see the exact "
                  "input rectangle it reads, and how the rectangles of the layers below it grow into it.");
    input_view.set_for(std::to_string(ctx.input_generation), ctx.input);
    // ---- geometry from the core --------------------------------------------------------------
    std::vector<cl::FieldInfo> fields;
    std::vector<cl::Pair> sizes;
    bool ok = !s.layers.empty();
    try {
      fields = cl::receptive_field(s.layers);
      if (ok) sizes = cl::layer_output_sizes(s.layers, ctx.input.h, ctx.input.w);
    } catch (const std::exception& e) {
      ctx.error = e.what();
      ok = false;
    }
    const int n = int(s.layers.size());
    int L = s.rf_layer < 0 || s.rf_layer >= n ? n - 1 : s.rf_layer;

    // ---- left: the stack and its numbers -------------------------------------------------------
    const auto [wide, left_w] = begin_left_column("rf-left", 820, 0.45f, 400.0f, 540.0f, 360.0f);
    ImGui::TextUnformatted("Layers");
    help("The stack lives in the link, so a URL reproduces it. Pool and conv layers have the same geometry.");
    if (ctx.visible("layers")) layer_stack_editor(s);
    ImGui::Spacing();
    if (ok && ctx.visible("layer")) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted("show the units of");
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
      const std::string current = "layer " + std::to_string(L + 1) + (L == n - 1 ? " (last)" : "");
      if (ImGui::BeginCombo("##layer", current.c_str())) {
        for (int i = 0; i < n; ++i) {
          const std::string label = "layer " + std::to_string(i + 1) + ": " + layer_label(s.layers[std::size_t(i)]);
          if (ImGui::Selectable(label.c_str(), i == L)) {
            s.rf_layer = i == n - 1 ? -1 : i;
            s.step = -1;
          }
        }
        ImGui::EndCombo();
      }
      tip("Whose units you hover: the last layer's, or any layer's below it.");
    }
    if (ok) draw_table(ctx, fields, sizes, L);
    ImGui::EndChild();
    if (!ok) {
      if (s.layers.empty()) ImGui::TextDisabled("Add a layer to see a receptive field.");
      return;
    }
    L = std::clamp(L, 0, n - 1);
    if (wide) ImGui::SameLine();

    // ---- which unit --------------------------------------------------------------------------
    const cl::Pair out = sizes[std::size_t(L)];
    const cl::FieldInfo& f = fields[std::size_t(L)];
    int uy = out.h / 2, ux = out.w / 2;
    if (s.step >= 0 && s.step < out.h * out.w) uy = s.step / out.w, ux = s.step % out.w;
    if (last_map.active && last_map.y < out.h && last_map.x < out.w) uy = last_map.y, ux = last_map.x;
    else if (last_in.active) {
      uy = std::clamp(int(std::lround((last_in.y - f.start_h) / f.jump.h)), 0, out.h - 1);
      ux = std::clamp(int(std::lround((last_in.x - f.start_w) / f.jump.w)), 0, out.w - 1);
    }
    cl::Rect rect, clipped;
    try {
      build_map(ctx, L);
      rect = cl::input_rect(s.layers, L, uy, ux);
      clipped = cl::input_rect_clipped(s.layers, L, uy, ux, ctx.input.h, ctx.input.w);
    } catch (const std::exception& e) {
      ctx.error = e.what();
    }
    // The nested rectangles: for each layer l <= L, the layer-l unit at the centre of the units the
    // chosen unit depends on; its field is centred where the chosen unit's is (exactly, for odd kernels).
    std::vector<cl::Rect> nested(std::size_t(L + 1));
    {
      long long a0 = uy, a1 = uy, b0 = ux, b1 = ux;  // inclusive region at layer l's output
      for (int l = L; l >= 0; --l) {
        const long long cy = (a0 + a1) / 2 - ((a0 + a1) < 0 && (a0 + a1) % 2 ? 1 : 0);
        const long long cx = (b0 + b1) / 2 - ((b0 + b1) < 0 && (b0 + b1) % 2 ? 1 : 0);
        const cl::FieldInfo& fl = fields[std::size_t(l)];
        const double ch = fl.start_h + double(cy) * fl.jump.h, cw = fl.start_w + double(cx) * fl.jump.w;
        nested[std::size_t(l)] = cl::Rect{int(std::lround(ch - (fl.size.h - 1) / 2.0)), int(std::lround(cw - (fl.size.w - 1) / 2.0)),
                                          int(std::lround(ch - (fl.size.h - 1) / 2.0)) + fl.size.h,
                                          int(std::lround(cw - (fl.size.w - 1) / 2.0)) + fl.size.w};
        const Layer& ly = s.layers[std::size_t(l)];
        a0 = a0 * ly.stride.h - ly.padding.h;
        a1 = a1 * ly.stride.h - ly.padding.h + (ly.kernel.h - 1) * ly.dilation.h;
        b0 = b0 * ly.stride.w - ly.padding.w;
        b1 = b1 * ly.stride.w - ly.padding.w + (ly.kernel.w - 1) * ly.dilation.w;
      }
      nested[std::size_t(L)] = rect;
    }
    const std::string pkey = layers_to_text(s.layers) + "|" + std::to_string(L) + "|" + std::to_string(uy) + "," +
                             std::to_string(ux) + "|" + std::to_string(ctx.input.h) + "x" + std::to_string(ctx.input.w);
    if (pkey != paths_key) {
      paths = count_paths(s.layers, L, uy, ux, sizes, cl::Pair{ctx.input.h, ctx.input.w});
      paths_key = pkey;
    }

    ctx.publish("layer", L + 1);
    ctx.publish("unit", std::to_string(uy) + "," + std::to_string(ux));
    ctx.publish("field", pair_text(f.size));
    ctx.publish("field_pixels", double(f.size.h) * f.size.w);
    ctx.publish("rect", std::to_string(rect.y0) + "," + std::to_string(rect.x0) + "," + std::to_string(rect.y1) + "," + std::to_string(rect.x1));
    ctx.publish("rect_clipped", std::to_string(clipped.y0) + "," + std::to_string(clipped.x0) + "," + std::to_string(clipped.y1) + "," + std::to_string(clipped.x1));
    if (paths.computed) {
      ctx.publish("paths_total", paths.total);
      ctx.publish("paths_support", paths.support);
    }

    // ---- right: the image, the layer's grid, the paths -----------------------------------------
    ImGui::BeginGroup();
    const float right_w = ImGui::GetContentRegionAvail().x;
    const float right_h = wide ? ImGui::GetContentRegionAvail().y : 700.0f;
    ImGui::Text("input %d x %d", ctx.input.h, ctx.input.w);
    ImGui::SameLine();
    ImGui::TextDisabled("- layer %d unit (row %d, col %d) reads rows %d..%d, columns %d..%d", L + 1, uy, ux, rect.y0,
                        rect.y1 - 1, rect.x0, rect.x1 - 1);
    const float top_h = std::max(220.0f, right_h * 0.5f);
    const Overlay overlay = [&](ImDrawList* dl, const ViewTransform& tf) {
      if (!rect_empty(clipped))
        dl->AddRectFilled(tf.to_screen(float(clipped.x0), float(clipped.y0)), tf.to_screen(float(clipped.x1), float(clipped.y1)),
                          layer_colour(L, 50));
      // A ring around a field too small to spot at this zoom.
      const float on_screen = float(rect.x1 - rect.x0) * tf.scale;
      if (on_screen < 14.0f) {
        const ImVec2 c = tf.to_screen(0.5f * float(rect.x0 + rect.x1), 0.5f * float(rect.y0 + rect.y1));
        dl->AddCircle(c, 16.0f, IM_COL32(0, 0, 0, 160), 32, 4.0f);
        dl->AddCircle(c, 16.0f, layer_colour(L), 32, 2.0f);
      }
      for (int l = 0; l <= L; ++l) {
        const cl::Rect& r = nested[std::size_t(l)];
        dl->AddRect(tf.to_screen(float(r.x0), float(r.y0)), tf.to_screen(float(r.x1), float(r.y1)), layer_colour(l),
                    0.0f, 0, l == L ? 3.0f : 1.5f);
      }
    };
    last_in = input_view.draw("rf-input", ImVec2(right_w, top_h), s, overlay);
    if (last_in.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = uy * out.w + ux;
    tip("Hover to pick the unit whose field is centred nearest the pointer; click to keep it.");

    const float bottom_h = std::max(200.0f, right_h - top_h - ImGui::GetTextLineHeightWithSpacing() * 2.5f);
    const float half = (right_w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::BeginGroup();
    ImGui::Text("layer %d output: %d x %d units", L + 1, out.h, out.w);
    help("Each unit of this grid is drawn as the image through the layers with mean filters (conv) and max pooling, so "
         "you can recognise where it looks. Hover a unit to see its field.");
    const Overlay unit_mark = [&](ImDrawList* dl, const ViewTransform& tf) {
      dl->AddRect(tf.to_screen(float(ux), float(uy)), tf.to_screen(float(ux + 1), float(uy + 1)), layer_colour(L), 0, 0,
                  2.5f);
    };
    last_map = map_view.draw("rf-map", ImVec2(half, bottom_h), s, unit_mark);
    if (last_map.active && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.step = last_map.y * out.w + last_map.x;
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    draw_paths(ctx, f, L, ImVec2(half, bottom_h));
    ImGui::EndGroup();
    ImGui::EndGroup();
  }

  void draw_table(LessonContext& ctx, const std::vector<cl::FieldInfo>& fields, const std::vector<cl::Pair>& sizes, int L) {
    const State& s = ctx.state;
    ImGui::Spacing();
    ImGui::TextUnformatted("Field per layer");
    help("size = size below + (d*(k-1)+1 - 1) * jump below;  jump = jump below * stride;  start = start below + "
         "((d*(k-1)+1 - 1)/2 - padding) * jump below. The input itself has size 1, jump 1, start 0.");
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (ImGui::BeginTable("fields", 6, flags)) {
      ImGui::TableSetupColumn("layer");
      ImGui::TableSetupColumn("span");
      ImGui::TableSetupColumn("output HxW");
      ImGui::TableSetupColumn("field");
      ImGui::TableSetupColumn("jump");
      ImGui::TableSetupColumn("start");
      ImGui::TableHeadersRow();
      ImGui::PushFont(mono_font());
      for (int i = 0; i < int(fields.size()); ++i) {
        const Layer& l = s.layers[std::size_t(i)];
        const cl::FieldInfo& f = fields[std::size_t(i)];
        ImGui::TableNextRow();
        if (i == L) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, layer_colour(i, 45));
        ImGui::TableNextColumn();
        ImGui::TextColored(ImColor(layer_colour(i)), "%d %s", i + 1, layer_label(l).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", cl::effective_kernel(l.kernel.h, l.dilation.h));
        ImGui::TableNextColumn();
        ImGui::Text("%dx%d", sizes[std::size_t(i)].h, sizes[std::size_t(i)].w);
        ImGui::TableNextColumn();
        ImGui::Text("%dx%d", f.size.h, f.size.w);
        ImGui::TableNextColumn();
        ImGui::Text("%d", f.jump.w);
        ImGui::TableNextColumn();
        ImGui::Text("%s", num(f.start_w).c_str());
        const std::string k = std::to_string(i + 1);
        ctx.publish("size_" + k, pair_text(f.size));
        ctx.publish("jump_" + k, pair_text(f.jump));
        ctx.publish("start_" + k, num(f.start_h) + "," + num(f.start_w));
        ctx.publish("out_" + k, pair_text(sizes[std::size_t(i)]));
      }
      ImGui::PopFont();
      ImGui::EndTable();
    }
    ctx.publish("layers", double(fields.size()));
    // The rule with the chosen layer's numbers.
    const cl::FieldInfo& f = fields[std::size_t(L)];
    const Layer& l = s.layers[std::size_t(L)];
    const int below_size = L > 0 ? fields[std::size_t(L - 1)].size.w : 1;
    const int below_jump = L > 0 ? fields[std::size_t(L - 1)].jump.w : 1;
    const int span = cl::effective_kernel(l.kernel.w, l.dilation.w);
    ImGui::PushFont(mono_font());
    ImGui::TextColored(ImColor(layer_colour(L)), "layer %d: %d + (%d - 1) x %d = %d", L + 1, below_size, span, below_jump, f.size.w);
    ImGui::PopFont();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("size = size below + (span - 1) x jump below: each layer adds (span - 1) units of the layer below, "
                        "and each of those is 'jump' input pixels apart. Strides and pooling multiply the jump, so every later "
                        "layer grows the field faster. Padding only shifts 'start'.");
    ImGui::PopTextWrapPos();
  }

  void draw_paths(LessonContext& ctx, const cl::FieldInfo& f, int L, ImVec2 box) {
    const State& s = ctx.state;
    const float left_x = ImGui::GetCursorPosX();
    double product = 1;
    std::string product_text;
    for (int l = 0; l <= L; ++l) {
      const Layer& ly = s.layers[std::size_t(l)];
      product *= double(ly.kernel.h) * ly.kernel.w;
      product_text += (l ? " x " : "") + std::to_string(ly.kernel.h * ly.kernel.w);
    }
    ImGui::Text("field %d x %d = %s pixels", f.size.h, f.size.w, num(double(f.size.h) * f.size.w).c_str());
    help("Every input pixel inside the outline can reach the unit; the numbers count in how many ways. Each route picks "
         "one tap of every layer's window, so the routes multiply while the field only adds.");
    if (!paths.computed) {
      ImGui::PushTextWrapPos(left_x + box.x);
      ImGui::TextDisabled("This field is too large to count paths pixel by pixel here; an interior unit has %s = %s paths.",
                          product_text.c_str(), num(product).c_str());
      ImGui::PopTextWrapPos();
      return;
    }
    ImGui::Text("paths %s", num(paths.total).c_str());
    ImGui::SameLine();
    ImGui::PushTextWrapPos(left_x + box.x);
    ImGui::TextDisabled(L == 0 && s.layers.size() == 1 ? "(one layer: one path per tap)" : "(interior unit: %s = %s)",
                        product_text.c_str(), num(product).c_str());
    ImGui::PopTextWrapPos();
    const int gh = paths.rect.y1 - paths.rect.y0, gw = paths.rect.x1 - paths.rect.x0;
    const float avail_h = std::max(80.0f, box.y - ImGui::GetTextLineHeightWithSpacing() * 5.5f);
    const float cell = std::min({box.x / float(gw), avail_h / float(gh), 40.0f});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const bool numbers = cell >= 22.0f;
    ImFont* font = mono_font();
    const float fs = std::min(14.0f, cell * 0.42f);
    if (gh * gw > 160 * 160) {
      ImGui::TextDisabled("(%d x %d: too many cells to draw)", gw, gh);
    } else {
      for (int y = 0; y < gh; ++y)
        for (int x = 0; x < gw; ++x) {
          const int iy = paths.rect.y0 + y, ix = paths.rect.x0 + x;
          const ImVec2 a(o.x + x * cell, o.y + y * cell), b(a.x + cell, a.y + cell);
          const bool outside = iy < 0 || ix < 0 || iy >= ctx.input.h || ix >= ctx.input.w;
          const double c = paths.counts[std::size_t(y) * gw + x];
          dl->AddRectFilled(a, b, outside ? IM_COL32(60, 60, 66, 255) : c > 0 ? heat(c / paths.max) : IM_COL32(20, 22, 28, 255));
          if (cell >= 6) dl->AddRect(a, b, IM_COL32(0, 0, 0, 90));
          if (numbers && !outside) {
            const std::string t = num(c);
            const ImVec2 ts = font->CalcTextSizeA(fs, 1e9f, 0, t.c_str());
            if (ts.x < cell - 2)
              dl->AddText(font, fs, ImVec2(a.x + (cell - ts.x) * 0.5f, a.y + (cell - ts.y) * 0.5f),
                          c / paths.max > 0.6 ? IM_COL32(20, 20, 20, 255) : IM_COL32(235, 235, 235, 255), t.c_str());
          }
        }
      dl->AddRect(o, ImVec2(o.x + gw * cell, o.y + gh * cell), layer_colour(L), 0, 0, 2.5f);
      ImGui::Dummy(ImVec2(gw * cell, gh * cell));
      if (ImGui::IsItemHovered()) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        const int x = int((m.x - o.x) / cell), y = int((m.y - o.y) / cell);
        if (x >= 0 && y >= 0 && x < gw && y < gh) {
          ImGui::BeginTooltip();
          ImGui::Text("input pixel (x %d, y %d): %s paths", paths.rect.x0 + x, paths.rect.y0 + y,
                      num(paths.counts[std::size_t(y) * gw + x]).c_str());
          ImGui::EndTooltip();
        }
      }
    }
    ImGui::PushTextWrapPos(left_x + box.x);
    ImGui::TextDisabled("%d pixels reach the unit by %s routes. With every weight 1 this grid is the unit's "
                        "gradient: the ERF lesson's uniform heatmap.", paths.support, num(paths.total).c_str());
    ImGui::PopTextWrapPos();
  }
};

RfLesson g_lesson;

}  // namespace

REGISTER_LESSON("receptive-field", "Receptive field", "Which input pixels one unit of a layer stack can see, and by how many paths.",
                [](LessonContext& ctx) { g_lesson.draw(ctx); });
