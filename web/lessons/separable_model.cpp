#include "separable_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

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

SeparableResult separable_setup(int channels, const cl::Kernel2D& kernel) {
  SeparableResult r;
  r.kernel = kernel;
  r.sep = cl::separate(kernel);
  r.approx = cl::outer(r.sep.column, r.sep.row);
  r.params.groups = channels;
  r.params.padding = cl::same_padding(kernel.h, kernel.w, {1, 1});
  r.params.padding_mode = cl::PadMode::Reflect;
  r.weights = cl::depthwise_weights(kernel, channels);
  for (float v : r.kernel.data) r.kernel_sum += v;
  for (float v : r.approx.data) r.approx_sum += v;
  return r;
}

SeparableResult compute_separable(const cl::Tensor& input, const cl::Kernel2D& kernel) {
  SeparableResult r = separable_setup(input.c, kernel);
  SeparablePaths p = separable_paths(input, r.weights, r.params, r.sep.column, r.sep.row);
  r.full = std::make_shared<const cl::Tensor>(std::move(p.full));
  r.two_pass = std::make_shared<const cl::Tensor>(std::move(p.two_pass));
  r.diff = std::make_shared<const cl::Tensor>(std::move(p.diff));
  r.max_error = p.max_error;
  r.rms_error = p.rms_error;
  return r;
}

MultiJob separable_job(const SeparableResult& r, const std::string& display, MultiKind kind) {
  MultiJob job;
  job.kind = kind;
  job.convs.push_back(conv_job(r.weights, r.params, "auto"));
  job.vectors = {r.sep.column, r.sep.row};
  if (kind == MultiKind::Separable) job.shows = {{0, display, -1}, {1, display, -1}, {2, "diverging", 0}};
  return job;
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
  return time_paths(input, r.weights, r.params, r.sep.column, r.sep.row, now_ms);
}

bool SeparableModel::update(const cl::Tensor& input, int input_generation, const cl::Kernel2D& kernel,
                            const std::string& display) {
  job_.ask(CacheKey(separable_key(kernel, input_generation)).with(display), input, input_generation, [&] {
    SeparableResult meta = separable_setup(input.c, kernel);
    MultiJob job = separable_job(meta, display);
    (void)multi_job_shapes(input, job);  // a refused setting must not count as asked
    asked_ = meta;
    ++asked_version_;
    return std::pair{std::move(job), std::move(meta)};
  });
  if (auto t = times_job_.take(); t && t->meta == asked_version_ && t->result.scalars.size() == 2) {
    times_ = {t->result.scalars[0], t->result.scalars[1]};
    times_version_ = t->meta;
  }
  auto landed = job_.take();
  if (!landed) return false;
  MultiResult& out = landed->result;
  if (out.outputs.size() != 3 || out.scalars.size() != 2) return false;  // cannot happen: the job's kind gives them
  result_ = std::move(landed->meta);
  result_.full = out.outputs[0];
  result_.two_pass = out.outputs[1];
  result_.diff = out.outputs[2];
  result_.shown = std::move(out.shown);
  result_.max_error = float(out.scalars[0]);
  result_.rms_error = float(out.scalars[1]);
  ++version_, workers_ = out.workers;
  return true;
}

void SeparableModel::time(const cl::Tensor& input, int input_generation) {
  if (asked_.kernel.data.empty()) return;
  times_job_.ask(CacheKey().with(asked_version_, input_generation), input, input_generation, [&] {
    return std::pair{separable_job(asked_, "auto", MultiKind::SeparableTimes), asked_version_};
  });
}
