// pad() against cv::copyMakeBorder, an implementation no one here wrote, for every padding mode:
//   Zeros = BORDER_CONSTANT 0, Reflect = BORDER_REFLECT_101, Symmetric = BORDER_REFLECT,
//   Replicate = BORDER_REPLICATE, Circular = BORDER_WRAP.
// Random sizes 1..9 (fixed seed), asymmetric pads up to each mode's limit, every channel.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <random>
#include <string>
#include <vector>

#include "error.h"
#include "padding.h"
#include "reference.h"

namespace convlab {
namespace {

int cv_border(PadMode mode) {
  switch (mode) {
    case PadMode::Zeros: return cv::BORDER_CONSTANT;
    case PadMode::Reflect: return cv::BORDER_REFLECT_101;
    case PadMode::Symmetric: return cv::BORDER_REFLECT;
    case PadMode::Replicate: return cv::BORDER_REPLICATE;
    case PadMode::Circular: return cv::BORDER_WRAP;
  }
  return cv::BORDER_CONSTANT;
}

// The largest pad the core accepts for an axis of length n (as PyTorch: one reflection or wrap).
int pad_limit(PadMode mode, int n) {
  switch (mode) {
    case PadMode::Reflect: return n - 1;
    case PadMode::Symmetric:
    case PadMode::Circular: return n;
    default: return 2 * n + 3;  // zeros and replicate take any pad
  }
}

struct BorderCase {
  PadMode mode;
  int c, h, w;
  Pad4 pad;
  std::uint32_t seed;
};

std::string case_name(const BorderCase& k) {
  return std::string(pad_mode_name(k.mode)) + "_c" + std::to_string(k.c) + "_" + std::to_string(k.h) + "x" +
         std::to_string(k.w) + "_t" + std::to_string(k.pad.top) + "_b" + std::to_string(k.pad.bottom) + "_l" +
         std::to_string(k.pad.left) + "_r" + std::to_string(k.pad.right);
}

std::vector<BorderCase> border_cases() {
  std::vector<BorderCase> cases;
  std::mt19937 rng(4242);
  auto uni = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular}) {
    // Both extremes on both borders: the largest pads the mode allows, for every size 1..9.
    for (int n = 1; n <= 9; ++n) {
      const int lim_h = pad_limit(mode, n), lim_w = pad_limit(mode, 10 - n);
      cases.push_back({mode, 1, n, 10 - n, Pad4{lim_h, lim_h, lim_w, lim_w}, std::uint32_t(100 + n)});
    }
    // Random sizes and asymmetric pads (some sides 0).
    for (int i = 0; i < 30; ++i) {
      const int h = uni(1, 9), w = uni(1, 9), c = uni(1, 3);
      Pad4 p{uni(0, pad_limit(mode, h)), uni(0, pad_limit(mode, h)), uni(0, pad_limit(mode, w)),
             uni(0, pad_limit(mode, w))};
      if (i % 5 == 0) p.top = 0;
      if (i % 7 == 0) p.right = 0;
      cases.push_back({mode, c, h, w, p, std::uint32_t(1000 + i)});
    }
  }
  return cases;
}

class PadVsCopyMakeBorder : public ::testing::TestWithParam<BorderCase> {};

TEST_P(PadVsCopyMakeBorder, SameValues) {
  const BorderCase& k = GetParam();
  const Tensor in = reference::random_tensor(k.c, k.h, k.w, k.seed);
  const Tensor got = pad(in, k.pad, k.mode);
  ASSERT_EQ(got.c, k.c);
  ASSERT_EQ(got.h, k.h + k.pad.top + k.pad.bottom);
  ASSERT_EQ(got.w, k.w + k.pad.left + k.pad.right);
  for (int ch = 0; ch < k.c; ++ch) {
    const cv::Mat src(k.h, k.w, CV_32F, const_cast<float*>(in.plane(ch)));
    cv::Mat want;
    cv::copyMakeBorder(src, want, k.pad.top, k.pad.bottom, k.pad.left, k.pad.right, cv_border(k.mode), cv::Scalar(0));
    ASSERT_EQ(want.rows, got.h);
    ASSERT_EQ(want.cols, got.w);
    for (int y = 0; y < got.h; ++y)
      for (int x = 0; x < got.w; ++x)
        ASSERT_EQ(got.at(ch, y, x), want.at<float>(y, x)) << "at channel " << ch << " y=" << y << " x=" << x;
  }
}

INSTANTIATE_TEST_SUITE_P(Border, PadVsCopyMakeBorder, ::testing::ValuesIn(border_cases()),
                         [](const ::testing::TestParamInfo<BorderCase>& info) {
                           return case_name(info.param) + "_" + std::to_string(info.index);
                         });

// The core refuses, like PyTorch, pads that OpenCV would fill by reflecting or wrapping more than
// once: one past each mode's limit on each side.
TEST(BorderLimits, OnePastTheLimitIsInvalidPadding) {
  for (PadMode mode : {PadMode::Reflect, PadMode::Symmetric, PadMode::Circular})
    for (int n = 1; n <= 5; ++n) {
      const Tensor in = reference::random_tensor(1, n, n, 7);
      const int bad = pad_limit(mode, n) + 1;
      for (Pad4 p : {Pad4{bad, 0, 0, 0}, Pad4{0, bad, 0, 0}, Pad4{0, 0, bad, 0}, Pad4{0, 0, 0, bad}}) {
        try {
          pad(in, p, mode);
          ADD_FAILURE() << pad_mode_name(mode) << " size " << n << " pad " << bad << " accepted";
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::InvalidPadding) << e.what();
        }
      }
    }
}

}  // namespace
}  // namespace convlab
