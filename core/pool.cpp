#include "pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "error.h"
#include "geometry.h"

namespace convlab {

const char* pool_mode_name(PoolMode mode) {
  switch (mode) {
    case PoolMode::Max: return "max";
    case PoolMode::Mean: return "mean";
    case PoolMode::Min: return "min";
  }
  return "max";
}

std::optional<PoolMode> parse_pool_mode(const std::string& name) {
  for (PoolMode m : {PoolMode::Max, PoolMode::Mean, PoolMode::Min})
    if (name == pool_mode_name(m)) return m;
  return std::nullopt;
}

static std::string pair_text(Pair p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

Pair pool_stride(const Pool2dParams& p) {
  return Pair{p.stride.h == 0 ? p.kernel.h : p.stride.h, p.stride.w == 0 ? p.kernel.w : p.stride.w};
}

Tensor pool2d_output_shape(const Tensor& input, const Pool2dParams& p) {
  checked_count("input", {input.c, input.h, input.w});
  if (input.data.size() != std::size_t(input.c) * input.h * input.w)
    fail(ErrorCode::InvalidShape, "input data length must match its shape");
  if (p.mode != PoolMode::Max && p.mode != PoolMode::Mean && p.mode != PoolMode::Min)
    fail(ErrorCode::InvalidArgument, "pool mode must be max, mean or min, got " + std::to_string(int(p.mode)));
  if (p.kernel.h < 1 || p.kernel.w < 1)
    fail(ErrorCode::InvalidKernel, "kernel must be >= 1, got " + pair_text(p.kernel));
  const Pair stride = pool_stride(p);
  check_stride(stride);
  check_dilation(p.dilation);
  if (p.mode == PoolMode::Mean && !(p.dilation == Pair{1, 1}))
    fail(ErrorCode::InvalidArgument, "dilation must be 1x1 for mean pooling, got " + pair_text(p.dilation));
  const int oh = pool_output_size(input.h, p.kernel.h, stride.h, p.padding.h, p.dilation.h, p.ceil_mode, "height");
  const int ow = pool_output_size(input.w, p.kernel.w, stride.w, p.padding.w, p.dilation.w, p.ceil_mode, "width");
  checked_count("output", {input.c, oh, ow});
  Tensor shape;
  shape.c = input.c;
  shape.h = oh;
  shape.w = ow;
  return shape;
}

// Taps [lo, hi) of a window starting at `start` (stride `d` apart, `k` of them) that land inside
// [0, n): the loops below never walk the padding, however large the kernel.
namespace {
struct TapRange {
  int lo, hi;
};
TapRange taps_inside(long long start, int k, int d, int n) {
  const long long lo = start >= 0 ? 0 : (-start + d - 1) / d;
  const long long hi = start > n - 1 ? 0 : std::min<long long>(k, (n - 1 - start) / d + 1);
  return TapRange{int(std::min<long long>(lo, k)), int(hi)};
}
}  // namespace

// Max (sign 1) or min (sign -1) over each window, as PyTorch's max_pool2d of sign * x: the first
// pixel of the window starts as the best, then a value wins when strictly greater or NaN, so ties
// (including a window of -inf only) keep the first and NaN sticks. Writes values and/or indices.
static void extreme_pool(const Tensor& in, const Pool2dParams& p, const Tensor& shape, float sign, Tensor* out,
                         std::vector<int>* indices) {
  const Pair s = pool_stride(p);
  for (int c = 0; c < in.c; ++c) {
    const float* src = in.plane(c);
    for (int oy = 0; oy < shape.h; ++oy) {
      const long long y0 = (long long)oy * s.h - p.padding.h;
      const TapRange ty = taps_inside(y0, p.kernel.h, p.dilation.h, in.h);
      for (int ox = 0; ox < shape.w; ++ox) {
        const long long x0 = (long long)ox * s.w - p.padding.w;
        const TapRange tx = taps_inside(x0, p.kernel.w, p.dilation.w, in.w);
        float best = -std::numeric_limits<float>::infinity();
        int best_index = -1;
        for (int ky = ty.lo; ky < ty.hi; ++ky) {
          const long long y = y0 + (long long)ky * p.dilation.h;
          for (int kx = tx.lo; kx < tx.hi; ++kx) {
            const long long x = x0 + (long long)kx * p.dilation.w;
            const float v = sign * src[y * in.w + x];
            if (best_index < 0 || v > best || std::isnan(v)) {
              best = v;
              best_index = int(y * in.w + x);
            }
          }
        }
        const std::size_t o = (std::size_t(c) * shape.h + oy) * shape.w + ox;
        if (out) out->data[o] = sign * best;
        if (indices) (*indices)[o] = best_index;
      }
    }
  }
}

static void mean_pool(const Tensor& in, const Pool2dParams& p, Tensor& out) {
  const Pair s = pool_stride(p);
  for (int c = 0; c < in.c; ++c) {
    const float* src = in.plane(c);
    for (int oy = 0; oy < out.h; ++oy) {
      // Window rows [y0, y1) clipped to the padded input, then [cy0, cy1) clipped to the input.
      const long long y0 = (long long)oy * s.h - p.padding.h;
      const long long y1 = std::min<long long>(y0 + p.kernel.h, (long long)in.h + p.padding.h);
      const long long cy0 = std::max<long long>(y0, 0), cy1 = std::min<long long>(y1, in.h);
      for (int ox = 0; ox < out.w; ++ox) {
        const long long x0 = (long long)ox * s.w - p.padding.w;
        const long long x1 = std::min<long long>(x0 + p.kernel.w, (long long)in.w + p.padding.w);
        const long long cx0 = std::max<long long>(x0, 0), cx1 = std::min<long long>(x1, in.w);
        float& dst = out.at(c, oy, ox);
        if (cy0 >= cy1 || cx0 >= cx1) {
          dst = 0.0f;
          continue;
        }
        float sum = 0.0f;
        for (long long y = cy0; y < cy1; ++y)
          for (long long x = cx0; x < cx1; ++x) sum += src[y * in.w + x];
        const long long count = p.count_include_pad ? (y1 - y0) * (x1 - x0) : (cy1 - cy0) * (cx1 - cx0);
        dst = sum / float(count);
      }
    }
  }
}

Tensor pool2d(const Tensor& input, const Pool2dParams& p) {
  const Tensor shape = pool2d_output_shape(input, p);
  Tensor out(shape.c, shape.h, shape.w);
  switch (p.mode) {
    case PoolMode::Max: extreme_pool(input, p, shape, 1.0f, &out, nullptr); break;
    case PoolMode::Min: extreme_pool(input, p, shape, -1.0f, &out, nullptr); break;
    case PoolMode::Mean: mean_pool(input, p, out); break;
  }
  return out;
}

std::vector<int> pool2d_argmax(const Tensor& input, const Pool2dParams& p) {
  const Tensor shape = pool2d_output_shape(input, p);
  if (p.mode == PoolMode::Mean)
    fail(ErrorCode::InvalidArgument, "argmax needs max or min pooling, got mean");
  std::vector<int> indices(std::size_t(shape.c) * shape.h * shape.w, -1);
  extreme_pool(input, p, shape, p.mode == PoolMode::Min ? -1.0f : 1.0f, nullptr, &indices);
  return indices;
}

}  // namespace convlab
