#include "separable.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "error.h"
#include "expect.h"
#include "kernels.h"
#include "reference.h"

namespace convlab {
namespace {

std::vector<float> random_vector(int n, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

Kernel2D random_kernel(int h, int w, std::mt19937& rng) { return Kernel2D(h, w, random_vector(h * w, rng)); }

double frobenius(const Kernel2D& k) {
  double s = 0;
  for (float v : k.data) s += double(v) * v;
  return std::sqrt(s);
}

void expect_factors_reproduce(const Kernel2D& k, const Separation& s, double tol) {
  ASSERT_EQ(s.column.size(), std::size_t(k.h));
  ASSERT_EQ(s.row.size(), std::size_t(k.w));
  for (int y = 0; y < k.h; ++y)
    for (int x = 0; x < k.w; ++x)
      EXPECT_NEAR(double(s.column[y]) * s.row[x], k.at(y, x), tol) << "at y=" << y << " x=" << x;
}

TEST(Separate, RandomRankOneKernelsHaveZeroResidual) {
  std::mt19937 rng(7);
  for (int h = 1; h <= 9; ++h)
    for (int w = 1; w <= 9; ++w) {
      const Kernel2D k = outer(random_vector(h, rng), random_vector(w, rng));
      const Separation s = separate(k);
      SCOPED_TRACE("kernel " + std::to_string(h) + "x" + std::to_string(w));
      EXPECT_TRUE(s.separable);
      EXPECT_LT(s.residual, 1e-7);
      expect_factors_reproduce(k, s, 1e-6);
      // The scale is split evenly: |column| == |row|.
      double nc = 0, nr = 0;
      for (float v : s.column) nc += double(v) * v;
      for (float v : s.row) nr += double(v) * v;
      EXPECT_NEAR(std::sqrt(nc), std::sqrt(nr), 1e-6);
    }
}

TEST(Separate, SignMakesLargestColumnEntryPositive) {
  std::mt19937 rng(11);
  for (int i = 0; i < 50; ++i) {
    const Separation s = separate(random_kernel(1 + i % 7, 1 + i % 5, rng));
    int big = 0;
    for (int r = 1; r < int(s.column.size()); ++r)
      if (std::abs(s.column[r]) > std::abs(s.column[big])) big = r;
    EXPECT_GT(s.column[big], 0.0f) << "kernel " << i;
  }
}

// Expected values from numpy.linalg.svd (float64) on the same kernels:
//   residual = sqrt(sum_{i>=2} sigma_i^2) / ||K||_F, factors = sqrt(sigma1) * (u1, v1), sign flipped
//   so the largest |column| entry is positive.
TEST(Separate, FullRankKernelsMatchNumpySvd) {
  {
    const Kernel2D k(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 10});
    const Separation s = separate(k);
    EXPECT_FALSE(s.separable);
    EXPECT_NEAR(s.residual, 0.05144823074626626, 1e-12);
    const double col[] = {0.8735290207119651, 2.102473876950015, 3.497006693377263};
    const double row[] = {1.9389783984966305, 2.3107232754703353, 2.8833012123556694};
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(s.column[i], col[i], 1e-6) << "at i=" << i;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(s.row[i], row[i], 1e-6) << "at i=" << i;
  }
  {
    const Kernel2D k(3, 5, {0.5f, -1.25f, 2, 0.75f, -0.5f, 1.5f, 0.25f, -2, 1, 0, -0.75f, 1, 0.5f, -1.5f, 2.25f});
    const Separation s = separate(k);
    EXPECT_FALSE(s.separable);
    EXPECT_NEAR(s.residual, 0.6981100243307947, 1e-12);
    const double col[] = {-0.34802624080616706, -0.9471094913973271, 1.555729228692496};
    const double row[] = {-0.8031202041965504, 0.5101117640206267, 0.5746895870296245, -1.0300401248199007,
                          1.0686277329512375};
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(s.column[i], col[i], 1e-6) << "at i=" << i;
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(s.row[i], row[i], 1e-6) << "at i=" << i;
    // The transposed kernel has the same singular values.
    EXPECT_NEAR(separate(transpose(k)).residual, 0.6981100243307947, 1e-12);
  }
  // Repeated singular values (u1 is not unique): only the residual is defined.
  EXPECT_NEAR(separate(Kernel2D(2, 2, {1, 0, 0, 1})).residual, 0.7071067811865475, 1e-12);
  {
    const Separation s = separate(outline());
    EXPECT_NEAR(s.residual, 0.2588190451025208, 1e-12);
    EXPECT_NEAR(s.column[1], 2.8357453842556777, 1e-6);
    EXPECT_NEAR(s.row[1], 2.8357453842556763, 1e-6);
  }
  {
    const Separation s = separate(laplacian(4));
    EXPECT_FALSE(s.separable);
    EXPECT_NEAR(s.residual, 0.10050896200520819, 1e-12);
    EXPECT_NEAR(s.column[0], -0.4518010018049226, 1e-6);
    EXPECT_NEAR(s.column[1], 2.0102839233101664, 1e-6);
    EXPECT_NEAR(s.row[1], -2.0102839233101673, 1e-6);  // numpy's signs flipped: column[1] > 0
  }
}

// Random full-rank kernels: the residual is the norm of what the rank-1 part leaves, and the best
// rank-1 approximation leaves a remainder orthogonal to both factors: (K - c r^T) r = 0, (K - c r^T)^T c = 0.
TEST(Separate, RandomFullRankKernelsAreOptimalRankOne) {
  std::mt19937 rng(3);
  for (int h = 2; h <= 7; ++h)
    for (int w = 2; w <= 7; ++w) {
      const Kernel2D k = random_kernel(h, w, rng);
      const Separation s = separate(k);
      SCOPED_TRACE("kernel " + std::to_string(h) + "x" + std::to_string(w));
      EXPECT_FALSE(s.separable);
      double err2 = 0;
      std::vector<double> rem_r(h, 0.0), rem_c(w, 0.0);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          const double d = double(k.at(y, x)) - double(s.column[y]) * s.row[x];
          err2 += d * d;
          rem_r[y] += d * s.row[x];
          rem_c[x] += d * s.column[y];
        }
      EXPECT_NEAR(s.residual, std::sqrt(err2) / frobenius(k), 1e-6);
      for (int y = 0; y < h; ++y) EXPECT_NEAR(rem_r[y], 0.0, 1e-5) << "at y=" << y;
      for (int x = 0; x < w; ++x) EXPECT_NEAR(rem_c[x], 0.0, 1e-5) << "at x=" << x;
    }
}

TEST(Separate, PresetsSobelGaussianMeanSeparableLaplacianNot) {
  for (int k : {3, 5, 7}) {
    SCOPED_TRACE("size " + std::to_string(k));
    EXPECT_TRUE(separate(sobel_x(k)).separable);
    EXPECT_TRUE(separate(sobel_y(k)).separable);
    EXPECT_TRUE(separate(gaussian(k, 1.3f)).separable);
    EXPECT_TRUE(separate(mean_blur(k)).separable);
    expect_factors_reproduce(sobel_x(k), separate(sobel_x(k)), 1e-4);
  }
  EXPECT_TRUE(separate(prewitt_x()).separable);
  EXPECT_TRUE(separate(identity(5)).separable);
  EXPECT_FALSE(separate(laplacian(4)).separable);
  EXPECT_FALSE(separate(laplacian(8)).separable);
  EXPECT_FALSE(separate(sharpen()).separable);
  EXPECT_FALSE(separate(emboss(EmbossTop | EmbossLeft)).separable);
  // Sobel x = (1 2 1)^T (-1 0 1): factors proportional to those, largest column entry positive.
  const Separation s = separate(sobel_x(3));
  EXPECT_NEAR(s.column[0] / s.column[1], 0.5, 1e-6);
  EXPECT_NEAR(s.column[2] / s.column[1], 0.5, 1e-6);
  EXPECT_NEAR(s.row[0] / s.row[2], -1.0, 1e-6);
  EXPECT_NEAR(s.row[1], 0.0, 1e-6);
  EXPECT_GT(s.row[2], 0.0f);
}

TEST(Separate, ZeroKernelIsSeparable) {
  const Separation s = separate(Kernel2D(3, 4));
  EXPECT_TRUE(s.separable);
  EXPECT_EQ(s.residual, 0.0);
  EXPECT_EQ(s.column, std::vector<float>(3, 0.0f));
  EXPECT_EQ(s.row, std::vector<float>(4, 0.0f));
}

TEST(Separate, ToleranceDecides) {
  const Kernel2D k(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 10});
  EXPECT_FALSE(separate(k, 0.05).separable);
  EXPECT_TRUE(separate(k, 0.06).separable);
}

TEST(Separate, NamedErrors) {
  Kernel2D bad(2, 2, {1, 2, 3, 4});
  bad.at(0, 1) = std::nanf("");
  expect_error([&] { separate(bad); }, ErrorCode::InvalidKernel, "kernel value at (0, 1) must be finite, got nan");
  expect_error([&] { separate(identity(3), -1.0); }, ErrorCode::InvalidArgument,
               "tolerance must be >= 0, got -1.000000");
  Kernel2D empty;
  expect_error([&] { separate(empty); }, ErrorCode::InvalidShape, "kernel dimensions must be >= 1, got 0x0");
}

// ---- separable_conv2d == conv2d with the outer-product kernel ----------------------------------------

TEST(SeparableConv2d, MatchesFullConvOnSizeSweepAllModes) {
  std::mt19937 rng(5);
  int cases = 0;
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular})
    for (int size = 1; size <= 9; ++size)
      for (int kh : {1, 2, 3, 5})
        for (int kw : {1, 3, 4})
          for (int s : {1, 2, 3})
            for (int d : {1, 2}) {
              const int limit = mode == PadMode::Reflect ? size - 1 : size;
              const int ph = std::min(d * (kh - 1) / 2, limit), pw = std::min(d * (kw - 1) / 2, limit);
              Conv2dParams p;
              p.stride = {s, (s % 3) + 1};
              p.dilation = {d, 3 - d};
              p.padding = {ph, std::min(ph + 1, limit), pw, std::max(0, pw - 1)};
              p.padding_mode = mode;
              const Tensor in = reference::random_tensor(3, size, size + 2, 100 + cases);
              const int span_h = (kh - 1) * p.dilation.h + 1, span_w = (kw - 1) * p.dilation.w + 1;
              if (in.h + p.padding.top + p.padding.bottom < span_h) continue;
              if (in.w + p.padding.left + p.padding.right < span_w) continue;
              const std::vector<float> col = random_vector(kh, rng), row = random_vector(kw, rng);
              SCOPED_TRACE(std::string(pad_mode_name(mode)) + " size " + std::to_string(size) + " k " +
                           std::to_string(kh) + "x" + std::to_string(kw) + " s " + std::to_string(s) + " d " +
                           std::to_string(d));
              const Tensor got = separable_conv2d(in, col, row, p);
              p.groups = in.c;
              expect_tensor_near(got, conv2d(in, depthwise_weights(outer(col, row), in.c), p), 2e-5f);
              expect_tensor_near(got, separable_conv2d(in, col, row, p), 0.0f);  // groups = C accepted too
              ++cases;
            }
  EXPECT_GT(cases, 1000);
}

TEST(SeparableConv2d, MatchesNaiveReferenceWithSamePaddingUpToNine) {
  std::mt19937 rng(9);
  for (int k = 1; k <= 9; ++k)
    for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular}) {
      Conv2dParams p;
      p.padding = same_padding(k, k, {1, 1});
      p.padding_mode = mode;
      p.groups = 2;
      const Tensor in = reference::random_tensor(2, 11, 10, 40 + k);
      const std::vector<float> col = random_vector(k, rng), row = random_vector(k, rng);
      SCOPED_TRACE(std::string(pad_mode_name(mode)) + " k " + std::to_string(k));
      const Tensor got = separable_conv2d(in, col, row, p);
      EXPECT_EQ(got.h, 11);
      EXPECT_EQ(got.w, 10);
      expect_tensor_near(got, reference::conv2d(in, depthwise_weights(outer(col, row), 2), p), 2e-5f);
    }
}

TEST(SeparableConv2d, SeparatedGaussianBlursLikeTheFullKernel) {
  const Tensor in = reference::random_tensor(3, 32, 24, 77);
  const Kernel2D g = gaussian(7, 1.5f);
  const Separation s = separate(g);
  ASSERT_TRUE(s.separable);
  Conv2dParams p;
  p.padding = same_padding(7, 7, {1, 1});
  p.padding_mode = PadMode::Reflect;
  p.groups = 3;
  expect_tensor_near(separable_conv2d(in, s.column, s.row, p), conv2d(in, depthwise_weights(g, 3), p), 1e-6f);
}

TEST(SeparableConv2d, NamedErrors) {
  const Tensor in(3, 5, 5);
  expect_error([&] { separable_conv2d(in, {}, {1.0f}, {}); }, ErrorCode::InvalidKernel,
               "column length must be >= 1, got 0");
  expect_error([&] { separable_conv2d(in, {1.0f}, {}, {}); }, ErrorCode::InvalidKernel,
               "row length must be >= 1, got 0");
  Conv2dParams p;
  p.stride = {0, 1};
  expect_error([&] { separable_conv2d(in, {1}, {1}, p); }, ErrorCode::InvalidStride, "stride must be >= 1, got 0x1");
  p = {};
  p.dilation = {1, 0};
  expect_error([&] { separable_conv2d(in, {1}, {1}, p); }, ErrorCode::InvalidDilation,
               "dilation must be >= 1, got 1x0");
  p = {};
  p.groups = 2;
  expect_error([&] { separable_conv2d(in, {1}, {1}, p); }, ErrorCode::InvalidGroups,
               "groups must be 1 or the input channels 3 for a separable (per-channel) convolution, got 2");
  p = {};
  p.padding = {5, 0, 0, 0};
  p.padding_mode = PadMode::Reflect;
  expect_error([&] { separable_conv2d(in, {1}, {1}, p); }, ErrorCode::InvalidPadding,
               "padding top must be < input size 5 for reflect padding, got 5");
  expect_error([&] { separable_conv2d(in, {1}, std::vector<float>(7, 1.0f), {}); }, ErrorCode::KernelTooLarge,
               "kernel width 7 (dilated span 7) must fit the padded input width 5, got output width < 1");
  Tensor broken = in;
  broken.data.pop_back();
  expect_error([&] { separable_conv2d(broken, {1}, {1}, {}); }, ErrorCode::InvalidShape,
               "input data length must be 75 to match its shape, got 74");
}

}  // namespace
}  // namespace convlab
