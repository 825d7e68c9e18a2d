#include "image.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.h"

namespace convlab {

Tensor from_rgba8(const std::uint8_t* rgba, int width, int height, int channels) {
  if (channels != 1 && channels != 3)
    fail(ErrorCode::InvalidArgument, "channels must be 1 or 3, got " + std::to_string(channels));
  checked_count("image", {height, width, 4});
  if (rgba == nullptr) fail(ErrorCode::InvalidArgument, "image data must not be null");
  Tensor out(channels, height, width);
  const std::size_t n = std::size_t(width) * height;
  for (std::size_t i = 0; i < n; ++i) {
    const int r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
    if (channels == 3) {
      out.data[i] = float(r / 255.0);
      out.data[n + i] = float(g / 255.0);
      out.data[2 * n + i] = float(b / 255.0);
    } else {
      // Integer weights keep white exactly 1.0: (299 + 587 + 114) * 255 / 255000.
      out.data[i] = float((299 * r + 587 * g + 114 * b) / 255000.0);
    }
  }
  return out;
}

namespace {

// Round half up of 255 * t, t clamped to [0, 1].
std::uint8_t to_byte(double t) {
  if (!(t > 0)) return 0;
  if (t >= 1) return 255;
  return std::uint8_t(std::floor(t * 255.0 + 0.5));
}

void diverging_colour(double t, std::uint8_t* rgb) {
  t = std::min(1.0, std::max(0.0, t));
  const double f = t * 4.0;
  const int i = std::min(3, int(f));
  const double frac = f - i;
  for (int c = 0; c < 3; ++c) {
    const double a = kDivergingStops[i][c], b = kDivergingStops[i + 1][c];
    rgb[c] = std::uint8_t(std::floor(a + (b - a) * frac + 0.5));
  }
}

// Position t in [0, 1] along the mode's range of value v (finite or +-Inf, never NaN).
// MinMax of a constant image returns 0.5 (byte 128) for the constant itself.
double position(float v, DisplayMode mode, double lo, double hi) {
  switch (mode) {
    case DisplayMode::Clamp: return v;
    case DisplayMode::MinMax:
      if (hi > lo) return (double(v) - lo) / (hi - lo);
      return v > lo ? 1.0 : v < lo ? 0.0 : 0.5;
    case DisplayMode::Absolute:
      if (hi > 0) return std::abs(double(v)) / hi;
      return v != 0 ? 1.0 : 0.0;
    case DisplayMode::Diverging:
      if (hi > 0) return 0.5 + double(v) / (2.0 * hi);
      return v > 0 ? 1.0 : v < 0 ? 0.0 : 0.5;
  }
  return 0;
}

}  // namespace

std::vector<std::uint8_t> to_rgba8(const Tensor& t, int channel, DisplayMode mode, DisplayRange* range_used) {
  check_tensor("tensor", t);
  if (channel < -1 || channel >= t.c)
    fail(ErrorCode::InvalidArgument, "channel must be -1 or within 0.." + std::to_string(t.c - 1) + ", got " +
                                         std::to_string(channel));
  // The displayed channels: planes[k] feeds output colour k; one plane means grey (or the colour map).
  std::vector<int> planes;
  if (channel >= 0)
    planes = {channel};
  else
    for (int c = 0; c < std::min(t.c, 3); ++c) planes.push_back(c);
  if (mode == DisplayMode::Diverging && planes.size() > 1)
    fail(ErrorCode::InvalidArgument, "diverging display needs one channel: pass a channel >= 0 for a " +
                                         std::to_string(t.c) + "-channel tensor, got -1");

  // Range over the finite values of the displayed planes.
  double lo = 0, hi = 0, max_abs = 0;
  bool any = false;
  const std::size_t n = std::size_t(t.h) * t.w;
  for (int c : planes) {
    const float* p = t.plane(c);
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(p[i])) continue;
      const double v = p[i];
      if (!any) lo = hi = v, any = true;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      max_abs = std::max(max_abs, std::abs(v));
    }
  }
  DisplayRange range{0.0f, 1.0f};
  switch (mode) {
    case DisplayMode::Clamp: lo = 0, hi = 1; break;
    case DisplayMode::MinMax: range = {float(lo), float(hi)}; break;
    case DisplayMode::Absolute: lo = 0, hi = max_abs, range = {0.0f, float(max_abs)}; break;
    case DisplayMode::Diverging: lo = -max_abs, hi = max_abs, range = {float(-max_abs), float(max_abs)}; break;
  }
  if (range_used) *range_used = range;

  std::vector<std::uint8_t> out(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t* px = &out[4 * i];
    px[3] = 255;
    bool nan = false;
    for (int c : planes) nan = nan || std::isnan(t.plane(c)[i]);
    if (nan) {
      std::copy(kNanColour, kNanColour + 3, px);
      continue;
    }
    if (mode == DisplayMode::Diverging) {
      diverging_colour(position(t.plane(planes[0])[i], mode, lo, hi), px);
    } else if (planes.size() == 1) {
      px[0] = px[1] = px[2] = to_byte(position(t.plane(planes[0])[i], mode, lo, hi));
    } else {
      px[2] = 0;
      for (std::size_t k = 0; k < planes.size(); ++k) px[k] = to_byte(position(t.plane(planes[k])[i], mode, lo, hi));
    }
  }
  return out;
}

std::vector<std::uint8_t> colormap_legend(DisplayMode mode, int width) {
  if (width < 1) fail(ErrorCode::InvalidShape, "legend width must be >= 1, got " + std::to_string(width));
  checked_count("legend", {width, 4});
  std::vector<std::uint8_t> out(std::size_t(width) * 4);
  for (int i = 0; i < width; ++i) {
    const double t = width == 1 ? 0.0 : double(i) / (width - 1);
    std::uint8_t* px = &out[std::size_t(i) * 4];
    px[3] = 255;
    if (mode == DisplayMode::Diverging)
      diverging_colour(t, px);
    else
      px[0] = px[1] = px[2] = to_byte(t);
  }
  return out;
}

namespace {

// Source pixels an output pixel covers along one axis, with integer weights: output o spans
// [o * n, (o + 1) * n) and source s spans [s * on, (s + 1) * on) in units of 1 / (n * on) of the
// axis; the weight is their overlap. The weights of one output sum to n.
struct Span {
  int first;
  std::vector<std::int64_t> weights;
};

std::vector<Span> area_spans(int n, int on) {
  std::vector<Span> spans(on);
  for (int o = 0; o < on; ++o) {
    const std::int64_t a = std::int64_t(o) * n, b = std::int64_t(o + 1) * n;
    const int s0 = int(a / on), s1 = int((b - 1) / on);
    spans[o].first = s0;
    for (int s = s0; s <= s1; ++s)
      spans[o].weights.push_back(std::min(b, std::int64_t(s + 1) * on) - std::max(a, std::int64_t(s) * on));
  }
  return spans;
}

}  // namespace

std::vector<std::uint8_t> downscale_rgba8(const std::uint8_t* rgba, int width, int height, int max_side, int* out_w,
                                          int* out_h) {
  checked_count("image", {height, width, 4});
  if (rgba == nullptr) fail(ErrorCode::InvalidArgument, "image data must not be null");
  if (max_side < 1) fail(ErrorCode::InvalidShape, "max side must be >= 1, got " + std::to_string(max_side));
  int ow = width, oh = height;
  if (std::max(width, height) > max_side) {
    const std::int64_t longer = std::max(width, height), shorter = std::min(width, height);
    const int small = int(std::max<std::int64_t>(1, (2 * shorter * max_side + longer) / (2 * longer)));
    ow = width >= height ? max_side : small;
    oh = width >= height ? small : max_side;
  }
  if (out_w) *out_w = ow;
  if (out_h) *out_h = oh;
  if (ow == width && oh == height) return std::vector<std::uint8_t>(rgba, rgba + std::size_t(width) * height * 4);

  const std::vector<Span> xs = area_spans(width, ow), ys = area_spans(height, oh);
  const std::int64_t total = std::int64_t(width) * height;  // sum of all weights of one output pixel
  std::vector<std::uint8_t> out(std::size_t(ow) * oh * 4);
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox) {
      std::int64_t acc[4] = {0, 0, 0, 0};
      const Span& sy = ys[oy];
      const Span& sx = xs[ox];
      for (std::size_t j = 0; j < sy.weights.size(); ++j) {
        const std::uint8_t* row = rgba + std::size_t(sy.first + j) * width * 4;
        for (std::size_t i = 0; i < sx.weights.size(); ++i) {
          const std::int64_t wgt = sy.weights[j] * sx.weights[i];
          const std::uint8_t* px = row + (sx.first + i) * 4;
          for (int c = 0; c < 4; ++c) acc[c] += wgt * px[c];
        }
      }
      std::uint8_t* dst = &out[(std::size_t(oy) * ow + ox) * 4];
      for (int c = 0; c < 4; ++c) dst[c] = std::uint8_t((2 * acc[c] + total) / (2 * total));
    }
  return out;
}

}  // namespace convlab
