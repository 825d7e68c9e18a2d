#include "image_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "paint.h"
#include "touch_input.h"
#include "widgets.h"

namespace cl = convlab;

const cl::Tensor& ImageView::tensor() const {
  static const cl::Tensor none;
  return tensor_ ? *tensor_ : none;  // (a LazyTensor's values are filled here)
}

void ImageView::set(cl::Tensor t, const std::string& display, int channel) {
  auto mine = std::make_shared<cl::Tensor>(std::move(t));
  set(std::shared_ptr<const cl::Tensor>(mine), display, channel);
  owned_ = std::move(mine);
}

void ImageView::set(std::shared_ptr<const cl::Tensor> shared, const std::string& display, int channel) {
  key_.clear();
  shows_input_ = false;
  owned_.reset();
  tensor_ = std::move(shared);
  const cl::Tensor& t = tensor();
  display_ = display;
  asked_channel_ = channel;
  DisplayChoice choice;
  const auto rgba = displayed_rgba(t, display, channel, &choice, &range_);
  mode_ = choice.mode;
  resolved_ = choice.resolved;
  channel_ = choice.channel;
  texture_.upload(rgba.data(), t.w, t.h);
}

void ImageView::set_displayed(const ShownOutput& shown) {
  key_.clear();
  shows_input_ = false;  // an output: no painting on it, no patching with the input's paint
  owned_.reset();
  tensor_ = shown.tensor;
  display_ = shown.display;
  asked_channel_ = shown.channel;
  range_ = shown.range;
  mode_ = shown.choice.mode;
  resolved_ = shown.choice.resolved;
  channel_ = shown.choice.channel;
  const LazyTensor::Shape sh = tensor_.shape();  // not tensor(): nothing here reads the values
  if (shown.pooled_rgba)
    texture_.upload(*shown.pooled_rgba, sh.w, sh.h);
  else
    texture_.upload(shown.rgba.data(), sh.w, sh.h);
}

void ImageView::set_for(const std::string& key, const ShownOutput& shown) {
  if (!key_.empty() && key == key_) return;
  set_displayed(shown);
  key_ = key;
}

void ImageView::set_for(const std::string& key, const cl::Tensor& t, const std::string& display, int channel) {
  if (!key_.empty() && key == key_) return;
  if (&t == tensor_.if_filled()) {
    set(tensor_.shared(), display, channel);  // shown again another way: no copy
  } else if (!patch_input(t, display, channel)) {
    set(t, display, channel);
    if (&t == paint_tool().input) {
      show_input_at(0, 0);
      input_generation_ = paint_tool().generation;
    }
  }
  key_ = key;
}

// The input after a paint stroke, when this view shows the generation before it in plain clamp colours
// (the input's own: values in [0, 1]) and nothing else shares its copy: the stroke's rectangle is copied,
// converted and uploaded alone, instead of the whole image (12 MB and a 4 MB texture for 1024x1024 RGB).
bool ImageView::patch_input(const cl::Tensor& t, const std::string& display, int channel) {
  const PaintTool& tool = paint_tool();
  if (&t != tool.input || !shows_input_ || input_dx_ != 0 || input_dy_ != 0 || input_generation_ != tool.from ||
      tool.generation != tool.to || display != display_ || channel != asked_channel_ || mode_ != cl::DisplayMode::Clamp ||
      (display != "auto" && display != "clamp") || !owned_ || owned_.use_count() != 2 || owned_->c != t.c ||
      owned_->h != t.h || owned_->w != t.w)
    return false;
  const int x0 = std::max(0, tool.rect.x0), y0 = std::max(0, tool.rect.y0);
  const int x1 = std::min(t.w, tool.rect.x1), y1 = std::min(t.h, tool.rect.y1);
  input_generation_ = tool.generation;
  if (x1 <= x0 || y1 <= y0) return true;
  const int w = x1 - x0, h = y1 - y0;
  cl::Tensor part(t.c, h, w);
  for (int c = 0; c < t.c; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float v = t.at(c, y0 + y, x0 + x);
        owned_->at(c, y0 + y, x0 + x) = v;
        part.at(c, y, x) = v;
      }
  const auto rgba = cl::to_rgba8(part, channel_, cl::DisplayMode::Clamp);
  texture_.upload_rect(rgba.data(), x0, y0, w, h);
  return true;
}

void ImageView::show_input_at(int dx, int dy) {
  shows_input_ = true;
  input_dx_ = dx;
  input_dy_ = dy;
}

PaintTool& ImageView::paint_tool() {
  static PaintTool tool;
  return tool;
}

void ImageView::set_for(const std::string& key, cl::Tensor&& t, const std::string& display, int channel) {
  if (!key_.empty() && key == key_) return;
  set(std::move(t), display, channel);
  key_ = key;
}

float ImageView::legend_height() const {
  return mode_ != cl::DisplayMode::Clamp ? ImGui::GetFrameHeightWithSpacing() : 0.0f;
}

std::vector<ImVec4>& ImageView::drawn_boxes() {
  static std::vector<ImVec4> boxes;
  return boxes;
}

std::vector<std::uint8_t> ImageView::shown_rgba() const { return displayed_rgba(tensor(), display_, asked_channel_); }

static void draw_legend(cl::DisplayMode mode, cl::DisplayRange range, float width) {
  static Texture strips[4];
  Texture& strip = strips[int(mode)];
  if (!strip.valid()) {
    const auto bytes = cl::colormap_legend(mode, 256);
    strip.upload(bytes.data(), 256, 1);
  }
  // The bar takes what the view's width leaves after the two numbers and the caption, so the legend
  // never pushes past its view.
  const char* names[] = {"clamped to [0, 1]", "min to max", "|value|, 0 is black", "diverging, 0 is white"};
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, "%.3g", double(range.lo));
  std::snprintf(hi, sizeof hi, "%.3g", double(range.hi));
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float text_w = ImGui::CalcTextSize(lo).x + ImGui::CalcTextSize(hi).x + 3 * gap;
  const float caption_w = ImGui::CalcTextSize(names[int(mode)]).x + gap;
  const bool caption = width - text_w - caption_w >= 60.0f;
  const float bar_w = std::max(20.0f, width - text_w - (caption ? caption_w : 0.0f));
  ImGui::TextUnformatted(lo);
  ImGui::SameLine();
  ImGui::Image(strip.imgui_id(), ImVec2(std::min(bar_w, 360.0f), ImGui::GetTextLineHeight()));
  ImGui::SameLine();
  ImGui::TextUnformatted(hi);
  if (caption) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", names[int(mode)]);
  }
}

void ImageView::draw_values(ImDrawList* dl, const ViewTransform& tf, ImVec2 lo, ImVec2 hi) const {
  const cl::Tensor& shown = tensor();
  const int x0 = std::max(0, int(std::floor((lo.x - tf.origin.x) / tf.scale)));
  const int y0 = std::max(0, int(std::floor((lo.y - tf.origin.y) / tf.scale)));
  const int x1 = std::min(shown.w, int(std::ceil((hi.x - tf.origin.x) / tf.scale)));
  const int y1 = std::min(shown.h, int(std::ceil((hi.y - tf.origin.y) / tf.scale)));
  if ((x1 - x0) * (y1 - y0) > 4000) return;
  ImFont* font = mono_font();
  const float size = std::min(14.0f, tf.scale * 0.28f);
  const int ch = channel_ >= 0 ? channel_ : 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const ImVec2 p = tf.to_screen(float(x), float(y));
      dl->AddLine(ImVec2(p.x, p.y), ImVec2(p.x + tf.scale, p.y), IM_COL32(0, 0, 0, 60));
      dl->AddLine(ImVec2(p.x, p.y), ImVec2(p.x, p.y + tf.scale), IM_COL32(0, 0, 0, 60));
      if (tf.scale < 34.0f) continue;
      char buf[16];
      const int lines = (channel_ < 0 && shown.c == 3) ? 3 : 1;
      for (int i = 0; i < lines; ++i) {
        const float v = shown.at(lines == 3 ? i : ch, y, x);
        std::snprintf(buf, sizeof buf, "%.2f", double(v));
        const ImVec2 ts = font->CalcTextSizeA(size, 1e9f, 0, buf);
        const ImVec2 at(p.x + (tf.scale - ts.x) * 0.5f, p.y + tf.scale * 0.5f + (i - lines * 0.5f) * size);
        const ImU32 colours[3] = {IM_COL32(255, 90, 90, 255), IM_COL32(90, 220, 90, 255), IM_COL32(110, 150, 255, 255)};
        dl->AddText(font, size, ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), buf);
        dl->AddText(font, size, at, lines == 3 ? colours[i] : IM_COL32(255, 255, 255, 255), buf);
      }
    }
}

Hover ImageView::draw(const char* id, ImVec2 size, State& state, const Overlay& overlay, int pad) {
  const LazyTensor::Shape shown = tensor_.shape();  // the values are read only where shown (tooltip, zoomed numbers)
  Hover hover;
  const float legend_h = legend_height();
  const bool legend = legend_h > 0.0f;
  size.x = std::max(size.x, 32.0f);
  size.y = std::max(size.y - legend_h, 32.0f);
  ImGui::PushID(id);
  const ImVec2 lo = ImGui::GetCursorScreenPos();
  const ImVec2 hi(lo.x + size.x, lo.y + size.y);
  ImGui::InvisibleButton("view", size, ImGuiButtonFlags_MouseButtonLeft);
  if (ImGui::IsItemVisible()) drawn_boxes().push_back(ImVec4(lo.x, lo.y, size.x, size.y));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 box_colour = IM_COL32(24, 26, 31, 255);
  if (shown.empty()) {
    dl->AddRectFilled(lo, hi, box_colour);
    dl->AddText(ImVec2(lo.x + 8, lo.y + 8), IM_COL32(160, 160, 160, 255), "no image yet");
    ImGui::PopID();
    return hover;
  }
  // Fit the image (plus any padded border) in the box, then apply the shared zoom and centre.
  const float shown_w = float(shown.w + 2 * pad), shown_h = float(shown.h + 2 * pad);
  const float fit = std::min(size.x / shown_w, size.y / shown_h);
  const float zoom = state.zoom > 0.0f ? state.zoom : 1.0f;
  ViewTransform tf;
  tf.scale = fit * zoom;
  const float cx = state.zoom > 0.0f ? state.cx : 0.5f, cy = state.zoom > 0.0f ? state.cy : 0.5f;
  tf.origin = ImVec2(lo.x + size.x * 0.5f - cx * shown.w * tf.scale, lo.y + size.y * 0.5f - cy * shown.h * tf.scale);

  ImGuiIO& io = ImGui::GetIO();
  // Zoom to new_zoom keeping the image point under screen point `at` where it is (then move it by pan).
  const auto zoom_about = [&](ImVec2 at, float new_zoom, ImVec2 pan) {
    new_zoom = std::clamp(new_zoom, 1.0f, 64.0f);
    const float mx = (at.x - tf.origin.x) / tf.scale, my = (at.y - tf.origin.y) / tf.scale;
    const float new_scale = fit * new_zoom;
    state.zoom = new_zoom <= 1.0001f ? 0.0f : new_zoom;
    state.cx = std::clamp((mx - (at.x + pan.x - lo.x - size.x * 0.5f) / new_scale) / shown.w, 0.0f, 1.0f);
    state.cy = std::clamp((my - (at.y + pan.y - lo.y - size.y * 0.5f) / new_scale) / shown.h, 0.0f, 1.0f);
  };
  if (ImGui::IsItemHovered()) {
    if (io.MouseWheel != 0.0f) zoom_about(io.MousePos, zoom * std::pow(1.2f, io.MouseWheel), ImVec2(0, 0));
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) state.zoom = 0.0f;
  }
  // Two fingers that began on this view: pinch zooms about their centre, moving them pans.
  const touch::Pinch& pinch = touch::pinch();
  const ImVec2 clip_lo = ImGui::GetWindowDrawList()->GetClipRectMin(), clip_hi = ImGui::GetWindowDrawList()->GetClipRectMax();
  const auto inside = [&](ImVec2 p) {
    return p.x >= std::max(lo.x, clip_lo.x) && p.y >= std::max(lo.y, clip_lo.y) && p.x < std::min(hi.x, clip_hi.x) && p.y < std::min(hi.y, clip_hi.y);
  };
  if (pinch.active && inside(pinch.start))
    zoom_about(ImVec2(pinch.centre.x - pinch.pan.x, pinch.centre.y - pinch.pan.y), zoom * pinch.scale, pinch.pan);
  PaintTool& tool = paint_tool();
  const bool painting = tool.on && shows_input_;
  if (painting && ImGui::IsItemVisible()) {
    const ImVec2 a(std::max(lo.x, clip_lo.x), std::max(lo.y, clip_lo.y)), b(std::min(hi.x, clip_hi.x), std::min(hi.y, clip_hi.y));
    if (b.x > a.x && b.y > a.y) tool.boxes.push_back(ImVec4(a.x, a.y, b.x - a.x, b.y - a.y));
  }
  if (painting) {
    // The stroke follows every position the pointer took since the last frame (press to release), not
    // only where it is now: a fast drag is still one smooth line, and its first dab is where it pressed.
    const bool held = ImGui::IsItemActive() && io.MouseDown[0];
    if (held || stroking_) {
      const std::vector<ImVec2>& trail = touch::pressed_trail();
      const auto add = [&](ImVec2 p) {
        const ImVec2 at((p.x - tf.origin.x) / tf.scale - float(input_dx_), (p.y - tf.origin.y) / tf.scale - float(input_dy_));
        if (!stroking_ || at.x != last_paint_.x || at.y != last_paint_.y) {
          const ImVec2 from = stroking_ ? last_paint_ : at;
          tool.strokes.push_back(PaintStroke{from.x, from.y, at.x, at.y});
        }
        last_paint_ = at;
        stroking_ = true;
      };
      for (const ImVec2& p : trail) add(p);
      if (held) add(io.MousePos);
    }
    stroking_ = held;
  } else if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left) && state.zoom > 0.0f) {
    state.cx = std::clamp(state.cx - io.MouseDelta.x / (tf.scale * shown.w), 0.0f, 1.0f);
    state.cy = std::clamp(state.cy - io.MouseDelta.y / (tf.scale * shown.h), 0.0f, 1.0f);
  }

  // The box's colour only where the (opaque) image leaves it uncovered: a zoomed image fills the box,
  // and filling under it would cost a second layer of pixels for nothing.
  const ImVec2 a(std::clamp(tf.origin.x, lo.x, hi.x), std::clamp(tf.origin.y, lo.y, hi.y));
  const ImVec2 b(std::clamp(tf.origin.x + shown.w * tf.scale, lo.x, hi.x),
                 std::clamp(tf.origin.y + shown.h * tf.scale, lo.y, hi.y));
  if (a.y > lo.y) dl->AddRectFilled(lo, ImVec2(hi.x, a.y), box_colour);
  if (b.y < hi.y) dl->AddRectFilled(ImVec2(lo.x, b.y), hi, box_colour);
  if (a.x > lo.x) dl->AddRectFilled(ImVec2(lo.x, a.y), ImVec2(a.x, b.y), box_colour);
  if (b.x < hi.x) dl->AddRectFilled(ImVec2(b.x, a.y), ImVec2(hi.x, b.y), box_colour);
  dl->PushClipRect(lo, hi, true);
  dl->AddImage(texture_.imgui_id(), tf.to_screen(0, 0), tf.to_screen(float(shown.w), float(shown.h)));
  if (tf.scale >= 8.0f) draw_values(dl, tf, lo, hi);
  if (overlay) overlay(dl, tf);
  if (ImGui::IsItemHovered()) {
    const int x = int(std::floor((io.MousePos.x - tf.origin.x) / tf.scale));
    const int y = int(std::floor((io.MousePos.y - tf.origin.y) / tf.scale));
    if (x >= 0 && y >= 0 && x < shown.w && y < shown.h) {
      hover = Hover{true, x, y};
      if (!painting) {
        const ImVec2 p = tf.to_screen(float(x), float(y));
        dl->AddRect(p, ImVec2(p.x + tf.scale, p.y + tf.scale), IM_COL32(255, 230, 0, 255), 0, 0, 2.0f);
        ImGui::BeginTooltip();
        ImGui::Text("pixel (x %d, y %d)", x, y);
        const char* names[3] = {"R", "G", "B"};
        for (int c = 0; c < shown.c && c < 8; ++c)
          ImGui::Text("%s %.4f", shown.c == 3 ? names[c] : ("ch " + std::to_string(c)).c_str(),
                      double(tensor_.value(c, y, x)));  // one value: nothing copied
        ImGui::EndTooltip();
      }
    }
  }
  if (painting && (ImGui::IsItemHovered() || ImGui::IsItemActive()) && !touch::in_use()) {
    // The brush's outline instead of the pixel's tooltip, which would hide what is being painted.
    const float r = std::max(2.0f, float(brush_radius(tool.size)) * tf.scale);
    dl->AddCircle(io.MousePos, r, IM_COL32(0, 0, 0, 220), 0, 3.0f);
    dl->AddCircle(io.MousePos, r, IM_COL32(255, 255, 255, 255), 0, 1.5f);
  }
  dl->PopClipRect();
  dl->AddRect(lo, hi, IM_COL32(70, 75, 85, 255));
  if (legend) draw_legend(mode_, range_, size.x);
  ImGui::PopID();
  return hover;
}
