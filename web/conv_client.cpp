#include "conv_client.h"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace cl = convlab;

#ifdef __EMSCRIPTEN__
// The page's pool (window.convlabPool, set by page.js once its workers run: absent before that, and in
// tests of the module alone). Typed arrays are copied out of and into this module's heap here; the pool owns none.
EM_JS(int, pool_workers, (), { return window.convlabPool ? window.convlabPool.size() : 0; });
// The image generation the pool's workers hold (-1: none; a restarted pool has none).
EM_JS(int, pool_generation, (), { return window.convlabPool ? window.convlabPool.generation : -1; });
EM_JS(void, pool_set_input, (int generation, const float* data, int c, int h, int w), {
  window.convlabPool.setInput(generation, HEAPF32.slice(data >> 2, (data >> 2) + c * h * w), c, h, w);
});
EM_JS(void, pool_submit, (int slot, int id, const int* words, int count, int c, int h, int w), {
  window.convlabPool.submit(slot, id, HEAP32.slice(words >> 2, (words >> 2) + count), [c, h, w]);
});
EM_JS(int, pool_ready, (int slot), { return window.convlabPool ? window.convlabPool.ready(slot) : 0; });
EM_JS(void, pool_discard, (int slot), { window.convlabPool.recycle(window.convlabPool.take(slot)); });
// Copies the finished job of `slot` into the output, RGBA and info (5 floats, then compute ms and the
// worker count) and forgets it; returns its error message as a new C string (null when it succeeded).
EM_JS(char*, pool_take, (int slot, float* output, unsigned char* rgba, float* info), {
  const r = window.convlabPool.take(slot);
  if (r.error) return stringToNewUTF8(r.error);
  const [c, h, w] = r.shape;
  for (const band of r.bands) {
    const rows = band.rows[1] - band.rows[0];
    const floats = new Float32Array(band.floats);
    for (let ch = 0; ch < c; ch++)
      HEAPF32.set(floats.subarray(ch * rows * w, (ch + 1) * rows * w), (output >> 2) + ch * h * w + band.rows[0] * w);
    HEAPU8.set(new Uint8Array(band.rgba), rgba + band.rows[0] * w * 4);
  }
  HEAPF32.set(r.info, info >> 2);
  HEAPF32[(info >> 2) + 5] = r.ms;
  HEAPF32[(info >> 2) + 6] = r.bands.length;
  window.convlabPool.recycle(r);
  return 0;
});
#else
int pool_workers() { return 0; }
#endif

namespace {
int g_next_slot = 1;
bool g_hold = false;
int g_epoch = 0;
int g_busy_clients = 0;
}  // namespace

bool ConvClient::any_busy() { return g_busy_clients > 0; }

void ConvClient::pool_replaced() { ++g_epoch; }
int ConvClient::pool_epoch() { return g_epoch; }

void ConvClient::hold_results(bool hold) { g_hold = hold; }

ConvClient::ConvClient() : slot_(g_next_slot++) {}

int ConvClient::workers() { return pool_workers(); }

int ConvClient::submit(const cl::Tensor& input, int input_generation, const ImageJob& job) {
  const cl::Tensor shape = image_job_output_shape(input, job);  // throws for bad arguments
  if (!busy()) ++g_busy_clients;
  const int id = ++submitted_;
#ifdef __EMSCRIPTEN__
  if (workers() > 0) {
    if (input_generation != pool_generation())
      pool_set_input(input_generation, input.data.data(), input.c, input.h, input.w);
    const std::vector<std::int32_t> words = encode_image_job(job);
    pool_submit(slot_, id, words.data(), int(words.size()), shape.c, shape.h, shape.w);
    asked_[id] = Asked{job.display, job.channel, shape.c, shape.h, shape.w};
    return id;
  }
#endif
  (void)input_generation;
  ConvResult r;
  r.id = id;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    auto out = std::make_shared<const cl::Tensor>(run_image_job(input, job));
    r.compute_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    r.output = shown_output(std::move(out), job.display, job.channel);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  ready_ = std::move(r);
  return id;
}

void ConvClient::set_taken(int id) {
  const bool was_busy = busy();
  taken_ = id;
  if (was_busy && !busy()) --g_busy_clients;
}

std::optional<ConvResult> ConvClient::take() {
  if (g_hold) return std::nullopt;
  if (ready_) {
    std::optional<ConvResult> r = std::move(ready_);
    ready_.reset();
    set_taken(r->id);
    return r;
  }
#ifdef __EMSCRIPTEN__
  const int id = pool_ready(slot_);
  if (id <= taken_) return std::nullopt;
  const auto asked = asked_.find(id);
  if (asked == asked_.end()) {  // not one of ours (cannot happen): dropped, so no frame waits for it
    pool_discard(slot_);
    return std::nullopt;
  }
  ConvResult r;
  r.id = id;
  r.output.display = asked->second.display;
  r.output.channel = asked->second.channel;
  try {
    cl::Tensor out = cl::Tensor::uninitialized(asked->second.c, asked->second.h, asked->second.w);
    r.output.rgba.resize(std::size_t(out.h) * out.w * 4);
    float info[kBandDisplayFloats + 2];
    if (char* error = pool_take(slot_, out.data.data(), r.output.rgba.data(), info)) {
      r.error = error;
      free(error);
    } else {
      BandDisplay d;
      band_display_from_floats(info, d);
      r.output.choice = d.choice;
      r.output.range = d.range;
      r.compute_ms = info[kBandDisplayFloats];
      r.workers = int(info[kBandDisplayFloats + 1]);
      r.output.tensor = std::make_shared<const cl::Tensor>(std::move(out));
    }
  } catch (const std::exception& e) {  // out of memory for the copy
    r.error = e.what();
  }
  asked_.erase(asked_.begin(), asked_.upper_bound(id));
  set_taken(id);
  return r;
#else
  return std::nullopt;
#endif
}
