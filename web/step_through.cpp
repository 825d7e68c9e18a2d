#include "step_through.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "formula.h"
#include "padding.h"
#include "widgets.h"

namespace cl = convlab;

namespace {

constexpr ImU32 kWindowColour = IM_COL32(255, 196, 0, 255);
constexpr ImU32 kPaddingColour = IM_COL32(236, 96, 236, 255);  // taps that read the padding

std::string cell_text(float v) {
  char buf[24];
  if (std::fabs(v) >= 100.0f) std::snprintf(buf, sizeof buf, "%.0f", double(v));
  else if (std::fabs(v) >= 10.0f) std::snprintf(buf, sizeof buf, "%.1f", double(v));
  else std::snprintf(buf, sizeof buf, "%.3f", double(v));
  if (std::string(buf) == "-0.000") return "0.000";
  return buf;
}

std::string sum_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  if (std::string(buf) == "-0.0000") return "0.0000";
  return buf;
}

const char* channel_name(int c, int channels) {
  static const char* rgb[3] = {"R", "G", "B"};
  static char buf[3][12];
  if (channels == 3) return rgb[c];
  if (channels == 1) return "in";
  std::snprintf(buf[c % 3], sizeof buf[0], "ch %d", c);
  return buf[c % 3];
}

ImU32 channel_colour(int c, int channels) {
  if (channels != 3) return IM_COL32(220, 222, 228, 255);
  const ImU32 colours[3] = {IM_COL32(255, 110, 110, 255), IM_COL32(110, 220, 110, 255), IM_COL32(120, 160, 255, 255)};
  return colours[c];
}

// Faint background by sign and size: blue negative, red positive (as the diverging display).
ImU32 signed_fill(float v, float scale) {
  const float t = std::clamp(scale > 0 ? std::fabs(v) / scale : 0.0f, 0.0f, 1.0f);
  const int a = int(40 + 110 * t);
  if (v > 0) return IM_COL32(178, 24, 43, a);
  if (v < 0) return IM_COL32(33, 102, 172, a);
  return IM_COL32(40, 43, 50, 255);
}

}  // namespace

bool StepConv::valid() const {
  return input && weight && !input->empty() && !output.empty() && weight->kh > 0 && output.shape().c == weight->a;
}

StepCell step_cell(const StepConv& conv, int index, int out_channel) {
  StepCell cell;
  if (!conv.valid() || index < 0 || index >= conv.cells()) return cell;
  const cl::Tensor& in = *conv.input;
  const cl::Weights& w = *conv.weight;
  const LazyTensor::Shape out = conv.output.shape();
  const cl::Conv2dParams& p = conv.params;
  cell.index = index;
  cell.oy = index / out.w;
  cell.ox = index % out.w;
  cell.kh = w.kh, cell.kw = w.kw, cell.dh = p.dilation.h, cell.dw = p.dilation.w;
  cell.y0 = cell.oy * p.stride.h - p.padding.top;
  cell.x0 = cell.ox * p.stride.w - p.padding.left;
  const int groups = std::max(1, p.groups);
  const int cout_g = std::max(1, w.a / groups), cin_g = in.c / groups;
  std::vector<int> channels;
  if (w.a <= 3) for (int c = 0; c < w.a; ++c) channels.push_back(c);
  else channels.push_back(std::clamp(out_channel, 0, w.a - 1));
  for (int oc : channels) {
    StepOutput o;
    o.channel = oc;
    o.bias = oc < int(conv.bias.size()) ? conv.bias[std::size_t(oc)] : 0.0f;
    o.output = conv.value_at ? conv.value_at(oc, cell.oy, cell.ox) : conv.output.value(oc, cell.oy, cell.ox);
    double total = 0;
    const int g = oc / cout_g;
    for (int j = 0; j < cin_g && j < w.b; ++j) {
      StepRow row;
      row.in_channel = g * cin_g + j;
      row.out_channel = oc;
      for (int i = 0; i < w.kh; ++i)
        for (int k = 0; k < w.kw; ++k) {
          const int y = cell.y0 + i * cell.dh, x = cell.x0 + k * cell.dw;
          const bool outside = y < 0 || x < 0 || y >= in.h || x >= in.w;
          int sy = cl::pad_source_index(y, in.h, p.padding_mode), sx = cl::pad_source_index(x, in.w, p.padding_mode);
          if (sy < 0 || sx < 0) sy = sx = -1;  // zeros padding
          const float v = sy < 0 ? 0.0f : in.at(row.in_channel, sy, sx);
          const float wt = w.at(oc, j, i, k);
          row.values.push_back(v);
          row.weights.push_back(wt);
          row.src_y.push_back(sy);
          row.src_x.push_back(sx);
          row.padded.push_back(outside ? 1 : 0);
          row.sum += double(v) * double(wt);
        }
      total += row.sum;
      cell.rows.push_back(std::move(row));
    }
    o.total = total + o.bias;
    cell.outputs.push_back(o);
  }
  return cell;
}

// ---- drawing ------------------------------------------------------------------------------------------
void draw_window(ImDrawList* dl, const ViewTransform& tf, const WindowGeometry& w, float shift_x, float shift_y) {
  const int eh = (w.kh - 1) * w.dh + 1, ew = (w.kw - 1) * w.dw + 1;
  const ImVec2 a = tf.to_screen(w.x0 + shift_x, w.y0 + shift_y), b = tf.to_screen(w.x0 + ew + shift_x, w.y0 + eh + shift_y);
  const bool show_taps = tf.scale >= 3.0f && (w.dh > 1 || w.dw > 1 || tf.scale >= 6.0f);
  if (show_taps)
    for (int i = 0; i < w.kh; ++i)
      for (int j = 0; j < w.kw; ++j) {
        const int y = w.y0 + i * w.dh, x = w.x0 + j * w.dw;
        const bool outside = y < 0 || x < 0 || y >= w.in_h || x >= w.in_w;
        const ImVec2 p = tf.to_screen(x + shift_x, y + shift_y), q(p.x + tf.scale, p.y + tf.scale);
        dl->AddRectFilled(p, q, outside ? IM_COL32(236, 96, 236, 90) : IM_COL32(255, 196, 0, 60));
        const float inset = std::min(2.0f, tf.scale * 0.1f);
        dl->AddRect(ImVec2(p.x + inset, p.y + inset), ImVec2(q.x - inset, q.y - inset), outside ? kPaddingColour : kWindowColour, 0, 0,
                    tf.scale >= 16 ? 2.0f : 1.0f);
        if (outside && tf.scale >= 12.0f) {  // hatch: this tap reads the padding
          for (float t = 0.25f; t < 1.0f; t += 0.25f)
            dl->AddLine(ImVec2(p.x + tf.scale * t, p.y), ImVec2(p.x, p.y + tf.scale * t), IM_COL32(236, 96, 236, 140));
        }
      }
  dl->AddRect(a, b, IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
  dl->AddRect(a, b, kWindowColour, 0, 0, 2.0f);
  if (b.x - a.x < 14.0f) {  // too small to see at this zoom: a ring around it
    const ImVec2 c((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    draw_ring(dl, c, kWindowColour);
  }
}

void draw_cell_mark(ImDrawList* dl, const ViewTransform& tf, int y, int x) {
  const ImVec2 a = tf.to_screen(float(x), float(y));
  const float s = std::max(tf.scale, 3.0f);
  dl->AddRect(a, ImVec2(a.x + s, a.y + s), IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
  dl->AddRect(a, ImVec2(a.x + s, a.y + s), kWindowColour, 0, 0, 2.0f);
  if (tf.scale < 14.0f) {
    const ImVec2 c(a.x + tf.scale * 0.5f, a.y + tf.scale * 0.5f);
    draw_ring(dl, c, kWindowColour);
  }
}

// ---- player -------------------------------------------------------------------------------------------
bool StepPlayer::update(State& s, int cells, bool clamp) {
  if (cells <= 0) {
    playing_ = false;
    return false;
  }
  const int from = std::clamp(s.play_from, 0, cells - 1);
  const int to = s.play_to < 0 ? cells - 1 : std::clamp(s.play_to, from, cells - 1);
  if (s.autoplay && !autoplay_started_) {
    autoplay_started_ = true;
    playing_ = true;
    carry_ = 0;
    if (s.step < from || s.step > to) s.step = from;
  }
  if (!s.autoplay) autoplay_started_ = false;
  if (s.step >= cells && clamp) s.step = cells - 1;
  if (!playing_) return false;
  if (s.step < from || s.step > to) s.step = from;
  carry_ += double(ImGui::GetIO().DeltaTime) * std::clamp(s.step_rate, 1, 60);
  int moves = 0;
  while (carry_ >= 1.0 && moves < 60) {
    carry_ -= 1.0;
    s.step = s.step >= to ? from : s.step + 1;  // loop over the range
    ++moves;
  }
  if (carry_ > 1.0) carry_ = 0;  // a long pause (hidden tab): do not race to catch up
  return moves > 0;
}

void StepPlayer::controls(LessonContext& ctx, int cells, int out_w) {
  State& s = ctx.state;
  if (cells <= 0 || out_w <= 0) return;
  ImGui::PushID("step-through");
  bool on = s.step >= 0;
  if (ImGui::Checkbox("Step through", &on)) {
    s.step = on ? std::clamp(s.play_from, 0, cells - 1) : -1;
    if (!on) playing_ = false, s.autoplay = false;
  }
  tip("Walk the convolution one output pixel at a time: the window it reads is drawn on the input and every product is listed.");
  if (s.step < 0) {
    ImGui::PopID();
    return;
  }
  // The five buttons stay together; the row wraps before them or before the speed in a narrow column.
  const float gap = 4.0f, play_w = ImGui::GetFontSize() * 3.6f;
  same_line_if_fits(button_width("|<") + button_width("<") + play_w + button_width(">") + button_width(">|") + 4 * gap);
  if (ImGui::Button("|<")) s.step = 0, playing_ = false;
  tip("First output pixel (top-left).");
  ImGui::SameLine(0, gap);
  if (ImGui::Button("<")) s.step = std::max(0, s.step - 1), playing_ = false;
  tip("Previous output pixel.");
  ImGui::SameLine(0, gap);
  if (ImGui::Button(playing_ ? "Pause" : "Play", ImVec2(play_w, 0))) {
    playing_ = !playing_;
    carry_ = 0;
    if (!playing_) s.autoplay = false;
  }
  tip("Move the window along by itself, row by row, at the speed set on the right.");
  ImGui::SameLine(0, gap);
  if (ImGui::Button(">")) s.step = std::min(cells - 1, s.step + 1), playing_ = false;
  tip("Next output pixel.");
  ImGui::SameLine(0, gap);
  if (ImGui::Button(">|")) s.step = cells - 1, playing_ = false;
  tip("Last output pixel (bottom-right).");
  const float speed_w = ImGui::GetFontSize() * 7;
  same_line_if_fits(labelled_width(speed_w, "per second"));
  ImGui::SetNextItemWidth(speed_w);
  ImGui::SliderInt("per second", &s.step_rate, 1, 60);
  tip("Playback speed: output pixels per second.");
  int step = std::min(s.step, cells - 1);
  char label[64];
  std::snprintf(label, sizeof label, "pixel %d of %d: row %d, col %d", step + 1, cells, step / out_w, step % out_w);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  if (ImGui::SliderInt("##position", &step, 0, cells - 1, label)) s.step = step, playing_ = false;
  tip("Scrub through the output pixels in row-major order (the order conv2d fills them). Click the output image to jump.");
  ImGui::PopID();
}

// ---- conv step-through ----------------------------------------------------------------------------------
void ConvStepThrough::update(LessonContext& ctx, const StepConv& conv) {
  conv_ = conv;
  State& s = ctx.state;
  const bool moved = player_.update(s, conv.cells(), conv.current);
  if (player_.playing()) ctx.keep_drawing();
  cell_ = s.step >= 0 ? step_cell(conv, s.step) : StepCell{};
  if (cell_.index < 0) return;
  if (moved && s.zoom > 0.0f) {  // playing while zoomed in: keep the window in view
    const float eh = float((cell_.kh - 1) * cell_.dh + 1), ew = float((cell_.kw - 1) * cell_.dw + 1);
    s.cx = std::clamp((cell_.x0 + ew * 0.5f) / float(conv.input->w), 0.0f, 1.0f);
    s.cy = std::clamp((cell_.y0 + eh * 0.5f) / float(conv.input->h), 0.0f, 1.0f);
  }
  ctx.publish("step_cell", std::to_string(cell_.oy) + "," + std::to_string(cell_.ox));
  ctx.publish("step_window", std::to_string(cell_.y0) + "," + std::to_string(cell_.x0));
  ctx.publish("step_cells", conv.cells());
  if (!cell_.outputs.empty()) {
    ctx.publish("step_sum", cell_.outputs[0].total);
    ctx.publish("step_output", cell_.outputs[0].output);
    for (const StepOutput& o : cell_.outputs) {
      ctx.publish("step_sum_" + std::to_string(o.channel), o.total);
      ctx.publish("step_output_" + std::to_string(o.channel), o.output);
    }
  }
}

Overlay ConvStepThrough::input_overlay(float shift_x, float shift_y) const {
  if (cell_.index < 0) return {};
  WindowGeometry g{cell_.y0, cell_.x0, cell_.kh, cell_.kw, cell_.dh, cell_.dw, conv_.input->h, conv_.input->w};
  return [g, shift_x, shift_y](ImDrawList* dl, const ViewTransform& tf) { draw_window(dl, tf, g, shift_x, shift_y); };
}

Overlay ConvStepThrough::output_overlay() const {
  if (cell_.index < 0) return {};
  const int y = cell_.oy, x = cell_.ox;
  return [y, x](ImDrawList* dl, const ViewTransform& tf) { draw_cell_mark(dl, tf, y, x); };
}

void ConvStepThrough::pick(State& s, const Hover& h) const {
  if (!h.active || !conv_.valid() || !ImGui::IsMouseClicked(ImGuiMouseButton_Left)) return;
  if (ImGui::GetIO().KeyShift || ImGui::GetIO().KeyCtrl) return;
  s.step = h.y * conv_.output.shape().w + h.x;
}

void ConvStepThrough::section(LessonContext& ctx) {
  if (!ctx.section("step", "Step through the sums")) return;
  controls(ctx);
  if (ctx.wide() || !active()) return;
  ImGui::BeginChild("step-panel", ImVec2(0, panel_height(1e6f)), false);
  panel(ctx);
  ImGui::EndChild();
}

void ConvStepThrough::draw_views(LessonContext& ctx, ImVec2 size, const std::string& input_caption, ImageView& input_view,
                                 const Overlay& input_overlay, int pad, const std::string& output_caption, ImageView& output_view) {
  const bool panel_here = ctx.wide() && active();
  const float panel_h = panel_here ? panel_height(size.y) : 0.0f;
  const convlab::Tensor& in = input_view.tensor();
  const float aspect = in.empty() ? 1.0f : float(in.h + 2 * pad) / float(in.w + 2 * pad);
  const ViewGrid g = view_grid(2, ImVec2(size.x, size.y - panel_h), aspect, ImGui::GetTextLineHeightWithSpacing());
  ImGui::BeginGroup();
  ImGui::TextUnformatted(input_caption.c_str());
  input_view.draw("in", g.cell, ctx.state, input_overlay, pad);
  ImGui::EndGroup();
  if (g.cols > 1) ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted(output_caption.c_str());
  pick(ctx.state, output_view.draw("out", g.cell, ctx.state, output_overlay()));
  ImGui::EndGroup();
  if (panel_here) panel(ctx);
}

float ConvStepThrough::panel_height(float avail_h) const {
  if (!active()) return 0.0f;
  return std::min(avail_h * 0.56f, 90.0f + float(cell_.rows.size()) * (float(cell_.kh) * 28.0f + 8.0f));
}

void ConvStepThrough::panel(LessonContext& /*ctx*/) {
  if (cell_.index < 0 || cell_.rows.empty()) return;
  const int channels = conv_.input->c;
  const int kh = cell_.kh, kw = cell_.kw;
  ImGui::Text("Output pixel (row %d, col %d) reads a %d x %d window at input row %d, col %d", cell_.oy, cell_.ox,
              (kh - 1) * cell_.dh + 1, (kw - 1) * cell_.dw + 1, cell_.y0, cell_.x0);
  help("Each row: the input values under the kernel's taps (magenta = taken from the padding; hover for the source pixel), "
       "the kernel's values, their products, and the sum of the products. The sums plus the bias give the output value.");

  // Cell size: three grids of kw cells per row, plus labels; scroll sideways when too narrow.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float label_w = 30.0f, sym_w = 20.0f, sum_w = 110.0f;
  const float cell = std::clamp((avail - label_w - 2 * sym_w - sum_w - 24.0f) / float(3 * kw), 28.0f, 40.0f);
  const float font_size = std::clamp(cell * 0.3f, 10.0f, 13.0f);
  const float grid_w = cell * kw, grid_h = cell * kh;
  const float row_h = grid_h + 8.0f;
  const float content_w = label_w + 3 * grid_w + 2 * sym_w + sum_w + 12.0f;
  const float panel_h = std::min(row_h * float(cell_.rows.size()) + 4.0f,
                                 std::max(3.0f * cell + 12.0f, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * float(cell_.outputs.size() + 1)));
  ImGui::BeginChild("step-grid", ImVec2(0, panel_h), false, ImGuiWindowFlags_HorizontalScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* font = mono_font();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hovered_window = ImGui::IsWindowHovered();
  float wmax = 0, pmax = 0;
  for (const StepRow& r : cell_.rows)
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      wmax = std::max(wmax, std::fabs(r.weights[i]));
      pmax = std::max(pmax, std::fabs(r.values[i] * r.weights[i]));
    }
  std::string tooltip;
  auto text_centred = [&](ImVec2 a, ImVec2 b, const std::string& t, ImU32 colour, float size) {
    const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0, t.c_str());
    dl->AddText(font, size, ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f), colour, t.c_str());
  };
  for (std::size_t r = 0; r < cell_.rows.size(); ++r) {
    const StepRow& row = cell_.rows[r];
    const float y = origin.y + float(r) * row_h;
    float x = origin.x;
    const ImU32 ccol = channel_colour(row.in_channel, channels);
    text_centred(ImVec2(x, y), ImVec2(x + label_w, y + grid_h), channel_name(row.in_channel, channels), ccol, 16.0f);
    x += label_w;
    for (int gidx = 0; gidx < 3; ++gidx) {
      for (int i = 0; i < kh; ++i)
        for (int j = 0; j < kw; ++j) {
          const std::size_t t = std::size_t(i) * kw + j;
          const ImVec2 a(x + j * cell, y + i * cell), b(a.x + cell, a.y + cell);
          float v = 0;
          ImU32 fill = IM_COL32(40, 43, 50, 255), text = IM_COL32(232, 234, 238, 255);
          if (gidx == 0) {
            v = row.values[t];
            if (row.padded[t]) fill = IM_COL32(92, 44, 96, 255);
          } else if (gidx == 1) {
            v = row.weights[t];
            fill = signed_fill(v, wmax);
          } else {
            v = row.values[t] * row.weights[t];
            fill = signed_fill(v, pmax);
          }
          dl->AddRectFilled(a, b, fill);
          dl->AddRect(a, b, IM_COL32(0, 0, 0, 140));
          if (gidx == 0 && row.padded[t]) dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), kPaddingColour);
          text_centred(a, b, cell_text(v), gidx == 0 ? ccol : text, font_size);
          if (hovered_window && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
            char buf[200];
            const int iy = cell_.y0 + i * cell_.dh, ix = cell_.x0 + j * cell_.dw;
            if (gidx == 0 && row.padded[t] && row.src_y[t] < 0)
              std::snprintf(buf, sizeof buf, "input (%d, %d) lies in the zero padding: reads 0", iy, ix);
            else if (gidx == 0 && row.padded[t])
              std::snprintf(buf, sizeof buf, "input (%d, %d) lies in the padding: copies pixel (%d, %d) = %.6g", iy, ix, row.src_y[t],
                            row.src_x[t], double(row.values[t]));
            else if (gidx == 0)
              std::snprintf(buf, sizeof buf, "%s at input (%d, %d) = %.6g", channel_name(row.in_channel, channels), iy, ix,
                            double(row.values[t]));
            else if (gidx == 1)
              std::snprintf(buf, sizeof buf, "kernel (%d, %d) = %.6g", i, j, double(row.weights[t]));
            else
              std::snprintf(buf, sizeof buf, "%.6g x %.6g = %.6g", double(row.values[t]), double(row.weights[t]),
                            double(row.values[t] * row.weights[t]));
            tooltip = buf;
          }
        }
      x += grid_w;
      if (gidx < 2) {
        text_centred(ImVec2(x, y), ImVec2(x + sym_w, y + grid_h), gidx == 0 ? "x" : "=", IM_COL32(200, 200, 200, 255), 16.0f);
        x += sym_w;
      }
    }
    // The row's sum; for a depthwise row it is its own output channel.
    const std::string s = "sum " + sum_text(row.sum);
    dl->AddText(font, 13.0f, ImVec2(x + 10, y + grid_h * 0.5f - 7), IM_COL32(255, 220, 140, 255), s.c_str());
  }
  ImGui::Dummy(ImVec2(content_w, row_h * float(cell_.rows.size())));
  ImGui::EndChild();
  if (!tooltip.empty()) ImGui::SetTooltip("%s", tooltip.c_str());

  // The total(s): the sum over the rows that feed each output channel, plus bias, against the core's output.
  ImGui::PushFont(mono_font());
  for (const StepOutput& o : cell_.outputs) {
    std::string line;
    int parts = 0;
    for (const StepRow& r : cell_.rows)
      if (r.out_channel == o.channel) line += (parts++ ? " + " : "") + sum_text(r.sum);
    if (o.bias != 0.0f) line += " + bias " + sum_text(o.bias);
    if (parts > 1 || o.bias != 0.0f) line += " = " + sum_text(o.total);
    const std::string out_name = cell_.outputs.size() > 1 ? "output " + std::string(channel_name(o.channel, 3)) : "output";
    line = out_name + "[" + std::to_string(cell_.oy) + ", " + std::to_string(cell_.ox) + "]: " + line + "   conv2d gives " + sum_text(o.output);
    const bool same = std::fabs(o.total - double(o.output)) <= 1e-4 * std::max(1.0, std::fabs(o.total));
    ImGui::TextUnformatted(line.c_str());
    ImGui::SameLine();
    ImGui::TextColored(same ? ImVec4(0.45f, 0.85f, 0.45f, 1) : ImVec4(1, 0.4f, 0.4f, 1), same ? "matches" : "differs!");
  }
  ImGui::PopFont();
  if (cell_.outputs.size() > 1)
    ImGui::TextDisabled("Each channel is filtered on its own (groups = %d), so each row's sum is its own output channel.", conv_.params.groups);
  else if (cell_.rows.size() > 1)
    ImGui::TextDisabled("One filter with depth %d: the %d channel sums add up to a single output value.", int(cell_.rows.size()),
                        int(cell_.rows.size()));
}

cl::Conv2dParams state_conv_params(const State& s, int kh, int kw) {
  cl::Conv2dParams p;
  p.stride = cl::Pair{s.stride, s.stride};
  p.dilation = cl::Pair{s.dilation, s.dilation};
  p.padding = s.pad < 0 ? cl::same_padding(kh, kw, p.dilation) : cl::Pad4{s.pad, s.pad, s.pad, s.pad};
  p.padding_mode = cl::parse_pad_mode(s.pad_mode).value_or(cl::PadMode::Zeros);
  return p;
}

void formula_lines(const FormulaText& fh, const FormulaText& fw) {
  ImGui::PushFont(mono_font());
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("height:");
  ImGui::SameLine();
  ImGui::TextUnformatted(fh.text.c_str());
  ImGui::TextDisabled("width: ");
  ImGui::SameLine();
  ImGui::TextUnformatted(fw.text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  help("Output size per axis = floor((in + padding before + after - span) / stride) + 1, where span = d*(k-1)+1 is the "
       "kernel's reach with dilation d (PyTorch's rule).");
  ImGui::PushTextWrapPos(0.0f);
  for (const FormulaText* f : {&fh, &fw})
    if (!f->note.empty()) ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.45f, 1), "%s: %s", f == &fh ? "height" : "width", f->note.c_str());
  ImGui::PopTextWrapPos();
}
