#include "kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "error.h"
#include "expect.h"

namespace convlab {
namespace {

void expect_kernel_eq(const Kernel2D& got, const Kernel2D& want) {
  ASSERT_EQ(got.h, want.h);
  ASSERT_EQ(got.w, want.w);
  for (int y = 0; y < got.h; ++y)
    for (int x = 0; x < got.w; ++x) EXPECT_EQ(got.at(y, x), want.at(y, x)) << "at y=" << y << " x=" << x;
}

double sum(const Kernel2D& k) {
  double s = 0;
  for (float v : k.data) s += v;
  return s;
}

TEST(Kernels, IdentityAndMean) {
  expect_kernel_eq(identity(3), Kernel2D(3, 3, {0, 0, 0, 0, 1, 0, 0, 0, 0}));
  expect_kernel_eq(identity(1), Kernel2D(1, 1, {1}));
  expect_kernel_eq(identity(4), Kernel2D(4, 4, {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  for (int k = 1; k <= 9; ++k) {
    const Kernel2D m = mean_blur(k);
    ASSERT_EQ(m.h, k);
    for (float v : m.data) EXPECT_FLOAT_EQ(v, 1.0f / float(k * k)) << "size " << k;
    EXPECT_NEAR(sum(m), 1.0, 1e-6) << "size " << k;
  }
}

// cv::getGaussianKernel(k, sigma, CV_64F) as printed by OpenCV 4.6 (cv2) for odd k with sigma > 0.
TEST(Kernels, GaussianMatchesOpenCvForExplicitSigma) {
  struct Case {
    int k;
    double sigma;
    std::vector<double> want;
  };
  const Case cases[] = {
      {3, 1.0, {0.274068619061197, 0.45186276187760605, 0.274068619061197}},
      {5, 1.5, {0.12007838424321347, 0.2338807565853503, 0.2920817183428724, 0.2338807565853503, 0.12007838424321347}},
      {7, 2.0, {0.07015932695902606, 0.13107487896736597, 0.19071282356963734, 0.21610594100794114,
                0.19071282356963734, 0.13107487896736597, 0.07015932695902606}},
      {5, 0.5, {2.6386508273735414e-04, 1.0645077197359151e-01, 7.8657072588734223e-01, 1.0645077197359151e-01,
                2.6386508273735414e-04}},
  };
  for (const Case& c : cases) {
    const std::vector<double> g = gaussian_1d(c.k, c.sigma);
    ASSERT_EQ(g.size(), c.want.size());
    for (int i = 0; i < c.k; ++i) EXPECT_NEAR(g[i], c.want[i], 1e-15) << "k=" << c.k << " i=" << i;
    const Kernel2D k2 = gaussian(c.k, float(c.sigma));
    for (int y = 0; y < c.k; ++y)
      for (int x = 0; x < c.k; ++x)
        EXPECT_NEAR(k2.at(y, x), c.want[y] * c.want[x], 1e-7) << "k=" << c.k << " at y=" << y << " x=" << x;
    EXPECT_NEAR(sum(k2), 1.0, 1e-6);
  }
}

// sigma <= 0: OpenCV's documented default sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8, through the formula.
// (OpenCV's getGaussianKernel returns fixed binomial tables instead for k = 3, 5, 7; see kernels.h.)
TEST(Kernels, GaussianDefaultSigmaFollowsTheOpenCvFormula) {
  for (int k = 1; k <= 7; ++k) {
    const double sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8;
    std::vector<double> want(k);
    double total = 0;
    for (int i = 0; i < k; ++i) {
      const double x = i - (k - 1) / 2.0;
      want[i] = std::exp(-x * x / (2 * sigma * sigma));
      total += want[i];
    }
    const std::vector<double> got = gaussian_1d(k, 0), got_negative = gaussian_1d(k, -1);
    const Kernel2D k2 = gaussian(k);
    for (int i = 0; i < k; ++i) {
      EXPECT_NEAR(got[i], want[i] / total, 1e-15) << "k=" << k << " i=" << i;
      EXPECT_EQ(got_negative[i], got[i]);
      EXPECT_EQ(got[i], got[k - 1 - i]) << "symmetric, k=" << k;
    }
    for (int y = 0; y < k; ++y)
      for (int x = 0; x < k; ++x) EXPECT_EQ(k2.at(y, x), float(got[y] * got[x])) << "k=" << k;
    EXPECT_NEAR(sum(k2), 1.0, 1e-6) << "k=" << k;
  }
  // Spot values: k = 3 -> sigma 0.8, k = 5 -> 1.1 (cv2 with these explicit sigmas agrees).
  EXPECT_NEAR(gaussian_1d(3, 0)[1], 0.52201147, 1e-8);
  EXPECT_NEAR(gaussian_1d(5, 0)[0], 0.07076637, 1e-8);
}

TEST(Kernels, SobelValuesMatchOpenCvDerivKernels) {
  expect_kernel_eq(sobel_x(3), Kernel2D(3, 3, {-1, 0, 1, -2, 0, 2, -1, 0, 1}));
  expect_kernel_eq(sobel_y(3), Kernel2D(3, 3, {-1, -2, -1, 0, 0, 0, 1, 2, 1}));
  // cv::getDerivKernels(1, 0, 5): deriv (-1 -2 0 2 1), smooth (1 4 6 4 1); ksize 7: (-1 -4 -5 0 5 4 1), (1 6 15 20 15 6 1).
  const float d5[] = {-1, -2, 0, 2, 1}, s5[] = {1, 4, 6, 4, 1};
  const float d7[] = {-1, -4, -5, 0, 5, 4, 1}, s7[] = {1, 6, 15, 20, 15, 6, 1};
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 5; ++x) {
      EXPECT_EQ(sobel_x(5).at(y, x), s5[y] * d5[x]) << "at y=" << y << " x=" << x;
      EXPECT_EQ(sobel_y(5).at(y, x), d5[y] * s5[x]) << "at y=" << y << " x=" << x;
    }
  for (int y = 0; y < 7; ++y)
    for (int x = 0; x < 7; ++x) EXPECT_EQ(sobel_x(7).at(y, x), s7[y] * d7[x]) << "at y=" << y << " x=" << x;
  for (int k = 3; k <= 31; k += 2) {
    EXPECT_EQ(sum(sobel_x(k)), 0.0) << "size " << k;
    expect_kernel_eq(sobel_y(k), transpose(sobel_x(k)));
    expect_kernel_eq(flip(sobel_x(k)), Kernel2D(k, k, [&] {  // antisymmetric along x
      std::vector<float> v = sobel_x(k).data;
      for (float& x : v) x = -x;
      return v;
    }()));
  }
}

TEST(Kernels, FixedThreeByThreePresets) {
  expect_kernel_eq(sharpen(), Kernel2D(3, 3, {0, -1, 0, -1, 5, -1, 0, -1, 0}));
  expect_kernel_eq(prewitt_x(), Kernel2D(3, 3, {-1, 0, 1, -1, 0, 1, -1, 0, 1}));
  expect_kernel_eq(prewitt_y(), Kernel2D(3, 3, {-1, -1, -1, 0, 0, 0, 1, 1, 1}));
  expect_kernel_eq(laplacian(4), Kernel2D(3, 3, {0, 1, 0, 1, -4, 1, 0, 1, 0}));
  expect_kernel_eq(laplacian(8), Kernel2D(3, 3, {1, 1, 1, 1, -8, 1, 1, 1, 1}));
  expect_kernel_eq(outline(), Kernel2D(3, 3, {-1, -1, -1, -1, 8, -1, -1, -1, -1}));
  EXPECT_EQ(sum(sharpen()), 1.0);
  EXPECT_EQ(sum(laplacian(4)), 0.0);
  EXPECT_EQ(sum(laplacian(8)), 0.0);
  EXPECT_EQ(sum(outline()), 0.0);
}

TEST(Kernels, EmbossDirectionsAreRotationsAndTransposesOfEachOther) {
  const Kernel2D top = emboss(EmbossTop), bottom = emboss(EmbossBottom);
  const Kernel2D left = emboss(EmbossLeft), right = emboss(EmbossRight);
  expect_kernel_eq(top, Kernel2D(3, 3, {-1, -1, -1, 0, 1, 0, 1, 1, 1}));
  expect_kernel_eq(bottom, flip(top));
  expect_kernel_eq(left, transpose(top));
  expect_kernel_eq(right, flip(left));
  expect_kernel_eq(right, transpose(bottom));
  for (const Kernel2D* k : {&top, &bottom, &left, &right}) EXPECT_EQ(sum(*k), 1.0);

  // Diagonals: the common emboss kernel is top + left; each diagonal = a + b - identity.
  expect_kernel_eq(emboss(EmbossTop | EmbossLeft), Kernel2D(3, 3, {-2, -1, 0, -1, 1, 1, 0, 1, 2}));
  const Kernel2D id = identity(3);
  const unsigned dirs[4] = {EmbossTop, EmbossRight, EmbossBottom, EmbossLeft};  // clockwise
  for (int i = 0; i < 4; ++i) {
    const unsigned a = dirs[i], b = dirs[(i + 1) % 4];
    const Kernel2D ka = emboss(a), kb = emboss(b), diag = emboss(a | b);
    for (int j = 0; j < 9; ++j) EXPECT_EQ(diag.data[j], ka.data[j] + kb.data[j] - id.data[j]) << "mask " << (a | b);
    EXPECT_EQ(sum(diag), 1.0);
  }
  expect_kernel_eq(emboss(EmbossBottom | EmbossRight), flip(emboss(EmbossTop | EmbossLeft)));
  expect_kernel_eq(emboss(EmbossTop | EmbossRight), transpose(emboss(EmbossBottom | EmbossLeft)));
  expect_kernel_eq(emboss(EmbossTop | EmbossBottom), id);
  expect_kernel_eq(emboss(0), id);
  expect_error([] { emboss(16); }, ErrorCode::InvalidArgument, "emboss directions must be a mask within 0..15, got 16");
}

TEST(Kernels, FlipTransposeNormalise) {
  const Kernel2D k(2, 3, {1, 2, 3, 4, 5, 6});
  expect_kernel_eq(flip(k), Kernel2D(2, 3, {6, 5, 4, 3, 2, 1}));
  expect_kernel_eq(transpose(k), Kernel2D(3, 2, {1, 4, 2, 5, 3, 6}));
  expect_kernel_eq(flip(flip(k)), k);
  // Nonzero sum: divide by the sum.
  const Kernel2D n = normalise(k);
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(n.data[i], float(i + 1) / 21.0f);
  // Zero sum: divide by the sum of |values| (8 for Sobel 3x3).
  const Kernel2D s = normalise(sobel_x(3));
  for (int i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(s.data[i], sobel_x(3).data[i] / 8.0f);
  expect_kernel_eq(normalise(Kernel2D(2, 2)), Kernel2D(2, 2));
  expect_kernel_eq(normalise(Kernel2D(1, 2, {1, -1})), Kernel2D(1, 2, {0.5f, -0.5f}));
}

TEST(Kernels, RegistryListsEveryPresetAndBuildsIt) {
  const std::vector<PresetInfo> presets = kernel_presets();
  std::set<std::string> names;
  for (const PresetInfo& p : presets) {
    EXPECT_TRUE(names.insert(p.name).second) << "duplicate " << p.name;
    EXPECT_GT(std::string(p.description).size(), 0u) << p.name;
    const Kernel2D k = kernel_preset(p.name, 5, 1.0f);
    EXPECT_EQ(k.h, p.has_size ? 5 : 3) << p.name;
  }
  for (const char* want : {"identity", "mean", "gaussian", "sharpen", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y",
                           "laplacian_4", "laplacian_8", "outline", "emboss_top", "emboss_bottom", "emboss_left",
                           "emboss_right", "emboss_top_left", "emboss_top_right", "emboss_bottom_left",
                           "emboss_bottom_right"})
    EXPECT_EQ(names.count(want), 1u) << want;
  expect_kernel_eq(kernel_preset("gaussian", 5, 1.5f), gaussian(5, 1.5f));
  expect_kernel_eq(kernel_preset("gaussian", 5), gaussian(5, 0));
  expect_kernel_eq(kernel_preset("sobel_y", 7), sobel_y(7));
  expect_kernel_eq(kernel_preset("emboss_top_left"), emboss(EmbossTop | EmbossLeft));
  expect_kernel_eq(kernel_preset("sharpen", 9), sharpen());  // size ignored by fixed presets
}

TEST(Kernels, NamedErrors) {
  expect_error([] { kernel_preset("xyz"); }, ErrorCode::InvalidArgument, "kernel preset \"xyz\" is unknown");
  expect_error([] { kernel_preset("mean", 0); }, ErrorCode::InvalidKernel, "kernel size must be >= 1, got 0");
  expect_error([] { gaussian(-3); }, ErrorCode::InvalidKernel, "kernel size must be >= 1, got -3");
  expect_error([] { kernel_preset("sobel_x", 4); }, ErrorCode::InvalidKernel,
               "sobel kernel size must be odd and between 3 and 31, got 4");
  expect_error([] { sobel_y(33); }, ErrorCode::InvalidKernel,
               "sobel kernel size must be odd and between 3 and 31, got 33");
  expect_error([] { sobel_x(1); }, ErrorCode::InvalidKernel,
               "sobel kernel size must be odd and between 3 and 31, got 1");
  expect_error([] { kernel_preset("gaussian", 3, std::nanf("")); }, ErrorCode::InvalidArgument,
               "sigma must be finite, got nan");
  expect_error([] { laplacian(6); }, ErrorCode::InvalidArgument, "laplacian neighbours must be 4 or 8, got 6");
}

}  // namespace
}  // namespace convlab
