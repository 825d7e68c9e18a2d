// conv2d and separable_conv2d against OpenCV's cv::filter2D / cv::sepFilter2D (both correlation),
// with every border mode. OpenCV places the kernel by an anchor (ax, ay): output(y, x) =
// sum K(i, j) * src(y + i - ay, x + j - ax), which is our conv2d with padding top = ay,
// bottom = kh - 1 - ay, left = ax, right = kw - 1 - ax (for a dilated kernel: the anchor and the
// kernel size of the zero-stuffed kernel). filter2D's default anchor is (kw / 2, kh / 2); for
// even kernels that puts the extra pixel on the top/left, the opposite of PyTorch's 'same', so
// the cases draw the anchor (default, (k - 1) / 2, or random). filter2D has no BORDER_WRAP: circular
// cases pad with copyMakeBorder(BORDER_WRAP) first. Strides take every s-th output of OpenCV's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "conv2d.h"
#include "padding.h"
#include "reference.h"
#include "separable.h"

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

bool pad_fits(PadMode mode, int pad, int n) {
  if (mode == PadMode::Reflect) return pad < n;
  if (mode == PadMode::Symmetric || mode == PadMode::Circular) return pad <= n;
  return true;
}

struct FilterCase {
  PadMode mode;
  int c, h, w;
  int kh, kw;  // taps
  Pair dilation;
  Pair stride;
  int ax, ay;  // anchor in the dilated kernel, OpenCV's convention
  std::uint32_t seed;

  int span_h() const { return (kh - 1) * dilation.h + 1; }
  int span_w() const { return (kw - 1) * dilation.w + 1; }
  Pad4 padding() const { return Pad4{ay, span_h() - 1 - ay, ax, span_w() - 1 - ax}; }
};

std::string case_name(const FilterCase& k) {
  return std::string(pad_mode_name(k.mode)) + "_c" + std::to_string(k.c) + "_" + std::to_string(k.h) + "x" +
         std::to_string(k.w) + "_k" + std::to_string(k.kh) + "x" + std::to_string(k.kw) + "_d" +
         std::to_string(k.dilation.h) + "x" + std::to_string(k.dilation.w) + "_s" + std::to_string(k.stride.h) +
         "x" + std::to_string(k.stride.w) + "_anchor" + std::to_string(k.ax) + "_" + std::to_string(k.ay);
}

// Random cases for each mode; redrawn until the pads fit the mode's limits.
std::vector<FilterCase> filter_cases(std::uint32_t seed, bool allow_dilation_stride) {
  std::vector<FilterCase> cases;
  std::mt19937 rng(seed);
  auto uni = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular}) {
    int made = 0;
    while (made < 40) {
      FilterCase k{mode, uni(0, 2) == 0 ? 3 : 1, uni(1, 12), uni(1, 12), uni(1, 7), uni(1, 7), {1, 1}, {1, 1},
                   0, 0, std::uint32_t(rng())};
      if (allow_dilation_stride && uni(0, 2) == 0) k.dilation = Pair{uni(1, 3), uni(1, 3)};
      if (allow_dilation_stride && uni(0, 2) == 0) k.stride = Pair{uni(1, 3), uni(1, 3)};
      switch (uni(0, 2)) {
        case 0: k.ax = k.span_w() / 2, k.ay = k.span_h() / 2; break;              // filter2D's default
        case 1: k.ax = (k.span_w() - 1) / 2, k.ay = (k.span_h() - 1) / 2; break;  // PyTorch's 'same'
        default: k.ax = uni(0, k.span_w() - 1), k.ay = uni(0, k.span_h() - 1);
      }
      const Pad4 p = k.padding();
      if (!pad_fits(mode, p.top, k.h) || !pad_fits(mode, p.bottom, k.h) || !pad_fits(mode, p.left, k.w) ||
          !pad_fits(mode, p.right, k.w))
        continue;
      cases.push_back(k);
      ++made;
    }
  }
  return cases;
}

std::string param_name(const ::testing::TestParamInfo<FilterCase>& info) {
  return case_name(info.param) + "_" + std::to_string(info.index);
}

// Zero-stuffs a kernel for dilation: (kh - 1) * dh + 1 rows, taps at multiples of dh.
cv::Mat dilated(const cv::Mat& k, Pair d) {
  cv::Mat out = cv::Mat::zeros((k.rows - 1) * d.h + 1, (k.cols - 1) * d.w + 1, CV_32F);
  for (int y = 0; y < k.rows; ++y)
    for (int x = 0; x < k.cols; ++x) out.at<float>(y * d.h, x * d.w) = k.at<float>(y, x);
  return out;
}

// Runs `filter(src, dst, border)` on one channel plane with OpenCV's handling of the case's border;
// circular goes through copyMakeBorder(BORDER_WRAP) since OpenCV's filters refuse BORDER_WRAP.
template <typename Filter>
cv::Mat opencv_filtered(const cv::Mat& src, const FilterCase& k, Filter filter) {
  cv::Mat dst;
  if (k.mode != PadMode::Circular) {
    filter(src, dst, cv_border(k.mode));
    return dst;
  }
  const Pad4 p = k.padding();
  cv::Mat padded;
  cv::copyMakeBorder(src, padded, p.top, p.bottom, p.left, p.right, cv::BORDER_WRAP);
  filter(padded, dst, cv::BORDER_CONSTANT);
  return dst(cv::Rect(p.left, p.top, src.cols, src.rows)).clone();
}

// Compares the core's [C, OH, OW] output with OpenCV's same-size per-channel results sampled at
// the stride; the tolerance scales with sum |K| * max |x|, what the float sums carry.
void expect_matches(const Tensor& got, const std::vector<cv::Mat>& want, const FilterCase& k, double kernel_abs_sum) {
  const int oh = (k.h - 1) / k.stride.h + 1, ow = (k.w - 1) / k.stride.w + 1;
  ASSERT_EQ(got.c, k.c);
  ASSERT_EQ(got.h, oh);
  ASSERT_EQ(got.w, ow);
  const double tol = 2e-6 * (1.0 + kernel_abs_sum);  // inputs are in [-1, 1]
  for (int ch = 0; ch < k.c; ++ch) {
    ASSERT_EQ(want[ch].rows, k.h);
    ASSERT_EQ(want[ch].cols, k.w);
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x)
        ASSERT_NEAR(got.at(ch, y, x), want[ch].at<float>(y * k.stride.h, x * k.stride.w), tol)
            << "at channel " << ch << " y=" << y << " x=" << x;
  }
}

class Conv2dVsFilter2D : public ::testing::TestWithParam<FilterCase> {};

TEST_P(Conv2dVsFilter2D, SameValues) {
  const FilterCase& k = GetParam();
  const Tensor in = reference::random_tensor(k.c, k.h, k.w, k.seed);
  const Weights w4 = reference::random_weights(1, 1, k.kh, k.kw, k.seed + 1);
  Kernel2D kernel(k.kh, k.kw, w4.data);
  Conv2dParams p;
  p.stride = k.stride;
  p.dilation = k.dilation;
  p.padding = k.padding();
  p.padding_mode = k.mode;
  p.groups = k.c;  // the same kernel on every channel, as filter2D does
  const Tensor got = conv2d(in, depthwise_weights(kernel, k.c), p);

  const cv::Mat kmat = dilated(cv::Mat(k.kh, k.kw, CV_32F, kernel.data.data()), k.dilation);
  std::vector<cv::Mat> want;
  for (int ch = 0; ch < k.c; ++ch) {
    const cv::Mat src(k.h, k.w, CV_32F, const_cast<float*>(in.plane(ch)));
    want.push_back(opencv_filtered(src, k, [&](const cv::Mat& s, cv::Mat& d, int border) {
      cv::filter2D(s, d, CV_32F, kmat, cv::Point(k.ax, k.ay), 0.0, border);
    }));
  }
  double abs_sum = 0;
  for (float v : kernel.data) abs_sum += std::fabs(v);
  expect_matches(got, want, k, abs_sum);
}

INSTANTIATE_TEST_SUITE_P(Filter, Conv2dVsFilter2D, ::testing::ValuesIn(filter_cases(777, true)), param_name);

// filter2D on a 3-channel Mat (interleaved HWC) applies the kernel per channel: a depthwise conv.
TEST(Filter2DInterleaved, ThreeChannelMatIsDepthwiseConv) {
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate}) {
    const int h = 9, w = 7;
    const Tensor in = reference::random_tensor(3, h, w, 31);
    const Weights w4 = reference::random_weights(1, 1, 4, 3, 32);
    Kernel2D kernel(4, 3, w4.data);
    std::vector<cv::Mat> planes;
    for (int ch = 0; ch < 3; ++ch) planes.emplace_back(h, w, CV_32F, const_cast<float*>(in.plane(ch)));
    cv::Mat hwc, out;
    cv::merge(planes, hwc);
    cv::filter2D(hwc, out, CV_32F, cv::Mat(4, 3, CV_32F, kernel.data.data()), cv::Point(-1, -1), 0.0, cv_border(mode));
    Conv2dParams p;
    p.padding = Pad4{2, 1, 1, 1};  // default anchor (kw / 2, kh / 2) = (1, 2)
    p.padding_mode = mode;
    p.groups = 3;
    const Tensor got = conv2d(in, depthwise_weights(kernel, 3), p);
    for (int ch = 0; ch < 3; ++ch)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          EXPECT_NEAR(got.at(ch, y, x), out.at<cv::Vec3f>(y, x)[ch], 1e-5)
              << pad_mode_name(mode) << " at channel " << ch << " y=" << y << " x=" << x;
  }
}

class SeparableVsSepFilter2D : public ::testing::TestWithParam<FilterCase> {};

TEST_P(SeparableVsSepFilter2D, SameValues) {
  const FilterCase& k = GetParam();
  const Tensor in = reference::random_tensor(k.c, k.h, k.w, k.seed);
  const Weights col4 = reference::random_weights(1, 1, k.kh, 1, k.seed + 1);
  const Weights row4 = reference::random_weights(1, 1, 1, k.kw, k.seed + 2);
  std::vector<float> column = col4.data, row = row4.data;
  Conv2dParams p;
  p.stride = k.stride;
  p.dilation = k.dilation;
  p.padding = k.padding();
  p.padding_mode = k.mode;
  const Tensor got = separable_conv2d(in, column, row, p);

  const cv::Mat kx = dilated(cv::Mat(1, k.kw, CV_32F, row.data()), Pair{1, k.dilation.w});
  const cv::Mat ky = dilated(cv::Mat(k.kh, 1, CV_32F, column.data()), Pair{k.dilation.h, 1});
  std::vector<cv::Mat> want;
  for (int ch = 0; ch < k.c; ++ch) {
    const cv::Mat src(k.h, k.w, CV_32F, const_cast<float*>(in.plane(ch)));
    want.push_back(opencv_filtered(src, k, [&](const cv::Mat& s, cv::Mat& d, int border) {
      cv::sepFilter2D(s, d, CV_32F, kx, ky, cv::Point(k.ax, k.ay), 0.0, border);
    }));
  }
  double col_abs = 0, row_abs = 0;
  for (float v : column) col_abs += std::fabs(v);
  for (float v : row) row_abs += std::fabs(v);
  expect_matches(got, want, k, col_abs * row_abs);
}

INSTANTIATE_TEST_SUITE_P(Filter, SeparableVsSepFilter2D, ::testing::ValuesIn(filter_cases(991, true)), param_name);

}  // namespace
}  // namespace convlab
