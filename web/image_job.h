// One computation on the page's image, as the worker pool computes it (web/static/compute_pool.js): a
// convolution (and the activation after it) or a pooling. The output is split into row bands, each band
// computed by its own worker with its own wasm instance (web/worker/compute_worker.cpp), then shown
// exactly as ImageView would show the whole output.
//
// Colours need the whole output's range (min-max, |x| and the diverging map are scaled by it), so a band
// is done in two phases: its values and their finite range, then, once every band's range is known,
// its RGBA bytes from the merged range. Joined, the bands equal the single-thread core's output and
// displayed_rgba of it bit for bit (tests/web/image_job_test.cpp).
//
// Plain C++ (no ImGui, no Emscripten): the page, the workers and the native tests all build it. A job
// crosses JavaScript as int32 words, opaque to it (encode / decode below).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "activation.h"
#include "conv2d.h"
#include "display_choice.h"
#include "image.h"
#include "pool.h"
#include "tensor.h"

enum class ImageOp { Conv2d, Pool2d };

struct ImageJob {
  ImageOp op = ImageOp::Conv2d;
  convlab::Weights weights;      // Conv2d: the filter
  convlab::Conv2dParams params;  // Conv2d
  convlab::Activation activation = convlab::Activation::None;  // Conv2d: applied to every value after it
  convlab::Pool2dParams pool;    // Pool2d
  std::string display = "auto";  // State::display: how the output is shown
  int channel = -1;              // the channel shown, -1 all
};

ImageJob conv_job(const convlab::Weights& weights, const convlab::Conv2dParams& params, const std::string& display,
                  convlab::Activation activation = convlab::Activation::None);
ImageJob pool_job(const convlab::Pool2dParams& pool, const std::string& display);

std::vector<std::int32_t> encode_image_job(const ImageJob& job);
// Throws std::invalid_argument for words that are not an encoded job.
ImageJob decode_image_job(const std::int32_t* words, std::size_t count);

// Checks every argument and returns the output's shape as an empty-data Tensor header: throws
// convlab::Error for a bad one, as conv2d_output_shape and pool2d_output_shape do.
convlab::Tensor image_job_output_shape(const convlab::Tensor& input, const ImageJob& job);
// The whole output on this thread: conv2d then the activation, or pool2d.
convlab::Tensor run_image_job(const convlab::Tensor& input, const ImageJob& job);
// Output rows [row_begin, row_end) of run_image_job, bit for bit (conv2d_band, pool2d_band).
convlab::Tensor run_image_job_band(const convlab::Tensor& input, const ImageJob& job, int row_begin, int row_end);

// The finite values' range of the channels a view shows, with whether there was any finite value at all
// (finite_range reports "none" as all zero, which must not widen another band's range). For a named
// diverging display of a colour output the view falls back to channel 0, whose range is kept too.
struct BandRange {
  convlab::FiniteRange shown, channel0;
  bool any_shown = false, any_channel0 = false;
};
constexpr int kBandRangeFloats = 8;  // BandRange as floats, to cross JavaScript
BandRange band_range(const convlab::Tensor& band, const ImageJob& job);
void band_range_to_floats(const BandRange& r, float* out);
BandRange band_range_from_floats(const float* in);
BandRange merge_band_ranges(const BandRange& a, const BandRange& b);

// A band's RGBA bytes as a view shows the whole output, whose merged range is `whole`.
struct BandDisplay {
  DisplayChoice choice;
  convlab::DisplayRange range{0, 1};  // the range mapped to the ends (the view's legend)
  std::vector<std::uint8_t> rgba;
};
constexpr int kBandDisplayFloats = 5;  // choice (mode, resolved, channel) and range (lo, hi)
BandDisplay display_band(const convlab::Tensor& band, const ImageJob& job, const BandRange& whole);
void band_display_to_floats(const BandDisplay& d, float* out);
void band_display_from_floats(const float* in, BandDisplay& d);
