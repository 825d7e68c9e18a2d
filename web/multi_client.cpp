#include "multi_client.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace cl = convlab;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr int kMaxScalars = 4;

}  // namespace

#ifdef __EMSCRIPTEN__
// The pool's side is compute_pool.js's submitMulti; the job's words are opaque to it. `shapes` holds each
// output's C, H, W; `show_outputs` the output each show colours (its RGBA is held apart per show).
EM_JS(void, pool_submit_multi, (int slot, int id, const int* words, int count, const int* shapes, int outputs,
                                const int* show_outputs, int shows, int banded), {
  window.convlabPool.submitMulti(slot, id, HEAP32.slice(words >> 2, (words >> 2) + count),
                                 HEAP32.slice(shapes >> 2, (shapes >> 2) + 3 * outputs),
                                 HEAP32.slice(show_outputs >> 2, (show_outputs >> 2) + shows), banded !== 0);
});
// Takes the finished job of `slot`: up to `room` scalars, the shows' info (5 floats each), then compute ms
// and the worker count into timing; keeps each show's RGBA in the pool and writes its PooledRgba handle,
// and keeps the outputs' values (pool_copy_multi_output) under the handle put in *values. Returns 1, or 0
// with the error in *error.
EM_JS(int, pool_take_multi, (int slot, double* scalars, int room, float* info, int* handles, int* values,
                             double* timing, char** error), {
  const pool = window.convlabPool;
  const r = pool.take(slot);
  if (r.error) { HEAPU32[error >> 2] = stringToNewUTF8(r.error); return 0; }
  HEAPF64.set(r.scalars.subarray(0, room), scalars >> 3);
  HEAPF32.set(r.info, info >> 2);
  HEAPF64[timing >> 3] = r.ms;
  HEAPF64[(timing >> 3) + 1] = r.bands.length;
  HEAPF64[(timing >> 3) + 2] = r.scalars.length;
  HEAP32[values >> 2] = pool.hold(r, 'floats');
  for (let s = 0; s < r.showOutputs.length; s++) HEAP32[(handles >> 2) + s] = pool.holdShow(r, s);
  return 1;
});
// Copies output i of held result `handle` into `output` (its C x H x W floats).
EM_JS(void, pool_copy_multi_output, (int handle, int i, float* output), {
  const r = window.convlabHeldResults.get(handle);
  const [c, h, w] = r.shapes[i];
  for (const band of r.bands) {
    const rows = band.rows[1] - band.rows[0];
    const floats = new Float32Array(band.outputs[i]);
    for (let ch = 0; ch < c; ch++)
      HEAPF32.set(floats.subarray(ch * rows * w, (ch + 1) * rows * w), (output >> 2) + ch * h * w + band.rows[0] * w);
  }
});
#endif

int MultiClient::submit(const cl::Tensor& input, int input_generation, const MultiJob& job) {
  const std::vector<std::array<int, 3>> shapes = multi_job_shapes(input, job);  // throws for bad arguments
  const int id = pool_.next_id();
#ifdef __EMSCRIPTEN__
  if (ConvClient::workers() > 0) {
    pool_link::send_input(input, input_generation);
    const std::vector<std::int32_t> words = encode_multi_job(job);
    std::vector<int> flat, show_outputs;
    for (const auto& s : shapes) flat.insert(flat.end(), s.begin(), s.end());
    for (const OutputShow& s : job.shows) show_outputs.push_back(s.output);
    pool_submit_multi(pool_.slot(), id, words.data(), int(words.size()), flat.data(), int(shapes.size()), show_outputs.data(),
                      int(show_outputs.size()), job.banded());
    pool_.asked[id] = Asked{shapes, job.shows};
    return id;
  }
#endif
  (void)input_generation;
  MultiResult r;
  r.id = id;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    MultiBand all = run_multi_job_band(input, job, 0, shapes.empty() ? 0 : shapes[0][1], now_ms);
    r.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    for (cl::Tensor& t : all.outputs) r.outputs.emplace_back(std::make_shared<const cl::Tensor>(std::move(t)));
    for (const OutputShow& s : job.shows) r.shown.push_back(shown_output(r.outputs[std::size_t(s.output)].shared(), s.display, s.channel));
    r.scalars = std::move(all.scalars);
  } catch (const std::exception& e) {
    r = MultiResult{};
    r.id = id;
    r.error = e.what();
  }
  pool_.ready = std::move(r);
  return id;
}

std::optional<MultiResult> MultiClient::take() {
  if (pool_link::results_held()) return std::nullopt;
  if (pool_.ready) return pool_.take_ready();
#ifdef __EMSCRIPTEN__
  const auto asked = pool_.finished_job();
  if (asked == pool_.asked.end()) return std::nullopt;
  const int id = asked->first;
  const Asked& a = asked->second;
  MultiResult r;
  r.id = id;
  try {
    const auto t0 = std::chrono::steady_clock::now();  // the values' allocation (their copy waits for a read)
    std::vector<cl::Tensor> outs;
    for (const auto& s : a.shapes) outs.push_back(cl::Tensor::uninitialized(s[0], s[1], s[2]));
    pool_link::add_copy_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    double scalars[kMaxScalars] = {}, timing[3] = {};
    std::vector<float> info(a.shows.size() * kBandDisplayFloats + 1);
    std::vector<int> handles(a.shows.size() + 1);
    int values = 0;
    char* error = nullptr;
    const int ok = pool_take_multi(pool_.slot(), scalars, kMaxScalars, info.data(), handles.data(), &values, timing, &error);
    if (ok) {
      const std::shared_ptr<const int> held = pool_link::hold_values(values);
      for (std::size_t i = 0; i < outs.size(); ++i)
        r.outputs.emplace_back(
            std::move(outs[i]),
            [held, i](cl::Tensor& t) { pool_link::copy_values([&] { pool_copy_multi_output(*held, int(i), t.data.data()); }); },
            [held, i](int c, int y, int x) { return pool_link::peek_value(*held, int(i), c, y, x); });
      for (std::size_t s = 0; s < a.shows.size(); ++s) {
        BandDisplay d;
        band_display_from_floats(&info[s * kBandDisplayFloats], d);
        ShownOutput o;
        o.tensor = r.outputs[std::size_t(a.shows[s].output)];
        o.pooled_rgba = std::make_shared<const PooledRgba>(handles[s]);
        o.choice = d.choice;
        o.range = d.range;
        o.display = a.shows[s].display;
        o.channel = a.shows[s].channel;
        r.shown.push_back(std::move(o));
      }
      r.scalars.assign(scalars, scalars + std::min(kMaxScalars, int(timing[2])));
      r.compute_ms = timing[0];
      r.workers = int(timing[1]);
    } else {
      r.error = error ? error : "the compute workers failed";
      free(error);
    }
  } catch (const std::exception& e) {  // out of memory for the copy
    pool_link::discard(pool_.slot());
    r = MultiResult{};
    r.id = id;
    r.error = e.what();
  }
  pool_.taken(id);
  return r;
#else
  return std::nullopt;
#endif
}
