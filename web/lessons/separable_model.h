// The separable lesson's model: what it computes, without ImGui (built into the native tests too).
// A kernel's best rank-1 split (separate()), the image filtered by the full kernel and by the two 1-D
// passes of that split, their difference, the multiplications per pixel, and the timing of both paths.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "conv2d.h"
#include "recompute.h"
#include "separable.h"
#include "tensor.h"

struct SeparableResult {
  convlab::Kernel2D kernel;       // the full kernel
  convlab::Separation sep;        // its best rank-1 split
  convlab::Kernel2D approx;       // outer(column, row): the kernel itself, to rounding, when separable
  convlab::Weights weights;       // the full path: the kernel on every channel (groups = channels)
  convlab::Conv2dParams params;   // both paths: 'same' reflect padding, groups = channels
  convlab::Tensor full, two_pass;  // conv2d with the kernel; separable_conv2d with the split
  convlab::Tensor diff;           // two_pass - full
  float max_error = 0, rms_error = 0;  // of diff, over every channel
  double kernel_sum = 0, approx_sum = 0;

  bool empty() const { return full.empty(); }
  int mults_full() const { return kernel.h * kernel.w; }      // per output pixel and channel
  int mults_separable() const { return kernel.h + kernel.w; }  // column pass + row pass
  // The rank-1 approximation keeps a different sum: even flat regions come out different.
  bool sum_changed() const;
};

// What a result is computed from: the image's generation and the kernel's values, each by its bits.
CacheKey separable_key(const convlab::Kernel2D& kernel, int input_generation);
// Throws what separate() or the convolutions throw (an empty or non-finite kernel).
SeparableResult compute_separable(const convlab::Tensor& input, const convlab::Kernel2D& kernel);

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

struct PathTimes {
  double full_ms = 0, separable_ms = 0;  // mean time per run
  double ratio() const { return full_ms > 0 ? separable_ms / full_ms : 0.0; }
};
// Times both paths of `r` on `input` with the clock `now_ms`: each repeated for at least kMinMs (the
// browser's clock is coarse), at least kMinRuns and at most kMaxRuns times.
constexpr int kMinRuns = 3, kMaxRuns = 40;
constexpr double kMinMs = 40.0;
PathTimes time_paths(const convlab::Tensor& input, const SeparableResult& r, const std::function<double()>& now_ms);
