#include "separable_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "../core/reference.h"
#include "display_choice.h"
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
  ASSERT_EQ(shape_text(*r.full), "3x12x10");
  EXPECT_LT(max_abs_diff(*r.full, want), 1e-5f);
  EXPECT_LT(max_abs_diff(*r.two_pass, want), 1e-5f);
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
  EXPECT_LT(max_abs_diff(*r.two_pass, approx), 1e-5f);
  double max_err = 0, sq = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    const double d = double(approx.data[i]) - exact.data[i];
    EXPECT_NEAR(r.diff->data[i], d, 1e-5);
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
  EXPECT_NE(ra.full->data, rb.full->data);
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

namespace {

bool same_bits(const cl::Tensor& a, const cl::Tensor& b) {
  return a.size() == b.size() && std::memcmp(a.data.data(), b.data.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

// The page's model asks for the images as a job (multi_client.h): every image, number and colour it
// shows equals compute_separable and the views' displayed_rgba bit for bit.
TEST(SeparableModel, TheModelsImagesNumbersAndColoursEqualTheDirectComputation) {
  const cl::Tensor in = cl::reference::random_tensor(3, 15, 12, 4);
  for (const cl::Kernel2D& k : {cl::kernel_preset("gaussian", 5), cl::Kernel2D(3, 3, {0, 1, 0, 1, -4, 1, 0, 1, 0})})
    for (const char* display : {"auto", "minmax"}) {
      SeparableModel m;
      ASSERT_TRUE(m.update(in, 1, k, display)) << m.error();
      const SeparableResult& r = m.result();
      const SeparableResult want = compute_separable(in, k);
      EXPECT_TRUE(same_bits(*r.full, *want.full));
      EXPECT_TRUE(same_bits(*r.two_pass, *want.two_pass));
      EXPECT_TRUE(same_bits(*r.diff, *want.diff));
      EXPECT_EQ(r.max_error, want.max_error);
      EXPECT_EQ(r.rms_error, want.rms_error);
      EXPECT_EQ(r.sep.column, want.sep.column);
      EXPECT_EQ(r.kernel_sum, want.kernel_sum);
      ASSERT_EQ(r.shown.size(), 3u);
      EXPECT_EQ(r.shown[0].rgba, displayed_rgba(*want.full, display));
      EXPECT_EQ(r.shown[1].rgba, displayed_rgba(*want.two_pass, display));
      EXPECT_EQ(r.shown[2].rgba, displayed_rgba(*want.diff, "diverging", 0));
      EXPECT_FALSE(m.times_current());  // not timed until asked
      m.time(in, 1);
      m.update(in, 1, k, display);
      EXPECT_TRUE(m.times_current());
      EXPECT_GT(m.times().full_ms, 0.0);
    }
}

TEST(SeparableModel, ARefusedKernelKeepsTheLastResultAndItsTimes) {
  const cl::Tensor in = cl::reference::random_tensor(1, 9, 9, 6);
  SeparableModel m;
  ASSERT_TRUE(m.update(in, 1, cl::kernel_preset("gaussian", 3), "auto"));
  m.time(in, 1);
  m.update(in, 1, cl::kernel_preset("gaussian", 3), "auto");
  ASSERT_TRUE(m.times_current());
  const auto full = m.result().full;
  const int asked = m.asked();
  EXPECT_FALSE(m.update(in, 1, cl::Kernel2D(3, 3, {1, 2, 3, 4, std::nanf(""), 6, 7, 8, 9}), "auto"));
  EXPECT_NE(m.error().find("finite"), std::string::npos) << m.error();
  EXPECT_EQ(m.result().full, full);
  EXPECT_EQ(m.asked(), asked);  // not a setting to time
  EXPECT_TRUE(m.times_current());
  // While the workers compute a new kernel the last result stays; its times are no longer the newest's.
  ConvClient::hold_results(true);
  EXPECT_FALSE(m.update(in, 1, cl::kernel_preset("gaussian", 5), "auto"));
  EXPECT_TRUE(m.busy());
  EXPECT_EQ(m.result().full, full);
  EXPECT_FALSE(m.times_current());
  ConvClient::hold_results(false);
  ASSERT_TRUE(m.update(in, 1, cl::kernel_preset("gaussian", 5), "auto"));
  EXPECT_EQ(m.result().kernel.h, 5);
}
