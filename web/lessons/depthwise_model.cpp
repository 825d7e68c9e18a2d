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

cl::Conv2dParams depthwise_params(int channels, const cl::Weights& weights) {
  cl::Conv2dParams p;
  p.groups = channels;
  p.padding = cl::same_padding(weights.kh, weights.kw, {1, 1});
  p.padding_mode = cl::PadMode::Reflect;
  return p;
}

DepthwiseResult depthwise_costs(const cl::Tensor& input, const cl::Weights& weights) {
  const cl::Conv2dParams p = depthwise_params(input.c, weights);
  DepthwiseResult r;
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

DepthwiseResult compute_depthwise(const cl::Tensor& input, const cl::Weights& weights) {
  auto output = std::make_shared<const cl::Tensor>(cl::conv2d(input, weights, depthwise_params(input.c, weights)));
  DepthwiseResult r = depthwise_costs(input, weights);
  r.output = std::move(output);
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

std::string merged_display(const ShownOutput& shown, const std::string& display) {
  if (display != "auto" || shown.tensor.shape().c == 1) return display;
  // "auto" resolves to clamp exactly when the finite range lies within [0, 1] (resolve_display).
  return shown.choice.resolved == cl::DisplayMode::Clamp ? display : cl::display_mode_name(cl::DisplayMode::MinMax);
}

bool DepthwiseModel::update(const cl::Tensor& input, int input_generation, const cl::Weights& weights,
                            const std::string& display) {
  CacheKey key = depthwise_key(input_generation, weights);
  key.add(display);
  conv_.ask(key, input, input_generation, [&] {
    DepthwiseResult r = depthwise_costs(input, weights);
    r.display = display;
    MultiJob job;
    job.kind = MultiKind::Conv;
    job.convs = {conv_job(weights, depthwise_params(input.c, weights), display)};
    job.shows = {{0, display, -1}};
    if (input.c > 1) {
      if (display == "auto") job.shows.push_back({0, "minmax", -1});  // merged_display's other choice
      for (int c = 0; c < 3 && c < input.c; ++c) job.shows.push_back({0, display, c});
    }
    return std::pair{std::move(job), std::move(r)};
  });
  auto landed = conv_.take();
  if (!landed) return false;
  DepthwiseResult& r = landed->meta;
  std::vector<ShownOutput>& shown = landed->result.shown;
  r.output = landed->result.outputs.at(0);
  r.compute_ms = landed->result.compute_ms;
  r.workers = landed->result.workers;
  const std::string merged = merged_display(shown.at(0), r.display);
  // "auto" turned "minmax": the min-max show (the same bytes as the first when auto chose min-max itself).
  const std::size_t merged_show = merged == r.display ? 0 : 1;
  r.merged = std::move(shown.at(merged_show));
  r.merged.display = merged;
  const std::size_t first_channel = r.display == "auto" && shown.size() > 1 ? 2 : 1;
  for (std::size_t i = first_channel; i < shown.size(); ++i) r.channel_shown.push_back(std::move(shown[i]));
  r.version = result_.version + 1;
  result_ = std::move(r);
  return true;
}
