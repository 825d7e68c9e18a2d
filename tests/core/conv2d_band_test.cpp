// conv2d_band: the page splits one convolution into row bands computed by separate workers, and the
// joined bands must equal conv2d's output bit for bit (not merely closely): every padding mode, stride,
// dilation and groups, bands of every size, including empty ones and bands that start in the padding.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "conv2d.h"
#include "error.h"
#include "isa_test.h"
#include "reference.h"

namespace convlab {
namespace {

// The bytes of rows [y0, y0 + band.h) of every channel of `whole` against `band`.
void expect_rows_identical(const Tensor& whole, const Tensor& band, int y0, const std::string& what) {
  ASSERT_EQ(band.c, whole.c) << what;
  ASSERT_EQ(band.w, whole.w) << what;
  for (int c = 0; c < whole.c; ++c) {
    const float* want = whole.plane(c) + std::size_t(y0) * whole.w;
    const float* got = band.plane(c);
    ASSERT_EQ(std::memcmp(want, got, sizeof(float) * std::size_t(band.h) * band.w), 0)
        << what << ": channel " << c << ", rows from " << y0;
  }
}

TEST(Conv2dBand, JoinedBandsEqualTheWholeOutputBitForBit) {
  std::uint32_t seed = 7;
  int cases = 0;
  for (PadMode mode : kModes)
    for (int k : {1, 3, 5, 7})
      for (int stride : {1, 2, 3})
        for (int dilation : {1, 2})
          for (int variant = 0; variant < 3; ++variant) {
            const int h = 9 + (k + stride) % 7, w = 11 + (k * dilation) % 5;
            const int pad = (k - 1) / 2 * dilation;
            Conv2dParams p;
            p.padding = {legal_pad(pad, h, mode), legal_pad(pad + (variant == 2), h, mode), legal_pad(pad, w, mode),
                         legal_pad(pad, w, mode)};
            p.padding_mode = mode;
            p.stride = {stride, stride};
            p.dilation = {dilation, dilation};
            const int c = variant == 0 ? 1 : 3;
            p.groups = variant == 1 ? 3 : 1;
            const Tensor in = reference::random_tensor(c, h, w, seed++);
            const Weights wt = reference::random_weights(variant == 2 ? 2 : c, variant == 2 ? 3 : 1, k, k, seed++);
            Tensor whole;
            try {
              whole = conv2d(in, wt, p);
            } catch (const Error&) {
              continue;  // the dilated kernel does not fit this small input
            }
            const std::string what = std::string(pad_mode_name(mode)) + " k" + std::to_string(k) + " s" +
                                     std::to_string(stride) + " d" + std::to_string(dilation) + " variant " +
                                     std::to_string(variant);
            // Every split into two bands, the whole as one band, and one band per row.
            expect_rows_identical(whole, conv2d_band(in, wt, p, 0, whole.h), 0, what);
            for (int cut = 1; cut < whole.h; ++cut) {
              expect_rows_identical(whole, conv2d_band(in, wt, p, 0, cut), 0, what);
              expect_rows_identical(whole, conv2d_band(in, wt, p, cut, whole.h), cut, what);
            }
            for (int y = 0; y < whole.h; ++y) expect_rows_identical(whole, conv2d_band(in, wt, p, y, y + 1), y, what);
            ++cases;
          }
  EXPECT_GT(cases, 200);  // the loops above really ran most of their cases
}

TEST(Conv2dBand, RowsOutsideTheOutputAreRefused) {
  const Tensor in = reference::random_tensor(1, 6, 6, 1);
  const Weights wt = reference::random_weights(1, 1, 3, 3, 2);  // output 4x4
  try {
    conv2d_band(in, wt, {}, 2, 5);
    FAIL() << "rows past the output were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    EXPECT_STREQ(e.what(), "output rows [2, 5) must be a non-empty range within [0, 4)");
  }
  EXPECT_THROW(conv2d_band(in, wt, {}, -1, 2), Error);
  EXPECT_THROW(conv2d_band(in, wt, {}, 3, 2), Error);
  EXPECT_THROW(conv2d_band(in, wt, {}, 2, 2), Error);  // an empty band is no tensor
  Conv2dParams zero_stride;
  zero_stride.stride = {0, 1};
  EXPECT_THROW(conv2d_band(in, wt, zero_stride, 0, 1), Error);  // conv2d's own checks come first
}

}  // namespace
}  // namespace convlab
