// Kernel presets against OpenCV computed live: gaussian_1d vs cv::getGaussianKernel, sobel vs
// cv::getDerivKernels, and whole filters (cv::Sobel, cv::Laplacian, cv::blur, cv::GaussianBlur)
// vs conv2d with the preset and the anchor's padding.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "conv2d.h"
#include "kernels.h"
#include "reference.h"

namespace convlab {
namespace {

// Where kernels.h says gaussian_1d equals OpenCV: odd k with sigma > 0; sigma <= 0 with k 1 or >= 11.
TEST(FilterGaussianVsGetGaussianKernel, OddSizesPositiveSigma) {
  for (int k = 1; k <= 31; k += 2)
    for (double sigma : {0.3, 0.8, 1.0, 1.5, 2.25, 3.7, 10.0}) {
      const std::vector<double> got = gaussian_1d(k, sigma);
      const cv::Mat want = cv::getGaussianKernel(k, sigma, CV_64F);
      ASSERT_EQ(int(got.size()), want.rows) << "k=" << k;
      for (int i = 0; i < k; ++i)
        EXPECT_NEAR(got[i], want.at<double>(i), 1e-15) << "k=" << k << " sigma=" << sigma << " at i=" << i;
    }
}

TEST(FilterGaussianVsGetGaussianKernel, DefaultSigmaOutsideOpenCVTables) {
  for (int k : {1, 11, 13, 15, 21, 31}) {
    const std::vector<double> got = gaussian_1d(k, 0.0);
    const cv::Mat want = cv::getGaussianKernel(k, 0.0, CV_64F);
    for (int i = 0; i < k; ++i) EXPECT_NEAR(got[i], want.at<double>(i), 1e-15) << "k=" << k << " at i=" << i;
  }
}

TEST(FilterGaussianVsGetGaussianKernel, TwoDimensionalIsOuterProduct) {
  for (int k : {1, 3, 5, 7, 9})
    for (float sigma : {0.7f, 1.3f, 2.0f}) {
      const Kernel2D got = gaussian(k, sigma);
      const cv::Mat g = cv::getGaussianKernel(k, double(sigma), CV_64F);
      for (int y = 0; y < k; ++y)
        for (int x = 0; x < k; ++x)
          EXPECT_NEAR(got.at(y, x), g.at<double>(y) * g.at<double>(x), 1e-7)
              << "k=" << k << " sigma=" << sigma << " at y=" << y << " x=" << x;
    }
}

TEST(FilterSobelVsGetDerivKernels, AllOddSizes) {
  for (int k = 3; k <= 31; k += 2) {
    cv::Mat kx, ky;
    cv::getDerivKernels(kx, ky, 1, 0, k, false, CV_64F);  // d/dx: derivative along the row
    const Kernel2D sx = sobel_x(k), sy = sobel_y(k);
    ASSERT_EQ(sx.h, k);
    ASSERT_EQ(sx.w, k);
    for (int y = 0; y < k; ++y)
      for (int x = 0; x < k; ++x) {
        const double want = ky.at<double>(y) * kx.at<double>(x);
        const double tol = 1e-7 * (1.0 + std::fabs(want));  // binomials above 2^24 round in float
        EXPECT_NEAR(sx.at(y, x), want, tol) << "sobel_x(" << k << ") at y=" << y << " x=" << x;
        EXPECT_NEAR(sy.at(x, y), want, tol) << "sobel_y(" << k << ") at y=" << x << " x=" << y;
      }
  }
}

Tensor same_conv(const Tensor& in, const Kernel2D& k, Pad4 pad, PadMode mode) {
  Conv2dParams p;
  p.padding = pad;
  p.padding_mode = mode;
  return conv2d(in, depthwise_weights(k, in.c), p);
}

// tol is relative to sum |K| (inputs are in [-1, 1], so that bounds every output).
void expect_plane_near(const Tensor& got, const cv::Mat& want, const Kernel2D& k, double tol, const std::string& what) {
  double abs_sum = 0;
  for (float v : k.data) abs_sum += std::fabs(v);
  tol *= 1.0 + abs_sum;
  ASSERT_EQ(got.h, want.rows) << what;
  ASSERT_EQ(got.w, want.cols) << what;
  for (int y = 0; y < got.h; ++y)
    for (int x = 0; x < got.w; ++x) ASSERT_NEAR(got.at(0, y, x), want.at<float>(y, x), tol) << what << " at y=" << y << " x=" << x;
}

TEST(PresetFiltersVsOpenCV, SobelLaplacianBlurGaussianBlur) {
  const int h = 11, w = 13;
  const Tensor in = reference::random_tensor(1, h, w, 99);
  const cv::Mat src(h, w, CV_32F, const_cast<float*>(in.plane(0)));
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate}) {
    const int border = mode == PadMode::Zeros      ? cv::BORDER_CONSTANT
                       : mode == PadMode::Reflect  ? cv::BORDER_REFLECT_101
                       : mode == PadMode::Symmetric ? cv::BORDER_REFLECT
                                                    : cv::BORDER_REPLICATE;
    const std::string m = pad_mode_name(mode);
    for (int k : {3, 5, 7}) {
      cv::Mat dx, dy;
      cv::Sobel(src, dx, CV_32F, 1, 0, k, 1.0, 0.0, border);
      cv::Sobel(src, dy, CV_32F, 0, 1, k, 1.0, 0.0, border);
      const int r = k / 2;
      expect_plane_near(same_conv(in, sobel_x(k), Pad4{r, r, r, r}, mode), dx, sobel_x(k), 1e-6, m + " sobel_x " + std::to_string(k));
      expect_plane_near(same_conv(in, sobel_y(k), Pad4{r, r, r, r}, mode), dy, sobel_y(k), 1e-6, m + " sobel_y " + std::to_string(k));
    }
    cv::Mat lap;
    cv::Laplacian(src, lap, CV_32F, 1, 1.0, 0.0, border);  // ksize 1: the 4-neighbour kernel
    expect_plane_near(same_conv(in, laplacian(4), Pad4{1, 1, 1, 1}, mode), lap, laplacian(4), 1e-6, m + " laplacian");
    for (int k : {1, 2, 3, 4, 5}) {
      cv::Mat box;
      const int a = (k - 1) / 2;  // PyTorch's 'same' anchor; OpenCV's default would be k / 2
      cv::blur(src, box, cv::Size(k, k), cv::Point(a, a), border);
      expect_plane_near(same_conv(in, mean_blur(k), Pad4{a, k - 1 - a, a, k - 1 - a}, mode), box, mean_blur(k), 1e-6,
                        m + " mean_blur " + std::to_string(k));
    }
    for (int k : {3, 5, 7, 9})
      for (double sigma : {0.8, 1.6}) {
        cv::Mat blurred;
        cv::GaussianBlur(src, blurred, cv::Size(k, k), sigma, sigma, border);
        const int r = k / 2;
        expect_plane_near(same_conv(in, gaussian(k, float(sigma)), Pad4{r, r, r, r}, mode), blurred, gaussian(k, float(sigma)), 1e-6,
                          m + " gaussian " + std::to_string(k) + " sigma " + std::to_string(sigma));
      }
  }
}

}  // namespace
}  // namespace convlab
