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
// Sends the workers rows y0..y1, columns x0..x1 of the image (they hold the rest already).
EM_JS(void, pool_patch_input, (int generation, const float* data, int c, int h, int w, int x0, int y0, int x1, int y1), {
  const rw = x1 - x0, rh = y1 - y0, base = data >> 2;
  const rect = new Float32Array(c * rh * rw);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < rh; y++) {
      const from = base + ch * h * w + (y0 + y) * w + x0;
      rect.set(HEAPF32.subarray(from, from + rw), (ch * rh + y) * rw);
    }
  window.convlabPool.patchInput(generation, rect, [x0, y0, x1, y1]);
});
EM_JS(void, pool_submit, (int slot, int id, const int* words, int count, int c, int h, int w), {
  window.convlabPool.submit(slot, id, HEAP32.slice(words >> 2, (words >> 2) + count), [c, h, w]);
});
EM_JS(int, pool_ready, (int slot), { return window.convlabPool ? window.convlabPool.ready(slot) : 0; });
EM_JS(void, pool_discard, (int slot), { window.convlabPool.recycle(window.convlabPool.take(slot)); });
// Takes the finished job of `slot`: writes its info (5 floats, then compute ms and the worker count) and
// keeps its RGBA and its values in the pool (for PooledRgba and pool_copy_values): returns the RGBA's
// handle and puts the values' in *values, or returns 0 with the job's error message in *error (a new C string).
EM_JS(int, pool_take, (int slot, float* info, int* values, char** error), {
  const pool = window.convlabPool;
  const r = pool.take(slot);
  if (r.error) { HEAPU32[error >> 2] = stringToNewUTF8(r.error); return 0; }
  HEAPF32.set(r.info, info >> 2);
  HEAPF32[(info >> 2) + 5] = r.ms;
  HEAPF32[(info >> 2) + 6] = r.bands.length;
  HEAP32[values >> 2] = pool.hold(r, 'floats');
  return pool.hold(r, 'rgba');
});
// Copies the values of held result `handle` into `output` (its C x H x W floats).
EM_JS(void, pool_copy_values, (int handle, float* output), {
  const r = window.convlabHeldResults.get(handle);
  const [c, h, w] = r.shape;
  for (const band of r.bands) {
    const rows = band.rows[1] - band.rows[0];
    const floats = new Float32Array(band.floats);
    for (let ch = 0; ch < c; ch++)
      HEAPF32.set(floats.subarray(ch * rows * w, (ch + 1) * rows * w), (output >> 2) + ch * h * w + band.rows[0] * w);
  }
});
EM_JS(void, pool_upload_rgba, (int handle, unsigned texture), {
  const r = window.convlabHeldResults && window.convlabHeldResults.get(handle);
  if (!r) return;
  GLctx.bindTexture(GLctx.TEXTURE_2D, GL.textures[texture]);
  GLctx.pixelStorei(GLctx.UNPACK_ALIGNMENT, 1);
  for (const band of r.bands)
    GLctx.texSubImage2D(GLctx.TEXTURE_2D, 0, 0, band.rows[0], r.shape[2], band.rows[1] - band.rows[0], GLctx.RGBA,
                        GLctx.UNSIGNED_BYTE, new Uint8Array(band.rgba));
});
// One value of held result `handle` (output `i` of a multi result, else its only one), read in its band.
EM_JS(float, pool_peek_value, (int handle, int i, int c, int y, int x), {
  const r = window.convlabHeldResults.get(handle);
  const w = (r.shapes ? r.shapes[i] : r.shape)[2];
  const band = r.bands.find((b) => y >= b.rows[0] && y < b.rows[1]);
  const rows = band.rows[1] - band.rows[0];
  return new Float32Array(r.shapes ? band.outputs[i] : band.floats)[(c * rows + y - band.rows[0]) * w + x];
});
// Gives a held result's RGBA or values back to the workers.
EM_JS(void, pool_release, (int handle), { if (window.convlabHeldResults) window.convlabHeldResults.release(handle); });
#else
int pool_workers() { return 0; }
void pool_upload_rgba(int, unsigned) {}
void pool_release(int) {}
#endif

PooledRgba::~PooledRgba() { pool_release(handle_); }
void PooledRgba::upload(unsigned texture) const { pool_upload_rgba(handle_, texture); }

namespace {
int g_next_slot = 1;
bool g_hold = false;
int g_epoch = 0;
int g_busy_clients = 0;
double g_copy_ms = 0;
int g_values_copied = 0;
struct InputPatch {
  int from;
  PixelRect rect;
};
std::map<int, InputPatch> g_patches;  // by the generation they made; only the last few are kept
constexpr std::size_t kKeptPatches = 64;
}  // namespace

void ConvClient::input_patched(int from, int to, const PixelRect& rect) {
  g_patches[to] = InputPatch{from, rect};
  while (g_patches.size() > kKeptPatches) g_patches.erase(g_patches.begin());
}

std::optional<PixelRect> ConvClient::patch_between(int from, int to) {
  PixelRect rect;
  for (int g = to; g != from;) {
    const auto it = g_patches.find(g);
    if (it == g_patches.end() || it->second.from >= g) return std::nullopt;
    rect.include(it->second.rect);
    g = it->second.from;
  }
  return rect;
}

double ConvClient::copy_ms() { return g_copy_ms; }
int ConvClient::values_copied() { return g_values_copied; }

bool ConvClient::any_busy() { return g_busy_clients > 0; }

void ConvClient::pool_replaced() { ++g_epoch; }
int ConvClient::pool_epoch() { return g_epoch; }

void ConvClient::hold_results(bool hold) { g_hold = hold; }

int pool_link::finished(int slot) {
#ifdef __EMSCRIPTEN__
  return pool_ready(slot);
#else
  (void)slot;
  return 0;
#endif
}
void pool_link::discard(int slot) {
#ifdef __EMSCRIPTEN__
  pool_discard(slot);
#else
  (void)slot;
#endif
}
int pool_link::new_slot() { return g_next_slot++; }
bool pool_link::results_held() { return g_hold; }
void pool_link::busy_changed(bool was_busy, bool busy) { g_busy_clients += int(busy) - int(was_busy); }
void pool_link::add_copy_ms(double ms) { g_copy_ms += ms; }

std::shared_ptr<const int> pool_link::hold_values(int handle) {
  return std::shared_ptr<const int>(new int(handle), [](const int* h) {
    pool_release(*h);
    delete h;
  });
}

float pool_link::peek_value(int handle, int output, int c, int y, int x) {
#ifdef __EMSCRIPTEN__
  return pool_peek_value(handle, output, c, y, x);
#else
  (void)handle, (void)output, (void)c, (void)y, (void)x;
  return 0.0f;
#endif
}

void pool_link::copy_values(const std::function<void()>& copy) {
  const auto t0 = std::chrono::steady_clock::now();
  copy();
  ++g_values_copied;
  add_copy_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
}

void pool_link::send_input(const cl::Tensor& input, int generation) {
#ifdef __EMSCRIPTEN__
  const int held = pool_generation();
  if (generation == held) return;
  const std::optional<PixelRect> patch = held < 0 ? std::nullopt : ConvClient::patch_between(held, generation);
  if (patch && !patch->empty())
    pool_patch_input(generation, input.data.data(), input.c, input.h, input.w, patch->x0, patch->y0, patch->x1, patch->y1);
  else
    pool_set_input(generation, input.data.data(), input.c, input.h, input.w);
#else
  (void)input, (void)generation;
#endif
}

int ConvClient::workers() { return pool_workers(); }

int ConvClient::submit(const cl::Tensor& input, int input_generation, const ImageJob& job) {
  const cl::Tensor shape = image_job_output_shape(input, job);  // throws for bad arguments
  const int id = pool_.next_id();
#ifdef __EMSCRIPTEN__
  if (workers() > 0) {
    pool_link::send_input(input, input_generation);
    const std::vector<std::int32_t> words = encode_image_job(job);
    pool_submit(pool_.slot(), id, words.data(), int(words.size()), shape.c, shape.h, shape.w);
    pool_.asked[id] = Asked{job.display, job.channel, shape.c, shape.h, shape.w};
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
  pool_.ready = std::move(r);
  return id;
}

std::optional<ConvResult> ConvClient::take() {
  if (pool_link::results_held()) return std::nullopt;
  if (pool_.ready) return pool_.take_ready();
#ifdef __EMSCRIPTEN__
  const auto asked = pool_.finished_job();
  if (asked == pool_.asked.end()) return std::nullopt;
  const int id = asked->first;
  ConvResult r;
  r.id = id;
  r.output.display = asked->second.display;
  r.output.channel = asked->second.channel;
  try {
    const auto t0 = std::chrono::steady_clock::now();  // the values' allocation (their copy waits for a read)
    cl::Tensor out = cl::Tensor::uninitialized(asked->second.c, asked->second.h, asked->second.w);
    pool_link::add_copy_ms(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    float info[kBandDisplayFloats + 2];
    int values = 0;
    char* error = nullptr;
    const int handle = pool_take(pool_.slot(), info, &values, &error);
    if (handle) {
      BandDisplay d;
      band_display_from_floats(info, d);
      r.output.choice = d.choice;
      r.output.range = d.range;
      r.output.pooled_rgba = std::make_shared<const PooledRgba>(handle);
      r.compute_ms = info[kBandDisplayFloats];
      r.workers = int(info[kBandDisplayFloats + 1]);
      const std::shared_ptr<const int> held = pool_link::hold_values(values);
      r.output.tensor = LazyTensor(
          std::move(out), [held](cl::Tensor& t) { pool_link::copy_values([&] { pool_copy_values(*held, t.data.data()); }); },
          [held](int c, int y, int x) { return pool_link::peek_value(*held, 0, c, y, x); });
    } else {
      r.error = error ? error : "the compute workers failed";
      free(error);
    }
  } catch (const std::exception& e) {  // out of memory for the copy
    pool_link::discard(pool_.slot());
    r.error = e.what();
  }
  pool_.taken(id);
  return r;
#else
  return std::nullopt;
#endif
}
