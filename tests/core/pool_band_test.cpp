// pool2d_band: the page splits one pooling into row bands computed by separate workers, and the joined
// bands must equal pool2d's output bit for bit: max, mean and min, ceil mode, padding, count_include_pad,
// dilation, bands of every size including one row and bands whose windows start in the padding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "expect.h"
#include "error.h"
#include "pool.h"
#include "reference.h"

namespace convlab {
namespace {

// The bytes of rows [y0, y0 + band.h) of every channel of `whole` against `band` (NaN bits included).
void expect_rows_identical(const Tensor& whole, const Tensor& band, int y0, const std::string& what) {
  ASSERT_EQ(band.c, whole.c) << what;
  ASSERT_EQ(band.w, whole.w) << what;
  for (int c = 0; c < whole.c; ++c)
    ASSERT_EQ(std::memcmp(whole.plane(c) + std::size_t(y0) * whole.w, band.plane(c),
                          sizeof(float) * std::size_t(band.h) * band.w),
              0)
        << what << ": channel " << c << ", rows from " << y0;
}

TEST(Pool2dBand, JoinedBandsEqualTheWholeOutputBitForBit) {
  std::uint32_t seed = 11;
  int cases = 0;
  for (PoolMode mode : {PoolMode::Max, PoolMode::Mean, PoolMode::Min})
    for (int k : {1, 2, 3, 5})
      for (int stride : {1, 2, 3})
        for (int pad = 0; pad <= k / 2; ++pad)
          for (bool ceil_mode : {false, true})
            for (int variant = 0; variant < 2; ++variant) {
              Pool2dParams p;
              p.mode = mode;
              p.kernel = {k, k + variant};
              p.stride = {stride, variant ? 0 : stride};
              p.padding = {pad, pad};
              p.ceil_mode = ceil_mode;
              p.count_include_pad = variant == 0;
              if (mode != PoolMode::Mean && variant == 1) p.dilation = {2, 1};
              const int h = 7 + (k + stride + pad) % 6, w = 9 + (k * stride) % 5;
              Tensor in = reference::random_tensor(variant ? 3 : 1, h, w, seed++);
              if (variant == 1) {  // NaN and infinities travel through bands too
                in.data[seed % in.size()] = std::numeric_limits<float>::quiet_NaN();
                in.data[(seed * 7) % in.size()] = std::numeric_limits<float>::infinity();
              }
              Tensor whole;
              try {
                whole = pool2d(in, p);
              } catch (const Error&) {
                continue;  // the window does not fit this small input
              }
              const std::string what = std::string(pool_mode_name(mode)) + " k" + std::to_string(k) + " s" +
                                       std::to_string(stride) + " p" + std::to_string(pad) +
                                       (ceil_mode ? " ceil" : "") + " variant " + std::to_string(variant);
              expect_rows_identical(whole, pool2d_band(in, p, 0, whole.h), 0, what);
              for (int cut = 1; cut < whole.h; ++cut) {
                expect_rows_identical(whole, pool2d_band(in, p, 0, cut), 0, what);
                expect_rows_identical(whole, pool2d_band(in, p, cut, whole.h), cut, what);
              }
              for (int y = 0; y < whole.h; ++y) expect_rows_identical(whole, pool2d_band(in, p, y, y + 1), y, what);
              ++cases;
            }
  EXPECT_GT(cases, 250);  // the loops above really ran most of their cases
}

// The rows of pool_test.cpp's MeanCeilModeAndCountIncludePadMatchTorch (printed by PyTorch 1.13), turned
// on their side: x = arange(5.) down one column, F.avg_pool2d(x, (2,1), (2,1), (1,0), ceil_mode=True)
// -> 0, 1.5, 3.5, each output row computed as a band of its own.
TEST(Pool2dBand, OneRowBandsGiveTorchsMeanCeilRows) {
  const Tensor x(1, 5, 1, std::vector<float>{0, 1, 2, 3, 4});
  Pool2dParams p;
  p.mode = PoolMode::Mean;
  p.kernel = {2, 1};
  p.stride = {2, 1};
  p.padding = {1, 0};
  p.ceil_mode = true;
  const float want[3] = {0.0f, 1.5f, 3.5f};
  for (int y = 0; y < 3; ++y) EXPECT_EQ(pool2d_band(x, p, y, y + 1).at(0, 0, 0), want[y]) << "row " << y;
}

TEST(Pool2dBand, RowsOutsideTheOutputAreRefused) {
  const Tensor in = reference::random_tensor(1, 8, 8, 1);  // 2x2 max: output 4x4
  expect_error([&] { pool2d_band(in, Pool2dParams{}, 2, 5); }, ErrorCode::InvalidArgument,
               "output rows [2, 5) must be a non-empty range within [0, 4)");
  EXPECT_THROW(pool2d_band(in, Pool2dParams{}, -1, 2), Error);
  EXPECT_THROW(pool2d_band(in, Pool2dParams{}, 3, 2), Error);
  EXPECT_THROW(pool2d_band(in, Pool2dParams{}, 2, 2), Error);  // an empty band is no tensor
  Pool2dParams zero_kernel;
  zero_kernel.kernel = {0, 2};
  expect_error([&] { pool2d_band(in, zero_kernel, 0, 1); }, ErrorCode::InvalidKernel,
               "kernel must be >= 1, got 0x2");  // pool2d's own checks come first
}

}  // namespace
}  // namespace convlab
