#include "conv_transpose.h"

#include <algorithm>
#include <cstdint>
#include <vector>
#include <string>

#include "conv2d.h"
#include "conv2d_rows.h"
#include "error.h"
#include "geometry.h"

namespace convlab {

Tensor conv_transpose2d_output_shape(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& p,
                                     const std::vector<float>& bias) {
  check_tensor("input", input);
  check_weights("weight", weight);
  check_stride(p.stride);
  check_dilation(p.dilation);
  // Output channels are weight.b * groups, divisible by construction (and possibly past int), so only the
  // input side is checked: pass groups itself as the output count.
  check_groups(p.groups, input.c, p.groups);
  if (weight.a != input.c)
    fail(ErrorCode::ShapeMismatch, "weight dimension 0 must be the input channels " + std::to_string(input.c) +
                                       ", got " + std::to_string(weight.a));
  const std::int64_t out_c = std::int64_t(weight.b) * p.groups;
  check_bias(bias.size(), out_c);
  const int oh = conv_transpose_output_size(input.h, weight.kh, p.stride.h, p.padding.h, p.output_padding.h,
                                            p.dilation.h, "height");
  const int ow = conv_transpose_output_size(input.w, weight.kw, p.stride.w, p.padding.w, p.output_padding.w,
                                            p.dilation.w, "width");
  checked_count("output", {out_c, oh, ow});
  Tensor shape;
  shape.c = int(out_c);
  shape.h = oh;
  shape.w = ow;
  return shape;
}

namespace {

long long floor_div(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Zero-margined copies of input rows, kept in a small ring per input channel of the group: slot
// iy % slots. The input rows one output row reads lie within (span_h - 1) / sh + 1 consecutive
// rows, fewer than `slots`, so they never collide, and each row is copied once per group.
class InputRows {
 public:
  InputRows(const Tensor& in, int slots, int margin_left, int margin_right)
      : in_(in), slots_(slots), ml_(margin_left), len_(margin_left + in.w + margin_right) {}

  void reset(int first_channel, int count) {
    first_ = first_channel;
    buf_.assign(std::size_t(count) * slots_ * len_, 0.0f);
    key_.assign(std::size_t(count) * slots_, -1);
  }

  // Where element ix of input row iy of ring j sits (ix may reach into the zero margins).
  const float* row(int j, int iy) {
    const std::size_t slot = std::size_t(j) * slots_ + std::size_t(iy % slots_);
    float* data = buf_.data() + slot * len_;
    if (key_[slot] != iy) {
      const float* src = in_.plane(first_ + j) + std::size_t(iy) * in_.w;
      std::copy(src, src + in_.w, data + ml_);
      key_[slot] = iy;
    }
    return data + ml_;
  }

 private:
  const Tensor& in_;
  int slots_, ml_, len_;
  int first_ = 0;
  std::vector<float> buf_;
  std::vector<int> key_;
};

}  // namespace

// A gather, phase by phase: output pixel (oy, ox) receives input (iy, ix) through tap (ky, kx) when
// oy + pad_h = iy * sh + ky * dh (and so for x). For a fixed output row the valid ky and their iy are
// known; output columns ox = x0 + j * sw (one "phase" per x0 in [0, sw)) share the same valid kx,
// each reading input columns ix0(kx) + j: contiguous. So every phase of every output row is a
// conv2d row pass (conv2d_rows.h) over zero-margined input rows, written straight into the output
// row for stride 1, else into a scratch row that is then spread at stride sw.
Tensor conv_transpose2d(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& p,
                        const std::vector<float>& bias) {
  const Tensor shape = conv_transpose2d_output_shape(input, weight, p, bias);
  const rows::PassTable& kernels = rows::pass_table();
  const int cin_g = input.c / p.groups, cout_g = weight.b;
  const int kh = weight.kh, kw = weight.kw, sh = p.stride.h, sw = p.stride.w, dh = p.dilation.h, dw = p.dilation.w;
  const int oh = shape.h, ow = shape.w;

  Tensor out = Tensor::uninitialized(shape.c, oh, ow);  // every row is written whole below

  const long long span_h = (long long)(kh - 1) * dh + 1, span_w = (long long)(kw - 1) * dw + 1;
  const int slots = int(std::min<long long>((span_h - 1) / sh + 2, input.h));
  const int margin_left = int((span_w - 1) / sw + 2);
  const int margin_right = int(floor_div((long long)ow - 1 + p.padding.w, sw) - (input.w - 1) + 2);
  InputRows rows_in(input, slots, margin_left, std::max(margin_right, 0));

  const int max_taps = cin_g * kh * kw;
  const int phases = std::min(sw, ow), phase_n = (ow + sw - 1) / sw;
  std::vector<const float*> row_ptr(std::size_t(cin_g) * kh);  // per (j, valid ky): the input row
  std::vector<int> ky_valid(kh);
  // Per phase: its tap pointers and each tap's offset (j, ky, kx) into a kernel of the group.
  std::vector<const float*> tap_ptr(std::size_t(phases) * max_taps);
  std::vector<int> tap_k(std::size_t(phases) * max_taps), taps(phases);
  std::vector<float> tap_w(max_taps);
  std::vector<float> scratch(sw > 1 ? std::size_t(phases) * phase_n : 0);

  for (int g = 0; g < p.groups; ++g) {
    rows_in.reset(g * cin_g, cin_g);
    for (int oy = 0; oy < oh; ++oy) {
      // Valid kernel rows: oy + pad - ky * dh = iy * sh with 0 <= iy < H.
      int nky = 0;
      for (int ky = 0; ky < kh; ++ky) {
        const long long ny = (long long)oy + p.padding.h - (long long)ky * dh;
        if (ny < 0 || ny % sh != 0 || ny / sh >= input.h) continue;
        ky_valid[nky] = ky;
        for (int j = 0; j < cin_g; ++j) row_ptr[std::size_t(j) * kh + nky] = rows_in.row(j, int(ny / sh));
        ++nky;
      }
      // Taps of phase x0: (j, valid ky, kx with (x0 + pad - kx * dw) % sw == 0).
      for (int x0 = 0; x0 < phases; ++x0) {
        int n = 0;
        const float** ptr = tap_ptr.data() + std::size_t(x0) * max_taps;
        int* k = tap_k.data() + std::size_t(x0) * max_taps;
        for (int kx = 0; kx < kw; ++kx) {
          const long long nx = (long long)x0 + p.padding.w - (long long)kx * dw;
          if (((nx % sw) + sw) % sw != 0) continue;
          const long long ix0 = floor_div(nx, sw);
          for (int j = 0; j < cin_g; ++j)
            for (int r = 0; r < nky; ++r) {
              ptr[n] = row_ptr[std::size_t(j) * kh + r] + ix0;
              k[n] = (j * kh + ky_valid[r]) * kw + kx;
              ++n;
            }
        }
        taps[x0] = n;
      }
      for (int o = 0; o < cout_g; ++o) {
        const int oc = g * cout_g + o;
        float* row = out.plane(oc) + std::size_t(oy) * ow;
        const float* kernel = weight.kernel(g * cin_g, o);  // (j, ky, kx) -> kernel(g * cin_g + j, o)[ky * kw + kx]
        const std::size_t j_stride = std::size_t(weight.b) * kh * kw;
        const float b = bias.empty() ? 0.0f : bias[oc];
        for (int x0 = 0; x0 < phases; ++x0) {
          const int n = (ow - 1 - x0) / sw + 1;  // columns x0, x0 + sw, ... < ow
          float* dst = sw == 1 ? row : scratch.data() + std::size_t(x0) * phase_n;
          const int nt_all = taps[x0];
          const int* k = tap_k.data() + std::size_t(x0) * max_taps;
          for (int t = 0; t < nt_all; ++t) {
            const int kk = k[t], j = kk / (kh * kw);
            tap_w[t] = kernel[j * j_stride + kk % (kh * kw)];
          }
          if (nt_all == 0) std::fill(dst, dst + n, b);
          for (int t = 0; t < nt_all; t += rows::kMaxTaps) {
            const int nt = std::min(rows::kMaxTaps, nt_all - t);
            (t == 0 ? kernels.init[nt] : kernels.accumulate[nt])(
                dst, tap_ptr.data() + std::size_t(x0) * max_taps + t, tap_w.data() + t, n, b);
          }
        }
        if (sw == 2 && phases == 2) {  // interleave the two phases (vectorised)
          const float* __restrict s0 = scratch.data();
          const float* __restrict s1 = scratch.data() + phase_n;
          float* __restrict r = row;
          const int n1 = ow / 2;
          for (int i = 0; i < n1; ++i) {
            r[2 * i] = s0[i];
            r[2 * i + 1] = s1[i];
          }
          if (ow % 2) r[ow - 1] = s0[n1];
        } else if (sw > 1) {
          for (int x0 = 0; x0 < phases; ++x0) {
            const float* src = scratch.data() + std::size_t(x0) * phase_n;
            for (int i = 0, x = x0; x < ow; ++i, x += sw) row[x] = src[i];
          }
        }
      }
    }
  }
  return out;
}

TransposedSteps conv_transpose2d_steps(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& p,
                                       const std::vector<float>& bias) {
  const Tensor shape = conv_transpose2d_output_shape(input, weight, p, bias);
  TransposedSteps steps;

  // (1) stride - 1 zeros between neighbouring pixels.
  const std::int64_t zh = std::int64_t(input.h - 1) * p.stride.h + 1, zw = std::int64_t(input.w - 1) * p.stride.w + 1;
  checked_count("zero-inserted input", {input.c, zh, zw});
  steps.zero_inserted = Tensor(input.c, int(zh), int(zw));
  for (int c = 0; c < input.c; ++c)
    for (int y = 0; y < input.h; ++y)
      for (int x = 0; x < input.w; ++x)
        steps.zero_inserted.at(c, y * p.stride.h, x * p.stride.w) = input.at(c, y, x);

  // (2) d*(k-1) - p zeros on top/left, plus output_padding on bottom/right; negative sides crop.
  const std::int64_t top = std::int64_t(p.dilation.h) * (weight.kh - 1) - p.padding.h;
  const std::int64_t left = std::int64_t(p.dilation.w) * (weight.kw - 1) - p.padding.w;
  const std::int64_t bottom = top + p.output_padding.h, right = left + p.output_padding.w;
  // Equals shape.h + dilated span - 1 >= 1, since the output size has been checked above.
  checked_count("padded input", {input.c, zh + top + bottom, zw + left + right});
  steps.padding = Pad4{int(top), int(bottom), int(left), int(right)};
  steps.padded = Tensor(input.c, int(zh + top + bottom), int(zw + left + right));
  for (int c = 0; c < input.c; ++c)
    for (int y = 0; y < steps.padded.h; ++y) {
      const std::int64_t sy = y - top;
      if (sy < 0 || sy >= zh) continue;
      for (int x = 0; x < steps.padded.w; ++x) {
        const std::int64_t sx = x - left;
        if (sx >= 0 && sx < zw) steps.padded.at(c, y, x) = steps.zero_inserted.at(c, int(sy), int(sx));
      }
    }

  // (3) kernel rotated by 180 degrees, in/out channels swapped within each group.
  const int cin_g = input.c / p.groups, cout_g = weight.b;
  steps.rotated = Weights(shape.c, cin_g, weight.kh, weight.kw);
  for (int g = 0; g < p.groups; ++g)
    for (int o = 0; o < cout_g; ++o)
      for (int i = 0; i < cin_g; ++i)
        for (int ky = 0; ky < weight.kh; ++ky)
          for (int kx = 0; kx < weight.kw; ++kx)
            steps.rotated.at(g * cout_g + o, i, ky, kx) =
                weight.at(g * cin_g + i, o, weight.kh - 1 - ky, weight.kw - 1 - kx);

  Conv2dParams cp;
  cp.dilation = p.dilation;
  cp.groups = p.groups;
  steps.output = conv2d(steps.padded, steps.rotated, cp, bias);
  return steps;
}

}  // namespace convlab
