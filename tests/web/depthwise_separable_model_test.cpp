#include "depthwise_separable_model.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "../core/reference.h"

namespace cl = convlab;

namespace {

TEST(DepthwiseSeparableModel, CostsFollowTheLayerFormulas) {
  for (const auto& [cin, cout, k, hw] : std::vector<std::array<int, 4>>{{32, 64, 3, 56}, {3, 32, 5, 224}, {512, 512, 3, 14}, {7, 5, 4, 9}}) {
    SCOPED_TRACE(std::to_string(cin) + " -> " + std::to_string(cout) + ", k " + std::to_string(k) + ", " + std::to_string(hw));
    const DepthwiseSeparableCosts c = depthwise_separable_costs({cin, cout, hw}, k);
    const std::int64_t o = hw + 2 * (k / 2) - k + 1;  // padding k/2: one more for an even k
    const std::int64_t kk = k * k, standard = cout * o * o * cin * kk, dw = cin * o * o * kk, pw = cout * o * o * cin;
    EXPECT_EQ(c.standard.out_h, o);
    EXPECT_EQ(c.standard.macs, standard);
    EXPECT_EQ(c.depthwise.macs, dw);
    EXPECT_EQ(c.pointwise.macs, pw);
    EXPECT_EQ(c.separable.macs, dw + pw);
    EXPECT_EQ(c.standard.params, cout * cin * kk);
    EXPECT_EQ(c.separable.params, cin * kk + cin * cout);
    // Without bias both ratios are exactly 1/Cout + 1/k^2.
    EXPECT_NEAR(c.ratio(), 1.0 / cout + 1.0 / kk, 1e-12);
    EXPECT_NEAR(c.params_ratio(), 1.0 / cout + 1.0 / kk, 1e-12);
    EXPECT_NEAR(c.formula_ratio(), 1.0 / cout + 1.0 / kk, 1e-15);
  }
}

TEST(DepthwiseSeparableModel, FormulasShowTheNumbers) {
  const DepthwiseSeparableCosts c = depthwise_separable_costs({32, 64, 56}, 3);
  EXPECT_EQ(c.standard_formula(), "Cout*H*W*Cin*k*k = 64*56*56*32*3*3");
  EXPECT_EQ(c.depthwise_formula(), "Cin*H*W*k*k = 32*56*56*3*3");
  EXPECT_EQ(c.pointwise_formula(), "Cout*H*W*Cin = 64*56*56*32");
}

TEST(DepthwiseSeparableModel, EverySettingIsPartOfTheKey) {
  const CacheKey base = depthwise_separable_key({32, 64, 56}, 3);
  EXPECT_EQ(base, depthwise_separable_key({32, 64, 56}, 3));
  EXPECT_NE(base, depthwise_separable_key({33, 64, 56}, 3));
  EXPECT_NE(base, depthwise_separable_key({32, 65, 56}, 3));
  EXPECT_NE(base, depthwise_separable_key({32, 64, 57}, 3));
  EXPECT_NE(base, depthwise_separable_key({32, 64, 56}, 5));
  EXPECT_NE(depthwise_separable_key({64, 32, 56}, 3), depthwise_separable_key({32, 64, 56}, 3));
}

TEST(DepthwiseSeparableModel, AFactorisedConvolutionIsFitExactly) {
  // W[o][i] = P[o][i] * D[i]: what a depthwise + pointwise pair makes.
  const cl::Weights d = cl::reference::random_weights(4, 1, 3, 3, 11), p = cl::reference::random_weights(5, 4, 1, 1, 12);
  cl::Weights w(5, 4, 3, 3);
  for (int o = 0; o < 5; ++o)
    for (int i = 0; i < 4; ++i)
      for (int t = 0; t < 9; ++t) w.at(o, i, t / 3, t % 3) = p.at(o, i, 0, 0) * d.at(i, 0, t / 3, t % 3);
  const DepthwisePointwiseFit f = fit_depthwise_pointwise(w);
  EXPECT_LT(f.weight_residual, 1e-6);
  for (std::size_t j = 0; j < w.data.size(); ++j) EXPECT_NEAR(f.fit.data[j], w.data[j], 1e-5f);
  const cl::Tensor in = cl::reference::random_tensor(4, 8, 7, 5);
  EXPECT_LT(output_residual(in, w, f.fit), 1e-5);
}

TEST(DepthwiseSeparableModel, TheFitIsADepthwiseThenPointwisePair) {
  const DepthwisePointwiseFit f = fit_depthwise_pointwise(cl::reference::random_weights(3, 4, 3, 3, 21));
  const cl::Tensor in = cl::reference::random_tensor(4, 9, 8, 22);
  cl::Conv2dParams dw;
  dw.groups = 4;
  dw.padding = {1, 1, 1, 1};
  const cl::Tensor two_layers = cl::reference::conv2d(cl::reference::conv2d(in, f.depthwise, dw), f.pointwise, {});
  cl::Conv2dParams same;
  same.padding = {1, 1, 1, 1};
  const cl::Tensor one_layer = cl::reference::conv2d(in, f.fit, same);
  ASSERT_EQ(two_layers.data.size(), one_layer.data.size());
  for (std::size_t j = 0; j < one_layer.size(); ++j) EXPECT_NEAR(two_layers.data[j], one_layer.data[j], 1e-4f);
}

TEST(DepthwiseSeparableModel, TheOutputResidualComparesSamePaddedOutputs) {
  const cl::Weights a = cl::reference::random_weights(2, 3, 3, 3, 31), b = cl::reference::random_weights(2, 3, 3, 3, 32);
  const cl::Tensor in = cl::reference::random_tensor(3, 6, 5, 33);
  cl::Conv2dParams same;
  same.padding = {1, 1, 1, 1};
  const cl::Tensor oa = cl::reference::conv2d(in, a, same), ob = cl::reference::conv2d(in, b, same);
  ASSERT_EQ(oa.h, 6);
  double e = 0, n = 0;
  for (std::size_t j = 0; j < oa.size(); ++j) e += double(oa.data[j] - ob.data[j]) * (oa.data[j] - ob.data[j]), n += double(oa.data[j]) * oa.data[j];
  EXPECT_NEAR(output_residual(in, a, b), std::sqrt(e / n), 1e-6);
  EXPECT_EQ(output_residual(in, a, a), 0.0);
}

TEST(DepthwiseSeparableModel, TheResidualIsWhatRankOneLeavesPerInputChannel) {
  // For Cout = 2 each input channel's kernels form a 2 x 9 matrix M; the best rank-1 approximation
  // leaves the smaller eigenvalue of the 2 x 2 matrix M M^T.
  const cl::Weights w = random_weights(2, 3, 3, 5);
  double left = 0, total = 0;
  for (int i = 0; i < 3; ++i) {
    double a = 0, b = 0, c = 0;  // M M^T = [[a, b], [b, c]]
    for (int t = 0; t < 9; ++t) {
      const double x = w.kernel(0, i)[t], y = w.kernel(1, i)[t];
      a += x * x, b += x * y, c += y * y;
    }
    left += (a + c) / 2 - std::sqrt((a - c) * (a - c) / 4 + b * b);
    total += a + c;
  }
  const DepthwisePointwiseFit f = fit_depthwise_pointwise(w);
  EXPECT_NEAR(f.weight_residual, std::sqrt(left / total), 1e-5);
  EXPECT_GT(f.weight_residual, 0.05);
}

TEST(DepthwiseSeparableModel, DemoWeightsAreFixedBySeed) {
  const cl::Weights a = random_weights(2, 3, 3, 1), b = random_weights(2, 3, 3, 1), c = random_weights(2, 3, 3, 7);
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, c.data);
  for (float v : a.data) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LE(v, 1.0f);
  }
  const cl::Tensor rgb = cl::reference::random_tensor(3, 10, 12, 2), grey = cl::reference::random_tensor(1, 10, 12, 2);
  const DemoResult d = depthwise_separable_demo(1, rgb);
  EXPECT_EQ(d.fit.full.data, a.data);
  EXPECT_TRUE(d.has_output);
  EXPECT_GT(d.output_residual, 0.01);
  EXPECT_FALSE(depthwise_separable_demo(1, grey).has_output);  // the 3 -> 2 convolution needs 3 channels
}

}  // namespace

// The page's model asks for the residual as a job (multi_client.h): the same number as the direct
// computation, bit for bit; a grey image gets its fit at once; while busy the last demonstration stays.
TEST(DepthwiseSeparableModel, TheDemoModelEqualsTheDirectComputation) {
  const cl::Tensor rgb = cl::reference::random_tensor(3, 12, 10, 3), grey = cl::reference::random_tensor(1, 12, 10, 3);
  DemoModel m;
  ASSERT_TRUE(m.update(4, rgb, 1)) << m.error();
  const DemoResult want = depthwise_separable_demo(4, rgb);
  EXPECT_TRUE(m.demo().has_output);
  EXPECT_EQ(m.demo().output_residual, want.output_residual);
  EXPECT_EQ(m.demo().fit.fit.data, want.fit.fit.data);
  EXPECT_FALSE(m.update(4, rgb, 1));  // nothing changed
  ConvClient::hold_results(true);
  EXPECT_FALSE(m.update(5, rgb, 1));
  EXPECT_TRUE(m.busy());
  EXPECT_EQ(m.demo().output_residual, want.output_residual);
  ConvClient::hold_results(false);
  ASSERT_TRUE(m.update(5, rgb, 1));
  EXPECT_EQ(m.demo().output_residual, depthwise_separable_demo(5, rgb).output_residual);
  ASSERT_TRUE(m.update(5, grey, 2));
  EXPECT_FALSE(m.demo().has_output);
  EXPECT_FALSE(m.busy());
}
