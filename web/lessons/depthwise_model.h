// The depthwise lesson's model: what it computes, without ImGui (built into the native tests too).
// groups = channels: each input channel is filtered by its own 2-D kernel ('same' padding, reflected
// borders) into its own output channel, and the cost is compared with a standard convolution that maps
// the same C channels to C with the same kernel size (core/cost.h).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv_client.h"
#include "multi_client.h"
#include "cost.h"
#include "recompute.h"
#include "tensor.h"

struct DepthwiseResult {
  LazyTensor output;                              // [C, H, W]; null before the first success
  ShownOutput merged;                             // output as the merged view shows it (merged_display)
  std::vector<ShownOutput> channel_shown;         // each channel of a colour output alone, with the display
  std::string display = "auto";                   // the state's display it was computed for
  int channels = 0, kh = 0, kw = 0;
  convlab::LayerCost depthwise, standard;  // both C -> C on this image, the padding included
  double compute_ms = 0;                   // the convolution (the slowest worker's band)
  int workers = 0;                         // how many workers computed it (0: this thread)
  int version = 0;                         // counts new results (what the views key on)
};

// The lesson's convolution of a C-channel image: groups C, 'same' padding for the kernel, reflected borders.
convlab::Conv2dParams depthwise_params(int channels, const convlab::Weights& weights);

// Everything but the output: the shape and both costs of `weights` ([C, 1, kh, kw]) on `input` ([C, H, W]).
DepthwiseResult depthwise_costs(const convlab::Tensor& input, const convlab::Weights& weights);
// The depthwise convolution of `input` by `weights` and both costs, at once on this thread.
// Throws convlab::Error when the weights do not fit the input.
DepthwiseResult compute_depthwise(const convlab::Tensor& input, const convlab::Weights& weights);

// Everything the result depends on: the image (by generation) and the kernel values, by their bits.
CacheKey depthwise_key(int input_generation, const convlab::Weights& weights);

// "3x1x3x3": the weight tensor, PyTorch's [Cout, Cin/groups, kh, kw].
std::string depthwise_weight_shape(const DepthwiseResult& r);

// The display mode for the merged colour output: `display`, except that "auto" on a colour output with
// values outside [0, 1] becomes "minmax" (the colours kept; the image view's own auto would show |value|).
std::string merged_display(const convlab::Tensor& output, const std::string& display);
// The same decided from the output as shown with `display` itself (channel -1): its choice was made on
// the whole output's range, so nothing is scanned again.
std::string merged_display(const ShownOutput& shown, const std::string& display);

class DepthwiseModel {
 public:
  // Asks for the output when the image, the kernel or the display changed, and takes a finished one:
  // true when the result is new. The convolution runs in the page's workers (multi_client.h), coloured
  // there for every view: the merged view (with the display, and for a colour output under "auto" also
  // min-max, since merged_display picks one of the two from the whole output's range) and each channel
  // alone. Until the newest lands the last result stays and busy() is true.
  // A failure keeps the previous result and error() says why.
  bool update(const convlab::Tensor& input, int input_generation, const convlab::Weights& weights,
              const std::string& display = "auto");
  const DepthwiseResult& result() const { return result_; }
  const std::string& error() const { return conv_.error(); }
  bool busy() const { return conv_.busy(); }

 private:
  PendingConv<DepthwiseResult, MultiClient> conv_;  // the meta: the result without its output, worked out when asked
  DepthwiseResult result_;
};
