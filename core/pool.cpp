#include "pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

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
  check_tensor("input", input);
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

// The fast path of pool2d: the window's maximum (or sum) is separable, so each input row is first
// reduced along x into a row of output width (the "row pass"), then output row oy reduces those
// rows along y (the "column pass"). Both are plain loops over x that the compiler vectorises. Row
// passes are cached in a ring of span_h slots (the dilated window height), slot r % span_h, as in
// conv2d: the rows one output row reads are consecutive in r, so they never collide, and every input
// row is reduced once however many windows read it.
//
// Only taps inside the input are visited (taps_inside), on both axes: the interior columns, whose
// taps are all inside, run the vector loop; the few border columns run a loop over their own taps.
//
// Max (Min) reduces in row-major order and keeps the first value unless a later one is strictly
// greater (less) or NaN, exactly like extreme_pool: the row pass keeps the first of a row, the column
// pass the first row, which together is the row-major first (so ties between -0 and +0 resolve the
// same way). A window with no tap inside the input gives -inf (+inf): an empty row pass or an empty
// set of rows. Mean sums the inside taps (row sums, then their sum) and divides by the product of the
// row and column counts, which is exactly the count the reference computes.
namespace {

struct MaxOp {
  static constexpr float empty() { return -std::numeric_limits<float>::infinity(); }
  static float combine(float a, float v) { return (v > a || v != v) ? v : a; }
};
struct MinOp {
  static constexpr float empty() { return std::numeric_limits<float>::infinity(); }
  static float combine(float a, float v) { return (v < a || v != v) ? v : a; }
};
struct SumOp {
  static constexpr float empty() { return 0.0f; }
  static float combine(float a, float v) { return a + v; }
};

// dst[i] = p[0][i] combined with p[1][i], ..., p[taps - 1][i] in that order (or dst[i] first when
// `into`), i in [0, n): the vectorised step of both passes. Up to four taps per sweep over dst.
template <class Op, int NT, bool INTO>
void fold_chunk(float* __restrict dst, const float* const* p, int n) {
  const float* __restrict a = p[0];
  const float* __restrict b = p[NT > 1 ? 1 : 0];
  const float* __restrict c = p[NT > 2 ? 2 : 0];
  const float* __restrict d = p[NT > 3 ? 3 : 0];
  for (int i = 0; i < n; ++i) {
    float v = INTO ? Op::combine(dst[i], a[i]) : a[i];
    if constexpr (NT > 1) v = Op::combine(v, b[i]);
    if constexpr (NT > 2) v = Op::combine(v, c[i]);
    if constexpr (NT > 3) v = Op::combine(v, d[i]);
    dst[i] = v;
  }
}

template <class Op>
void fold(float* dst, const float* const* p, int taps, int n) {
  for (int t = 0; t < taps; t += 4) {
    const int nt = std::min(4, taps - t);
    const bool into = t > 0;
    switch (nt * 2 + into) {
      case 2: fold_chunk<Op, 1, false>(dst, p + t, n); break;
      case 3: fold_chunk<Op, 1, true>(dst, p + t, n); break;
      case 4: fold_chunk<Op, 2, false>(dst, p + t, n); break;
      case 5: fold_chunk<Op, 2, true>(dst, p + t, n); break;
      case 6: fold_chunk<Op, 3, false>(dst, p + t, n); break;
      case 7: fold_chunk<Op, 3, true>(dst, p + t, n); break;
      case 8: fold_chunk<Op, 4, false>(dst, p + t, n); break;
      default: fold_chunk<Op, 4, true>(dst, p + t, n); break;
    }
  }
}

template <class Op>
class PoolRows {
 public:
  PoolRows(const Tensor& in, const Pool2dParams& p, int out_w)
      : in_(in), p_(p), s_(pool_stride(p)), out_w_(out_w) {
    const long long span = (long long)(p.kernel.h - 1) * p.dilation.h + 1;
    slots_ = int(std::min<long long>(span, in.h));
    ring_.resize(std::size_t(slots_) * out_w_);
    key_.assign(slots_, -1);
    tap_.resize(p.kernel.w);
    // Output columns [x0_, x1_) have every tap inside the input.
    tx_.resize(out_w_);
    x0_ = out_w_;
    x1_ = out_w_;
    for (int ox = 0; ox < out_w_; ++ox) {
      tx_[ox] = taps_inside((long long)ox * s_.w - p.padding.w, p.kernel.w, p.dilation.w, in.w);
      const bool full = tx_[ox].lo == 0 && tx_[ox].hi == p.kernel.w;
      if (full && x0_ == out_w_) x0_ = ox;
      if (full) x1_ = ox + 1;
    }
    if (x0_ == out_w_) x1_ = out_w_;
    // The taps of the columns in between are all inside too: the window start only grows with ox.
  }

  void start_channel(int c) {
    src_ = in_.plane(c);
    std::fill(key_.begin(), key_.end(), -1);
  }

  // Output row oy into dst[0, out_w): the column pass over the cached row passes.
  void column_pass(int oy, float* dst) {
    const long long y0 = (long long)oy * s_.h - p_.padding.h;
    const TapRange ty = taps_inside(y0, p_.kernel.h, p_.dilation.h, in_.h);
    if (ty.lo >= ty.hi) {
      std::fill(dst, dst + out_w_, Op::empty());
      return;
    }
    ptrs_.clear();
    for (int ky = ty.lo; ky < ty.hi; ++ky) ptrs_.push_back(row(int(y0 + (long long)ky * p_.dilation.h)));
    fold<Op>(dst, ptrs_.data(), int(ptrs_.size()), out_w_);
  }

 private:
  const float* row(int y) {
    float* slot = ring_.data() + std::size_t(y % slots_) * out_w_;
    if (key_[y % slots_] != y) {
      row_pass(src_ + std::size_t(y) * in_.w, slot);
      key_[y % slots_] = y;
    }
    return slot;
  }

  // dst[ox] = the reduction of src over the taps of window ox that lie inside the row.
  void row_pass(const float* src, float* __restrict dst) {
    const int pw = p_.padding.w, dw = p_.dilation.w, sw = s_.w, kw = p_.kernel.w;
    auto border = [&](int ox) {
      const TapRange t = tx_[ox];
      if (t.lo >= t.hi) {
        dst[ox] = Op::empty();
        return;
      }
      const long long x0 = (long long)ox * sw - pw;
      float a = src[x0 + (long long)t.lo * dw];
      for (int kx = t.lo + 1; kx < t.hi; ++kx) a = Op::combine(a, src[x0 + (long long)kx * dw]);
      dst[ox] = a;
    };
    for (int ox = 0; ox < x0_; ++ox) border(ox);
    const int n = x1_ - x0_;
    if (n > 0) {
      float* d = dst + x0_;
      const float* s = src + ((long long)x0_ * sw - pw);  // tap 0 of column x0_, inside the row
      if (sw == 1) {
        for (int kx = 0; kx < kw; ++kx) tap_[kx] = s + (long long)kx * dw;
        fold<Op>(d, tap_.data(), kw, n);
      } else if (sw == 2 && kw == 2 && dw == 1) {
        for (int i = 0; i < n; ++i) d[i] = Op::combine(s[2 * i], s[2 * i + 1]);
      } else {
        for (int i = 0; i < n; ++i) d[i] = s[(long long)i * sw];
        for (int kx = 1; kx < kw; ++kx) {
          const float* t = s + (long long)kx * dw;
          for (int i = 0; i < n; ++i) d[i] = Op::combine(d[i], t[(long long)i * sw]);
        }
      }
    }
    for (int ox = x1_; ox < out_w_; ++ox) border(ox);
  }

  const Tensor& in_;
  const Pool2dParams& p_;
  Pair s_;
  int out_w_, slots_ = 1, x0_ = 0, x1_ = 0;
  const float* src_ = nullptr;
  std::vector<TapRange> tx_;
  std::vector<const float*> ptrs_, tap_;
  std::vector<float> ring_;
  std::vector<int> key_;
};

// Along one axis of a mean window: how many positions the divisor counts (the window clipped to the
// padded input with count_include_pad, else to the input) (as torch avg_pool2d).
long long pool_count(int o, int s, int k, int pad, int n, bool include_pad) {
  const long long x0 = (long long)o * s - pad;
  const long long x1 = std::min<long long>(x0 + k, (long long)n + pad);
  if (include_pad) return x1 - x0;
  return std::max<long long>(0, std::min<long long>(x1, n) - std::max<long long>(x0, 0));
}

// Output rows [y0, y1) into out ([C, y1 - y0, OW]), which comes unset: column_pass writes each row
// whole. A row's value never depends on which rows the ring cached before it (each row pass is the
// same function of its input row), so a band equals those rows of the whole output bit for bit.
template <class Op>
void fast_pool(const Tensor& in, const Pool2dParams& p, int y0, int y1, Tensor& out) {
  PoolRows<Op> rows(in, p, out.w);
  const Pair s = pool_stride(p);
  // Mean: divisor = rows counted * columns counted, both as the reference counts them.
  std::vector<float> count_x;
  if (std::is_same_v<Op, SumOp>) {
    count_x.resize(out.w);
    for (int ox = 0; ox < out.w; ++ox) count_x[ox] = float(pool_count(ox, s.w, p.kernel.w, p.padding.w, in.w, p.count_include_pad));
  }
  for (int c = 0; c < in.c; ++c) {
    rows.start_channel(c);
    for (int oy = y0; oy < y1; ++oy) {
      float* dst = out.plane(c) + std::size_t(oy - y0) * out.w;
      rows.column_pass(oy, dst);
      if constexpr (std::is_same_v<Op, SumOp>) {
        const float cy = float(pool_count(oy, s.h, p.kernel.h, p.padding.h, in.h, p.count_include_pad));
        for (int ox = 0; ox < out.w; ++ox) {
          const float count = cy * count_x[ox];
          dst[ox] = count == 0.0f ? 0.0f : dst[ox] / count;
        }
      }
    }
  }
}

}  // namespace

static void pool_rows(const Tensor& input, const Pool2dParams& p, int y0, int y1, Tensor& out) {
  switch (p.mode) {
    case PoolMode::Max: fast_pool<MaxOp>(input, p, y0, y1, out); break;
    case PoolMode::Min: fast_pool<MinOp>(input, p, y0, y1, out); break;
    case PoolMode::Mean: fast_pool<SumOp>(input, p, y0, y1, out); break;
  }
}

Tensor pool2d(const Tensor& input, const Pool2dParams& p) {
  const Tensor shape = pool2d_output_shape(input, p);
  Tensor out = Tensor::uninitialized(shape.c, shape.h, shape.w);
  pool_rows(input, p, 0, shape.h, out);
  return out;
}

Tensor pool2d_band(const Tensor& input, const Pool2dParams& p, int row_begin, int row_end) {
  const Tensor shape = pool2d_output_shape(input, p);
  if (row_begin < 0 || row_end <= row_begin || row_end > shape.h)
    fail(ErrorCode::InvalidArgument, "output rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) +
                                         ") must be a non-empty range within [0, " + std::to_string(shape.h) + ")");
  Tensor out = Tensor::uninitialized(shape.c, row_end - row_begin, shape.w);
  pool_rows(input, p, row_begin, row_end, out);
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
