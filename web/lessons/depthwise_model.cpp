#include "depthwise_model.h"

#include "conv2d.h"
#include "image.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("depthwise", "Depthwise convolution",
                     "One kernel per channel (groups = channels): depth kept, cost divided by C.",
                     90,
                     {},
                     {"kernel-editor", "cost"});

DepthwiseResult compute_depthwise(const cl::Tensor& input, const cl::Weights& weights) {
  cl::Conv2dParams p;
  p.groups = input.c;
  p.padding = cl::same_padding(weights.kh, weights.kw, {1, 1});
  p.padding_mode = cl::PadMode::Reflect;
  DepthwiseResult r;
  r.output = std::make_shared<const cl::Tensor>(cl::conv2d(input, weights, p));
  r.channels = input.c, r.kh = weights.kh, r.kw = weights.kw;
  // cost() pads symmetrically, and an even kernel's 'same' padding is not: both layers are costed as
  // unpadded ones on the padded image, which is what runs (taps on the padding count as MACs).
  const int padded_h = input.h + p.padding.top + p.padding.bottom, padded_w = input.w + p.padding.left + p.padding.right;
  cl::CostLayer layer;
  layer.kind = cl::LayerKind::Depthwise;
  layer.kernel = {weights.kh, weights.kw};
  r.depthwise = cl::cost(layer, input.c, padded_h, padded_w);
  layer.kind = cl::LayerKind::Standard;
  layer.out_channels = input.c;
  r.standard = cl::cost(layer, input.c, padded_h, padded_w);
  return r;
}

CacheKey depthwise_key(int input_generation, const cl::Weights& weights) {
  CacheKey key;
  key.with(input_generation, weights.a, weights.b, weights.kh, weights.kw, weights.data);
  return key;
}

std::string depthwise_weight_shape(const DepthwiseResult& r) {
  return std::to_string(r.channels) + "x1x" + std::to_string(r.kh) + "x" + std::to_string(r.kw);
}

std::string merged_display(const cl::Tensor& output, const std::string& display) {
  if (display != "auto" || output.c == 1) return display;
  const cl::FiniteRange range = cl::finite_range(output, -1);
  return range.lo < 0 || range.hi > 1 ? cl::display_mode_name(cl::DisplayMode::MinMax) : display;
}

bool DepthwiseModel::update(const cl::Tensor& input, int input_generation, const cl::Weights& weights) {
  return recompute_(depthwise_key(input_generation, weights), [&] { result_ = compute_depthwise(input, weights); });
}
