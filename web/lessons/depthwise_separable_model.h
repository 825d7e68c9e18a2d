// The depthwise-separable lesson's model: what it computes, without ImGui (built into the native tests too).
// A standard k x k convolution Cin -> Cout against depthwise k x k + pointwise 1x1 (MobileNet): MACs and
// parameters from cost(), their ratio and 1/Cout + 1/k^2; and the closest depthwise + pointwise pair
// to a given full convolution, which is what the pair cannot do.
#pragma once
#include <string>

#include "conv_client.h"
#include "cost.h"
#include "multi_client.h"
#include "multi_job.h"
#include "recompute.h"
#include "state.h"
#include "tensor.h"

// The lesson's own settings (its URL keys are registered in depthwise_separable_model.cpp).
struct DepthwiseSeparableParams {
  int cin = 32, cout = 64, hw = 56;  // the layer compared: channels in and out, feature-map size
};

// Both layers on a Cin x hw x hw input, k x k kernel, stride 1, padding k/2, no bias.
struct DepthwiseSeparableCosts {
  int cin = 0, cout = 0, k = 0, hw = 0;
  convlab::LayerCost standard, depthwise, pointwise, separable;  // separable = depthwise + pointwise

  double ratio() const { return double(separable.macs) / double(standard.macs); }  // MACs
  double params_ratio() const { return double(separable.params) / double(standard.params); }
  double formula_ratio() const { return 1.0 / cout + 1.0 / (double(k) * k); }  // 1/Cout + 1/k^2
  // Each layer's MACs as its formula with the numbers: "Cout*H*W*Cin*k*k = 64*56*56*32*3*3".
  std::string standard_formula() const;
  std::string depthwise_formula() const;
  std::string pointwise_formula() const;
};

CacheKey depthwise_separable_key(const DepthwiseSeparableParams& p, int k);
// Throws what cost() throws (a count beyond int64, an output smaller than 1).
DepthwiseSeparableCosts depthwise_separable_costs(const DepthwiseSeparableParams& p, int k);

// A full convolution W [Cout, Cin, k, k] against the closest depthwise D [Cin, 1, k, k] + pointwise
// P [Cout, Cin, 1, 1] pair, whose kernels are W_fit[o][i] = P[o][i] * D[i]: for each input channel the
// Cout x k^2 matrix of W's kernels must have rank 1, so the closest pair (Frobenius norm) is its best
// rank-1 approximation, channel by channel.
struct DepthwisePointwiseFit {
  convlab::Weights full, depthwise, pointwise, fit;
  double weight_residual = 0;  // ||W - W_fit|| / ||W||
};
DepthwisePointwiseFit fit_depthwise_pointwise(const convlab::Weights& full);

// output_residual (multi_job.h): RMS(conv(W) - conv(W_fit)) / RMS(conv(W)) on the image.

// The lesson's demonstration: weights uniform in [-1, 1] from a small fixed-seed generator, the same
// for a seed in every browser.
convlab::Weights random_weights(int cout, int cin, int k, int seed);
constexpr int kDemoCin = 3, kDemoCout = 2, kDemoK = 3;
struct DemoResult {
  DepthwisePointwiseFit fit;
  bool has_output = false;     // the image has kDemoCin channels (not grey)
  double output_residual = 0;
};
DemoResult depthwise_separable_demo(int seed, const convlab::Tensor& input);

// The demonstration as the page shows it. The fit is cheap; its output residual convolves the whole image
// twice, so it is asked from the compute workers (multi_client.h), and the last demonstration stays,
// fit and residual together, until the new one lands. A grey image has no residual: shown at once.
class DemoModel {
 public:
  // True when a new demonstration is shown. A failure keeps the last one and error() says why.
  bool update(int seed, const convlab::Tensor& input, int input_generation);
  const DemoResult& demo() const { return demo_; }
  bool busy() const { return job_.busy(); }
  const std::string& error() const { return job_.error(); }
  int version() const { return version_; }  // counts demonstrations shown
  int workers() const { return workers_; }  // how many workers computed the residual (0: this thread)

 private:
  PendingConv<DemoResult, MultiClient> job_;
  DemoResult demo_;
  int version_ = 0, workers_ = 0;
};
