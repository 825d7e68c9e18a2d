#include "image.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

// Round half up of 255 * t, t clamped to [0, 1] (NaN -> 0). Branch-free so that loops of it vectorise;
// the argument of the cast is >= 0.5, where truncation is floor (no libm call).
std::uint8_t to_byte(double t) {
  t = t > 0 ? t : 0.0;
  t = t < 1 ? t : 1.0;
  return std::uint8_t(int(t * 255.0 + 0.5));
}

void diverging_colour(double t, std::uint8_t* rgb) {
  t = std::min(1.0, std::max(0.0, t));
  const double f = t * 4.0;
  const int i = std::min(3, int(f));
  const double frac = f - i;
  for (int c = 0; c < 3; ++c) {
    const double a = kDivergingStops[i][c], b = kDivergingStops[i + 1][c];
    rgb[c] = std::uint8_t(int(a + (b - a) * frac + 0.5));  // >= 0.5: truncation is floor
  }
}

// Position u[i] in [0, 1] of value p[i] along the mode's range (finite or +-Inf; NaN values give
// anything, their pixels are painted over). MinMax of a constant image puts the constant at 0.5 (byte
// 128). The cases that do not depend on the value are decided outside the loops, so the loops vectorise.
void positions(DisplayMode mode, const float* p, int n, double lo, double hi, double* u) {
  switch (mode) {
    case DisplayMode::Clamp:
      for (int i = 0; i < n; ++i) u[i] = p[i];
      return;
    case DisplayMode::MinMax:
      if (hi > lo)
        for (int i = 0; i < n; ++i) u[i] = (double(p[i]) - lo) / (hi - lo);
      else
        for (int i = 0; i < n; ++i) u[i] = p[i] > lo ? 1.0 : p[i] < lo ? 0.0 : 0.5;
      return;
    case DisplayMode::Absolute:
      if (hi > 0)
        for (int i = 0; i < n; ++i) u[i] = std::abs(double(p[i])) / hi;
      else
        for (int i = 0; i < n; ++i) u[i] = p[i] != 0 ? 1.0 : 0.0;
      return;
    case DisplayMode::Diverging:
      if (hi > 0)
        for (int i = 0; i < n; ++i) u[i] = 0.5 + double(p[i]) / (2.0 * hi);
      else
        for (int i = 0; i < n; ++i) u[i] = p[i] > 0 ? 1.0 : p[i] < 0 ? 0.0 : 0.5;
      return;
  }
}

// Finite min, max and max |x| of a plane, folded into the running values (lo > hi: none seen yet).
// Eight independent lanes of selects (v - v == 0 is false exactly for NaN and +-Inf), so the loop
// vectorises without -ffast-math; min and max of floats are exact in any order.
void finite_range(const float* p, std::size_t n, float& lo, float& hi, float& max_abs) {
  constexpr int kLanes = 8;
  float l[kLanes], h[kLanes], m[kLanes];
  for (int j = 0; j < kLanes; ++j) l[j] = lo, h[j] = hi, m[j] = max_abs;
  const auto fold = [&](int j, float v) {
    const bool finite = v - v == 0;
    l[j] = finite && v < l[j] ? v : l[j];
    h[j] = finite && v > h[j] ? v : h[j];
    const float a = finite ? std::abs(v) : 0.0f;
    m[j] = a > m[j] ? a : m[j];
  };
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) fold(j, p[i + j]);
  for (; i < n; ++i) fold(0, p[i]);
  for (int j = 0; j < kLanes; ++j) lo = std::min(lo, l[j]), hi = std::max(hi, h[j]), max_abs = std::max(max_abs, m[j]);
}

}  // namespace

// Plane-at-a-time over chunks that stay in cache: positions, then bytes, then one interleaving pass into
// RGBA that also paints NaN pixels. This runs on every drag in the page (a 1024x1024 RGB output), so the
// per-value work is a few vectorised operations rather than a per-pixel switch.
std::vector<std::uint8_t> to_rgba8(const Tensor& t, int channel, DisplayMode mode, DisplayRange* range_used) {
  check_tensor("tensor", t);
  if (channel < -1 || channel >= t.c)
    fail(ErrorCode::InvalidArgument, "channel must be -1 or within 0.." + std::to_string(t.c - 1) + ", got " +
                                         std::to_string(channel));
  // The displayed channels: planes[k] feeds output colour k; one plane means grey (or the colour map).
  std::vector<const float*> planes;
  if (channel >= 0)
    planes = {t.plane(channel)};
  else
    for (int c = 0; c < std::min(t.c, 3); ++c) planes.push_back(t.plane(c));
  if (mode == DisplayMode::Diverging && planes.size() > 1)
    fail(ErrorCode::InvalidArgument, "diverging display needs one channel: pass a channel >= 0 for a " +
                                         std::to_string(t.c) + "-channel tensor, got -1");

  // Range over the finite values of the displayed planes (min, max and |x| of floats are exact in float).
  float flo = std::numeric_limits<float>::infinity(), fhi = -flo, fmax_abs = 0;
  const std::size_t n = std::size_t(t.h) * t.w;
  for (const float* p : planes) finite_range(p, n, flo, fhi, fmax_abs);
  if (flo > fhi) flo = fhi = 0;  // no finite value
  double lo = flo, hi = fhi;
  DisplayRange range{0.0f, 1.0f};
  switch (mode) {
    case DisplayMode::Clamp: lo = 0, hi = 1; break;
    case DisplayMode::MinMax: range = {flo, fhi}; break;
    case DisplayMode::Absolute: lo = 0, hi = fmax_abs, range = {0.0f, fmax_abs}; break;
    case DisplayMode::Diverging: lo = -double(fmax_abs), hi = fmax_abs, range = {-fmax_abs, fmax_abs}; break;
  }
  if (range_used) *range_used = range;

  std::vector<std::uint8_t> out(n * 4);
  constexpr int kChunk = 512;
  double u[kChunk];
  std::uint8_t bytes[3][kChunk] = {};
  std::uint8_t nan[kChunk];
  const bool grey = planes.size() == 1;
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const int m = int(std::min<std::size_t>(kChunk, n - i0));
    std::uint8_t* px = out.data() + 4 * i0;
    std::fill(nan, nan + m, 0);
    for (std::size_t k = 0; k < planes.size(); ++k) {
      const float* p = planes[k] + i0;
      for (int i = 0; i < m; ++i) nan[i] |= std::isnan(p[i]);
      positions(mode, p, m, lo, hi, u);
      if (mode == DisplayMode::Diverging)
        for (int i = 0; i < m; ++i) diverging_colour(u[i], px + 4 * i);
      else
        for (int i = 0; i < m; ++i) bytes[k][i] = to_byte(u[i]);
    }
    for (int i = 0; i < m; ++i, px += 4) {
      if (mode != DisplayMode::Diverging) {
        px[0] = bytes[0][i];
        px[1] = grey ? bytes[0][i] : bytes[1][i];
        px[2] = grey ? bytes[0][i] : bytes[2][i];  // two planes: bytes[2] stays 0 (blue off)
      }
      px[3] = 255;
      if (nan[i]) px[0] = kNanColour[0], px[1] = kNanColour[1], px[2] = kNanColour[2];
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
