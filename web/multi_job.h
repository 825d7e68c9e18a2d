// A lesson's computation with several outputs, each shown in its own view, as the worker pool runs it
// (web/static/compute_pool.js): pointwise's channel maps, separable's two paths, their difference and
// errors, the timing of those paths, depthwise-separable's output residual. It is ImageJob's sibling
// (image_job.h): int32 words to JavaScript, run by a worker's wasm, and coloured where it is computed,
// each view from its output's whole range in the same two phases, so what the views show equals the
// main thread's displayed_rgba bit for bit. Only a job of one convolution splits into row bands; the
// others run whole in one worker (still off the main thread).
//
// Plain C++ (no ImGui, no Emscripten): the page, the workers and the native tests all build it. The
// lessons' models call the same functions for their results (separable_paths, output_residual,
// time_paths), so the main thread and the workers compute them alike.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "image_job.h"

enum class MultiKind : std::int32_t {
  Conv = 1,            // convs[0] (any ImageJob) on the image: one output (pointwise's maps); split into bands
  Separable = 2,       // convs[0] (the depthwise kernel) and its two passes (vectors: column, row): outputs
                       // full, two passes, their difference; scalars max and rms error
  SeparableTimes = 3,  // both paths of Separable timed (time_paths): scalars full ms, separable ms
  Residual = 4,        // output_residual of convs[0] against convs[1]: one scalar
};

// One view of a job's output: which output, shown how (State::display) and which channel (-1 all).
struct OutputShow {
  int output = 0;
  std::string display = "auto";
  int channel = -1;
};

struct MultiJob {
  MultiKind kind = MultiKind::Conv;
  std::vector<ImageJob> convs;               // convolutions (conv_job()): their display and channel unused
  std::vector<std::vector<float>> vectors;  // Separable: the column and row factors
  std::vector<OutputShow> shows;
  bool banded() const { return kind == MultiKind::Conv; }
};

std::vector<std::int32_t> encode_multi_job(const MultiJob& job);
// Throws std::invalid_argument for words that are not an encoded job.
MultiJob decode_multi_job(const std::int32_t* words, std::size_t count);

// The shape (C, H, W) of each output of `job` on `input`; throws convlab::Error for a bad argument, as
// computing it would, and std::invalid_argument for a show of an output the job has not.
std::vector<std::array<int, 3>> multi_job_shapes(const convlab::Tensor& input, const MultiJob& job);

// Rows [row_begin, row_end) of every output (a job that is not banded takes all rows) and its scalars.
struct MultiBand {
  std::vector<convlab::Tensor> outputs;
  std::vector<double> scalars;
};
MultiBand run_multi_job_band(const convlab::Tensor& input, const MultiJob& job, int row_begin, int row_end,
                             const std::function<double()>& now_ms);

// The two phases of image_job.h per show: each band's ranges, then each band's RGBA from the merged ones.
std::vector<BandRange> multi_band_ranges(const MultiBand& band, const MultiJob& job);
std::vector<BandDisplay> display_multi_band(const MultiBand& band, const MultiJob& job, const std::vector<BandRange>& whole);

// What the jobs compute, for the models too.
// Separable: the image by the full depthwise kernel and by its column then row pass, their difference,
// its largest |value| and its RMS over every channel.
struct SeparablePaths {
  convlab::Tensor full, two_pass, diff;
  float max_error = 0, rms_error = 0;
};
SeparablePaths separable_paths(const convlab::Tensor& input, const convlab::Weights& full, const convlab::Conv2dParams& params,
                               const std::vector<float>& column, const std::vector<float>& row);

// Both paths timed with the clock `now_ms`: each repeated for at least kMinMs (the browser's clock is
// coarse), at least kMinRuns and at most kMaxRuns times.
struct PathTimes {
  double full_ms = 0, separable_ms = 0;  // mean time per run
  double ratio() const { return full_ms > 0 ? separable_ms / full_ms : 0.0; }
};
constexpr int kMinRuns = 3, kMaxRuns = 40;
constexpr double kMinMs = 40.0;
PathTimes time_paths(const convlab::Tensor& input, const convlab::Weights& full, const convlab::Conv2dParams& params,
                     const std::vector<float>& column, const std::vector<float>& row, const std::function<double()>& now_ms);

// RMS(conv(full) - conv(fit)) / RMS(conv(full)) on `input` ('same' zero padding).
double output_residual(const convlab::Tensor& input, const convlab::Weights& full, const convlab::Weights& fit);
