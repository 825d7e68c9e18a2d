// Painting on the input (web/paint.h) against naive expectations: a brush's footprint written out by
// hand, strokes against an independent description of the same shape (two end discs and the band
// between them), erase and clear against the original pixels, and the partial input update against the
// core's from_rgba8 of the whole image.
#include "paint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <utility>

#include "image.h"

namespace cl = convlab;

namespace {

RgbaImage random_image(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  RgbaImage img{w, h, std::vector<std::uint8_t>(std::size_t(w) * h * 4)};
  for (auto& b : img.rgba) b = std::uint8_t(rng() & 0xff);
  return img;
}

// The pixels a stroke covers, described another way: the pixel's centre is in the disc around either end,
// or in the band of width 2r along the segment (its projection between the ends, its distance from the
// line at most r, measured with the cross product).
bool reference_covers(double ax, double ay, double bx, double by, double r, int px, int py) {
  const double cx = px + 0.5, cy = py + 0.5;
  if ((cx - ax) * (cx - ax) + (cy - ay) * (cy - ay) <= r * r) return true;
  if ((cx - bx) * (cx - bx) + (cy - by) * (cy - by) <= r * r) return true;
  const double dx = bx - ax, dy = by - ay, len = std::sqrt(dx * dx + dy * dy);
  if (len == 0) return false;
  const double along = ((cx - ax) * dx + (cy - ay) * dy) / len;
  const double across = std::fabs((cx - ax) * dy - (cy - ay) * dx) / len;
  return along >= 0 && along <= len && across <= r;
}

// The composite as it must be: the brush's colour on painted pixels, the original elsewhere.
std::set<std::pair<int, int>> differing(const RgbaImage& a, const RgbaImage& b) {
  std::set<std::pair<int, int>> out;
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x)
      for (int c = 0; c < 4; ++c)
        if (a.rgba[(std::size_t(y) * a.width + x) * 4 + c] != b.rgba[(std::size_t(y) * b.width + x) * 4 + c]) out.insert({x, y});
  return out;
}

RgbaImage composite_all(const PaintLayer& layer, const RgbaImage& original) {
  RgbaImage out = original;
  layer.composite(original, PixelRect{0, 0, original.width, original.height}, out);
  return out;
}

}  // namespace

TEST(Paint, DabFootprintsWrittenOut) {
  // Size 1 covers the pixel under the pointer, on its centre or near a corner (radius 0.707); size 2
  // (radius 1) adds its four neighbours; size 3 (radius 1.5) the diagonals too (at 1.414).
  const struct { float x, y, size; std::set<std::pair<int, int>> want; } cases[] = {
      {4.5f, 3.5f, 1.0f, {{4, 3}}},
      {4.9f, 3.1f, 1.0f, {{4, 3}}},
      {4.05f, 3.95f, 1.0f, {{4, 3}}},
      {4.5f, 3.5f, 2.0f, {{4, 3}, {3, 3}, {5, 3}, {4, 2}, {4, 4}}},
      {4.5f, 3.5f, 3.0f, {{3, 2}, {4, 2}, {5, 2}, {3, 3}, {4, 3}, {5, 3}, {3, 4}, {4, 4}, {5, 4}}},
      {0.2f, 0.2f, 2.0f, {{0, 0}}},  // at the corner: the rest of the brush is off the image
  };
  for (const auto& c : cases) {
    PaintLayer layer;
    layer.reset(10, 8);
    const PixelRect r = layer.stroke(c.x, c.y, c.x, c.y, Brush{c.size, 1, 2, 3, false});
    const RgbaImage original = random_image(10, 8, 7);
    EXPECT_EQ(differing(composite_all(layer, original), original), c.want) << "dab at " << c.x << "," << c.y << " size " << c.size;
    EXPECT_EQ(layer.painted_pixels(), c.want.size());
    int x0 = 99, y0 = 99, x1 = -1, y1 = -1;
    for (auto [x, y] : c.want) x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x + 1), y1 = std::max(y1, y + 1);
    EXPECT_EQ(r.x0, x0);
    EXPECT_EQ(r.y0, y0);
    EXPECT_EQ(r.x1, x1);
    EXPECT_EQ(r.y1, y1);
  }
}

TEST(Paint, HorizontalLineOfSizeOneHasNoGaps) {
  PaintLayer layer;
  layer.reset(12, 3);
  layer.stroke(0.5f, 1.5f, 9.5f, 1.5f, Brush{1.0f, 0, 0, 0, false});
  std::set<std::pair<int, int>> want;
  for (int x = 0; x <= 9; ++x) want.insert({x, 1});
  const RgbaImage original(RgbaImage{12, 3, std::vector<std::uint8_t>(12 * 3 * 4, 200)});
  EXPECT_EQ(differing(composite_all(layer, original), original), want);
}

TEST(Paint, RandomStrokesMatchTheReferenceShape) {
  std::mt19937 rng(2026);
  std::uniform_real_distribution<float> pos(-20.0f, 84.0f), size(1.0f, 25.0f);
  int checked = 0;
  for (int k = 0; k < 300; ++k) {
    const float ax = pos(rng), ay = pos(rng) * 0.75f, s = size(rng);
    // Some strokes are dabs, some long, some short.
    const float bx = k % 5 == 0 ? ax : pos(rng), by = k % 5 == 0 ? ay : pos(rng) * 0.75f;
    PaintLayer layer;
    layer.reset(64, 48);
    const PixelRect r = layer.stroke(ax, ay, bx, by, Brush{s, 9, 8, 7, false});
    std::size_t count = 0;
    for (int y = 0; y < 48; ++y)
      for (int x = 0; x < 64; ++x) {
        const bool want = reference_covers(ax, ay, bx, by, brush_radius(s), x, y);
        EXPECT_EQ(brush_covers(ax, ay, bx, by, brush_radius(s), x, y), want) << "stroke " << k << " at x=" << x << " y=" << y;
        if (want) {
          ++count;
          EXPECT_TRUE(x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1) << "stroke " << k << ": changed rect misses x=" << x << " y=" << y;
        }
        ++checked;
      }
    EXPECT_EQ(layer.painted_pixels(), count) << "stroke " << k;
  }
  EXPECT_EQ(checked, 300 * 64 * 48);
}

TEST(Paint, StrokeEqualsManyCloseDabs) {
  // A stroke is the union of the dabs along it: dabs every 1/64 pixel cover every pixel whose centre is
  // clearly inside (more than 0.01 within the radius) and nothing the stroke does not.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> pos(0.0f, 40.0f), size(1.0f, 9.0f);
  for (int k = 0; k < 40; ++k) {
    const float ax = pos(rng), ay = pos(rng), bx = pos(rng), by = pos(rng), s = size(rng);
    PaintLayer stroke, dabs;
    stroke.reset(40, 40);
    dabs.reset(40, 40);
    stroke.stroke(ax, ay, bx, by, Brush{s, 1, 1, 1, false});
    const int n = int(std::ceil(std::hypot(bx - ax, by - ay) * 64)) + 1;
    for (int i = 0; i <= n; ++i) {
      const float t = float(i) / float(n);
      dabs.stroke(ax + t * (bx - ax), ay + t * (by - ay), ax + t * (bx - ax), ay + t * (by - ay), Brush{s, 1, 1, 1, false});
    }
    const RgbaImage zero{40, 40, std::vector<std::uint8_t>(40 * 40 * 4, 0)};
    const auto a = differing(composite_all(stroke, zero), zero), b = differing(composite_all(dabs, zero), zero);
    for (auto p : b) EXPECT_TRUE(a.count(p)) << "stroke " << k << ": a dab covers " << p.first << "," << p.second;
    for (auto p : a)
      if (!b.count(p)) EXPECT_FALSE(brush_covers(ax, ay, bx, by, brush_radius(s) - 0.01, p.first, p.second)) << "stroke " << k;
  }
}

TEST(Paint, EraseRestoresTheOriginalAndClearResets) {
  const RgbaImage original = random_image(50, 30, 11);
  PaintLayer layer;
  layer.reset(50, 30);
  layer.stroke(5, 5, 45, 25, Brush{7, 255, 0, 0, false});
  layer.stroke(45, 5, 5, 25, Brush{3, 0, 255, 0, false});
  const RgbaImage painted = composite_all(layer, original);
  ASSERT_FALSE(differing(painted, original).empty());
  // Painted pixels have the brush's colour and the original's alpha.
  for (std::size_t i = 0; i < painted.rgba.size(); i += 4) EXPECT_EQ(painted.rgba[i + 3], original.rgba[i + 3]);
  EXPECT_EQ(painted.rgba[(std::size_t(15) * 50 + 25) * 4 + 1], 255) << "the crossing took the second colour";

  // Erasing part of it: erased pixels are the original's again, the rest stays painted.
  const PixelRect erased = layer.stroke(0, 15, 50, 15, Brush{5, 0, 0, 0, true});
  EXPECT_FALSE(erased.empty());
  const RgbaImage after = composite_all(layer, original);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 50; ++x) {
      const std::size_t i = (std::size_t(y) * 50 + x) * 4;
      const bool under_eraser = brush_covers(0, 15, 50, 15, 2.5, x, y);
      for (int c = 0; c < 4; ++c)
        EXPECT_EQ(after.rgba[i + c], under_eraser ? original.rgba[i + c] : painted.rgba[i + c]) << "x=" << x << " y=" << y;
    }
  // Erasing where nothing is painted changes nothing.
  EXPECT_TRUE(layer.stroke(0, 0, 0, 0, Brush{1, 0, 0, 0, true}).empty());
  // Painting the same colour again changes nothing either.
  EXPECT_TRUE(layer.stroke(45, 5, 45, 5, Brush{1, 0, 255, 0, false}).empty());
  // Erase everything, then clear: the original exactly, nothing painted.
  layer.stroke(-10, 15, 60, 15, Brush{200, 0, 0, 0, true});
  EXPECT_TRUE(layer.empty());
  EXPECT_TRUE(differing(composite_all(layer, original), original).empty());
  layer.stroke(1, 1, 2, 2, Brush{4, 1, 2, 3, false});
  layer.reset(50, 30);
  EXPECT_TRUE(layer.empty());
  EXPECT_TRUE(differing(composite_all(layer, original), original).empty());
}

TEST(Paint, HostileCoordinatesChangeNothingAndNeverReachOutside) {
  PaintLayer layer;
  layer.reset(16, 16);
  const float nan = std::nanf(""), inf = INFINITY;
  EXPECT_TRUE(layer.stroke(nan, 1, 2, 3, Brush{}).empty());
  EXPECT_TRUE(layer.stroke(1, 1, inf, 3, Brush{}).empty());
  EXPECT_TRUE(layer.stroke(1, 1, 2, 3, Brush{nan, 1, 1, 1, false}).empty());
  EXPECT_TRUE(layer.stroke(-1e9f, -1e9f, -1e9f + 1, -1e9f, Brush{}).empty());
  EXPECT_TRUE(layer.empty());
  // A stroke across the whole image from far outside paints only the pixels on the image.
  const PixelRect r = layer.stroke(-1e6f, 8, 1e6f, 8, Brush{3, 1, 1, 1, false});
  EXPECT_EQ(r.x0, 0);
  EXPECT_EQ(r.x1, 16);
  EXPECT_EQ(r.y0, 6);  // centres 6.5 and 9.5 are 1.5 from the line: on the brush's edge
  EXPECT_EQ(r.y1, 10);
  EXPECT_EQ(layer.painted_pixels(), 16u * 4u);
}

TEST(Paint, PartialInputUpdateEqualsTheWholeConversion) {
  for (int channels : {1, 3}) {
    const RgbaImage before = random_image(37, 23, 3), after = random_image(37, 23, 4);
    cl::Tensor input = cl::from_rgba8(before.rgba.data(), 37, 23, channels);
    // The rectangle of `after` copied over `before` is what the input must become.
    const PixelRect r{5, 7, 30, 19};
    RgbaImage mixed = before;
    for (int y = r.y0; y < r.y1; ++y)
      for (int x = r.x0; x < r.x1; ++x)
        for (int c = 0; c < 4; ++c) mixed.rgba[(std::size_t(y) * 37 + x) * 4 + c] = after.rgba[(std::size_t(y) * 37 + x) * 4 + c];
    update_input_rect(after, r, input);
    const cl::Tensor want = cl::from_rgba8(mixed.rgba.data(), 37, 23, channels);
    ASSERT_EQ(input.data.size(), want.data.size());
    for (std::size_t i = 0; i < want.data.size(); ++i) ASSERT_EQ(input.data[i], want.data[i]) << "channels " << channels << " at " << i;
    // A rectangle partly outside is clipped; one of another size leaves the input alone.
    update_input_rect(before, PixelRect{-5, -5, 100, 100}, input);
    const cl::Tensor back = cl::from_rgba8(before.rgba.data(), 37, 23, channels);
    for (std::size_t i = 0; i < back.data.size(); ++i) ASSERT_EQ(input.data[i], back.data[i]);
    update_input_rect(random_image(5, 5, 1), PixelRect{0, 0, 5, 5}, input);
    for (std::size_t i = 0; i < back.data.size(); ++i) ASSERT_EQ(input.data[i], back.data[i]);
  }
}
