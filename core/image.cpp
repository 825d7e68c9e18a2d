#include "image.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "error.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "to_rgba8 writes pixels as little-endian words"
#endif

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

const char* display_mode_name(DisplayMode mode) {
  switch (mode) {
    case DisplayMode::Clamp: return "clamp";
    case DisplayMode::MinMax: return "minmax";
    case DisplayMode::Absolute: return "abs";
    case DisplayMode::Diverging: return "diverging";
  }
  return "clamp";
}

std::optional<DisplayMode> parse_display_mode(const std::string& name) {
  for (DisplayMode m : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute, DisplayMode::Diverging})
    if (name == display_mode_name(m)) return m;
  return std::nullopt;
}

namespace {

// The helpers of to_rgba8 are noexcept: under Emscripten's exception emulation a call that may throw, made
// from a function with cleanups, goes out to a JS trampoline and back, which cost the diverging fix-ups
// about 0.7 us per value (a 1024x1024 diverging view took 27 ms in Node, now 9).

// Round half up of 255 * t, t clamped to [0, 1] (NaN -> 0). Branch-free so that loops of it vectorise;
// the argument of the cast is >= 0.5, where truncation is floor (no libm call).
std::uint8_t to_byte(double t) noexcept {
  t = t > 0 ? t : 0.0;
  t = t < 1 ? t : 1.0;
  return std::uint8_t(int(t * 255.0 + 0.5));
}

void diverging_colour(double t, std::uint8_t* rgb) noexcept {
  t = std::min(1.0, std::max(0.0, t));
  const double f = t * 4.0;
  const int i = std::min(3, int(f));
  const double frac = f - i;
  for (int c = 0; c < 3; ++c) {
    const double a = kDivergingStops[i][c], b = kDivergingStops[i + 1][c];
    rgb[c] = std::uint8_t(int(a + (b - a) * frac + 0.5));  // >= 0.5: truncation is floor
  }
}

// Position u in [0, 1] of one value p along the mode's range, where the range is not degenerate
// (hi > lo for MinMax, hi > 0 for Absolute and Diverging). The one definition: positions() runs it over
// chunks, FloatBytes and FloatDiverging recompute their flagged values with it.
double position(DisplayMode mode, float p, double lo, double hi) noexcept {
  switch (mode) {
    case DisplayMode::Clamp: return p;
    case DisplayMode::MinMax: return (double(p) - lo) / (hi - lo);
    case DisplayMode::Absolute: return std::abs(double(p)) / hi;
    case DisplayMode::Diverging: return 0.5 + double(p) / (2.0 * hi);
  }
  return p;
}

// Position u[i] of value p[i] (finite or +-Inf; NaN values give anything, their pixels are painted
// over). A degenerate range maps by sign: MinMax of a constant image puts the constant at 0.5 (byte 128).
// The mode and the range's kind are decided outside the loops (position() is called with a constant
// mode), so the loops vectorise.
void positions(DisplayMode mode, const float* p, int n, double lo, double hi, double* u) noexcept {
  switch (mode) {
    case DisplayMode::Clamp:
      for (int i = 0; i < n; ++i) u[i] = position(DisplayMode::Clamp, p[i], lo, hi);
      return;
    case DisplayMode::MinMax:
      if (hi > lo)
        for (int i = 0; i < n; ++i) u[i] = position(DisplayMode::MinMax, p[i], lo, hi);
      else
        for (int i = 0; i < n; ++i) u[i] = p[i] > lo ? 1.0 : p[i] < lo ? 0.0 : 0.5;
      return;
    case DisplayMode::Absolute:
      if (hi > 0)
        for (int i = 0; i < n; ++i) u[i] = position(DisplayMode::Absolute, p[i], lo, hi);
      else
        for (int i = 0; i < n; ++i) u[i] = p[i] != 0 ? 1.0 : 0.0;
      return;
    case DisplayMode::Diverging:
      if (hi > 0)
        for (int i = 0; i < n; ++i) u[i] = position(DisplayMode::Diverging, p[i], lo, hi);
      else
        for (int i = 0; i < n; ++i) u[i] = p[i] > 0 ? 1.0 : p[i] < 0 ? 0.0 : 0.5;
      return;
  }
}

// Whether a float scale factor is a normal, finite float: where it is not, the float paths below
// cannot carry the mapping and the double loops are used.
bool normal_float(float scale) noexcept {
  return scale >= std::numeric_limits<float>::min() && scale <= std::numeric_limits<float>::max();
}

// Calls fix(begin, end) on the groups of eight flags in near[0, n) that have any flag set, then on the
// partial last group. Flagged values are rare, so eight are looked at at a time; a fixed-size copy is
// one load, where a variable-size one is a call to memcpy in wasm (a 1024x1024 RGB view: 9.6 -> 7 ms).
template <class Fix>
void for_flagged_groups(const std::uint8_t* near, int n, Fix fix) noexcept {
  int i0 = 0;
  for (; i0 + 8 <= n; i0 += 8) {
    std::uint64_t flags;
    std::memcpy(&flags, near + i0, 8);
    if (flags) fix(i0, i0 + 8);
  }
  fix(i0, n);
}

// The grey modes' bytes in float, four or eight values per instruction: v = 255 u as (p - origin) * scale
// (|p| * scale for Absolute), byte = floor(clamp(v, 0, 255) + 0.5). Float rounding moves v + 0.5 by less
// than 1e-4 (three roundings of a value below 256, one of the scale), so the byte can differ from the
// double definition only where v + 0.5 lies that close to an integer: such values are flagged and their
// bytes recomputed in double. ok() is false where float cannot carry the mapping (a range wider than
// FLT_MAX, or so narrow that 255 / range overflows), and the double loops are used instead.
class FloatBytes {
 public:
  FloatBytes(DisplayMode mode, double lo, double hi) : mode_(mode), lo_(lo), hi_(hi) {
    double scale = 255.0;
    if (mode == DisplayMode::MinMax) scale = hi > lo ? 255.0 / (hi - lo) : 0.0, origin_ = float(lo);
    if (mode == DisplayMode::Absolute) scale = hi > 0 ? 255.0 / hi : 0.0;
    scale_ = float(scale);
    ok_ = mode != DisplayMode::Diverging && hi - lo <= std::numeric_limits<float>::max() && normal_float(scale_);
  }
  bool ok() const { return ok_; }

  // n <= kChunk values of p -> bytes; near: scratch for the flags.
  void run(const float* p, int n, std::uint8_t* bytes, std::uint8_t* near) noexcept {
    float* v = v_;
    if (mode_ == DisplayMode::Absolute)
      for (int i = 0; i < n; ++i) v[i] = std::abs(p[i]) * scale_;
    else
      for (int i = 0; i < n; ++i) v[i] = (p[i] - origin_) * scale_;
    for (int i = 0; i < n; ++i) {
      float x = v[i] > 0.0f ? v[i] : 0.0f;  // NaN -> 0 (painted over later)
      x = x < 255.0f ? x : 255.0f;
      const float w = x + 0.5f;
      const int b = int(w);  // w >= 0.5: truncation is floor
      const float frac = w - float(b);  // exact
      bytes[i] = std::uint8_t(b);
      near[i] = (frac < kSlack) | (frac > 1.0f - kSlack);
    }
    for_flagged_groups(near, n, [&](int begin, int end) {
      for (int i = begin; i < end; ++i)
        if (near[i]) bytes[i] = to_byte(position(mode_, p[i], lo_, hi_));
    });
  }

  static constexpr int kChunk = 512;

 private:
  static constexpr float kSlack = 1.0f / 1024;  // > 10x the float error bound above
  DisplayMode mode_;
  double lo_, hi_;
  float origin_ = 0.0f, scale_ = 0.0f;
  bool ok_ = false;
  float v_[kChunk];
};

// The diverging map in float, as FloatBytes does for the grey modes: f = 4u = 2 + p * (2 / m) picks the
// segment i = min(3, floor f) between two stops, frac = f - i, and each channel is
// floor(a + (b - a) * frac + 0.5). Float moves f by less than 1e-6 and so a channel's value by less than
// 3e-4 (|b - a| <= 255), even where float and double fall on the two sides of a join between segments:
// the map is continuous there. So a value is recomputed with the double definition only where a
// channel's value lies within 1/256 of a rounding boundary; at a join (zero, for one) it lies halfway.
// The stops are picked with selects, not an indexed load, so the loop vectorises.
class FloatDiverging {
 public:
  explicit FloatDiverging(double m) : m_(m), scale_(m > 0 ? float(2.0 / m) : 0.0f) {
    ok_ = m > 0 && m <= std::numeric_limits<float>::max() && normal_float(scale_);
  }
  bool ok() const { return ok_; }

  // n <= kChunk values of p -> the three channels' bytes; near: scratch for the flags.
  void run(const float* p, int n, std::uint8_t* const rgb[3], std::uint8_t* near) noexcept {
    // Stop k of channel c as stop[c][0] + the steps before it: with g_k = (segment >= k) as 0 or 1 the two
    // ends of the segment are sums of small integers, exact in float, and need no branch or lookup.
    float first[2][3], step[4][3];
    for (int c = 0; c < 3; ++c) {
      first[0][c] = kDivergingStops[0][c];
      first[1][c] = kDivergingStops[1][c];
      for (int k = 0; k < 4; ++k) step[k][c] = float(kDivergingStops[k + 1][c]) - float(kDivergingStops[k][c]);
    }
    std::uint8_t* __restrict r = rgb[0];
    std::uint8_t* __restrict g = rgb[1];
    std::uint8_t* __restrict b = rgb[2];
    std::uint8_t* __restrict flag_out = near;
    for (int i = 0; i < n; ++i) {
      float f = 2.0f + p[i] * scale_;
      f = f > 0.0f ? f : 0.0f;  // NaN -> 0 (painted over later)
      f = f < 4.0f ? f : 4.0f;
      const int whole = int(f);
      const int seg = whole < 3 ? whole : 3;
      const float frac = f - float(seg);
      const float g1 = float(seg >= 1), g2 = float(seg >= 2), g3 = float(seg >= 3);
      std::uint8_t flag = 0;
      std::uint8_t out[3];
      for (int c = 0; c < 3; ++c) {
        const float lo = first[0][c] + g1 * step[0][c] + g2 * step[1][c] + g3 * step[2][c];
        const float hi = first[1][c] + g1 * step[1][c] + g2 * step[2][c] + g3 * step[3][c];
        const float v = lo + (hi - lo) * frac + 0.5f;
        const int byte = int(v);  // v >= 0.5: truncation is floor
        const float rest = v - float(byte);
        out[c] = std::uint8_t(byte);
        flag |= (rest < kSlack) | (rest > 1.0f - kSlack);
      }
      r[i] = out[0], g[i] = out[1], b[i] = out[2];
      flag_out[i] = flag;
    }
    for_flagged_groups(near, n, [&](int begin, int end) {
      for (int i = begin; i < end; ++i) {
        if (!near[i]) continue;
        std::uint8_t px[3];
        diverging_colour(position(DisplayMode::Diverging, p[i], -m_, m_), px);
        for (int c = 0; c < 3; ++c) rgb[c][i] = px[c];
      }
    });
  }

 private:
  static constexpr float kSlack = 1.0f / 256;  // > 10x the error of a channel's value
  double m_;
  float scale_;
  bool ok_ = false;
};

// Finite min, max and max |x| of a plane, folded into the running values (lo > hi: none seen yet).
// On the floats' bits as integers: sign-magnitude bits become +-magnitude, which orders like the floats
// (-0 and +0 both 0), and NaN / +-Inf (magnitude >= the all-ones exponent) are masked out with
// arithmetic instead of branches or float selects, so the loop vectorises in GCC, clang and wasm.
void fold_finite_range(const float* p, std::size_t n, float& lo, float& hi, float& max_abs) noexcept {
  constexpr std::int32_t kInfBits = 0x7f800000, kMax = std::numeric_limits<std::int32_t>::max();
  std::int32_t lo_key = kMax, hi_key = -kMax, abs_key = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t bits;
    std::memcpy(&bits, p + i, sizeof bits);
    const std::int32_t mag = bits & kMax;
    const std::int32_t sign = bits >> 31;                 // 0 or -1
    const std::int32_t finite = (mag - kInfBits) >> 31;   // -1 where mag < kInfBits, else 0
    const std::int32_t key = ((mag ^ sign) - sign) & finite;
    const std::int32_t for_min = key | (kMax & ~finite), for_max = key | (-kMax & ~finite);
    lo_key = lo_key < for_min ? lo_key : for_min;
    hi_key = hi_key > for_max ? hi_key : for_max;
    abs_key = abs_key > (mag & finite) ? abs_key : (mag & finite);
  }
  if (lo_key > hi_key) return;  // no finite value here
  const auto value = [](std::int32_t key) {  // +-magnitude back to the float
    const std::int32_t bits = key < 0 ? (-key | std::numeric_limits<std::int32_t>::min()) : key;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  };
  lo = std::min(lo, value(lo_key));
  hi = std::max(hi, value(hi_key));
  max_abs = std::max(max_abs, value(abs_key));
}

// The displayed channels: planes[k] feeds output colour k; one plane means grey (or the colour map).
std::vector<const float*> displayed_planes(const Tensor& t, int channel) {
  check_tensor("tensor", t);
  if (channel < -1 || channel >= t.c)
    fail(ErrorCode::InvalidArgument, "channel must be -1 or within 0.." + std::to_string(t.c - 1) + ", got " +
                                         std::to_string(channel));
  std::vector<const float*> planes;
  if (channel >= 0)
    planes = {t.plane(channel)};
  else
    for (int c = 0; c < std::min(t.c, 3); ++c) planes.push_back(t.plane(c));
  return planes;
}

}  // namespace

FiniteRange finite_range(const Tensor& t, int channel) {
  float lo = std::numeric_limits<float>::infinity(), hi = -lo, max_abs = 0;
  for (const float* p : displayed_planes(t, channel)) fold_finite_range(p, std::size_t(t.h) * t.w, lo, hi, max_abs);
  if (lo > hi) return FiniteRange{};  // no finite value
  return FiniteRange{lo, hi, max_abs};
}

std::vector<std::uint8_t> to_rgba8(const Tensor& t, int channel, DisplayMode mode, DisplayRange* range_used) {
  return to_rgba8(t, channel, mode, finite_range(t, channel), range_used);
}

// Plane-at-a-time over chunks that stay in cache: positions, then bytes, then one interleaving pass into
// RGBA that also paints NaN pixels. This runs on every drag in the page (a 1024x1024 RGB output), so the
// per-value work is a few vectorised operations rather than a per-pixel switch.
std::vector<std::uint8_t> to_rgba8(const Tensor& t, int channel, DisplayMode mode, const FiniteRange& finite,
                                   DisplayRange* range_used) {
  const std::vector<const float*> planes = displayed_planes(t, channel);
  if (mode == DisplayMode::Diverging && planes.size() > 1)
    fail(ErrorCode::InvalidArgument, "diverging display needs one channel: pass a channel >= 0 for a " +
                                         std::to_string(t.c) + "-channel tensor, got -1");
  const std::size_t n = std::size_t(t.h) * t.w;
  const float m = finite.max_abs;
  DisplayRange range{0.0f, 1.0f};  // Clamp
  switch (mode) {
    case DisplayMode::Clamp: break;
    case DisplayMode::MinMax: range = {finite.lo, finite.hi}; break;
    case DisplayMode::Absolute: range = {0.0f, m}; break;
    case DisplayMode::Diverging: range = {-m, m}; break;
  }
  const double lo = range.lo, hi = range.hi;
  if (range_used) *range_used = range;

  std::vector<std::uint8_t> out(n * 4);
  constexpr int kChunk = FloatBytes::kChunk;
  double u[kChunk];
  std::uint8_t bytes[3][kChunk] = {};
  std::uint8_t nan[kChunk], near[kChunk];
  std::uint32_t words[kChunk];
  constexpr std::uint32_t kNanWord = kNanColour[0] | kNanColour[1] << 8 | kNanColour[2] << 16 | 0xff000000u;
  const bool grey = planes.size() == 1;
  FloatBytes fast(mode, lo, hi);
  FloatDiverging fast_diverging(hi);
  std::uint8_t* const colours[3] = {bytes[0], bytes[1], bytes[2]};
  const bool diverging = mode == DisplayMode::Diverging;  // one plane, coloured into bytes[0..2]
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const int m = int(std::min<std::size_t>(kChunk, n - i0));
    std::uint8_t* px = out.data() + 4 * i0;
    std::fill(nan, nan + m, 0);
    for (std::size_t k = 0; k < planes.size(); ++k) {
      const float* p = planes[k] + i0;
      for (int i = 0; i < m; ++i) nan[i] |= std::isnan(p[i]);
      if (diverging && fast_diverging.ok()) {
        fast_diverging.run(p, m, colours, near);
      } else if (!diverging && fast.ok()) {
        fast.run(p, m, bytes[k], near);
      } else {
        positions(mode, p, m, lo, hi, u);
        if (!diverging) {
          for (int i = 0; i < m; ++i) bytes[k][i] = to_byte(u[i]);
        } else {
          for (int i = 0; i < m; ++i) {
            std::uint8_t rgb[3];
            diverging_colour(u[i], rgb);
            for (int c = 0; c < 3; ++c) bytes[c][i] = rgb[c];
          }
        }
      }
    }
    // Whole pixels as little-endian words R | G << 8 | B << 16 | A << 24: a loop that vectorises.
    const bool same = grey && !diverging;  // one grey byte for all three
    const std::uint8_t* g = bytes[same ? 0 : 1];
    const std::uint8_t* b = bytes[same ? 0 : 2];  // two planes: bytes[2] stays 0 (blue off)
    for (int i = 0; i < m; ++i) {
      const std::uint32_t word = std::uint32_t(bytes[0][i]) | std::uint32_t(g[i]) << 8 | std::uint32_t(b[i]) << 16 | 0xff000000u;
      words[i] = nan[i] ? kNanWord : word;
    }
    std::memcpy(px, words, sizeof(std::uint32_t) * m);
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
