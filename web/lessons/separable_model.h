// The separable lesson's model: what it computes, without ImGui (built into the native tests too).
// A kernel's best rank-1 split (separate()), the image filtered by the full kernel and by the two 1-D
// passes of that split, their difference, the multiplications per pixel, and the timing of both paths.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv_client.h"
#include "multi_client.h"
#include "multi_job.h"
#include "recompute.h"
#include "separable.h"
#include "tensor.h"

struct SeparableResult {
  convlab::Kernel2D kernel;       // the full kernel
  convlab::Separation sep;        // its best rank-1 split
  convlab::Kernel2D approx;       // outer(column, row): the kernel itself, to rounding, when separable
  convlab::Weights weights;       // the full path: the kernel on every channel (groups = channels)
  convlab::Conv2dParams params;   // both paths: 'same' reflect padding, groups = channels
  // conv2d with the kernel; separable_conv2d with the split; two_pass - full (separable_paths). Null
  // until computed; a worker's values are copied here when read.
  LazyTensor full, two_pass, diff;
  std::vector<ShownOutput> shown;  // SeparableModel: full, two passes and diff as their views show them
  float max_error = 0, rms_error = 0;  // of diff, over every channel
  double kernel_sum = 0, approx_sum = 0;

  bool empty() const { return !full; }
  int mults_full() const { return kernel.h * kernel.w; }      // per output pixel and channel
  int mults_separable() const { return kernel.h + kernel.w; }  // column pass + row pass
  // The rank-1 approximation keeps a different sum: even flat regions come out different.
  bool sum_changed() const;
};

// What a result is computed from: the image's generation and the kernel's values, each by its bits.
CacheKey separable_key(const convlab::Kernel2D& kernel, int input_generation);
// Throws what separate() or the convolutions throw (an empty or non-finite kernel).
SeparableResult compute_separable(const convlab::Tensor& input, const convlab::Kernel2D& kernel);
// Everything but the images (cheap: the split of a small kernel) for an image of `channels` channels.
SeparableResult separable_setup(int channels, const convlab::Kernel2D& kernel);
// The job that computes the images of `r` in a worker: full and two passes shown with `display`, the
// difference with the diverging map of channel 0; as SeparableTimes, the timing of both paths.
MultiJob separable_job(const SeparableResult& r, const std::string& display, MultiKind kind = MultiKind::Separable);

// "[1, -2, 0.5]": a factor as the lesson writes it (4 significant digits).
std::string vector_text(const std::vector<float>& v);

// Timing both paths takes a few frames' time, so it waits until the kernel (or image) has stayed
// unchanged for kSettleMs: dragging a slider recomputes the outputs at once and times only where it stops.
class SettleTimer {
 public:
  static constexpr double kSettleMs = 250.0;
  void changed(double now_ms) { changed_at_ = now_ms, due_ = true; }
  void clear() { due_ = false; }  // timed, or nothing left to time
  bool due() const { return due_; }                       // the times are not yet the current kernel's
  bool ready(double now_ms) const { return due_ && now_ms - changed_at_ >= kSettleMs; }

 private:
  double changed_at_ = 0;
  bool due_ = false;
};

// Times both paths of `r` on `input` (multi_job.h's time_paths, with its limits).
PathTimes time_paths(const convlab::Tensor& input, const SeparableResult& r, const std::function<double()>& now_ms);

// The lesson's results as the page shows them: the images computed and coloured in the compute workers
// (multi_client.h), the last result staying whole until the newest setting's lands; the timing of both
// paths too, asked for separately once the kernel has settled (it takes a few frames' time).
class SeparableModel {
 public:
  // Asks for the images when the kernel, the image or the display changed; true when a new result is
  // shown. A refused kernel keeps the last result and error() says why.
  bool update(const convlab::Tensor& input, int input_generation, const convlab::Kernel2D& kernel, const std::string& display);
  // Asks for the timing of the newest setting asked for.
  void time(const convlab::Tensor& input, int input_generation);
  const SeparableResult& result() const { return result_; }
  const PathTimes& times() const { return times_; }
  int asked() const { return asked_version_; }  // counts settings asked for: the settle timer restarts on each
  bool times_current() const { return times_version_ == asked_version_; }  // the times are the newest setting's
  bool busy() const { return job_.busy(); }
  const std::string& error() const { return job_.error(); }
  int version() const { return version_; }  // counts results shown
  int workers() const { return workers_; }  // how many workers computed the result (0: this thread)

 private:
  PendingConv<SeparableResult, MultiClient> job_;  // the meta: the result but its images
  PendingConv<int, MultiClient> times_job_;        // the meta: the asked version timed
  SeparableResult result_, asked_;
  int asked_version_ = 0, times_version_ = -1;
  int version_ = 0, workers_ = 0;
  PathTimes times_;
};
