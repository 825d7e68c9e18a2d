#include "conv2d.h"

#include <gtest/gtest.h>

#include <string>

#include "error.h"
#include "reference.h"

namespace convlab {
namespace {

void expect_tensor_near(const Tensor& got, const Tensor& want, float tol) {
  ASSERT_EQ(got.c, want.c);
  ASSERT_EQ(got.h, want.h);
  ASSERT_EQ(got.w, want.w);
  for (int c = 0; c < got.c; ++c)
    for (int y = 0; y < got.h; ++y)
      for (int x = 0; x < got.w; ++x)
        ASSERT_NEAR(got.at(c, y, x), want.at(c, y, x), tol) << "at c=" << c << " y=" << y << " x=" << x;
}

TEST(Conv2d, MatchesReferenceOnSizeSweepAllModes) {
  std::uint32_t seed = 1;
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular})
    for (int size = 1; size <= 9; ++size)
      for (int k : {1, 2, 3, 5})
        for (int s : {1, 2, 3}) {
          const int padv = std::min(k / 2, mode == PadMode::Reflect ? size - 1 : size);
          Conv2dParams p;
          p.stride = {s, s};
          p.padding = {padv, padv, padv, padv};
          p.padding_mode = mode;
          if (size + 2 * padv < k) continue;
          const Tensor in = reference::random_tensor(3, size, size + 1, seed++);
          const Weights wt = reference::random_weights(2, 3, k, k, seed++);
          SCOPED_TRACE(std::string(pad_mode_name(mode)) + " size " + std::to_string(size) + " k " +
                       std::to_string(k) + " s " + std::to_string(s));
          expect_tensor_near(conv2d(in, wt, p), reference::conv2d(in, wt, p), 1e-5f);
        }
}

TEST(Conv2d, StrideZeroIsANamedError) {
  Conv2dParams p;
  p.stride = {0, 1};
  try {
    conv2d(Tensor(1, 4, 4), Weights(1, 1, 3, 3), p);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidStride);
    EXPECT_STREQ(e.what(), "stride must be >= 1, got 0x1");
  }
}

}  // namespace
}  // namespace convlab
