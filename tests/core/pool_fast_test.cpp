// The fast path of pool2d (row pass along x, cached in a ring of rows, then a column pass along y)
// against the naive reference loop: widths 1..40 so every vector tail and border column is hit,
// kernels, strides, dilations, padding, ceil mode, count_include_pad, one and three channels, NaN.
// Max and min must equal the reference exactly and be bit-identical to the input pixel that
// pool2d_argmax names (the first maximum in row-major order, so -0 and +0 ties resolve the same way).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "pool.h"
#include "reference_transpose_pool.h"

namespace convlab {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

std::uint32_t bits(float v) {
  std::uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Rounded to multiples of 1/8 with some exact ties, some -0/+0 pairs and (when nan_every > 0) NaNs.
Tensor tie_heavy_tensor(int c, int h, int w, std::uint32_t seed, int nan_every) {
  Tensor t = reference::random_tensor(c, h, w, seed);
  for (std::size_t i = 0; i < t.size(); ++i) {
    float v = std::round(t.data[i] * 4.0f) / 8.0f;
    if (v == 0.0f && (i + seed) % 2 == 0) v = -0.0f;
    if (nan_every > 0 && (i * 7 + seed) % nan_every == 0) v = kNaN;
    t.data[i] = v;
  }
  return t;
}

void expect_pool_matches(const Tensor& in, const Pool2dParams& p, const std::string& what) {
  const Tensor got = pool2d(in, p);
  const Tensor want = reference::pool2d(in, p);
  ASSERT_EQ(got.c, want.c) << what;
  ASSERT_EQ(got.h, want.h) << what;
  ASSERT_EQ(got.w, want.w) << what;
  ASSERT_EQ(got.data.size(), want.data.size()) << what;
  std::vector<int> index;
  if (p.mode != PoolMode::Mean) index = pool2d_argmax(in, p);
  for (int c = 0; c < got.c; ++c)
    for (int y = 0; y < got.h; ++y)
      for (int x = 0; x < got.w; ++x) {
        const float g = got.at(c, y, x), e = want.at(c, y, x);
        const std::string where = what + " at c=" + std::to_string(c) + " y=" + std::to_string(y) + " x=" + std::to_string(x);
        if (std::isnan(e)) {
          ASSERT_TRUE(std::isnan(g)) << where << ": got " << g << ", want NaN";
        } else if (p.mode == PoolMode::Mean) {
          ASSERT_NEAR(g, e, 1e-6f * (1.0f + std::abs(e)) * 4) << where;
        } else {
          ASSERT_EQ(g, e) << where;
          const int i = index[(std::size_t(c) * got.h + y) * got.w + x];
          if (i >= 0) ASSERT_EQ(bits(g), bits(in.plane(c)[i])) << where << ": not the pixel argmax names";
        }
      }
}

TEST(Pool2dFast, EveryModeKernelStrideAndWidth) {
  std::uint32_t seed = 1;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min, PoolMode::Mean})
    for (int k = 1; k <= 5; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int w = 1; w <= 40; ++w) {
          const int h = 1 + (w * 5 + k) % 9;
          Pool2dParams p;
          p.mode = mode;
          p.kernel = {k, k};
          p.stride = {s, s};
          p.padding = {(k / 2) * (w % 2), k / 2};
          p.ceil_mode = (w + s) % 3 == 0;
          p.count_include_pad = w % 4 != 1;
          if (h + 2 * p.padding.h < k || w + 2 * p.padding.w < k) continue;
          const int c = w % 5 == 0 ? 3 : 1;
          const Tensor in = tie_heavy_tensor(c, h, w, seed++, 0);
          expect_pool_matches(in, p,
                              std::string(pool_mode_name(mode)) + " k" + std::to_string(k) + " s" + std::to_string(s) +
                                  " " + std::to_string(h) + "x" + std::to_string(w));
        }
}

TEST(Pool2dFast, RectangularDilatedAndStridedPerAxis) {
  std::uint32_t seed = 1000;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min, PoolMode::Mean})
    for (int kh = 1; kh <= 4; ++kh)
      for (int kw = 1; kw <= 5; kw += 2)
        for (int d = 1; d <= 3; ++d)
          for (int w : {1, 2, 3, 7, 8, 9, 16, 17, 31, 40}) {
            const int h = 2 + (w + kh) % 7;
            Pool2dParams p;
            p.mode = mode;
            p.kernel = {kh, kw};
            p.stride = {1 + (w + d) % 3, 1 + (kh + d) % 2};
            p.dilation = mode == PoolMode::Mean ? Pair{1, 1} : Pair{d, 4 - d};
            p.padding = {kh / 2, kw / 2};
            for (bool ceil_mode : {false, true}) {
              p.ceil_mode = ceil_mode;
              const int span_h = (kh - 1) * p.dilation.h + 1, span_w = (kw - 1) * p.dilation.w + 1;
              if (h + 2 * p.padding.h < span_h || w + 2 * p.padding.w < span_w) continue;
              const Tensor in = tie_heavy_tensor(2, h, w, seed++, 0);
              expect_pool_matches(in, p,
                                  std::string(pool_mode_name(mode)) + " " + std::to_string(kh) + "x" + std::to_string(kw) +
                                      " d" + std::to_string(d) + " ceil " + std::to_string(ceil_mode) + " " +
                                      std::to_string(h) + "x" + std::to_string(w));
            }
          }
}

TEST(Pool2dFast, NaNAnywhereInTheWindowGivesNaN) {
  std::uint32_t seed = 2000;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min, PoolMode::Mean})
    for (int k : {2, 3, 4})
      for (int w : {1, 5, 9, 17, 33}) {
        Pool2dParams p;
        p.mode = mode;
        p.kernel = {k, k};
        p.stride = {1, 1 + w % 2};
        p.padding = {k / 2, k / 2};
        const Tensor in = tie_heavy_tensor(1, 6, w, seed++, 11);
        expect_pool_matches(in, p, std::string(pool_mode_name(mode)) + " k" + std::to_string(k) + " w" + std::to_string(w));
      }
}

// A window holding only padding (possible with dilation) gives -inf for max and +inf for min.
TEST(Pool2dFast, WindowsOfPaddingOnly) {
  const Tensor in = tie_heavy_tensor(1, 3, 3, 7, 0);
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min}) {
    Pool2dParams p;
    p.mode = mode;
    p.kernel = {2, 2};
    p.stride = {1, 1};
    p.padding = {1, 1};
    p.dilation = {4, 4};
    expect_pool_matches(in, p, std::string(pool_mode_name(mode)) + " dilation 4");
  }
}

// A big image with a kernel larger than the vector width: the interior vector loops, not the borders.
TEST(Pool2dFast, LargeImage) {
  const Tensor in = tie_heavy_tensor(3, 37, 263, 9, 97);
  for (PoolMode mode : {PoolMode::Max, PoolMode::Min, PoolMode::Mean})
    for (int k : {3, 7, 12}) {
      Pool2dParams p;
      p.mode = mode;
      p.kernel = {k, k};
      p.stride = {1, 1};
      p.padding = {k / 2, k / 2};
      expect_pool_matches(in, p, std::string(pool_mode_name(mode)) + " k" + std::to_string(k));
      p.stride = {2, 2};
      expect_pool_matches(in, p, std::string(pool_mode_name(mode)) + " k" + std::to_string(k) + " s2");
    }
}

}  // namespace
}  // namespace convlab
