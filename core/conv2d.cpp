#include "conv2d.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "conv2d_rows.h"
#include "error.h"
#include "geometry.h"

namespace convlab {

Pad4 same_padding(int kernel_h, int kernel_w, Pair dilation) {
  check_dilation(dilation);
  if (kernel_h < 1 || kernel_w < 1)
    fail(ErrorCode::InvalidKernel, "kernel must be >= 1, got " + std::to_string(kernel_h) + "x" + std::to_string(kernel_w));
  const long long th = (long long)dilation.h * (kernel_h - 1), tw = (long long)dilation.w * (kernel_w - 1);
  if (th > kMaxPadding || tw > kMaxPadding)
    fail(ErrorCode::TooLarge, "'same' padding for kernel " + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) +
                                  " with dilation " + std::to_string(dilation.h) + "x" + std::to_string(dilation.w) + " is too large");
  return Pad4{int(th / 2), int(th - th / 2), int(tw / 2), int(tw - tw / 2)};
}

Tensor conv2d_output_shape(const Tensor& input, const Weights& weight, const Conv2dParams& p,
                           const std::vector<float>& bias) {
  check_tensor("input", input);
  check_weights("weight", weight);
  check_stride(p.stride);
  check_dilation(p.dilation);
  check_groups(p.groups, input.c, weight.a);
  if (weight.b != input.c / p.groups)
    fail(ErrorCode::ShapeMismatch, "weight dimension 1 must be input channels / groups = " +
                                       std::to_string(input.c / p.groups) + ", got " + std::to_string(weight.b));
  check_bias(bias.size(), weight.a);
  check_padding(p.padding, p.padding_mode, input.h, input.w);
  const int oh = conv_output_size(input.h, weight.kh, p.stride.h, p.padding.top + p.padding.bottom, p.dilation.h, "height");
  const int ow = conv_output_size(input.w, weight.kw, p.stride.w, p.padding.left + p.padding.right, p.dilation.w, "width");
  checked_count("output", {weight.a, oh, ow});
  Tensor shape;
  shape.c = weight.a;
  shape.h = oh;
  shape.w = ow;
  return shape;
}

namespace {

// A run of output columns [x0, x1) of one output row whose taps all read the same kind of row:
// tap (ky, kx) of input channel j reads base(j, ky)[x - x0 + offset(kx)].
struct Segment {
  int x0, x1;
  enum Kind { Left, Interior, Right, Phases } kind;
};

// The padded input rows the taps read, built on demand and kept in a small ring per input channel.
//
// Padded row r (0 <= r < H + top + bottom) is input row pad_source_index(r - top), or zeros. A ring
// holds span_h rows (the dilated kernel height), slot r % span_h: the rows one output row reads are
// consecutive in r, so they never collide, and each padded row is prepared once however many
// output rows read it.
//
// Horizontal stride 1: the input row itself is read where every tap of an output column lies inside
// it (the Interior segment); only the few columns near the left and right borders read small
// padded copies (stubs). Nothing is copied for the interior.
// Horizontal stride s > 1: the whole padded row is stored as s phases (phase q holds padded[q + i s]),
// so the tap at column offset o reads phase o % s from element o / s onwards: contiguous again.
class RowRing {
 public:
  // span_h, span_w: the dilated kernel's extent; out_w: the output width.
  RowRing(const Tensor& input, const Conv2dParams& p, int span_h, int span_w, int out_w)
      : in_(input), pad_(p.padding), mode_(p.padding_mode), span_(span_h), sw_(p.stride.w),
        padded_w_(input.w + p.padding.left + p.padding.right), out_w_(out_w) {
    if (sw_ > 1) {
      phase_len_ = (padded_w_ + sw_ - 1) / sw_;
      slot_floats_ = round16(std::size_t(phase_len_) * sw_);
      segments_ = {Segment{0, out_w_, Segment::Phases}};
      scratch_.resize(padded_w_);
      return;
    }
    // Output column x reads padded columns x .. x + span_w - 1, inside the input row when
    // left <= x and x + span_w - 1 - left <= W - 1.
    x0_ = std::min(pad_.left, out_w_);
    x1_ = std::clamp(in_.w - span_w + 1 + pad_.left, x0_, out_w_);
    left_len_ = x0_ > 0 ? x0_ + span_w - 1 : 0;
    right_len_ = x1_ < out_w_ ? out_w_ - x1_ + span_w - 1 : 0;
    slot_floats_ = round16(std::size_t(left_len_)) + round16(std::size_t(right_len_));
    segments_.clear();
    if (x0_ > 0) segments_.push_back(Segment{0, x0_, Segment::Left});
    if (x1_ > x0_) segments_.push_back(Segment{x0_, x1_, Segment::Interior});
    if (x1_ < out_w_) segments_.push_back(Segment{x1_, out_w_, Segment::Right});
    zero_row_.assign(in_.w, 0.0f);
  }

  const std::vector<Segment>& segments() const { return segments_; }
  std::size_t phase_len() const { return std::size_t(phase_len_); }

  // Points the rings at input channels [first, first + count) and forgets their rows.
  void reset(int first_channel, int count) {
    first_ = first_channel;
    buf_.assign(std::size_t(count) * span_ * slot_floats_, 0.0f);
    src_.assign(std::size_t(count) * span_, nullptr);
    key_.assign(std::size_t(count) * span_, -1);
  }

  // Where segment `seg` of ring j's padded row r starts: element 0 is read by column seg.x0's tap
  // at column offset 0.
  const float* base(int j, int r, const Segment& seg) {
    const std::size_t slot = std::size_t(j) * span_ + std::size_t(r % span_);
    float* slot_data = buf_.data() + slot * slot_floats_;
    if (key_[slot] != r) {
      build(first_ + j, r, slot, slot_data);
      key_[slot] = r;
    }
    switch (seg.kind) {
      case Segment::Left: return slot_data;
      case Segment::Interior: return src_[slot] + (seg.x0 - pad_.left);
      case Segment::Right: return slot_data + round16(std::size_t(left_len_));
      case Segment::Phases: return slot_data;
    }
    return slot_data;
  }

 private:
  static std::size_t round16(std::size_t n) { return (n + 15) / 16 * 16; }

  // Padded column c of a row whose source is `src` (nullptr: a zero row).
  float padded_at(const float* src, int c) const {
    if (!src) return 0.0f;
    const int sx = pad_source_index(c - pad_.left, in_.w, mode_);
    return sx < 0 ? 0.0f : src[sx];
  }

  void build(int c, int r, std::size_t slot, float* dst) {
    const int sy = pad_source_index(r - pad_.top, in_.h, mode_);
    const float* src = sy < 0 ? nullptr : in_.plane(c) + std::size_t(sy) * in_.w;
    src_[slot] = src ? src : zero_row_.data();
    if (sw_ > 1) {
      float* row = scratch_.data();
      pad_row(src, in_.w, pad_.left, pad_.right, mode_, row);
      rows::split_phases(row, padded_w_, sw_, phase_len_, dst);
      return;
    }
    for (int i = 0; i < left_len_; ++i) dst[i] = padded_at(src, i);
    float* right = dst + round16(std::size_t(left_len_));
    for (int i = 0; i < right_len_; ++i) right[i] = padded_at(src, x1_ + i);
  }

  const Tensor& in_;
  Pad4 pad_;
  PadMode mode_;
  int span_, sw_, padded_w_, out_w_, phase_len_ = 0;
  int x0_ = 0, x1_ = 0, left_len_ = 0, right_len_ = 0;
  std::size_t slot_floats_ = 0;
  int first_ = 0;
  std::vector<Segment> segments_;
  std::vector<float> buf_, scratch_, zero_row_;
  std::vector<const float*> src_;
  std::vector<int> key_;
};

}  // namespace

// Every output row of every output channel is a sum over taps (input channel j of the group, kernel
// row ky, kernel column kx): out[x] += w * padded_j[y * sh + ky * dh][x * sw + kx * dw]. The taps of a
// group are listed once (which ring row, which column offset); per output row and segment their
// pointers are resolved, then each output channel of the group runs its weights over them in passes
// of at most rows::kMaxTaps taps (the first pass writes bias + sum, the others add).
// The segments of a row cover it and every row's first pass writes, so the output starts unset.
namespace {

// Output rows [y0, y1) of conv2d into out ([Cout, y1 - y0, OW]); `shape` is conv2d_output_shape's.
// Each output row is computed by itself (its taps, its passes), so a band equals those rows of the whole
// output bit for bit.
void conv2d_rows(const Tensor& input, const Weights& weight, const Conv2dParams& p, const std::vector<float>& bias,
                 const Tensor& shape, int y0, int y1, Tensor& out) {
  const rows::PassTable& kernels = rows::pass_table();
  const int cin_g = input.c / p.groups, cout_g = weight.a / p.groups;
  const int kh = weight.kh, kw = weight.kw, sw = p.stride.w;
  const int taps = cin_g * kh * kw;
  const int ow = shape.w;

  RowRing ring(input, p, effective_kernel(kh, p.dilation.h), effective_kernel(kw, p.dilation.w), ow);
  // Tap t = (j * kh + ky) * kw + kx reads ring row j * kh + ky from tap_offset[t] on.
  std::vector<std::size_t> tap_offset(taps);
  for (int t = 0; t < taps; ++t) {
    const int o = (t % kw) * p.dilation.w;
    tap_offset[t] = std::size_t(o % sw) * ring.phase_len() + std::size_t(o / sw);
  }
  // Pass boundaries: taps split as evenly as possible into ceil(taps / kMaxTaps) passes.
  const int passes = (taps + rows::kMaxTaps - 1) / rows::kMaxTaps;
  std::vector<int> pass_begin(passes + 1);
  for (int i = 0; i <= passes; ++i) pass_begin[i] = int(std::int64_t(taps) * i / passes);

  std::vector<const float*> tap_ptr(taps);
  for (int g = 0; g < p.groups; ++g) {
    ring.reset(g * cin_g, cin_g);
    for (int y = y0; y < y1; ++y) {
      for (const Segment& seg : ring.segments()) {
        for (int t = 0; t < taps; t += kw) {
          const int j = t / (kh * kw), ky = (t / kw) % kh;
          const float* base = ring.base(j, y * p.stride.h + ky * p.dilation.h, seg);
          for (int kx = 0; kx < kw; ++kx) tap_ptr[t + kx] = base + tap_offset[t + kx];
        }
        for (int oc = g * cout_g; oc < (g + 1) * cout_g; ++oc) {
          float* dst = out.plane(oc) + std::size_t(y - y0) * ow + seg.x0;
          const float* w = weight.kernel(oc, 0);  // the group's cin_g kernels are contiguous
          const float b = bias.empty() ? 0.0f : bias[oc];
          for (int i = 0; i < passes; ++i) {
            const int t0 = pass_begin[i], nt = pass_begin[i + 1] - t0;
            const rows::PassFn fn = i == 0 ? kernels.init[nt] : kernels.accumulate[nt];
            fn(dst, tap_ptr.data() + t0, w + t0, seg.x1 - seg.x0, b);
          }
        }
      }
    }
  }
}

}  // namespace

Tensor conv2d(const Tensor& input, const Weights& weight, const Conv2dParams& p, const std::vector<float>& bias) {
  const Tensor shape = conv2d_output_shape(input, weight, p, bias);
  Tensor out = Tensor::uninitialized(shape.c, shape.h, shape.w);
  conv2d_rows(input, weight, p, bias, shape, 0, shape.h, out);
  return out;
}

Tensor conv2d_band(const Tensor& input, const Weights& weight, const Conv2dParams& p, int row_begin, int row_end,
                   const std::vector<float>& bias) {
  const Tensor shape = conv2d_output_shape(input, weight, p, bias);
  if (row_begin < 0 || row_end <= row_begin || row_end > shape.h)
    fail(ErrorCode::InvalidArgument, "output rows [" + std::to_string(row_begin) + ", " +
                                             std::to_string(row_end) + ") must be a non-empty range within [0, " +
                                             std::to_string(shape.h) + ")");
  Tensor out = Tensor::uninitialized(shape.c, row_end - row_begin, shape.w);
  conv2d_rows(input, weight, p, bias, shape, row_begin, row_end, out);
  return out;
}

}  // namespace convlab
