#include "separable_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../core/reference.h"
#include "format.h"
#include "kernels.h"

namespace cl = convlab;

namespace {

// The lesson's full path, written out: each channel with the kernel, 'same' reflect padding.
cl::Tensor reference_filter(const cl::Tensor& in, const cl::Kernel2D& k) {
  cl::Conv2dParams p;
  p.groups = in.c;
  p.padding = {(k.h - 1) / 2, k.h / 2, (k.w - 1) / 2, k.w / 2};  // PyTorch's 'same'
  p.padding_mode = cl::PadMode::Reflect;
  return cl::reference::conv2d(in, cl::depthwise_weights(k, in.c), p);
}

float max_abs_diff(const cl::Tensor& a, const cl::Tensor& b) {
  float m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a.data[i] - b.data[i]));
  return m;
}

TEST(SeparableModel, GaussianRunsAsTwoPassesWithTheSameOutput) {
  const cl::Tensor in = cl::reference::random_tensor(3, 12, 10, 7);
  const cl::Kernel2D k = cl::kernel_preset("gaussian", 5);
  const SeparableResult r = compute_separable(in, k);
  EXPECT_TRUE(r.sep.separable);
  EXPECT_EQ(r.mults_full(), 25);
  EXPECT_EQ(r.mults_separable(), 10);
  const cl::Tensor want = reference_filter(in, k);
  ASSERT_EQ(shape_text(r.full), "3x12x10");
  EXPECT_LT(max_abs_diff(r.full, want), 1e-5f);
  EXPECT_LT(max_abs_diff(r.two_pass, want), 1e-5f);
  EXPECT_LT(r.max_error, 1e-5f);
  for (std::size_t i = 0; i < k.data.size(); ++i) EXPECT_NEAR(r.approx.data[i], k.data[i], 1e-6f);
  EXPECT_FALSE(r.sum_changed());
}

TEST(SeparableModel, LaplacianGivesTheRankOneApproximationAndItsError) {
  const cl::Tensor in = cl::reference::random_tensor(2, 9, 11, 3);
  const cl::Kernel2D k(3, 3, {0, 1, 0, 1, -4, 1, 0, 1, 0});
  const SeparableResult r = compute_separable(in, k);
  EXPECT_FALSE(r.sep.separable);
  // The symmetric Laplacian's eigenvalues are -2 - sqrt 6, -2 + sqrt 6 and 0; ||K||^2 = 20.
  EXPECT_NEAR(r.sep.residual, (std::sqrt(6.0) - 2.0) / std::sqrt(20.0), 1e-6);
  // The two passes are the filter with column x row, and the difference is measured against the kernel's.
  const cl::Tensor exact = reference_filter(in, k), approx = reference_filter(in, cl::outer(r.sep.column, r.sep.row));
  EXPECT_LT(max_abs_diff(r.two_pass, approx), 1e-5f);
  double max_err = 0, sq = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    const double d = double(approx.data[i]) - exact.data[i];
    EXPECT_NEAR(r.diff.data[i], d, 1e-5);
    max_err = std::max(max_err, std::fabs(d));
    sq += d * d;
  }
  EXPECT_NEAR(r.max_error, max_err, 1e-5);
  EXPECT_NEAR(r.rms_error, std::sqrt(sq / double(exact.size())), 1e-5);
  EXPECT_GT(r.max_error, 0.1f);
  EXPECT_NEAR(r.kernel_sum, 0.0, 1e-9);
  EXPECT_TRUE(r.sum_changed());  // the approximation no longer sums to 0
}

TEST(SeparableModel, KernelsDifferingInTheLastBitAreDifferentKeysAndOutputs) {
  const float a = 0.1f, b = std::nextafter(0.1f, 1.0f);
  const cl::Kernel2D ka(1, 3, {a, 0.5f, 0.25f}), kb(1, 3, {b, 0.5f, 0.25f});
  EXPECT_EQ(separable_key(ka, 1), separable_key(ka, 1));
  EXPECT_NE(separable_key(ka, 1), separable_key(kb, 1));
  EXPECT_NE(separable_key(ka, 1), separable_key(ka, 2));  // another image
  EXPECT_NE(separable_key(cl::Kernel2D(1, 2, {1, 2}), 1), separable_key(cl::Kernel2D(2, 1, {1, 2}), 1));
  cl::Tensor dot(1, 3, 5);
  dot.at(0, 1, 2) = 1.0f;  // the output around the dot is the kernel's values themselves
  const SeparableResult ra = compute_separable(dot, ka), rb = compute_separable(dot, kb);
  EXPECT_NE(ra.full.data, rb.full.data);
}

TEST(SeparableModel, FactorsAreWrittenWithFourDigits) {
  EXPECT_EQ(vector_text({1.0f, -2.0f, 0.123456f}), "[1, -2, 0.1235]");
  EXPECT_EQ(vector_text({}), "[]");
}

TEST(SeparableModel, TimingWaitsAQuarterSecondAfterTheLastChange) {
  SettleTimer t;
  EXPECT_FALSE(t.due());
  EXPECT_FALSE(t.ready(1000));
  t.changed(1000);
  EXPECT_TRUE(t.due());
  EXPECT_FALSE(t.ready(1249));
  t.changed(1200);  // still being dragged: the wait starts again
  EXPECT_FALSE(t.ready(1300));
  EXPECT_TRUE(t.ready(1450));
  t.clear();
  EXPECT_FALSE(t.due());
  EXPECT_FALSE(t.ready(5000));
}

TEST(SeparableModel, EachPathRunsForAtLeastFortyMillisecondsAndThreeRuns) {
  const cl::Tensor in = cl::reference::random_tensor(1, 6, 6, 1);
  const SeparableResult r = compute_separable(in, cl::kernel_preset("gaussian", 3));
  // A clock that moves 10 ms per reading: each path runs 4 times (40 ms), 10 ms each.
  double clock = 0;
  int readings = 0;
  PathTimes t = time_paths(in, r, [&] { ++readings; return clock += 10.0; });
  EXPECT_DOUBLE_EQ(t.full_ms, 10.0);
  EXPECT_DOUBLE_EQ(t.separable_ms, 10.0);
  EXPECT_EQ(readings, 2 * (1 + 4));
  // A slow path: 3 runs at least, however long they take.
  readings = 0;
  t = time_paths(in, r, [&] { ++readings; return clock += 100.0; });
  EXPECT_EQ(readings, 2 * (1 + 3));
  EXPECT_DOUBLE_EQ(t.ratio(), 1.0);
  // A clock that does not move: at most 40 runs.
  readings = 0;
  t = time_paths(in, r, [&] { ++readings; return clock; });
  EXPECT_EQ(readings, 2 * (1 + 40));
  EXPECT_EQ(t.full_ms, 0.0);
  EXPECT_EQ(t.ratio(), 0.0);
}

}  // namespace
