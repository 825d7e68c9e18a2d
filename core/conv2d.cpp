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
  const int th = dilation.h * (kernel_h - 1), tw = dilation.w * (kernel_w - 1);
  return Pad4{th / 2, th - th / 2, tw / 2, tw - tw / 2};
}

Tensor conv2d_output_shape(const Tensor& input, const Weights& weight, const Conv2dParams& p,
                           const std::vector<float>& bias) {
  checked_count("input", {input.c, input.h, input.w});
  if (input.data.size() != std::size_t(input.c) * input.h * input.w)
    fail(ErrorCode::InvalidShape, "input data length must match its shape");
  checked_count("weight", {weight.a, weight.b, weight.kh, weight.kw});
  check_stride(p.stride);
  check_dilation(p.dilation);
  if (p.groups < 1) fail(ErrorCode::InvalidGroups, "groups must be >= 1, got " + std::to_string(p.groups));
  if (input.c % p.groups != 0)
    fail(ErrorCode::InvalidGroups, "groups must divide the input channels " + std::to_string(input.c) + ", got " +
                                       std::to_string(p.groups));
  if (weight.a % p.groups != 0)
    fail(ErrorCode::InvalidGroups, "groups must divide the output channels " + std::to_string(weight.a) + ", got " +
                                       std::to_string(p.groups));
  if (weight.b != input.c / p.groups)
    fail(ErrorCode::ShapeMismatch, "weight dimension 1 must be input channels / groups = " +
                                       std::to_string(input.c / p.groups) + ", got " + std::to_string(weight.b));
  if (!bias.empty() && bias.size() != std::size_t(weight.a))
    fail(ErrorCode::ShapeMismatch, "bias length must be the output channels " + std::to_string(weight.a) +
                                       ", got " + std::to_string(bias.size()));
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

// Padded input rows, built on demand and kept in a small ring per input channel.
//
// Padded row r (0 <= r < H + top + bottom) is input row pad_source_index(r - top) with its left and
// right padding filled in, so the pass kernels never check a border. A ring holds span_h rows (the
// dilated kernel height), slot r % span_h: the rows one output row reads are consecutive in r, so
// they never collide, and each padded row is built once however many output rows read it.
// With a horizontal stride s > 1 the row is stored as s phases (phase q holds padded[q + i * s]), so
// the tap at column offset o reads phase o % s from element o / s onwards: contiguous again.
class RowRing {
 public:
  RowRing(const Tensor& input, const Conv2dParams& p, int span_h)
      : in_(input), pad_(p.padding), mode_(p.padding_mode), span_(span_h), stride_w_(p.stride.w) {
    padded_w_ = input.w + pad_.left + pad_.right;
    phase_len_ = (padded_w_ + stride_w_ - 1) / stride_w_;
    // Round each row up to 16 floats (64 bytes) so rows start on cache-line boundaries in the buffer.
    row_stride_ = (std::size_t(phase_len_) * stride_w_ + 15) / 16 * 16;
    if (stride_w_ > 1) scratch_.resize(padded_w_);
  }

  std::size_t phase_len() const { return std::size_t(phase_len_); }

  // Points every ring at channel set [first, first + count) of the input and forgets their rows.
  void reset(int first_channel, int count) {
    first_ = first_channel;
    buf_.assign(std::size_t(count) * span_ * row_stride_, 0.0f);
    key_.assign(std::size_t(count) * span_, -1);
  }

  // Padded row r of ring j (input channel first + j).
  const float* row(int j, int r) {
    const std::size_t slot = std::size_t(j) * span_ + std::size_t(r % span_);
    float* dst = buf_.data() + slot * row_stride_;
    if (key_[slot] != r) {
      build(first_ + j, r, dst);
      key_[slot] = r;
    }
    return dst;
  }

 private:
  void build(int c, int r, float* dst) {
    const int sy = pad_source_index(r - pad_.top, in_.h, mode_);
    float* row = stride_w_ > 1 ? scratch_.data() : dst;
    if (sy < 0) {
      std::fill(row, row + padded_w_, 0.0f);
    } else {
      const float* src = in_.plane(c) + std::size_t(sy) * in_.w;
      for (int i = 0; i < pad_.left; ++i) {
        const int sx = pad_source_index(i - pad_.left, in_.w, mode_);
        row[i] = sx < 0 ? 0.0f : src[sx];
      }
      std::memcpy(row + pad_.left, src, sizeof(float) * std::size_t(in_.w));
      for (int i = pad_.left + in_.w; i < padded_w_; ++i) {
        const int sx = pad_source_index(i - pad_.left, in_.w, mode_);
        row[i] = sx < 0 ? 0.0f : src[sx];
      }
    }
    if (stride_w_ > 1)
      for (int q = 0; q < stride_w_; ++q) {
        float* phase = dst + std::size_t(q) * phase_len_;
        for (int i = 0; i < phase_len_; ++i) {
          const int x = q + i * stride_w_;
          phase[i] = x < padded_w_ ? row[x] : 0.0f;
        }
      }
  }

  const Tensor& in_;
  Pad4 pad_;
  PadMode mode_;
  int span_, stride_w_, padded_w_ = 0, phase_len_ = 0;
  std::size_t row_stride_ = 0;
  int first_ = 0;
  std::vector<float> buf_, scratch_;
  std::vector<int> key_;
};

}  // namespace

// Every output row of every output channel is a sum over taps (input channel j of the group, kernel
// row ky, kernel column kx): out[x] += w * padded_j[y * sh + ky * dh][x * sw + kx * dw]. The taps of a
// group are listed once (which ring row, which offset in it); per output row their pointers are
// resolved, then each output channel of the group runs its weights over them in passes of at most
// rows::kMaxTaps taps (the first pass writes bias + sum, the others add).
Tensor conv2d(const Tensor& input, const Weights& weight, const Conv2dParams& p, const std::vector<float>& bias) {
  const Tensor shape = conv2d_output_shape(input, weight, p, bias);
  Tensor out(shape.c, shape.h, shape.w);
  const rows::PassTable& kernels = rows::pass_table();
  const int cin_g = input.c / p.groups, cout_g = weight.a / p.groups;
  const int kh = weight.kh, kw = weight.kw, sh = p.stride.h, sw = p.stride.w;
  const int span_h = effective_kernel(kh, p.dilation.h);
  const int taps = cin_g * kh * kw;

  RowRing ring(input, p, span_h);
  // Tap t = (j * kh + ky) * kw + kx reads ring row j at padded row y * sh + ky * dh, from tap_offset[t].
  std::vector<std::size_t> tap_offset(taps);
  for (int t = 0; t < taps; ++t) {
    const int o = (t % kw) * p.dilation.w;
    tap_offset[t] = std::size_t(o % sw) * ring.phase_len() + std::size_t(o / sw);
  }
  // Pass boundaries: taps split as evenly as possible into ceil(taps / kMaxTaps) passes.
  const int passes = (taps + rows::kMaxTaps - 1) / rows::kMaxTaps;
  std::vector<int> pass_begin(passes + 1);
  for (int i = 0; i <= passes; ++i) pass_begin[i] = int(std::int64_t(taps) * i / passes);

  std::vector<const float*> rowp(std::size_t(cin_g) * kh), tap_ptr(taps);
  for (int g = 0; g < p.groups; ++g) {
    ring.reset(g * cin_g, cin_g);
    for (int y = 0; y < out.h; ++y) {
      for (int j = 0; j < cin_g; ++j)
        for (int ky = 0; ky < kh; ++ky) rowp[j * kh + ky] = ring.row(j, y * sh + ky * p.dilation.h);
      for (int t = 0; t < taps; ++t) tap_ptr[t] = rowp[t / kw] + tap_offset[t];
      for (int oc = g * cout_g; oc < (g + 1) * cout_g; ++oc) {
        float* dst = out.plane(oc) + std::size_t(y) * out.w;
        const float* w = weight.kernel(oc, 0);  // the group's cin_g kernels are contiguous
        const float b = bias.empty() ? 0.0f : bias[oc];
        for (int i = 0; i < passes; ++i) {
          const int t0 = pass_begin[i], nt = pass_begin[i + 1] - t0;
          const rows::PassFn fn = i == 0 ? kernels.init[nt] : kernels.accumulate[nt];
          fn(dst, tap_ptr.data() + t0, w + t0, out.w, b);
        }
      }
    }
  }
  return out;
}

}  // namespace convlab
