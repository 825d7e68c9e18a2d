#include "paint.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "image.h"

void PixelRect::include(const PixelRect& r) {
  if (r.empty()) return;
  if (empty()) {
    *this = r;
    return;
  }
  x0 = std::min(x0, r.x0), y0 = std::min(y0, r.y0);
  x1 = std::max(x1, r.x1), y1 = std::max(y1, r.y1);
}

double brush_radius(float size) {
  return std::max(std::clamp(double(size), 1.0, 4096.0) * 0.5, std::sqrt(0.5));
}

bool brush_covers(double ax, double ay, double bx, double by, double radius, int px, int py) {
  const double cx = px + 0.5, cy = py + 0.5;
  const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((cx - ax) * dx + (cy - ay) * dy) / len2, 0.0, 1.0) : 0.0;
  const double ex = cx - (ax + t * dx), ey = cy - (ay + t * dy);
  return ex * ex + ey * ey <= radius * radius;
}

void PaintLayer::reset(int width, int height) {
  width_ = std::max(0, width);
  height_ = std::max(0, height);
  mask_.assign(std::size_t(width_) * height_, 0);
  colour_.assign(std::size_t(width_) * height_ * 3, 0);
  painted_ = 0;
}

PixelRect PaintLayer::stroke(float ax, float ay, float bx, float by, const Brush& brush) {
  PixelRect changed;
  if (!std::isfinite(ax) || !std::isfinite(ay) || !std::isfinite(bx) || !std::isfinite(by) || !std::isfinite(brush.size))
    return changed;
  const double radius = brush_radius(brush.size);
  // Pixels whose centre can be within the radius of the segment; clamped first so a pointer far outside
  // the image costs nothing.
  const auto clamp_to = [](double v, int hi) { return int(std::clamp(v, -1.0, double(hi) + 1.0)); };
  const int x0 = std::max(0, clamp_to(std::floor(std::min(ax, bx) - radius - 0.5), width_));
  const int y0 = std::max(0, clamp_to(std::floor(std::min(ay, by) - radius - 0.5), height_));
  const int x1 = std::min(width_, clamp_to(std::ceil(std::max(ax, bx) + radius - 0.5), width_) + 1);
  const int y1 = std::min(height_, clamp_to(std::ceil(std::max(ay, by) + radius - 0.5), height_) + 1);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      if (!brush_covers(ax, ay, bx, by, radius, x, y)) continue;
      const std::size_t i = std::size_t(y) * width_ + x;
      std::uint8_t* c = &colour_[3 * i];
      bool change = false;
      if (brush.erase) {
        change = mask_[i] != 0;
        if (change) --painted_;
        mask_[i] = 0;
      } else {
        change = mask_[i] == 0 || c[0] != brush.r || c[1] != brush.g || c[2] != brush.b;
        if (mask_[i] == 0) ++painted_;
        mask_[i] = 1;
        c[0] = brush.r, c[1] = brush.g, c[2] = brush.b;
      }
      if (change) changed.include(PixelRect{x, y, x + 1, y + 1});
    }
  return changed;
}

void PaintLayer::composite(const RgbaImage& original, const PixelRect& r, RgbaImage& out) const {
  if (original.width != width_ || original.height != height_) return;
  if (out.width != width_ || out.height != height_ || out.rgba.size() != original.rgba.size()) out = original;
  const int x0 = std::max(0, r.x0), y0 = std::max(0, r.y0), x1 = std::min(width_, r.x1), y1 = std::min(height_, r.y1);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const std::size_t i = std::size_t(y) * width_ + x;
      const std::uint8_t* from = mask_[i] ? &colour_[3 * i] : &original.rgba[4 * i];
      std::uint8_t* to = &out.rgba[4 * i];
      to[0] = from[0], to[1] = from[1], to[2] = from[2];
      to[3] = original.rgba[4 * i + 3];
    }
}

void update_input_rect(const RgbaImage& image, const PixelRect& r, convlab::Tensor& input) {
  const int x0 = std::max(0, r.x0), y0 = std::max(0, r.y0);
  const int x1 = std::min(image.width, r.x1), y1 = std::min(image.height, r.y1);
  if (x1 <= x0 || y1 <= y0 || input.h != image.height || input.w != image.width) return;
  // The rectangle's rows side by side, converted by the core's own function.
  const int w = x1 - x0, h = y1 - y0;
  std::vector<std::uint8_t> rows(std::size_t(w) * h * 4);
  for (int y = 0; y < h; ++y)
    std::memcpy(&rows[std::size_t(y) * w * 4], &image.rgba[(std::size_t(y0 + y) * image.width + x0) * 4], std::size_t(w) * 4);
  const convlab::Tensor part = convlab::from_rgba8(rows.data(), w, h, input.c);
  for (int c = 0; c < input.c; ++c)
    for (int y = 0; y < h; ++y)
      std::memcpy(&input.at(c, y0 + y, x0), &part.data[(std::size_t(c) * h + y) * w], std::size_t(w) * sizeof(float));
}
