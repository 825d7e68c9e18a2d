// libFuzzer target: conv2d, conv_transpose2d, pool2d and pad on random shapes and parameters, valid or
// not. Invalid calls must throw convlab::Error (never crash, never another exception); valid calls must
// match the naive reference loops of the unit tests, NaN for NaN.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "conv2d.h"
#include "conv_transpose.h"
#include "error.h"
#include "fuzz_input.h"
#include "padding.h"
#include "pool.h"
#include "reference.h"
#include "reference_transpose_pool.h"

namespace cl = convlab;

namespace {

cl::Tensor tensor(FuzzInput& in, int c, int h, int w) {
  cl::Tensor t(c, h, w);
  for (float& v : t.data) v = in.value();
  return t;
}

cl::Weights weights(FuzzInput& in, int a, int b, int kh, int kw) {
  cl::Weights t(a, b, kh, kw);
  for (float& v : t.data) v = in.value();
  return t;
}

// |x| of every value of a Tensor or Weights.
template <class T>
T absolute(T t) {
  for (float& v : t.data) v = std::fabs(v);
  return t;
}

// got must equal want up to float rounding. A sum's rounding depends on its order, and its error is
// bounded by the sum of the magnitudes of its terms, not by its result: 1e30 - 1e30 + 0.5 is 0.5 in one
// order and 0 in another. `magnitude` (the same op on |x| and |w|, when the op sums) gives that bound.
void expect_same(const cl::Tensor& got, const cl::Tensor& want, const char* op, const cl::Tensor* magnitude = nullptr) {
  if (got.c != want.c || got.h != want.h || got.w != want.w) {
    std::fprintf(stderr, "%s: shape %dx%dx%d, reference %dx%dx%d\n", op, got.c, got.h, got.w, want.c, want.h, want.w);
    std::abort();
  }
  for (std::size_t i = 0; i < got.data.size(); ++i) {
    const float g = got.data[i], r = want.data[i];
    if (std::isnan(r) || std::isnan(g)) {
      // Inf - Inf inside a sum gives NaN; the order of the sum may decide whether it appears.
      if (std::isnan(r) != std::isnan(g) && std::isfinite(g) && std::isfinite(r)) {
        std::fprintf(stderr, "%s: NaN mismatch at %zu: %g vs %g\n", op, i, double(g), double(r));
        std::abort();
      }
      continue;
    }
    if (std::isinf(r) || std::isinf(g) || std::fabs(r) > 1e20f) continue;
    const double terms = magnitude ? double(magnitude->data[i]) : 0.0;
    if (!std::isfinite(terms)) continue;  // the terms overflow: any order may give any finite result
    if (std::fabs(double(g) - r) > 1e-3 * (1.0 + std::fabs(r)) + 1e-5 * terms) {
      std::fprintf(stderr, "%s: value %g, reference %g at %zu (terms %g)\n", op, double(g), double(r), i, terms);
      std::abort();
    }
  }
}

// Small signed parameters: 0 and negatives are there to be rejected.
cl::Pair pair(FuzzInput& in, int lo, int hi) { return {in.range(lo, hi), in.flag() ? in.range(lo, hi) : -999}; }
cl::Pair fix(cl::Pair p) { return {p.h, p.w == -999 ? p.h : p.w}; }

void run(FuzzInput& in) {
  const int op = in.range(0, 3);
  const int c = in.range(1, 4), h = in.range(1, 10), w = in.range(1, 10);
  const cl::Tensor x = tensor(in, c, h, w);
  const auto mode = cl::PadMode(in.range(0, 4));
  if (op == 0) {
    cl::Conv2dParams p;
    p.groups = in.range(0, 4);
    const int cout = in.range(1, 4) * std::max(p.groups, 1);
    const int kh = in.range(1, 6), kw = in.range(1, 6);
    const cl::Weights wt = weights(in, cout, std::max(1, c / std::max(p.groups, 1)), kh, kw);
    p.stride = fix(pair(in, -1, 3));
    p.dilation = fix(pair(in, 0, 3));
    p.padding = {in.range(-1, 5), in.range(0, 5), in.range(0, 5), in.range(-1, 5)};
    p.padding_mode = mode;
    std::vector<float> bias;
    if (in.flag()) bias.assign(std::size_t(in.range(cout - 1, cout)), 0.5f);
    try {
      const cl::Tensor got = cl::conv2d(x, wt, p, bias);
      const cl::Tensor terms = cl::reference::conv2d(absolute(x), absolute(wt), p, bias);  // bias 0.5 >= 0
      expect_same(got, cl::reference::conv2d(x, wt, p, bias), "conv2d", &terms);
    } catch (const cl::Error&) {
    }
  } else if (op == 1) {
    cl::ConvTranspose2dParams p;
    p.groups = in.range(0, 3);
    const int kh = in.range(1, 5), kw = in.range(1, 5);
    const cl::Weights wt = weights(in, c, in.range(1, 3), kh, kw);
    p.stride = fix(pair(in, 0, 3));
    p.dilation = fix(pair(in, 0, 3));
    p.padding = fix(pair(in, -1, 4));
    p.output_padding = fix(pair(in, -1, 3));
    try {
      const cl::Tensor got = cl::conv_transpose2d(x, wt, p);
      const cl::Tensor terms = cl::reference::conv_transpose2d(absolute(x), absolute(wt), p, {});
      expect_same(got, cl::reference::conv_transpose2d(x, wt, p, {}), "conv_transpose2d", &terms);
      const cl::TransposedSteps steps = cl::conv_transpose2d_steps(x, wt, p);
      expect_same(steps.output, got, "conv_transpose2d_steps", &terms);
    } catch (const cl::Error&) {
    }
  } else if (op == 2) {
    cl::Pool2dParams p;
    p.mode = cl::PoolMode(in.range(0, 2));
    p.kernel = fix(pair(in, 0, 5));
    p.stride = fix(pair(in, -1, 4));
    p.padding = fix(pair(in, -1, 3));
    p.dilation = fix(pair(in, 0, 3));
    p.ceil_mode = in.flag();
    p.count_include_pad = in.flag();
    try {
      const cl::Tensor got = cl::pool2d(x, p);
      const cl::Tensor terms = cl::reference::pool2d(absolute(x), p);  // mean pools sum; max and min do not
      expect_same(got, cl::reference::pool2d(x, p), "pool2d", p.mode == cl::PoolMode::Mean ? &terms : nullptr);
    } catch (const cl::Error&) {
    }
  } else {
    const cl::Pad4 pad{in.range(-1, 11), in.range(0, 11), in.range(0, 11), in.range(-1, 11)};
    try {
      const cl::Tensor got = cl::pad(x, pad, mode);
      cl::Tensor want(c, h + pad.top + pad.bottom, w + pad.left + pad.right);
      for (int ch = 0; ch < c; ++ch)
        for (int y = 0; y < want.h; ++y)
          for (int xx = 0; xx < want.w; ++xx)
            want.at(ch, y, xx) = float(cl::reference::padded_read(x, ch, y - pad.top, xx - pad.left, mode));
      expect_same(got, want, "pad");
    } catch (const cl::Error&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  run(in);
  return 0;
}
