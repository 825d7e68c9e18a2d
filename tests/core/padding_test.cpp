#include "padding.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <cstdint>
#include <string>
#include <vector>

#include "error.h"
#include "reference.h"

namespace convlab {
namespace {

// The rows below were printed by numpy (np.pad modes constant, reflect, symmetric, edge, wrap) and
// PyTorch 1.13 F.pad (reflect, replicate, circular), which agree wherever both define the mode.

Tensor row(std::vector<float> values) {
  const int n = int(values.size());
  return Tensor(1, 1, n, std::move(values));
}

Tensor column(std::vector<float> values) {
  const int n = int(values.size());
  return Tensor(1, n, 1, std::move(values));
}

// Pads a row by left/right and a column by top/bottom, and expects `want` along the padded axis.
void expect_padded_line(const std::vector<float>& in, int before, int after, PadMode mode,
                        const std::vector<float>& want) {
  SCOPED_TRACE(std::string(pad_mode_name(mode)) + " before " + std::to_string(before) + " after " +
               std::to_string(after));
  const Tensor r = pad(row(in), Pad4{0, 0, before, after}, mode);
  ASSERT_EQ(r.h, 1);
  ASSERT_EQ(r.w, int(want.size()));
  for (int x = 0; x < r.w; ++x) EXPECT_EQ(r.at(0, 0, x), want[x]) << "at x=" << x;
  const Tensor c = pad(column(in), Pad4{before, after, 0, 0}, mode);
  ASSERT_EQ(c.w, 1);
  ASSERT_EQ(c.h, int(want.size()));
  for (int y = 0; y < c.h; ++y) EXPECT_EQ(c.at(0, y, 0), want[y]) << "at y=" << y;
}

TEST(Padding, ModeNamesRoundTrip) {
  const char* names[] = {"zeros", "reflect", "symmetric", "replicate", "circular"};
  int i = 0;
  for (PadMode m : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular}) {
    EXPECT_STREQ(pad_mode_name(m), names[i++]);
    EXPECT_EQ(parse_pad_mode(pad_mode_name(m)), m);
  }
  EXPECT_FALSE(parse_pad_mode("constant").has_value());
  EXPECT_FALSE(parse_pad_mode("Reflect").has_value());
  EXPECT_FALSE(parse_pad_mode("").has_value());
}

TEST(Padding, ZerosBothBorders) {
  expect_padded_line({5, 6, 7}, 2, 2, PadMode::Zeros, {0, 0, 5, 6, 7, 0, 0});
  expect_padded_line({5, 6, 7}, 0, 4, PadMode::Zeros, {5, 6, 7, 0, 0, 0, 0});
}

TEST(Padding, ReflectDoesNotRepeatTheEdge) {
  expect_padded_line({0, 1, 2}, 2, 2, PadMode::Reflect, {2, 1, 0, 1, 2, 1, 0});
  expect_padded_line({7, 8, 9, 10}, 3, 1, PadMode::Reflect, {10, 9, 8, 7, 8, 9, 10, 9});
  expect_padded_line({7, 8, 9, 10}, 1, 3, PadMode::Reflect, {8, 7, 8, 9, 10, 9, 8, 7});
}

TEST(Padding, SymmetricRepeatsTheEdge) {
  expect_padded_line({0, 1, 2}, 2, 2, PadMode::Symmetric, {1, 0, 0, 1, 2, 2, 1});
  expect_padded_line({0, 1, 2}, 3, 1, PadMode::Symmetric, {2, 1, 0, 0, 1, 2, 2});
  expect_padded_line({0, 1, 2}, 3, 3, PadMode::Symmetric, {2, 1, 0, 0, 1, 2, 2, 1, 0});  // pad == size
}

TEST(Padding, ReplicateCopiesTheEdgePixel) {
  expect_padded_line({0, 1, 2}, 2, 2, PadMode::Replicate, {0, 0, 0, 1, 2, 2, 2});
  expect_padded_line({0, 1, 2}, 3, 3, PadMode::Replicate, {0, 0, 0, 0, 1, 2, 2, 2, 2});
  expect_padded_line({4, 5}, 5, 1, PadMode::Replicate, {4, 4, 4, 4, 4, 4, 5, 5});  // beyond the size
}

TEST(Padding, CircularWrapsAround) {
  expect_padded_line({0, 1, 2}, 2, 2, PadMode::Circular, {1, 2, 0, 1, 2, 0, 1});
  expect_padded_line({0, 1, 2}, 3, 1, PadMode::Circular, {0, 1, 2, 0, 1, 2, 0});
  expect_padded_line({0, 1, 2}, 3, 3, PadMode::Circular, {0, 1, 2, 0, 1, 2, 0, 1, 2});  // pad == size
}

TEST(Padding, SizeOneInputs) {
  expect_padded_line({5}, 0, 0, PadMode::Reflect, {5});  // reflect allows only pad 0 on size 1
  expect_padded_line({5}, 1, 1, PadMode::Symmetric, {5, 5, 5});
  expect_padded_line({5}, 3, 2, PadMode::Replicate, {5, 5, 5, 5, 5, 5});
  expect_padded_line({5}, 1, 1, PadMode::Circular, {5, 5, 5});
  expect_padded_line({5}, 2, 1, PadMode::Zeros, {0, 0, 5, 0});
}

TEST(Padding, SourceIndexBothBorders) {
  // Along an axis of length 4: positions -3..6.
  const int reflect[] = {3, 2, 1, 0, 1, 2, 3, 2, 1, 0};
  const int symmetric[] = {2, 1, 0, 0, 1, 2, 3, 3, 2, 1};
  const int replicate[] = {0, 0, 0, 0, 1, 2, 3, 3, 3, 3};
  const int circular[] = {1, 2, 3, 0, 1, 2, 3, 0, 1, 2};
  const int zeros[] = {-1, -1, -1, 0, 1, 2, 3, -1, -1, -1};
  for (int i = -3; i <= 6; ++i) {
    EXPECT_EQ(pad_source_index(i, 4, PadMode::Reflect), reflect[i + 3]) << "at i=" << i;
    EXPECT_EQ(pad_source_index(i, 4, PadMode::Symmetric), symmetric[i + 3]) << "at i=" << i;
    EXPECT_EQ(pad_source_index(i, 4, PadMode::Replicate), replicate[i + 3]) << "at i=" << i;
    EXPECT_EQ(pad_source_index(i, 4, PadMode::Circular), circular[i + 3]) << "at i=" << i;
    EXPECT_EQ(pad_source_index(i, 4, PadMode::Zeros), zeros[i + 3]) << "at i=" << i;
  }
}

TEST(Padding, CornersCombineBothAxes) {
  // 2x3 input, 1 pixel on every side: a corner reads the input at both remapped indices.
  const Tensor in(1, 2, 3, {1, 2, 3, 4, 5, 6});
  const Pad4 p{1, 1, 1, 1};
  const float reflect[4][5] = {{5, 4, 5, 6, 5}, {2, 1, 2, 3, 2}, {5, 4, 5, 6, 5}, {2, 1, 2, 3, 2}};
  const float symmetric[4][5] = {{1, 1, 2, 3, 3}, {1, 1, 2, 3, 3}, {4, 4, 5, 6, 6}, {4, 4, 5, 6, 6}};
  const float circular[4][5] = {{6, 4, 5, 6, 4}, {3, 1, 2, 3, 1}, {6, 4, 5, 6, 4}, {3, 1, 2, 3, 1}};
  const Tensor r = pad(in, p, PadMode::Reflect), s = pad(in, p, PadMode::Symmetric), c = pad(in, p, PadMode::Circular);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x) {
      EXPECT_EQ(r.at(0, y, x), reflect[y][x]) << "reflect at y=" << y << " x=" << x;
      EXPECT_EQ(s.at(0, y, x), symmetric[y][x]) << "symmetric at y=" << y << " x=" << x;
      EXPECT_EQ(c.at(0, y, x), circular[y][x]) << "circular at y=" << y << " x=" << x;
    }
}

TEST(Padding, MatchesReferenceOnSizeSweep) {
  std::uint32_t seed = 3;
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular})
    for (int h = 1; h <= 5; ++h)
      for (int w = 1; w <= 5; ++w)
        for (int before = 0; before <= 5; ++before)
          for (int after = 0; after <= 5; ++after) {
            const int limit_h = mode == PadMode::Reflect ? h - 1 : h, limit_w = mode == PadMode::Reflect ? w - 1 : w;
            const bool bounded = mode == PadMode::Reflect || mode == PadMode::Symmetric || mode == PadMode::Circular;
            const Pad4 p{before, after, after, before};
            const Tensor in = reference::random_tensor(2, h, w, seed++);
            const bool fits = !bounded || (before <= limit_h && after <= limit_h && before <= limit_w && after <= limit_w);
            SCOPED_TRACE(std::string(pad_mode_name(mode)) + " " + std::to_string(h) + "x" + std::to_string(w) +
                         " pad " + std::to_string(before) + "," + std::to_string(after));
            if (!fits) {
              EXPECT_THROW(pad(in, p, mode), Error);
              continue;
            }
            const Tensor out = pad(in, p, mode);
            ASSERT_EQ(out.c, 2);
            ASSERT_EQ(out.h, h + before + after);
            ASSERT_EQ(out.w, w + after + before);
            for (int c = 0; c < 2; ++c)
              for (int y = 0; y < out.h; ++y)
                for (int x = 0; x < out.w; ++x)
                  ASSERT_EQ(out.at(c, y, x), float(reference::padded_read(in, c, y - before, x - after, mode)))
                      << "at c=" << c << " y=" << y << " x=" << x;
          }
}

TEST(Padding, LimitsPerModeAreExactErrors) {
  const Tensor in(1, 3, 4);
  expect_error([&] { pad(in, Pad4{-1, 0, 0, 0}, PadMode::Zeros); }, ErrorCode::InvalidPadding,
               "padding top must be >= 0, got -1");
  expect_error([&] { pad(in, Pad4{0, 0, 0, -2}, PadMode::Replicate); }, ErrorCode::InvalidPadding,
               "padding right must be >= 0, got -2");
  expect_error([&] { pad(in, Pad4{0, 3, 0, 0}, PadMode::Reflect); }, ErrorCode::InvalidPadding,
               "padding bottom must be < input size 3 for reflect padding, got 3");
  expect_error([&] { pad(in, Pad4{0, 0, 4, 0}, PadMode::Reflect); }, ErrorCode::InvalidPadding,
               "padding left must be < input size 4 for reflect padding, got 4");
  expect_error([&] { pad(in, Pad4{4, 0, 0, 0}, PadMode::Symmetric); }, ErrorCode::InvalidPadding,
               "padding top must be <= input size 3 for symmetric padding, got 4");
  expect_error([&] { pad(in, Pad4{0, 0, 0, 5}, PadMode::Circular); }, ErrorCode::InvalidPadding,
               "padding right must be <= input size 4 for circular padding, got 5");
  expect_error([&] { pad(row({5}), Pad4{0, 0, 1, 0}, PadMode::Reflect); }, ErrorCode::InvalidPadding,
               "padding left must be < input size 1 for reflect padding, got 1");
  // At the limit each mode still works; zeros and replicate have no upper limit.
  EXPECT_EQ(pad(in, Pad4{2, 2, 3, 3}, PadMode::Reflect).w, 10);
  EXPECT_EQ(pad(in, Pad4{3, 3, 4, 4}, PadMode::Symmetric).h, 9);
  EXPECT_EQ(pad(in, Pad4{3, 3, 4, 4}, PadMode::Circular).w, 12);
  EXPECT_EQ(pad(in, Pad4{9, 9, 9, 9}, PadMode::Replicate).h, 21);
  EXPECT_EQ(pad(in, Pad4{9, 9, 9, 9}, PadMode::Zeros).w, 22);
}

}  // namespace
}  // namespace convlab
