#include "conv2d_rows.h"

#include <atomic>
#include <utility>

// The x loops of the pass kernels must vectorise. The taps never overlap the output row (conv2d reads
// from private padded rows), which these hints tell the compiler so it needs no run-time alias checks.
#if defined(__clang__)
#define CONVLAB_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#define CONVLAB_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define CONVLAB_IVDEP _Pragma("GCC ivdep")
#define CONVLAB_UNROLL _Pragma("GCC unroll 16")
#else
#define CONVLAB_IVDEP
#define CONVLAB_UNROLL
#endif
#define CONVLAB_RESTRICT __restrict

namespace convlab::rows {
namespace {

// Baseline: the compiler's default target (SSE2 on x86-64, SIMD128 with -msimd128 under Emscripten).
// a * b + c as two roundings: without FMA hardware a fused multiply-add would be a library call.
#define CONVLAB_ROWS_NS baseline
#define CONVLAB_MADD(a, b, c) ((a) * (b) + (c))
#include "conv2d_rows_impl.h"
#undef CONVLAB_MADD
#undef CONVLAB_ROWS_NS

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CONVLAB_HAVE_AVX2_TABLE 1
// The same kernels for AVX2 + FMA, chosen at run time. GCC applies the target to every function
// defined in the region, template instances included. The build uses -std=c++17 (no fp-contract),
// so the fused multiply-add is spelled out.
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define CONVLAB_ROWS_NS avx2
#define CONVLAB_MADD(a, b, c) __builtin_fmaf((a), (b), (c))
#include "conv2d_rows_impl.h"
#undef CONVLAB_MADD
#undef CONVLAB_ROWS_NS
#pragma GCC pop_options
#endif

const char* baseline_name() {
#if defined(__wasm_simd128__)
  return "wasm-simd128";
#elif defined(__SSE2__)
  return "sse2";
#else
  return "scalar";
#endif
}

std::atomic<bool> g_force_baseline{false};

}  // namespace

const PassTable& pass_table() {
  static const PassTable base = baseline::make_table(baseline_name(), std::make_integer_sequence<int, kMaxTaps>{});
#ifdef CONVLAB_HAVE_AVX2_TABLE
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx2 && !g_force_baseline.load(std::memory_order_relaxed)) {
    static const PassTable fast = avx2::make_table("avx2+fma", std::make_integer_sequence<int, kMaxTaps>{});
    return fast;
  }
#endif
  return base;
}

void force_baseline(bool on) { g_force_baseline.store(on, std::memory_order_relaxed); }

}  // namespace convlab::rows
