// The erf lesson's model: the effective receptive field (core/erf.h) of the first 1, 2, ... n layers of
// the stack, measured one depth at a time so the page can spread a deep sweep over frames, beside the
// theoretical field of each depth. No ImGui (built into the native tests too).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "erf.h"
#include "receptive_field.h"
#include "recompute.h"
#include "state.h"
#include "tensor.h"

// The lesson's own settings (its URL keys are registered in erf_model.cpp).
struct ErfParams {
  std::string weights = "uniform";  // uniform, random
  bool relu = false;
};

constexpr int kErfMaxSide = 192;  // the ERF input is at most this many pixels per side
constexpr int kErfMargin = 8;     // pixels around the theoretical field
// Uniform weights on one channel make the gradient count paths exactly. Random weights use several
// channels, as a real layer does: with one channel and ReLU a single negative unit can cut every path.
constexpr int kErfRandomChannels = 8;

// One depth of the sweep: the first `depth` layers of the stack.
struct ErfDepth {
  int depth = 0;
  int side_h = 0, side_w = 0;  // the input the ERF was measured on
  convlab::Pair theoretical;   // receptive_field(prefix).back().size
  double erf = 0;              // erf_effective_size (95% of the gradient's mass)
  double sum = 0;              // sum of the gradient (with uniform weights, the number of paths)
  double ms = 0;               // time to compute
  bool clipped = false;        // the theoretical field did not fit the capped input
};

// Multiply-adds of a forward and a backward pass of the stack on an h x w input with this many channels.
double erf_work(const std::vector<convlab::Layer>& layers, int h, int w, int channels);

class ErfSweep {
 public:
  // Starts the sweep again when the stack, the weights, ReLU or the seed changed; true then.
  bool sync(const State& s);
  // Measures depths until the sweep is done or budget_ms has passed (always at least one depth).
  void advance(double budget_ms);
  bool done() const { return !stop_reason_.empty() || results_.size() >= layers_.size(); }

  const std::vector<convlab::Layer>& layers() const { return layers_; }
  const std::vector<ErfDepth>& results() const { return results_; }
  const std::string& stop_reason() const { return stop_reason_; }  // why the sweep stopped early, if it did
  const std::string& error() const { return error_; }              // a depth the core refused
  int channels() const;

  // The deepest depth measured so far: |gradient| summed over channels, where its theoretical field
  // lies, and the field's centre (the ERF square's centre). gradient() is empty before the first depth.
  const ErfDepth& shown() const { return shown_; }
  const convlab::Tensor& gradient() const { return gradient_; }
  int gradient_generation() const { return gradient_generation_; }  // changes with gradient()
  const convlab::Rect& field_rect() const { return field_rect_; }
  double centre_y() const { return centre_y_; }
  double centre_x() const { return centre_x_; }

  // The machine's speed in milliseconds per multiply-add: predicts each depth's time, which shrinks
  // the margin first and stops the sweep when a depth would freeze the page. Learned as it runs.
  double ms_per_work = 2e-6;
  static constexpr double kMaxDepthMs = 40;  // predicted time for one depth above which its margin shrinks
  static constexpr double kMaxStopMs = 250;  // predicted time for one depth above which the sweep stops

  // What the lesson publishes: erf_depths_done, erf_done, erf_ms_max, erf_ms_total, erf_series
  // ("erf/theoretical" per depth) and, for the shown depth, erf_sum, erf_size, theoretical_size, erf_input.
  std::vector<std::pair<std::string, std::string>> readout() const;

 private:
  bool step();  // the next depth; false when the sweep has to stop

  Recompute settings_;
  std::vector<convlab::Layer> layers_;
  convlab::ErfOptions options_;
  std::vector<ErfDepth> results_;
  std::string stop_reason_, error_;
  ErfDepth shown_;
  convlab::Tensor gradient_;
  int gradient_generation_ = 0;
  convlab::Rect field_rect_;
  double centre_y_ = 0, centre_x_ = 0;
};
