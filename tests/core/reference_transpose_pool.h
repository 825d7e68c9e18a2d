// Naive reference loops for transposed convolution and pooling: signed indices, explicit bounds,
// written from the PyTorch definitions and independent of the core's loops (the transposed
// reference gathers where the core scatters). Random inputs come from reference.h.
#pragma once
#include <cmath>
#include <limits>
#include <vector>

#include "conv_transpose.h"
#include "pool.h"
#include "reference.h"
#include "tensor.h"

namespace convlab::reference {

// out[oc][oy][ox] = bias[oc] + sum over the group's input channels ic and taps (ky, kx) with
// oy = iy * stride - pad + ky * dilation for some input row iy (and so for x) of in[ic][iy][ix] * w[ic][o][ky][kx].
inline Tensor conv_transpose2d(const Tensor& in, const Weights& wt, const ConvTranspose2dParams& p,
                               const std::vector<float>& bias = {}) {
  const int oh = (in.h - 1) * p.stride.h - 2 * p.padding.h + p.dilation.h * (wt.kh - 1) + p.output_padding.h + 1;
  const int ow = (in.w - 1) * p.stride.w - 2 * p.padding.w + p.dilation.w * (wt.kw - 1) + p.output_padding.w + 1;
  const int cin_g = in.c / p.groups, cout_g = wt.b;
  Tensor out(cout_g * p.groups, oh, ow);
  for (int oc = 0; oc < out.c; ++oc) {
    const int g = oc / cout_g, o = oc % cout_g;
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        double sum = bias.empty() ? 0.0 : bias[oc];
        for (int j = 0; j < cin_g; ++j) {
          const int ic = g * cin_g + j;
          for (int ky = 0; ky < wt.kh; ++ky) {
            const int ny = oy + p.padding.h - ky * p.dilation.h;  // = iy * stride
            if (ny < 0 || ny % p.stride.h != 0) continue;
            const int iy = ny / p.stride.h;
            if (iy >= in.h) continue;
            for (int kx = 0; kx < wt.kw; ++kx) {
              const int nx = ox + p.padding.w - kx * p.dilation.w;
              if (nx < 0 || nx % p.stride.w != 0) continue;
              const int ix = nx / p.stride.w;
              if (ix >= in.w) continue;
              sum += double(in.at(ic, iy, ix)) * double(wt.at(ic, o, ky, kx));
            }
          }
        }
        out.at(oc, oy, ox) = float(sum);
      }
  }
  return out;
}

// PyTorch's pooling output length along one axis, written out: floor or ceil division, then in
// ceil mode the last window is dropped if it would start in the right padding.
inline int pool_length(int in, int k, int s, int pad, int d, bool ceil_mode) {
  const int span = (k - 1) * d + 1;
  const int room = in + 2 * pad - span;
  int out = 0;
  if (ceil_mode) {
    // ceil(room / s) for room >= -(s - 1)
    out = room >= 0 ? (room + s - 1) / s + 1 : 1;
    if (room < -(s - 1)) out = 0;
    if (out > 0 && (out - 1) * s >= in + pad) out = out - 1;
  } else {
    out = room >= 0 ? room / s + 1 : 0;
  }
  return out;
}

// Max or min pooling (min = -max(-x)): padding is ignored (reads -inf for max), any NaN in the
// window gives NaN, a window with no input pixel gives -inf for max, +inf for min.
inline Tensor extreme_pool2d(const Tensor& in, const Pool2dParams& p, bool is_min) {
  const Pair s = pool_stride(p);
  const int oh = pool_length(in.h, p.kernel.h, s.h, p.padding.h, p.dilation.h, p.ceil_mode);
  const int ow = pool_length(in.w, p.kernel.w, s.w, p.padding.w, p.dilation.w, p.ceil_mode);
  const float inf = std::numeric_limits<float>::infinity();
  Tensor out(in.c, oh, ow);
  for (int c = 0; c < in.c; ++c)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        float best = is_min ? inf : -inf;
        bool saw_nan = false;
        for (int ky = 0; ky < p.kernel.h; ++ky)
          for (int kx = 0; kx < p.kernel.w; ++kx) {
            const int y = oy * s.h - p.padding.h + ky * p.dilation.h;
            const int x = ox * s.w - p.padding.w + kx * p.dilation.w;
            if (y < 0 || y >= in.h || x < 0 || x >= in.w) continue;
            const float v = in.at(c, y, x);
            if (std::isnan(v)) saw_nan = true;
            else if (is_min ? v < best : v > best) best = v;
          }
        out.at(c, oy, ox) = saw_nan ? std::numeric_limits<float>::quiet_NaN() : best;
      }
  return out;
}

// avg_pool2d: the window [start, start + k) clipped to the padded input [-pad, in + pad) gives the
// divisor with count_include_pad; clipped to the input [0, in) it gives the summed pixels (and the
// divisor without count_include_pad).
inline Tensor mean_pool2d(const Tensor& in, const Pool2dParams& p) {
  const Pair s = pool_stride(p);
  const int oh = pool_length(in.h, p.kernel.h, s.h, p.padding.h, 1, p.ceil_mode);
  const int ow = pool_length(in.w, p.kernel.w, s.w, p.padding.w, 1, p.ceil_mode);
  Tensor out(in.c, oh, ow);
  for (int c = 0; c < in.c; ++c)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        double sum = 0.0;
        int in_padded = 0, in_input = 0;
        for (int ky = 0; ky < p.kernel.h; ++ky)
          for (int kx = 0; kx < p.kernel.w; ++kx) {
            const int y = oy * s.h - p.padding.h + ky;
            const int x = ox * s.w - p.padding.w + kx;
            const bool inside_padded = y >= -p.padding.h && y < in.h + p.padding.h && x >= -p.padding.w &&
                                       x < in.w + p.padding.w;
            const bool inside_input = y >= 0 && y < in.h && x >= 0 && x < in.w;
            if (inside_padded) ++in_padded;
            if (inside_input) {
              ++in_input;
              sum += in.at(c, y, x);
            }
          }
        const int divisor = p.count_include_pad ? in_padded : in_input;
        out.at(c, oy, ox) = divisor == 0 ? 0.0f : float(sum / divisor);
      }
  return out;
}

inline Tensor pool2d(const Tensor& in, const Pool2dParams& p) {
  if (p.mode == PoolMode::Mean) return mean_pool2d(in, p);
  return extreme_pool2d(in, p, p.mode == PoolMode::Min);
}

}  // namespace convlab::reference
