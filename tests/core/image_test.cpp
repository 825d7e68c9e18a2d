#include "image.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "error.h"
#include "expect.h"

namespace convlab {
namespace {

using Bytes = std::vector<std::uint8_t>;
const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// RGBA of a grey byte.
Bytes grey(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.insert(out.end(), {std::uint8_t(v), std::uint8_t(v), std::uint8_t(v), 255});
  return out;
}

Bytes rgba(std::initializer_list<std::initializer_list<int>> pixels) {
  Bytes out;
  for (const auto& p : pixels) {
    for (int v : p) out.push_back(std::uint8_t(v));
    if (p.size() == 3) out.push_back(255);
  }
  return out;
}

TEST(FromRgba8, RgbAndLuma) {
  const Bytes in = rgba({{255, 0, 128, 7}, {10, 20, 30, 255}});
  const Tensor rgb = from_rgba8(in.data(), 2, 1, 3);
  ASSERT_EQ(rgb.c, 3);
  ASSERT_EQ(rgb.h, 1);
  ASSERT_EQ(rgb.w, 2);
  EXPECT_EQ(rgb.at(0, 0, 0), 1.0f);
  EXPECT_EQ(rgb.at(1, 0, 0), 0.0f);
  EXPECT_FLOAT_EQ(rgb.at(2, 0, 0), 128.0f / 255.0f);
  EXPECT_FLOAT_EQ(rgb.at(0, 0, 1), 10.0f / 255.0f);
  EXPECT_FLOAT_EQ(rgb.at(2, 0, 1), 30.0f / 255.0f);

  const Bytes white = rgba({{255, 255, 255, 255}, {255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}});
  const Tensor luma = from_rgba8(white.data(), 2, 2, 1);
  ASSERT_EQ(luma.c, 1);
  EXPECT_EQ(luma.at(0, 0, 0), 1.0f);  // exactly: the weights sum to 1
  EXPECT_FLOAT_EQ(luma.at(0, 0, 1), 0.299f);
  EXPECT_FLOAT_EQ(luma.at(0, 1, 0), 0.587f);
  EXPECT_FLOAT_EQ(luma.at(0, 1, 1), 0.114f);
  EXPECT_FLOAT_EQ(from_rgba8(in.data(), 2, 1, 1).at(0, 0, 1), (0.299f * 10 + 0.587f * 20 + 0.114f * 30) / 255.0f);
}

TEST(FromRgba8, RoundTripThroughClampIsExact) {
  std::mt19937 rng(1);
  Bytes in(7 * 5 * 4);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = i % 4 == 3 ? 255 : std::uint8_t(rng() & 255);
  EXPECT_EQ(to_rgba8(from_rgba8(in.data(), 7, 5, 3), -1, DisplayMode::Clamp), in);
  // Every byte value survives.
  Bytes ramp(256 * 4);
  for (int v = 0; v < 256; ++v) ramp[4 * v] = ramp[4 * v + 1] = ramp[4 * v + 2] = std::uint8_t(v), ramp[4 * v + 3] = 255;
  EXPECT_EQ(to_rgba8(from_rgba8(ramp.data(), 256, 1, 3), -1, DisplayMode::Clamp), ramp);
  EXPECT_EQ(to_rgba8(from_rgba8(ramp.data(), 256, 1, 1), -1, DisplayMode::Clamp), ramp);
}

TEST(ToRgba8, ClampExactBytes) {
  const Tensor t(1, 1, 6, {-0.5f, 0.0f, 0.2f, 0.5f, 1.0f, 1.5f});
  DisplayRange r{-9, -9};
  EXPECT_EQ(to_rgba8(t, -1, DisplayMode::Clamp, &r), grey({0, 0, 51, 128, 255, 255}));
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_EQ(r.hi, 1.0f);
}

TEST(ToRgba8, MinMaxExactBytesAndConstantImage) {
  DisplayRange r{};
  EXPECT_EQ(to_rgba8(Tensor(1, 2, 2, {-1, 0, 1, 3}), 0, DisplayMode::MinMax, &r), grey({0, 64, 128, 255}));
  EXPECT_EQ(r.lo, -1.0f);
  EXPECT_EQ(r.hi, 3.0f);
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 3, 2.5f), -1, DisplayMode::MinMax, &r), grey({128, 128, 128}));
  EXPECT_EQ(r.lo, 2.5f);
  EXPECT_EQ(r.hi, 2.5f);
}

TEST(ToRgba8, AbsoluteExactBytes) {
  DisplayRange r{};
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 4, {-2, 1, 0, 0.5f}), -1, DisplayMode::Absolute, &r), grey({255, 128, 0, 64}));
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_EQ(r.hi, 2.0f);
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 2, 0.0f), -1, DisplayMode::Absolute, &r), grey({0, 0}));  // all zero: black
  EXPECT_EQ(r.hi, 0.0f);
}

TEST(ToRgba8, DivergingExactBytes) {
  DisplayRange r{};
  const Bytes got = to_rgba8(Tensor(1, 1, 6, {-2, -1, 0, 1, 2, 0.5f}), -1, DisplayMode::Diverging, &r);
  EXPECT_EQ(got, rgba({{33, 102, 172}, {146, 197, 222}, {255, 255, 255}, {244, 165, 130}, {178, 24, 43},
                       {250, 210, 193}}));  // 0.5 is halfway between white and light red
  EXPECT_EQ(r.lo, -2.0f);
  EXPECT_EQ(r.hi, 2.0f);
  // Symmetric range even for one-sided data: all-positive values never reach blue.
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 2, {0, 4}), -1, DisplayMode::Diverging, &r), rgba({{255, 255, 255}, {178, 24, 43}}));
  EXPECT_EQ(r.lo, -4.0f);
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 2, 0.0f), -1, DisplayMode::Diverging), rgba({{255, 255, 255}, {255, 255, 255}}));
}

TEST(ToRgba8, NanIsMagentaInEveryModeAndInfIsClamped) {
  const Tensor t(1, 1, 5, {kNan, 0.0f, 1.0f, kInf, -kInf});
  const Bytes magenta = rgba({{255, 0, 255}});
  for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute, DisplayMode::Diverging}) {
    DisplayRange r{};
    const Bytes got = to_rgba8(t, -1, mode, &r);
    EXPECT_EQ(Bytes(got.begin(), got.begin() + 4), magenta) << "mode " << int(mode);
    EXPECT_TRUE(std::isfinite(r.lo) && std::isfinite(r.hi)) << "mode " << int(mode);
  }
  DisplayRange r{};
  EXPECT_EQ(to_rgba8(t, -1, DisplayMode::MinMax, &r), Bytes({255, 0, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255,
                                                             255, 255, 255, 0, 0, 0, 255}));
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_EQ(r.hi, 1.0f);
  EXPECT_EQ(to_rgba8(t, -1, DisplayMode::Absolute), Bytes({255, 0, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255,
                                                          255, 255, 255, 255, 255, 255, 255}));
  EXPECT_EQ(to_rgba8(t, -1, DisplayMode::Diverging),
            rgba({{255, 0, 255}, {255, 255, 255}, {178, 24, 43}, {178, 24, 43}, {33, 102, 172}}));
  // An all-NaN image: every pixel magenta, no crash.
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 2, kNan), -1, DisplayMode::MinMax), rgba({{255, 0, 255}, {255, 0, 255}}));
  // A NaN in any displayed channel marks the pixel.
  Tensor rgb(3, 1, 1, {0.5f, kNan, 0.5f});
  EXPECT_EQ(to_rgba8(rgb, -1, DisplayMode::Clamp), magenta);
  EXPECT_EQ(to_rgba8(rgb, 0, DisplayMode::Clamp), grey({128}));
}

TEST(ToRgba8, ChannelSelection) {
  const Tensor t(4, 1, 1, {0.0f, 0.5f, 1.0f, 0.2f});
  EXPECT_EQ(to_rgba8(t, -1, DisplayMode::Clamp), rgba({{0, 128, 255}}));  // first three as RGB
  EXPECT_EQ(to_rgba8(t, 3, DisplayMode::Clamp), grey({51}));
  EXPECT_EQ(to_rgba8(Tensor(2, 1, 1, {1.0f, 0.5f}), -1, DisplayMode::Clamp), rgba({{255, 128, 0}}));
  // MinMax over several channels shares one range: min 0, max 4.
  EXPECT_EQ(to_rgba8(Tensor(3, 1, 1, {0, 2, 4}), -1, DisplayMode::MinMax), rgba({{0, 128, 255}}));
  // One selected channel: the range comes from that channel alone (m = 2 here, so 2 is full red).
  EXPECT_EQ(to_rgba8(Tensor(3, 1, 1, {0, 2, 4}), 1, DisplayMode::Diverging), rgba({{178, 24, 43}}));
}

// The display mapping pixel by pixel, straight from image.h's definitions (doubles throughout): the
// reference for the core's plane-at-a-time loops.
Bytes per_pixel_rgba8(const Tensor& t, int channel, DisplayMode mode) {
  std::vector<int> planes;
  if (channel >= 0) planes = {channel};
  else for (int c = 0; c < std::min(t.c, 3); ++c) planes.push_back(c);
  double lo = 0, hi = 0, m = 0;
  bool any = false;
  for (int c : planes)
    for (int y = 0; y < t.h; ++y)
      for (int x = 0; x < t.w; ++x) {
        const double v = t.at(c, y, x);
        if (!std::isfinite(v)) continue;
        lo = any ? std::min(lo, v) : v;
        hi = any ? std::max(hi, v) : v;
        m = std::max(m, std::abs(v));
        any = true;
      }
  const auto byte = [](double u) { return u > 0 ? u >= 1 ? 255 : int(std::floor(u * 255 + 0.5)) : 0; };
  Bytes out;
  for (int y = 0; y < t.h; ++y)
    for (int x = 0; x < t.w; ++x) {
      bool nan = false;
      for (int c : planes) nan = nan || std::isnan(t.at(c, y, x));
      int px[3] = {0, 0, 0};
      if (nan) {
        px[0] = 255, px[2] = 255;
      } else {
        for (std::size_t k = 0; k < planes.size(); ++k) {
          const double v = t.at(planes[k], y, x);
          double u = v;  // Clamp
          if (mode == DisplayMode::MinMax) u = hi > lo ? (v - lo) / (hi - lo) : v > lo ? 1 : v < lo ? 0 : 0.5;
          if (mode == DisplayMode::Absolute) u = m > 0 ? std::abs(v) / m : v != 0 ? 1 : 0;
          if (mode == DisplayMode::Diverging) {
            u = m > 0 ? 0.5 + v / (2 * m) : v > 0 ? 1 : v < 0 ? 0 : 0.5;
            u = std::min(1.0, std::max(0.0, u));
            const int i = std::min(3, int(u * 4));
            for (int ch = 0; ch < 3; ++ch) {
              const double a = kDivergingStops[i][ch], b = kDivergingStops[i + 1][ch];
              px[ch] = int(std::floor(a + (b - a) * (u * 4 - i) + 0.5));
            }
          } else {
            px[k] = byte(u);
          }
        }
        if (planes.size() == 1 && mode != DisplayMode::Diverging) px[1] = px[2] = px[0];
      }
      out.insert(out.end(), {std::uint8_t(px[0]), std::uint8_t(px[1]), std::uint8_t(px[2]), 255});
    }
  return out;
}

TEST(ToRgba8, EqualsThePerPixelDefinitionOnRandomTensors) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  std::uniform_int_distribution<int> size(1, 40), special(0, 30);
  for (int trial = 0; trial < 200; ++trial) {
    const int c = 1 + trial % 4;
    Tensor t(c, size(rng), size(rng));
    for (float& v : t.data) {
      const int s = special(rng);
      v = s == 0 ? kNan : s == 1 ? kInf : s == 2 ? -kInf : trial % 5 == 0 ? 0.25f : value(rng);  // some constant images
    }
    for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute, DisplayMode::Diverging})
      for (int channel = -1; channel < c; ++channel) {
        if (mode == DisplayMode::Diverging && channel < 0 && c > 1) continue;  // refused, tested above
        EXPECT_EQ(to_rgba8(t, channel, mode), per_pixel_rgba8(t, channel, mode))
            << "trial " << trial << " mode " << int(mode) << " channel " << channel;
      }
  }
}

// Large tensors (many chunks of to_rgba8's plane-at-a-time loops): the exact bytes, values on rounding
// boundaries, NaN, +-Inf and signed zeros included.
TEST(ToRgba8, LargeTensorsEqualThePerPixelDefinition) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-1.5f, 2.5f);
  std::uniform_int_distribution<int> special(0, 200);
  for (int c : {1, 3}) {
    Tensor t(c, 512, 520);
    for (float& v : t.data) {
      const int s = special(rng);
      v = s == 0 ? kNan : s == 1 ? kInf : s == 2 ? -kInf : s == 3 ? -0.0f : s == 4 ? float((s + rng() % 255 + 0.5) / 255.0) : value(rng);
    }
    for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute})
      for (int channel = -1; channel < c; ++channel)
        EXPECT_EQ(to_rgba8(t, channel, mode), per_pixel_rgba8(t, channel, mode)) << c << " channels, mode " << int(mode) << ", channel " << channel;
  }
}

// Values on and next to every rounding boundary, where a float estimate of 255 t + 0.5 could pick the
// wrong byte: the bytes must still be the exact formula's.
TEST(ToRgba8, EqualsThePerPixelDefinitionAtEveryRoundingBoundary) {
  std::vector<float> values;
  for (int k = 0; k < 255; ++k)
    for (const double lo : {0.0, -1.7, 0.3}) {
      const double range = lo == 0.3 ? 1e-3 : 3.9;
      const float v = float(lo + range * (k + 0.5) / 255.0);
      values.insert(values.end(), {std::nextafter(v, -kInf), v, std::nextafter(v, kInf)});
    }
  for (float lo : {0.0f, -1.7f, 0.3f}) {
    // The range ends themselves, so that MinMax maps [lo, lo + range] as the boundaries above assume.
    const float range = lo == 0.3f ? 1e-3f : 3.9f;
    Tensor t(1, 1, int(values.size()) + 2);
    std::copy(values.begin(), values.end(), t.data.begin());
    t.data[values.size()] = lo;
    t.data[values.size() + 1] = lo + range;
    for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute})
      EXPECT_EQ(to_rgba8(t, 0, mode), per_pixel_rgba8(t, 0, mode)) << "lo " << lo << " mode " << int(mode);
  }
}

// The same boundaries in every position of a chunk's last, partial group of eight values (to_rgba8
// looks for values to recompute eight at a time, and the leftovers separately).
TEST(ToRgba8, RoundingBoundariesInThePartialLastGroup) {
  std::vector<float> values;
  for (int k = 0; k < 255; ++k) {
    const float v = float((k + 0.5) / 255.0);
    values.insert(values.end(), {std::nextafter(v, -kInf), v, std::nextafter(v, kInf)});
  }
  for (int width : {1, 3, 7, 9, 15, 513, 519}) {
    for (std::size_t start = 0; start < values.size(); start += std::min<std::size_t>(width, 8)) {
      Tensor t(1, 1, width);
      for (int x = 0; x < width; ++x) t.data[x] = values[(start + x) % values.size()];
      ASSERT_EQ(to_rgba8(t, 0, DisplayMode::Clamp), per_pixel_rgba8(t, 0, DisplayMode::Clamp))
          << "width " << width << " from value " << start;
    }
  }
}

// The diverging map next to every boundary where float could pick another segment or another byte: the
// four stops' joins and, in each segment, every value whose channel lands on a rounding boundary.
TEST(ToRgba8, DivergingEqualsThePerPixelDefinitionNearEveryBoundary) {
  for (const double m : {1.0, 3.7, 1e-3}) {
    std::vector<float> values = {float(-m), float(m)};  // the range ends, so that max |x| = m
    const auto add = [&](double f) {  // f = 4u = 2 + 2p/m along the map
      const float v = float((f - 2.0) * m / 2.0);
      values.insert(values.end(), {std::nextafter(v, -kInf), v, std::nextafter(v, kInf)});
    };
    for (int k = 0; k <= 4; ++k) add(k);
    for (int seg = 0; seg < 4; ++seg)
      for (int c = 0; c < 3; ++c) {
        const double a = kDivergingStops[seg][c], b = kDivergingStops[seg + 1][c];
        if (a == b) continue;
        for (int j = int(std::min(a, b)) + 1; j <= int(std::max(a, b)); ++j) add(seg + (j - 0.5 - a) / (b - a));
      }
    Tensor t(1, 1, int(values.size()));
    std::copy(values.begin(), values.end(), t.data.begin());
    EXPECT_EQ(to_rgba8(t, 0, DisplayMode::Diverging), per_pixel_rgba8(t, 0, DisplayMode::Diverging)) << "m " << m;
  }
}

// Ranges at the ends of float: wider than FLT_MAX, near it, tiny and subnormal (255 / range beyond float),
// where the bytes cannot come from float arithmetic alone.
TEST(ToRgba8, ExtremeRangesEqualThePerPixelDefinition) {
  const float big = std::numeric_limits<float>::max(), tiny = std::numeric_limits<float>::denorm_min();
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::vector<std::pair<double, double>> ranges = {
      {-big, big}, {-big / 2, big / 2}, {0.0, big}, {-1e38, 1e38}, {1.0, 1.0 + 1e-6}, {-1e-30, 1e-30},
      {0.0, 100 * double(tiny)}, {-3 * double(tiny), 5 * double(tiny)}, {1e-38, 1.5e-38}, {-2.0, 1e30}};
  for (const auto& [lo, hi] : ranges) {
    Tensor t(1, 7, 31);
    for (float& v : t.data) v = float(lo + (hi - lo) * unit(rng));
    t.data[0] = float(lo), t.data[1] = float(hi), t.data[2] = kInf, t.data[3] = -kInf;
    for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute})
      EXPECT_EQ(to_rgba8(t, 0, mode), per_pixel_rgba8(t, 0, mode)) << "range " << lo << ".." << hi << " mode " << int(mode);
  }
}

// finite_range over the displayed channels, against a plain scan; to_rgba8 given that range is to_rgba8.
TEST(FiniteRange, DisplayedChannelsFiniteValuesOnly) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-4.0f, 3.0f);
  std::uniform_int_distribution<int> special(0, 9);
  for (int trial = 0; trial < 100; ++trial) {
    Tensor t(1 + trial % 5, 1 + trial % 7, 3 + trial % 11);
    for (float& v : t.data) {
      const int s = special(rng);
      v = s == 0 ? kNan : s == 1 ? kInf : s == 2 ? -kInf : value(rng);
    }
    for (int channel = -1; channel < t.c; ++channel) {
      double lo = INFINITY, hi = -INFINITY, m = 0;
      for (int c = channel < 0 ? 0 : channel; c < (channel < 0 ? std::min(t.c, 3) : channel + 1); ++c)
        for (int i = 0; i < t.h * t.w; ++i) {
          const double v = t.plane(c)[i];
          if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v), m = std::max(m, std::abs(v));
        }
      if (lo > hi) lo = hi = 0;
      const FiniteRange r = finite_range(t, channel);
      EXPECT_EQ(r.lo, lo) << trial << " " << channel;
      EXPECT_EQ(r.hi, hi) << trial << " " << channel;
      EXPECT_EQ(r.max_abs, m) << trial << " " << channel;
      for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute})
        EXPECT_EQ(to_rgba8(t, channel, mode, r), to_rgba8(t, channel, mode));
    }
  }
  const FiniteRange none = finite_range(Tensor(1, 1, 3, {kNan, kInf, -kInf}), -1);
  EXPECT_TRUE(none.lo == 0 && none.hi == 0 && none.max_abs == 0);
  const FiniteRange zeros = finite_range(Tensor(1, 1, 2, {-0.0f, -0.0f}), -1);
  EXPECT_FALSE(std::signbit(zeros.lo) || std::signbit(zeros.hi));
  expect_error([] { finite_range(Tensor(3, 2, 2), 3); }, ErrorCode::InvalidArgument, "channel must be -1 or within 0..2, got 3");
}

TEST(DisplayModeNames, RoundTripAndUnknownNames) {
  for (DisplayMode m : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute, DisplayMode::Diverging})
    EXPECT_EQ(parse_display_mode(display_mode_name(m)), m);
  EXPECT_STREQ(display_mode_name(DisplayMode::Absolute), "abs");
  for (const char* name : {"auto", "", "Clamp", "absolute", "min-max"}) EXPECT_FALSE(parse_display_mode(name)) << name;
}

TEST(ToRgba8, NamedErrors) {
  expect_error([] { to_rgba8(Tensor(3, 2, 2), 3, DisplayMode::Clamp); }, ErrorCode::InvalidArgument,
               "channel must be -1 or within 0..2, got 3");
  expect_error([] { to_rgba8(Tensor(3, 2, 2), -2, DisplayMode::Clamp); }, ErrorCode::InvalidArgument,
               "channel must be -1 or within 0..2, got -2");
  expect_error([] { to_rgba8(Tensor(3, 2, 2), -1, DisplayMode::Diverging); }, ErrorCode::InvalidArgument,
               "diverging display needs one channel: pass a channel >= 0 for a 3-channel tensor, got -1");
  expect_error([] { to_rgba8(Tensor(), -1, DisplayMode::Clamp); }, ErrorCode::InvalidShape,
               "tensor dimensions must be >= 1, got 0x0x0");
}

TEST(ColormapLegend, GreyRampsAndDivergingStops) {
  for (DisplayMode mode : {DisplayMode::Clamp, DisplayMode::MinMax, DisplayMode::Absolute})
    EXPECT_EQ(colormap_legend(mode, 5), grey({0, 64, 128, 191, 255})) << "mode " << int(mode);
  EXPECT_EQ(colormap_legend(DisplayMode::Diverging, 5),
            rgba({{33, 102, 172}, {146, 197, 222}, {255, 255, 255}, {244, 165, 130}, {178, 24, 43}}));
  EXPECT_EQ(colormap_legend(DisplayMode::MinMax, 1), grey({0}));
  EXPECT_EQ(colormap_legend(DisplayMode::Diverging, 256).size(), 256u * 4);
  // The legend agrees with the display of the same positions.
  const Bytes legend = colormap_legend(DisplayMode::Diverging, 9);
  EXPECT_EQ(to_rgba8(Tensor(1, 1, 9, {-4, -3, -2, -1, 0, 1, 2, 3, 4}), -1, DisplayMode::Diverging), legend);
  expect_error([] { colormap_legend(DisplayMode::Clamp, 0); }, ErrorCode::InvalidShape,
               "legend width must be >= 1, got 0");
}

TEST(DownscaleRgba8, IntegerFactorAveragesBlocks) {
  // 4x2 -> 2x1: each output pixel averages a 2x2 block, rounded half up.
  const Bytes in = rgba({{0, 10, 255, 255}, {1, 20, 255, 255}, {100, 0, 0, 0}, {101, 0, 0, 0},
                         {2, 30, 255, 255}, {4, 40, 255, 255}, {102, 0, 0, 0}, {104, 0, 0, 1}});
  int w = 0, h = 0;
  const Bytes out = downscale_rgba8(in.data(), 4, 2, 2, &w, &h);
  EXPECT_EQ(w, 2);
  EXPECT_EQ(h, 1);
  // (0+1+2+4)/4 = 1.75 -> 2; (10+20+30+40)/4 = 25; (100+101+102+104)/4 = 101.75 -> 102; 1/4 -> 0
  EXPECT_EQ(out, rgba({{2, 25, 255, 255}, {102, 0, 0, 0}}));
}

TEST(DownscaleRgba8, FractionalCoverageIsAreaWeighted) {
  // 3x3 -> 2x2: along each axis output 0 covers source 0 fully and half of source 1, so output (0,0)
  // weighs the corners 4 : 2 : 2 : 1 out of 9.
  Bytes in(3 * 3 * 4, 0);
  const int v[9] = {90, 0, 0, 0, 0, 0, 0, 0, 18};
  for (int i = 0; i < 9; ++i) in[4 * i] = std::uint8_t(v[i]), in[4 * i + 3] = 255;
  in[4 * 4 + 1] = 81;  // centre green: a quarter of it in each output pixel, 81 / 9 = 9
  int w = 0, h = 0;
  const Bytes out = downscale_rgba8(in.data(), 3, 3, 2, &w, &h);
  ASSERT_EQ(w, 2);
  ASSERT_EQ(h, 2);
  EXPECT_EQ(out, rgba({{40, 9, 0, 255}, {0, 9, 0, 255}, {0, 9, 0, 255}, {8, 9, 0, 255}}));  // 4*90/9, 4*18/9
}

TEST(DownscaleRgba8, SizesAndCopies) {
  int w = 0, h = 0;
  Bytes big(1000 * 10 * 4, 77);
  Bytes out = downscale_rgba8(big.data(), 1000, 10, 100, &w, &h);
  EXPECT_EQ(w, 100);
  EXPECT_EQ(h, 1);
  EXPECT_EQ(out, Bytes(100 * 4, 77));  // a uniform image stays uniform
  out = downscale_rgba8(big.data(), 10, 1000, 300, &w, &h);
  EXPECT_EQ(w, 3);
  EXPECT_EQ(h, 300);
  out = downscale_rgba8(big.data(), 640, 15, 512, &w, &h);
  EXPECT_EQ(w, 512);
  EXPECT_EQ(h, 12);
  const Bytes small = rgba({{1, 2, 3, 4}, {5, 6, 7, 8}});
  EXPECT_EQ(downscale_rgba8(small.data(), 2, 1, 2, &w, &h), small);  // already small enough: copied
  EXPECT_EQ(w, 2);
  EXPECT_EQ(h, 1);
  EXPECT_EQ(downscale_rgba8(small.data(), 2, 1, 1, nullptr, nullptr), rgba({{3, 4, 5, 6}}));
}

TEST(DownscaleRgba8, NamedErrors) {
  const Bytes px(4, 0);
  expect_error([&] { downscale_rgba8(px.data(), 1, 1, 0, nullptr, nullptr); }, ErrorCode::InvalidShape,
               "max side must be >= 1, got 0");
  expect_error([&] { downscale_rgba8(px.data(), 0, 1, 8, nullptr, nullptr); }, ErrorCode::InvalidShape,
               "image dimensions must be >= 1, got 1x0x4");
  expect_error([&] { downscale_rgba8(nullptr, 1, 1, 8, nullptr, nullptr); }, ErrorCode::InvalidArgument,
               "image data must not be null");
  expect_error([&] { from_rgba8(px.data(), 1, 1, 4); }, ErrorCode::InvalidArgument, "channels must be 1 or 3, got 4");
  expect_error([&] { from_rgba8(nullptr, 1, 1, 3); }, ErrorCode::InvalidArgument, "image data must not be null");
}

}  // namespace
}  // namespace convlab
