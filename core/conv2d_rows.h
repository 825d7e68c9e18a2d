// Row kernels behind conv2d (internal to the core; tests and benchmarks include it to pin the ISA).
//
// Every convolution in conv2d.cpp is reduced to "passes" over one output row:
//   out[x] = base[x] + sum_t w[t] * p[t][x]        for x in [0, n)
// where each p[t] points into a padded input row (already shifted by the tap's column offset, or into
// a stride phase of it), base is the bias on the first pass of a row and the row itself on the next.
// One pass takes at most kMaxTaps taps so that its weights and accumulators stay in vector registers;
// longer tap lists are split into several passes. The x loop is plain C++ that the compiler vectorises
// (AVX2 + FMA chosen at run time on x86-64 with an SSE2 fallback; wasm SIMD128 under Emscripten).
#pragma once
#include <cstddef>

namespace convlab::rows {

#ifndef CONVLAB_MAX_TAPS
#if defined(__EMSCRIPTEN__)
// V8 keeps 9 tap pointers and their weights in registers; with 10 it spills (7x7 ran ~25% slower in Node).
#define CONVLAB_MAX_TAPS 9
#else
#define CONVLAB_MAX_TAPS 10
#endif
#endif
constexpr int kMaxTaps = CONVLAB_MAX_TAPS;

// out[x] = (accumulate ? out[x] : bias) + sum_{t < taps} w[t] * p[t][x], x in [0, n).
// out must not overlap any p[t] row. noexcept: under Emscripten's exception emulation a call through a
// pointer that may throw goes out to a JS trampoline and back, once per row pass.
using PassFn = void (*)(float* out, const float* const* p, const float* w, int n, float bias) noexcept;

struct PassTable {
  const char* isa;              // "avx2+fma", "sse2" or "wasm-simd128", "scalar"
  PassFn init[kMaxTaps + 1];    // index = number of taps, 1..kMaxTaps
  PassFn accumulate[kMaxTaps + 1];
};

// Lays a padded row of padded_w floats out as its `stride` phases, phase q at phases + q * phase_len
// holding row[q + i * stride] (zero past the row's end), so that a strided tap reads contiguous floats.
inline void split_phases(const float* row, int padded_w, int stride, int phase_len, float* phases) noexcept {
  for (int q = 0; q < stride; ++q) {
    float* phase = phases + std::size_t(q) * phase_len;
    for (int i = 0; i < phase_len; ++i) {
      const int x = q + i * stride;
      phase[i] = x < padded_w ? row[x] : 0.0f;
    }
  }
}

// The table for this CPU: AVX2 + FMA where the CPU has both, else the baseline build.
const PassTable& pass_table();

// Forces the baseline table even on an AVX2 machine (tests check both; benchmarks compare them).
// Not thread-safe against concurrent conv2d calls; set it before running.
void force_baseline(bool on);

}  // namespace convlab::rows
