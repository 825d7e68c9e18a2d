// The wasm side of one compute worker (web/static/compute_worker.js): its own copy of the page's image
// and one row band of a job at a time, in the two phases of image_job.h. Plain C functions over raw
// pointers: the worker's JavaScript copies typed arrays in and out of this module's heap.
// No exception leaves: every failure is a non-zero return and worker_error() says why.
#include <emscripten.h>

#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "image_job.h"
#include "multi_job.h"

namespace cl = convlab;

namespace {
cl::Tensor g_input;
cl::Tensor g_band;
ImageJob g_job;
BandDisplay g_display;
float g_range[kBandRangeFloats];
float g_info[kBandDisplayFloats];
std::string g_error;
// A job of several outputs (multi_job.h): its band, each show's range, then each show's colours.
MultiJob g_multi;
MultiBand g_multi_band;
std::vector<float> g_multi_ranges, g_multi_info;
std::vector<BandDisplay> g_multi_shown;

template <class Fn>
int guarded(Fn&& fn) {
  try {
    fn();
    return 0;
  } catch (const std::exception& e) {
    g_error = e.what();
  } catch (...) {
    g_error = "unknown failure";
  }
  return 1;
}
}  // namespace

extern "C" {

// Makes room for a c x h x w image and returns where its floats go (null on failure: see worker_error).
EMSCRIPTEN_KEEPALIVE float* worker_input(int c, int h, int w) {
  float* where = nullptr;
  guarded([&] {
    g_input = cl::Tensor::uninitialized(c, h, w);
    where = g_input.data.data();
  });
  return where;
}

// The image held, to patch in place (null when there is none).
EMSCRIPTEN_KEEPALIVE float* worker_input_data() { return g_input.empty() ? nullptr : g_input.data.data(); }
EMSCRIPTEN_KEEPALIVE int worker_input_c() { return g_input.c; }
EMSCRIPTEN_KEEPALIVE int worker_input_h() { return g_input.h; }
EMSCRIPTEN_KEEPALIVE int worker_input_w() { return g_input.w; }

// Phase 1: output rows [row_begin, row_end) of the encoded job, and their range (worker_range).
EMSCRIPTEN_KEEPALIVE int worker_run(const std::int32_t* words, int count, int row_begin, int row_end) {
  return guarded([&] {
    if (g_input.empty()) throw std::invalid_argument("no image yet");
    g_job = decode_image_job(words, std::size_t(count));
    g_band = run_image_job_band(g_input, g_job, row_begin, row_end);
    band_range_to_floats(band_range(g_band, g_job), g_range);
  });
}
EMSCRIPTEN_KEEPALIVE const float* worker_range() { return g_range; }

// Phase 2: the band's RGBA from every band's range (count x kBandRangeFloats floats).
EMSCRIPTEN_KEEPALIVE int worker_display(const float* ranges, int count) {
  return guarded([&] {
    if (g_band.empty()) throw std::invalid_argument("no band computed");
    BandRange whole;
    for (int i = 0; i < count; ++i) whole = merge_band_ranges(whole, band_range_from_floats(ranges + i * kBandRangeFloats));
    g_display = display_band(g_band, g_job, whole);
    band_display_to_floats(g_display, g_info);
  });
}

// The same two phases for a multi job: rows [row_begin, row_end) of its outputs, its scalars, and a range
// per show (kBandRangeFloats each); then each show's RGBA from every band's ranges (band after band).
EMSCRIPTEN_KEEPALIVE int worker_multi_run(const std::int32_t* words, int count, int row_begin, int row_end) {
  return guarded([&] {
    if (g_input.empty()) throw std::invalid_argument("no image yet");
    g_multi = decode_multi_job(words, std::size_t(count));
    g_multi_band = run_multi_job_band(g_input, g_multi, row_begin, row_end, [] { return emscripten_get_now(); });
    const std::vector<BandRange> ranges = multi_band_ranges(g_multi_band, g_multi);
    g_multi_ranges.assign(ranges.size() * kBandRangeFloats, 0.0f);
    for (std::size_t i = 0; i < ranges.size(); ++i) band_range_to_floats(ranges[i], &g_multi_ranges[i * kBandRangeFloats]);
  });
}
EMSCRIPTEN_KEEPALIVE int worker_multi_shows() { return int(g_multi.shows.size()); }
EMSCRIPTEN_KEEPALIVE const float* worker_multi_ranges() { return g_multi_ranges.data(); }
EMSCRIPTEN_KEEPALIVE int worker_multi_scalar_count() { return int(g_multi_band.scalars.size()); }
EMSCRIPTEN_KEEPALIVE const double* worker_multi_scalars() { return g_multi_band.scalars.data(); }

EMSCRIPTEN_KEEPALIVE int worker_multi_display(const float* ranges, int bands) {
  return guarded([&] {
    const std::size_t shows = g_multi.shows.size();
    std::vector<BandRange> whole(shows);
    for (int b = 0; b < bands; ++b)
      for (std::size_t s = 0; s < shows; ++s)
        whole[s] = merge_band_ranges(whole[s], band_range_from_floats(ranges + (b * shows + s) * kBandRangeFloats));
    g_multi_shown = display_multi_band(g_multi_band, g_multi, whole);
    g_multi_info.assign(shows * kBandDisplayFloats, 0.0f);
    for (std::size_t s = 0; s < shows; ++s) band_display_to_floats(g_multi_shown[s], &g_multi_info[s * kBandDisplayFloats]);
  });
}
EMSCRIPTEN_KEEPALIVE int worker_multi_outputs() { return int(g_multi_band.outputs.size()); }
EMSCRIPTEN_KEEPALIVE const float* worker_multi_output(int i) { return g_multi_band.outputs[std::size_t(i)].data.data(); }
EMSCRIPTEN_KEEPALIVE int worker_multi_output_floats(int i) { return int(g_multi_band.outputs[std::size_t(i)].size()); }
EMSCRIPTEN_KEEPALIVE const std::uint8_t* worker_multi_rgba(int s) { return g_multi_shown[std::size_t(s)].rgba.data(); }
EMSCRIPTEN_KEEPALIVE int worker_multi_rgba_bytes(int s) { return int(g_multi_shown[std::size_t(s)].rgba.size()); }
EMSCRIPTEN_KEEPALIVE const float* worker_multi_info() { return g_multi_info.data(); }

EMSCRIPTEN_KEEPALIVE const float* worker_band() { return g_band.data.data(); }
EMSCRIPTEN_KEEPALIVE int worker_band_floats() { return int(g_band.size()); }
EMSCRIPTEN_KEEPALIVE const std::uint8_t* worker_rgba() { return g_display.rgba.data(); }
EMSCRIPTEN_KEEPALIVE int worker_rgba_bytes() { return int(g_display.rgba.size()); }
EMSCRIPTEN_KEEPALIVE const float* worker_display_info() { return g_info; }
EMSCRIPTEN_KEEPALIVE const char* worker_error() { return g_error.c_str(); }
EMSCRIPTEN_KEEPALIVE void* worker_alloc(int bytes) { return ::operator new(std::size_t(bytes), std::nothrow); }
EMSCRIPTEN_KEEPALIVE void worker_free(void* p) { ::operator delete(p); }

}  // extern "C"
