// The depthwise lesson's model: what it computes, without ImGui (built into the native tests too).
// groups = channels: each input channel is filtered by its own 2-D kernel ('same' padding, reflected
// borders) into its own output channel, and the cost is compared with a standard convolution that maps
// the same C channels to C with the same kernel size (core/cost.h).
#pragma once
#include <memory>
#include <string>

#include "cost.h"
#include "recompute.h"
#include "tensor.h"

struct DepthwiseResult {
  std::shared_ptr<const convlab::Tensor> output;  // [C, H, W]; null before the first success
  int channels = 0, kh = 0, kw = 0;
  convlab::LayerCost depthwise, standard;  // both C -> C on this image, the padding included
};

// The depthwise convolution of `input` ([C, H, W]) by `weights` ([C, 1, kh, kw]) and both costs.
// Throws convlab::Error when the weights do not fit the input.
DepthwiseResult compute_depthwise(const convlab::Tensor& input, const convlab::Weights& weights);

// Everything the result depends on: the image (by generation) and the kernel values, by their bits.
CacheKey depthwise_key(int input_generation, const convlab::Weights& weights);

// "3x1x3x3": the weight tensor, PyTorch's [Cout, Cin/groups, kh, kw].
std::string depthwise_weight_shape(const DepthwiseResult& r);

// The display mode for the merged colour output: `display`, except that "auto" on a colour output with
// values outside [0, 1] becomes "minmax" (the colours kept; the image view's own auto would show |value|).
std::string merged_display(const convlab::Tensor& output, const std::string& display);

class DepthwiseModel {
 public:
  // Recomputes when the key changes; true when the result is new. A failure keeps the previous result.
  bool update(const convlab::Tensor& input, int input_generation, const convlab::Weights& weights);
  const DepthwiseResult& result() const { return result_; }
  const std::string& error() const { return recompute_.error(); }

 private:
  Recompute recompute_;
  DepthwiseResult result_;
};
