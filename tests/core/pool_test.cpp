#include "pool.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "error.h"
#include "geometry.h"
#include "reference_transpose_pool.h"

namespace convlab {
namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// NaN must match NaN and infinities must match exactly; everything else within tol (pooling passes both
// through, so expect.h's expect_tensor_near is too strict here).
void expect_value(float got, float want, float tol, const std::string& where) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << "got " << got << " want NaN at " << where;
  } else if (std::isinf(want)) {
    EXPECT_EQ(got, want) << "at " << where;
  } else {
    EXPECT_NEAR(got, want, tol) << "at " << where;
  }
}

void expect_tensor_matches(const Tensor& got, const Tensor& want, float tol) {
  ASSERT_EQ(got.c, want.c);
  ASSERT_EQ(got.h, want.h);
  ASSERT_EQ(got.w, want.w);
  for (int c = 0; c < got.c; ++c)
    for (int y = 0; y < got.h; ++y)
      for (int x = 0; x < got.w; ++x)
        expect_value(got.at(c, y, x), want.at(c, y, x), tol,
                     "c=" + std::to_string(c) + " y=" + std::to_string(y) + " x=" + std::to_string(x));
}

void expect_row(const Tensor& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.c, 1);
  ASSERT_EQ(got.h, 1);
  ASSERT_EQ(got.w, int(want.size()));
  for (int x = 0; x < got.w; ++x) expect_value(got.at(0, 0, x), want[x], tol, "x=" + std::to_string(x));
}

Pool2dParams row_params(PoolMode mode, int k, int s, int pad, bool ceil_mode = false, bool include_pad = true,
                        int d = 1) {
  Pool2dParams p;
  p.mode = mode;
  p.kernel = {1, k};
  p.stride = {1, s};
  p.padding = {0, pad};
  p.dilation = {1, d};
  p.ceil_mode = ceil_mode;
  p.count_include_pad = include_pad;
  return p;
}

Tensor row(std::vector<float> values) {
  const int n = int(values.size());
  return Tensor(1, 1, n, std::move(values));
}

TEST(Pool2d, ModeNamesRoundTrip) {
  for (PoolMode m : {PoolMode::Max, PoolMode::Mean, PoolMode::Min}) EXPECT_EQ(parse_pool_mode(pool_mode_name(m)), m);
  EXPECT_STREQ(pool_mode_name(PoolMode::Max), "max");
  EXPECT_STREQ(pool_mode_name(PoolMode::Mean), "mean");
  EXPECT_STREQ(pool_mode_name(PoolMode::Min), "min");
  EXPECT_FALSE(parse_pool_mode("avg").has_value());
  EXPECT_FALSE(parse_pool_mode("Max").has_value());
  EXPECT_FALSE(parse_pool_mode("").has_value());
}

TEST(Pool2d, DefaultIs2x2MaxWithStrideOfTheKernel) {
  const Tensor in(1, 4, 4, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  const Tensor out = pool2d(in, Pool2dParams{});
  ASSERT_EQ(out.h, 2);
  ASSERT_EQ(out.w, 2);
  EXPECT_EQ(out.at(0, 0, 0), 6.0f);
  EXPECT_EQ(out.at(0, 0, 1), 8.0f);
  EXPECT_EQ(out.at(0, 1, 0), 14.0f);
  EXPECT_EQ(out.at(0, 1, 1), 16.0f);
  Pool2dParams p;
  p.kernel = {3, 2};
  p.stride = {0, 1};
  EXPECT_EQ(pool_stride(p), (Pair{3, 1}));
}

// The rows below were printed by PyTorch 1.13 (/usr/bin/python3) for x = arange(5.).view(1,1,1,5):
//   F.avg_pool2d(x, (1,2), (1,2), (0,1), ceil_mode=True)                           -> 0, 1.5, 3.5
//   F.avg_pool2d(x, (1,3), (1,2), (0,1), ceil_mode=True)                           -> 1/3, 2, 7/3
//   F.avg_pool2d(x, (1,3), (1,2), (0,1), ceil_mode=True, count_include_pad=False)  -> 0.5, 2, 3.5
//   F.avg_pool2d(arange(4.), (1,3), (1,2), ceil_mode=True)                         -> 1, 2.5
//   F.avg_pool2d(arange(4.), (1,3), (1,2), (0,1), ceil_mode=True)                  -> 1/3, 2, 1.5
TEST(Pool2d, MeanCeilModeAndCountIncludePadMatchTorch) {
  const Tensor x = row({0, 1, 2, 3, 4});
  expect_row(pool2d(x, row_params(PoolMode::Mean, 2, 2, 1, true)), {0.0f, 1.5f, 3.5f});
  expect_row(pool2d(x, row_params(PoolMode::Mean, 3, 2, 1, true)), {1.0f / 3, 2.0f, 7.0f / 3});
  expect_row(pool2d(x, row_params(PoolMode::Mean, 3, 2, 1, true, false)), {0.5f, 2.0f, 3.5f});
  // The ceil-mode overhang beyond the (unpadded) input is not counted: [2, 3, overhang] / 2.
  const Tensor x4 = row({0, 1, 2, 3});
  expect_row(pool2d(x4, row_params(PoolMode::Mean, 3, 2, 0, true)), {1.0f, 2.5f});
  // With padding 1 the windows start at -1, 1, 3: [pad 0 1] / 3, [1 2 3] / 3, and [3 pad overhang] / 2:
  // the right padding pixel counts, the overhang beyond it does not.
  expect_row(pool2d(x4, row_params(PoolMode::Mean, 3, 2, 1, true)), {1.0f / 3, 2.0f, 1.5f});
}

// PyTorch 1.13: F.max_pool2d(tensor([1, nan, 3, nan, 0]).view(1,1,1,5), (1,2), (1,1), return_indices=True)
// -> values nan nan nan nan, indices 1 1 3 3 (a NaN wins and sticks; the last NaN's index is kept).
TEST(Pool2d, MaxPropagatesNaNLikeTorch) {
  const Tensor x = row({1, kNaN, 3, kNaN, 0});
  const Pool2dParams p = row_params(PoolMode::Max, 2, 1, 0);
  expect_row(pool2d(x, p), {kNaN, kNaN, kNaN, kNaN});
  EXPECT_EQ(pool2d_argmax(x, p), (std::vector<int>{1, 1, 3, 3}));
  // Min pooling is -max(-x): NaN propagates the same way.
  expect_row(pool2d(x, row_params(PoolMode::Min, 2, 1, 0)), {kNaN, kNaN, kNaN, kNaN});
  // NaN after the maximum still wins; window of three with NaN last.
  expect_row(pool2d(row({5, 1, kNaN}), row_params(PoolMode::Max, 3, 1, 0)), {kNaN});
  EXPECT_EQ(pool2d_argmax(row({kNaN, 1, kNaN}), row_params(PoolMode::Max, 3, 1, 0)), (std::vector<int>{2}));
  // Mean: NaN poisons the sum.
  expect_row(pool2d(row({1, kNaN, 3, 4}), row_params(PoolMode::Mean, 2, 2, 0)), {kNaN, 3.5f});
}

TEST(Pool2d, PaddingNeverWinsMaxOrMin) {
  // All negative values: -inf padding for max must not produce 0 (as a zero-padded max would).
  const Tensor x = row({-3, -1, -2});
  expect_row(pool2d(x, row_params(PoolMode::Max, 3, 1, 1)), {-1, -1, -1});
  expect_row(pool2d(row({3, 1, 2}), row_params(PoolMode::Min, 3, 1, 1)), {1, 1, 1});
  expect_row(pool2d(row({kInf, -kInf}), row_params(PoolMode::Max, 2, 1, 1)), {kInf, kInf, -kInf});
}

// PyTorch 1.13: F.max_pool2d(tensor([[1.,2.],[3.,4.]]).view(1,1,2,2), 2, 1, 1, dilation=3) -> [[-inf]]:
// both taps of the only window (-1 and 2) fall in the padding.
TEST(Pool2d, AllPaddingDilatedWindowGivesInfinity) {
  const Tensor x(1, 2, 2, {1, 2, 3, 4});
  Pool2dParams p;
  p.kernel = {2, 2};
  p.stride = {1, 1};
  p.padding = {1, 1};
  p.dilation = {3, 3};
  expect_tensor_matches(pool2d(x, p), Tensor(1, 1, 1, {-kInf}), 0.0f);
  EXPECT_EQ(pool2d_argmax(x, p), (std::vector<int>{-1}));
  p.mode = PoolMode::Min;
  expect_tensor_matches(pool2d(x, p), Tensor(1, 1, 1, {kInf}), 0.0f);
}

// PyTorch 1.13: F.max_pool2d(tensor([5., 5., 5.]).view(1,1,1,3), (1,2), (1,1), return_indices=True) -> 0 1.
TEST(Pool2d, ArgmaxKeepsFirstOfTies) {
  EXPECT_EQ(pool2d_argmax(row({5, 5, 5}), row_params(PoolMode::Max, 2, 1, 0)), (std::vector<int>{0, 1}));
  EXPECT_EQ(pool2d_argmax(row({2, 1, 1, 3}), row_params(PoolMode::Min, 2, 1, 0)), (std::vector<int>{1, 1, 2}));
  // Indices are y * W + x within the channel, laid out like the output.
  const Tensor in(2, 2, 3, {0, 9, 1, 2, 3, 4, /* channel 1 */ 7, 1, 1, 1, 1, 8});
  Pool2dParams p;
  p.kernel = {2, 2};
  p.stride = {1, 1};
  EXPECT_EQ(pool2d_argmax(in, p), (std::vector<int>{1, 1, 0, 5}));
}

// PyTorch 1.13: F.max_pool2d(tensor([1., -inf, -inf, 2.]).view(1,1,1,4), (1,2), (1,1), (0,1),
// return_indices=True) -> 1, 1, -inf, 2, 2 with indices 0 0 1 3 3: a window whose only pixels are
// -inf still points at its first pixel.
TEST(Pool2d, ArgmaxOfMinusInfinityWindowIsItsFirstPixel) {
  const Tensor x = row({1, -kInf, -kInf, 2});
  expect_row(pool2d(x, row_params(PoolMode::Max, 2, 1, 1)), {1, 1, -kInf, 2, 2});
  EXPECT_EQ(pool2d_argmax(x, row_params(PoolMode::Max, 2, 1, 1)), (std::vector<int>{0, 0, 1, 3, 3}));
  EXPECT_EQ(pool2d_argmax(row({kInf, kInf}), row_params(PoolMode::Min, 2, 1, 0)), (std::vector<int>{0}));
}

// The argmax points at a pixel holding the pooled value, for every case of the sweep's shape.
TEST(Pool2d, ArgmaxPointsAtThePooledValue) {
  std::uint32_t seed = 77;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min})
    for (int n = 1; n <= 6; ++n)
      for (int k = 1; k <= 3; ++k)
        for (bool ceil_mode : {false, true}) {
          Pool2dParams p;
          p.mode = mode;
          p.kernel = {k, k};
          p.stride = {2, 1};
          p.padding = {k / 2, k / 2};
          p.ceil_mode = ceil_mode;
          if (n + 2 * (k / 2) < k) continue;
          const Tensor in = reference::random_tensor(2, n, n + 2, seed++);
          const Tensor out = pool2d(in, p);
          const std::vector<int> idx = pool2d_argmax(in, p);
          ASSERT_EQ(idx.size(), out.size());
          for (int c = 0; c < out.c; ++c)
            for (int i = 0; i < out.h * out.w; ++i) {
              const int j = idx[std::size_t(c) * out.h * out.w + i];
              ASSERT_GE(j, 0);
              EXPECT_EQ(out.plane(c)[i], in.plane(c)[j]) << "at c=" << c << " i=" << i << " n=" << n << " k=" << k;
            }
        }
}

TEST(Pool2d, MatchesReferenceOnSizeSweep) {
  std::uint32_t seed = 1;
  int cases = 0;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Mean, PoolMode::Min})
    for (int n = 1; n <= 7; ++n)
      for (int kh = 1; kh <= 4; ++kh)
        for (int kw : {1, 2, 3})
          for (int s = 0; s <= 3; ++s)
            for (int pad = 0; pad <= kh / 2; ++pad)
              for (int d = 1; d <= (mode == PoolMode::Mean ? 1 : 2); ++d)
                for (bool ceil_mode : {false, true})
                  for (bool include_pad : {true, false}) {
                    if (mode != PoolMode::Mean && !include_pad) continue;
                    Pool2dParams p;
                    p.mode = mode;
                    p.kernel = {kh, kw};
                    p.stride = {s, s == 0 ? 0 : 4 - s};
                    p.padding = {pad, std::min(pad, kw / 2)};
                    p.dilation = {d, 1};
                    p.ceil_mode = ceil_mode;
                    p.count_include_pad = include_pad;
                    const Pair st = pool_stride(p);
                    const int w = n + 1;
                    const int oh = reference::pool_length(n, kh, st.h, p.padding.h, d, ceil_mode);
                    const int ow = reference::pool_length(w, kw, st.w, p.padding.w, 1, ceil_mode);
                    const std::string name = std::string(pool_mode_name(mode)) + " " + std::to_string(n) + "x" +
                                             std::to_string(w) + " k" + std::to_string(kh) + "x" + std::to_string(kw) +
                                             " s" + std::to_string(st.h) + "x" + std::to_string(st.w) + " p" +
                                             std::to_string(pad) + " d" + std::to_string(d) +
                                             (ceil_mode ? " ceil" : "") + (include_pad ? "" : " exclude_pad");
                    SCOPED_TRACE(name);
                    const Tensor in = reference::random_tensor(3, n, w, seed++);
                    if (oh < 1 || ow < 1) {
                      EXPECT_THROW(pool2d(in, p), Error);
                      continue;
                    }
                    expect_tensor_matches(pool2d(in, p), reference::pool2d(in, p), 1e-5f);
                    ++cases;
                  }
  EXPECT_GT(cases, 1000);
}

TEST(Pool2d, MatchesReferenceWithNaNsAndInfinities) {
  std::uint32_t seed = 500;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min})
    for (int n = 2; n <= 6; ++n)
      for (int k = 2; k <= 3; ++k) {
        Tensor in = reference::random_tensor(1, n, n, seed++);
        in.data[seed % in.size()] = kNaN;
        in.data[(seed * 7) % in.size()] = kInf;
        in.data[(seed * 13) % in.size()] = -kInf;
        Pool2dParams p;
        p.mode = mode;
        p.kernel = {k, k};
        p.stride = {1, 2};
        p.padding = {1, 1};
        p.ceil_mode = true;
        SCOPED_TRACE(std::string(pool_mode_name(mode)) + " n=" + std::to_string(n) + " k=" + std::to_string(k));
        expect_tensor_matches(pool2d(in, p), reference::pool2d(in, p), 0.0f);
      }
}

// A window of a million taps, almost all padding: the loops visit only the pixels inside the input.
TEST(Pool2d, HugeKernelWithHugePaddingVisitsOnlyTheInput) {
  const int k = (1 << 20) + 1;
  const Tensor x = row({1, 3, 2});
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min, PoolMode::Mean}) {
    Pool2dParams p = row_params(mode, k, 1, k / 2);
    const float want = mode == PoolMode::Max ? 3.0f : mode == PoolMode::Min ? 1.0f : 6.0f / k;
    SCOPED_TRACE(pool_mode_name(mode));
    expect_row(pool2d(x, p), {want, want, want}, 1e-9f);
  }
}

TEST(Pool2d, OutputShapeHeaderUsesPoolOutputSize) {
  Pool2dParams p;
  p.kernel = {3, 2};
  p.stride = {2, 0};
  p.padding = {1, 1};
  p.ceil_mode = true;
  const Tensor shape = pool2d_output_shape(Tensor(5, 7, 6), p);
  EXPECT_EQ(shape.c, 5);
  EXPECT_EQ(shape.h, pool_output_size(7, 3, 2, 1, 1, true));
  EXPECT_EQ(shape.w, pool_output_size(6, 2, 2, 1, 1, true));
  EXPECT_EQ(shape.h, 4);
  EXPECT_EQ(shape.w, 4);
  EXPECT_TRUE(shape.data.empty());
}

TEST(Pool2d, ExactErrors) {
  const Tensor in(2, 5, 5);
  auto with = [](auto change) {
    Pool2dParams p;
    change(p);
    return p;
  };
  Tensor no_channels;
  no_channels.h = no_channels.w = 5;
  expect_error([&] { pool2d(no_channels, Pool2dParams{}); }, ErrorCode::InvalidShape,
               "input dimensions must be >= 1, got 0x5x5");
  expect_error([&] { pool2d(in, with([](auto& p) { p.kernel = {0, 2}; })); }, ErrorCode::InvalidKernel,
               "kernel must be >= 1, got 0x2");
  expect_error([&] { pool2d(in, with([](auto& p) { p.stride = {-1, 0}; })); }, ErrorCode::InvalidStride,
               "stride must be >= 1, got -1x2");
  expect_error([&] { pool2d(in, with([](auto& p) { p.dilation = {1, 0}; })); }, ErrorCode::InvalidDilation,
               "dilation must be >= 1, got 1x0");
  expect_error([&] { pool2d(in, with([](auto& p) { p.mode = PoolMode::Mean, p.dilation = {2, 1}; })); },
               ErrorCode::InvalidArgument, "dilation must be 1x1 for mean pooling, got 2x1");
  expect_error([&] { pool2d(in, with([](auto& p) { p.mode = static_cast<PoolMode>(7); })); },
               ErrorCode::InvalidArgument, "pool mode must be max, mean or min, got 7");
  expect_error([&] { pool2d(in, with([](auto& p) { p.kernel = {3, 3}, p.padding = {2, 1}; })); },
               ErrorCode::InvalidPadding, "padding height must be between 0 and half the kernel (1), got 2");
  expect_error([&] { pool2d(in, with([](auto& p) { p.padding = {0, -1}; })); }, ErrorCode::InvalidPadding,
               "padding width must be between 0 and half the kernel (1), got -1");
  expect_error([&] { pool2d(in, with([](auto& p) { p.kernel = {2, 6}; })); }, ErrorCode::KernelTooLarge,
               "pooling window width 6 (dilated span 6) must fit the padded input width 5, got output width < 1");
  expect_error([&] { pool2d(in, with([](auto& p) { p.dilation = {3, 1}, p.kernel = {3, 2}; })); },
               ErrorCode::KernelTooLarge,
               "pooling window height 3 (dilated span 7) must fit the padded input height 5, got output height < 1");
  expect_error([&] { pool2d_argmax(in, with([](auto& p) { p.mode = PoolMode::Mean; })); },
               ErrorCode::InvalidArgument, "argmax needs max or min pooling, got mean");
}

}  // namespace
}  // namespace convlab
