#include "depthwise_separable_model.h"

#include <cmath>
#include <cstdint>
#include <exception>

#include "conv2d.h"
#include "lesson_info.h"
#include "separable.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("depthwise-separable", "Depthwise-separable",
                     "Depthwise then pointwise: MACs, parameters and 1/Cout + 1/k^2, and what it cannot do.",
                     120,
                     {url::int_field<DepthwiseSeparableParams>("cin", &DepthwiseSeparableParams::cin, 1, 4096),
                      url::int_field<DepthwiseSeparableParams>("cout", &DepthwiseSeparableParams::cout, 1, 4096),
                      url::int_field<DepthwiseSeparableParams>("hw", &DepthwiseSeparableParams::hw, 1, 4096)},
                     {"layer", "cin", "cout", "kernel", "size", "presets", "costs", "demo", "seed"});

namespace {

std::string product(const char* names, std::initializer_list<int> values) {
  std::string out = std::string(names) + " = ";
  bool first = true;
  for (int v : values) out += (first ? "" : "*") + std::to_string(v), first = false;
  return out;
}

}  // namespace

std::string DepthwiseSeparableCosts::standard_formula() const {
  return product("Cout*H*W*Cin*k*k", {cout, standard.out_h, standard.out_w, cin, k, k});
}
std::string DepthwiseSeparableCosts::depthwise_formula() const {
  return product("Cin*H*W*k*k", {cin, depthwise.out_h, depthwise.out_w, k, k});
}
std::string DepthwiseSeparableCosts::pointwise_formula() const {
  return product("Cout*H*W*Cin", {cout, pointwise.out_h, pointwise.out_w, cin});
}

CacheKey depthwise_separable_key(const DepthwiseSeparableParams& p, int k) { return CacheKey().with(p.cin, p.cout, p.hw, k); }

DepthwiseSeparableCosts depthwise_separable_costs(const DepthwiseSeparableParams& p, int k) {
  DepthwiseSeparableCosts c;
  c.cin = p.cin, c.cout = p.cout, c.k = k, c.hw = p.hw;
  cl::CostLayer standard;
  standard.kind = cl::LayerKind::Standard;
  standard.out_channels = p.cout;
  standard.kernel = {k, k};
  standard.padding = {k / 2, k / 2};
  cl::CostLayer separable = standard, depthwise = standard, pointwise;
  separable.kind = cl::LayerKind::DepthwiseSeparable;
  depthwise.kind = cl::LayerKind::Depthwise;
  depthwise.out_channels = 0;  // as many as in
  pointwise.kind = cl::LayerKind::Pointwise;
  pointwise.out_channels = p.cout;
  c.standard = cl::cost(standard, p.cin, p.hw, p.hw);
  c.separable = cl::cost(separable, p.cin, p.hw, p.hw);
  c.depthwise = cl::cost(depthwise, p.cin, p.hw, p.hw);
  c.pointwise = cl::cost(pointwise, p.cin, c.depthwise.out_h, c.depthwise.out_w);
  return c;
}

DepthwisePointwiseFit fit_depthwise_pointwise(const cl::Weights& full) {
  const int cout = full.a, cin = full.b, taps = full.kh * full.kw;
  DepthwisePointwiseFit f;
  f.full = full;
  f.depthwise = cl::Weights(cin, 1, full.kh, full.kw);
  f.pointwise = cl::Weights(cout, cin, 1, 1);
  f.fit = cl::Weights(cout, cin, full.kh, full.kw);
  double err2 = 0, norm2 = 0;
  for (int i = 0; i < cin; ++i) {
    cl::Kernel2D m(cout, taps);  // row o: the kernel output o applies to input channel i
    for (int o = 0; o < cout; ++o)
      for (int t = 0; t < taps; ++t) m.at(o, t) = full.kernel(o, i)[t];
    const cl::Separation sp = cl::separate(m);
    for (int t = 0; t < taps; ++t) f.depthwise.data[std::size_t(i) * taps + t] = sp.row[t];
    for (int o = 0; o < cout; ++o) {
      f.pointwise.at(o, i, 0, 0) = sp.column[o];
      for (int t = 0; t < taps; ++t) {
        const float v = sp.column[o] * sp.row[t];
        f.fit.data[(std::size_t(o) * cin + i) * taps + t] = v;
        err2 += double(m.at(o, t) - v) * (m.at(o, t) - v);
        norm2 += double(m.at(o, t)) * m.at(o, t);
      }
    }
  }
  f.weight_residual = norm2 > 0 ? std::sqrt(err2 / norm2) : 0.0;
  return f;
}

cl::Weights random_weights(int cout, int cin, int k, int seed) {
  std::uint32_t x = std::uint32_t(seed) * 2654435761u + 12345u;  // xorshift32
  cl::Weights w(cout, cin, k, k);
  for (float& v : w.data) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    v = float(x >> 8) / float(1u << 24) * 2.0f - 1.0f;  // the top 24 bits as [0, 1), then [-1, 1)
  }
  return w;
}

DemoResult depthwise_separable_demo(int seed, const cl::Tensor& input) {
  DemoResult d;
  d.fit = fit_depthwise_pointwise(random_weights(kDemoCout, kDemoCin, kDemoK, seed));
  if (input.c == kDemoCin) {
    d.output_residual = output_residual(input, d.fit.full, d.fit.fit);
    d.has_output = true;
  }
  return d;
}

bool DemoModel::update(int seed, const cl::Tensor& input, int input_generation) {
  if (job_.new_key(CacheKey().with(seed, input_generation))) {
    try {
      DemoResult d;
      d.fit = fit_depthwise_pointwise(random_weights(kDemoCout, kDemoCin, kDemoK, seed));
      if (input.c != kDemoCin) {  // nothing to convolve: the fit alone, now
        job_.drop_pending();
        demo_ = std::move(d);
        ++version_, workers_ = 0;
        return true;
      }
      MultiJob job;
      job.kind = MultiKind::Residual;
      job.convs = {conv_job(d.fit.full, {}, "auto"), conv_job(d.fit.fit, {}, "auto")};
      job_.submit(input, input_generation, job, std::move(d));
    } catch (const std::exception& e) {
      job_.refuse(e.what());
    }
  }
  auto landed = job_.take();
  if (!landed) return false;
  if (landed->result.scalars.empty()) {  // cannot happen: the job's kind gives one
    job_.refuse("the compute workers gave no residual");
    return false;
  }
  demo_ = std::move(landed->meta);
  demo_.output_residual = landed->result.scalars.at(0);
  demo_.has_output = true;
  ++version_, workers_ = landed->result.workers;
  return true;
}
