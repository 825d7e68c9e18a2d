#include "pointwise_model.h"

#include <cstdio>
#include <exception>

#include "conv2d.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("pointwise", "Pointwise (1x1) convolution",
                     "1x1xC kernels mix channels: RGB to grey, RGB to 8 feature maps.",
                     100,
                     {url::choice_field<PointwiseParams>("mix", &PointwiseParams::mix, [] { return std::vector<std::string>{"gray", "features"}; }),
                      url::floats_field<PointwiseParams>("mixv", &PointwiseParams::values, 24, {3, 24})},
                     {"mix", "matrix", "cost"});

const std::vector<MixRow>& mix_rows(const std::string& mix) {
  static const std::vector<MixRow> grey = {{"grey", "Rec.601 luma: how bright the pixel looks (green counts most)", {0.299f, 0.587f, 0.114f}}};
  // Hand-designed rows, each a feature a first layer could learn: the channels, brightness, and the
  // opponent colours our own eyes use.
  static const std::vector<MixRow> features = {
      {"R", "the red channel alone", {1, 0, 0}},
      {"G", "the green channel alone", {0, 1, 0}},
      {"B", "the blue channel alone", {0, 0, 1}},
      {"luma", "brightness, Rec.601 weights", {0.299f, 0.587f, 0.114f}},
      {"R - G", "red against green: positive (red) on red things, negative (blue) on green ones", {1, -1, 0}},
      {"B - Y", "blue against yellow (Y = (R + G) / 2): sky positive, sand and skin negative", {-0.5f, -0.5f, 1}},
      {"G - M", "green against magenta ((R + B) / 2): foliage positive", {-0.5f, 1, -0.5f}},
      {"R - B", "warm against cool", {1, 0, -1}},
  };
  return mix == "features" ? features : grey;
}

std::vector<float> mix_matrix(const PointwiseParams& p) {
  const std::vector<MixRow>& rows = mix_rows(p.mix);
  if (p.values.size() == rows.size() * 3) return p.values;
  std::vector<float> m;
  for (const MixRow& r : rows) m.insert(m.end(), r.weights, r.weights + 3);
  return m;
}

PointwiseResult compute_pointwise(const cl::Tensor& input, const std::vector<float>& matrix) {
  if (input.c != 3) return {};
  const int rows = int(matrix.size() / 3);
  // Weights checks the length: a matrix that is not rows x 3 throws here.
  const cl::Weights w(rows, 3, 1, 1, matrix);
  PointwiseResult r;
  r.output = std::make_shared<const cl::Tensor>(cl::conv2d(input, w));
  cl::CostLayer layer;
  layer.kind = cl::LayerKind::Pointwise;
  layer.out_channels = rows;
  r.cost = cl::cost(layer, input.c, input.h, input.w);
  r.matrix = matrix;
  return r;
}

CacheKey pointwise_key(int input_generation, const std::vector<float>& matrix) {
  CacheKey key;
  key.with(input_generation, matrix);
  return key;
}

std::string weight_shape_text(const PointwiseResult& r) { return std::to_string(r.matrix.size() / 3) + "x3x1x1"; }

std::string matrix_text(const std::vector<float>& matrix) {
  std::string text;
  for (std::size_t i = 0; i < matrix.size(); ++i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%g", i ? "," : "", double(matrix[i]));
    text += buf;
  }
  return text;
}

std::string pixel_text(const LazyTensor& t, int y, int x) {
  std::string text;
  for (int c = 0; c < t.shape().c; ++c) text += (c ? "," : "") + std::to_string(t.value(c, y, x));
  return text;
}

MultiJob pointwise_job(const std::vector<float>& matrix, const std::string& display) {
  const int rows = int(matrix.size() / 3);
  MultiJob job;
  job.convs.push_back(conv_job(cl::Weights(rows, 3, 1, 1, matrix), {}, "auto"));  // Weights checks the length
  for (int o = 0; o < rows; ++o) job.shows.push_back({0, display, rows > 1 ? o : -1});
  return job;
}

bool PointwiseModel::update(const cl::Tensor& input, int input_generation, const PointwiseParams& params,
                            const std::string& display) {
  const std::vector<float> matrix = mix_matrix(params);
  if (job_.new_key(CacheKey(pointwise_key(input_generation, matrix)).with(display))) {
    try {
      if (input.c != 3) {  // nothing to mix: no job
        job_.drop_pending();
        result_ = {};
        ++version_, workers_ = 0;
        return true;
      }
      PointwiseResult meta;
      meta.matrix = matrix;
      cl::CostLayer layer;
      layer.kind = cl::LayerKind::Pointwise;
      layer.out_channels = int(matrix.size() / 3);
      meta.cost = cl::cost(layer, input.c, input.h, input.w);
      job_.submit(input, input_generation, pointwise_job(matrix, display), std::move(meta));
    } catch (const std::exception& e) {
      job_.refuse(e.what());
    }
  }
  auto landed = job_.take();
  if (!landed) return false;
  result_ = std::move(landed->meta);
  result_.output = landed->result.outputs.at(0);
  result_.shown = std::move(landed->result.shown);
  ++version_, workers_ = landed->result.workers;
  return true;
}
