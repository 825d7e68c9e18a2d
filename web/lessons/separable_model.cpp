#include "separable_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("separable", "Separable kernels",
                     "Rank-1 kernels as a column pass and a row pass: kh + kw instead of kh x kw, measured.",
                     110,
                     {},
                     {"kernel-editor", "factors", "cost"});

bool SeparableResult::sum_changed() const {
  return std::fabs(kernel_sum - approx_sum) > 1e-3 * std::max(1.0, std::fabs(kernel_sum));
}

CacheKey separable_key(const cl::Kernel2D& kernel, int input_generation) {
  return CacheKey().with(input_generation, kernel.h, kernel.w, kernel.data);
}

SeparableResult compute_separable(const cl::Tensor& input, const cl::Kernel2D& kernel) {
  SeparableResult r;
  r.kernel = kernel;
  r.sep = cl::separate(kernel);
  r.approx = cl::outer(r.sep.column, r.sep.row);
  r.params.groups = input.c;
  r.params.padding = cl::same_padding(kernel.h, kernel.w, {1, 1});
  r.params.padding_mode = cl::PadMode::Reflect;
  r.weights = cl::depthwise_weights(kernel, input.c);
  r.full = cl::conv2d(input, r.weights, r.params);
  r.two_pass = cl::separable_conv2d(input, r.sep.column, r.sep.row, r.params);
  r.diff = cl::Tensor::uninitialized(r.full.c, r.full.h, r.full.w);
  double sq = 0;
  for (std::size_t i = 0; i < r.full.size(); ++i) {
    const float d = r.two_pass.data[i] - r.full.data[i];
    r.diff.data[i] = d;
    r.max_error = std::max(r.max_error, std::fabs(d));
    sq += double(d) * d;
  }
  r.rms_error = float(std::sqrt(sq / double(std::max<std::size_t>(1, r.diff.size()))));
  for (float v : r.kernel.data) r.kernel_sum += v;
  for (float v : r.approx.data) r.approx_sum += v;
  return r;
}

std::string vector_text(const std::vector<float>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%s%.4g", i ? ", " : "", double(v[i]));
    out += buf;
  }
  return out + "]";
}

PathTimes time_paths(const cl::Tensor& input, const SeparableResult& r, const std::function<double()>& now_ms) {
  auto time_of = [&](const auto& run) {
    const double start = now_ms();
    int n = 0;
    double now = start;
    while (n < kMinRuns || (now - start < kMinMs && n < kMaxRuns)) {
      run();
      ++n;
      now = now_ms();
    }
    return (now - start) / n;
  };
  PathTimes t;
  t.full_ms = time_of([&] { (void)cl::conv2d(input, r.weights, r.params); });
  t.separable_ms = time_of([&] { (void)cl::separable_conv2d(input, r.sep.column, r.sep.row, r.params); });
  return t;
}
