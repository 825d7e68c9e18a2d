// Naive reference loops for the tests: signed indices, explicit bounds, no cleverness.
// Every fast path of the core is checked against these on fixed-seed random inputs.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "conv2d.h"
#include "padding.h"
#include "tensor.h"

namespace convlab::reference {

inline Tensor random_tensor(int c, int h, int w, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tensor t(c, h, w);
  for (float& v : t.data) v = dist(rng);
  return t;
}

inline Weights random_weights(int a, int b, int kh, int kw, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Weights wt(a, b, kh, kw);
  for (float& v : wt.data) v = dist(rng);
  return wt;
}

// Reads input[c][y][x] through the padding mode's rule, written out case by case.
inline double padded_read(const Tensor& in, int c, int y, int x, PadMode mode) {
  const int h = in.h, w = in.w;
  auto remap = [mode](int i, int n) -> int {
    if (i >= 0 && i < n) return i;
    if (mode == PadMode::Zeros) return -1;
    if (mode == PadMode::Replicate) return i < 0 ? 0 : n - 1;
    if (mode == PadMode::Circular) return ((i % n) + n) % n;
    if (mode == PadMode::Reflect) {  // mirror about the edge pixel: -1 -> 1, n -> n-2
      if (n == 1) return 0;
      while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
      return i;
    }
    // Symmetric: mirror about the edge itself: -1 -> 0, n -> n-1
    while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
    return i;
  };
  const int sy = remap(y, h), sx = remap(x, w);
  if (sy < 0 || sx < 0) return 0.0;
  return in.at(c, sy, sx);
}

inline Tensor conv2d(const Tensor& in, const Weights& wt, const Conv2dParams& p, const std::vector<float>& bias = {}) {
  const int span_h = (wt.kh - 1) * p.dilation.h + 1, span_w = (wt.kw - 1) * p.dilation.w + 1;
  const int oh = (in.h + p.padding.top + p.padding.bottom - span_h) / p.stride.h + 1;
  const int ow = (in.w + p.padding.left + p.padding.right - span_w) / p.stride.w + 1;
  const int cin_g = in.c / p.groups, cout_g = wt.a / p.groups;
  Tensor out(wt.a, oh, ow);
  for (int oc = 0; oc < wt.a; ++oc) {
    const int g = oc / cout_g;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        double sum = bias.empty() ? 0.0 : bias[oc];
        for (int j = 0; j < cin_g; ++j)
          for (int ky = 0; ky < wt.kh; ++ky)
            for (int kx = 0; kx < wt.kw; ++kx) {
              const int y = oy * p.stride.h - p.padding.top + ky * p.dilation.h;
              const int x = ox * p.stride.w - p.padding.left + kx * p.dilation.w;
              sum += double(wt.at(oc, j, ky, kx)) * padded_read(in, g * cin_g + j, y, x, p.padding_mode);
            }
        out.at(oc, oy, ox) = float(sum);
      }
  }
  return out;
}

}  // namespace convlab::reference
