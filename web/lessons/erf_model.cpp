#include "erf_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "lesson_info.h"

REGISTER_LESSON_INFO("erf", "Effective receptive field",
                     "The gradient of one unit: a small central bump inside the theoretical field.",
                     70,
                     {url::choice_field<ErfParams>("erfw", &ErfParams::weights, [] { return std::vector<std::string>{"uniform", "random"}; }),
                      url::bool_field<ErfParams>("relu", &ErfParams::relu)},
                     {"layers", "weights", "relu", "seed", "depth"});

namespace cl = convlab;
using Layer = cl::Layer;

namespace {

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string fmt(double v, const char* f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

double erf_work(const std::vector<Layer>& layers, int h, int w, int channels) {
  const auto sizes = cl::layer_output_sizes(layers, h, w);
  double work = 0;
  for (std::size_t i = 0; i < layers.size(); ++i)
    work += 2.0 * sizes[i].h * sizes[i].w * layers[i].kernel.h * layers[i].kernel.w * channels * channels;
  return work;
}

int ErfSweep::channels() const { return options_.weights == cl::ErfOptions::Weights::Random ? kErfRandomChannels : 1; }

bool ErfSweep::sync(const State& s) {
  const ErfParams& p = lesson_params<ErfParams>(s);
  CacheKey key;
  key.with(layers_to_text(s.layers), p.weights, p.relu, s.seed);
  return settings_(key, [&] {
    layers_ = s.layers;
    options_ = cl::ErfOptions{};
    options_.weights = p.weights == "random" ? cl::ErfOptions::Weights::Random : cl::ErfOptions::Weights::Uniform;
    options_.seed = std::uint32_t(s.seed);
    options_.relu = p.relu;
    results_.clear();
    stop_reason_.clear();
    error_.clear();
  });
}

void ErfSweep::advance(double budget_ms) {
  const double t0 = now_ms();
  while (!done() && step() && now_ms() - t0 < budget_ms) {
  }
}

bool ErfSweep::step() {
  const int depth = int(results_.size()) + 1;
  const std::vector<Layer> prefix(layers_.begin(), layers_.begin() + depth);
  ErfDepth r;
  r.depth = depth;
  const auto predicted_ms = [&] { return erf_work(prefix, r.side_h, r.side_w, channels()) * ms_per_work; };
  try {
    r.theoretical = cl::receptive_field(prefix).back().size;
    // The field plus a margin, capped; the margin shrinks first when the predicted time is too long,
    // never the field itself (unless it exceeds the cap).
    const int min_h = std::min(r.theoretical.h, kErfMaxSide), min_w = std::min(r.theoretical.w, kErfMaxSide);
    r.side_h = std::min(r.theoretical.h + 2 * kErfMargin, kErfMaxSide);
    r.side_w = std::min(r.theoretical.w + 2 * kErfMargin, kErfMaxSide);
    while (predicted_ms() > kMaxDepthMs && (r.side_h > min_h || r.side_w > min_w)) {
      r.side_h = std::max(min_h, r.side_h - 2);
      r.side_w = std::max(min_w, r.side_w - 2);
    }
    if (predicted_ms() > kMaxStopMs) {
      stop_reason_ = "Depth " + std::to_string(depth) + " would take about " + fmt(predicted_ms(), "%.0f") +
                     " ms on this machine: the sweep stops at depth " + std::to_string(depth - 1) +
                     " to keep the page responsive.";
      return false;
    }
  } catch (const std::exception&) {
    stop_reason_ = "Depth " + std::to_string(depth) + " needs an input larger than " + std::to_string(kErfMaxSide) +
                   " pixels per side: the sweep stops at depth " + std::to_string(depth - 1) + ".";
    return false;
  }
  r.clipped = r.side_h < r.theoretical.h || r.side_w < r.theoretical.w;
  try {
    const double t0 = now_ms();
    const cl::Tensor g = cl::effective_receptive_field(channels(), r.side_h, r.side_w, prefix, options_);
    r.erf = cl::erf_effective_size(g, prefix);
    for (float v : g.data) r.sum += v;
    r.ms = now_ms() - t0;
    // Learn how fast this machine (and this kind of layer) runs, for the next depth's input size.
    const double work = erf_work(prefix, r.side_h, r.side_w, channels());
    if (work > 1e6 && r.ms > 2.0) ms_per_work = std::clamp(r.ms / work, ms_per_work * 0.5, ms_per_work * 2.0);
    const cl::Pair unit = cl::erf_output_unit(r.side_h, r.side_w, prefix);
    const cl::FieldInfo f = cl::receptive_field(prefix).back();
    field_rect_ = cl::input_rect(prefix, depth - 1, unit.h, unit.w);
    centre_y_ = f.start_h + unit.h * f.jump.h;
    centre_x_ = f.start_w + unit.w * f.jump.w;
    gradient_ = cl::Tensor(1, g.h, g.w);  // |gradient| summed over the channels, as erf_effective_size measures it
    for (int c = 0; c < g.c; ++c)
      for (int y = 0; y < g.h; ++y)
        for (int x = 0; x < g.w; ++x) gradient_.at(0, y, x) += std::fabs(g.at(c, y, x));
    ++gradient_generation_;
    shown_ = r;
  } catch (const std::exception& e) {
    error_ = e.what();
    stop_reason_ = "Depth " + std::to_string(depth) + ": " + e.what();
    return false;
  }
  results_.push_back(r);
  return true;
}

std::vector<std::pair<std::string, std::string>> ErfSweep::readout() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (results_.empty()) return out;
  double total_ms = 0, max_ms = 0;
  std::string series;
  for (const ErfDepth& r : results_) {
    total_ms += r.ms, max_ms = std::max(max_ms, r.ms);
    series += (series.empty() ? "" : ",") + fmt(r.erf, "%g") + "/" + std::to_string(r.theoretical.h);
  }
  out.emplace_back("erf_ms_max", fmt(max_ms, "%.9g"));
  out.emplace_back("erf_depths_done", std::to_string(results_.size()));
  out.emplace_back("erf_done", done() ? "1" : "0");
  out.emplace_back("erf_ms_total", fmt(total_ms, "%.9g"));
  out.emplace_back("erf_series", series);
  out.emplace_back("erf_sum", fmt(shown_.sum, "%.9g"));
  out.emplace_back("erf_size", fmt(shown_.erf, "%.9g"));
  out.emplace_back("theoretical_size", std::to_string(shown_.theoretical.h) + "x" + std::to_string(shown_.theoretical.w));
  out.emplace_back("erf_input", std::to_string(shown_.side_h) + "x" + std::to_string(shown_.side_w));
  return out;
}
