#include "conv_transpose.h"

#include <cstdint>
#include <string>

#include "conv2d.h"
#include "error.h"
#include "geometry.h"

namespace convlab {

Tensor conv_transpose2d_output_shape(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& p,
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
  if (weight.a != input.c)
    fail(ErrorCode::ShapeMismatch, "weight dimension 0 must be the input channels " + std::to_string(input.c) +
                                       ", got " + std::to_string(weight.a));
  const std::int64_t out_c = std::int64_t(weight.b) * p.groups;
  if (!bias.empty() && std::int64_t(bias.size()) != out_c)
    fail(ErrorCode::ShapeMismatch, "bias length must be the output channels " + std::to_string(out_c) + ", got " +
                                       std::to_string(bias.size()));
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

Tensor conv_transpose2d(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& p,
                        const std::vector<float>& bias) {
  const Tensor shape = conv_transpose2d_output_shape(input, weight, p, bias);
  Tensor out(shape.c, shape.h, shape.w);
  const int cin_g = input.c / p.groups, cout_g = weight.b;
  for (int oc = 0; oc < out.c; ++oc) {
    const float b = bias.empty() ? 0.0f : bias[oc];
    float* dst = out.plane(oc);
    for (std::size_t i = 0; i < std::size_t(out.h) * out.w; ++i) dst[i] = b;
  }
  // Scatter: input pixel (iy, ix) adds value * kernel[ky][kx] at (iy*s - p + ky*d, ix*s - p + kx*d).
  for (int ic = 0; ic < input.c; ++ic) {
    const int g = ic / cin_g;
    const float* src = input.plane(ic);
    for (int o = 0; o < cout_g; ++o) {
      float* dst = out.plane(g * cout_g + o);
      const float* k = weight.kernel(ic, o);
      for (int ky = 0; ky < weight.kh; ++ky)
        for (int kx = 0; kx < weight.kw; ++kx) {
          const float wv = k[ky * weight.kw + kx];
          const long long oy0 = (long long)ky * p.dilation.h - p.padding.h;
          const long long ox0 = (long long)kx * p.dilation.w - p.padding.w;
          for (int iy = 0; iy < input.h; ++iy) {
            const long long oy = oy0 + (long long)iy * p.stride.h;
            if (oy < 0 || oy >= out.h) continue;
            const float* srow = src + std::size_t(iy) * input.w;
            float* drow = dst + std::size_t(oy) * out.w;
            for (int ix = 0; ix < input.w; ++ix) {
              const long long ox = ox0 + (long long)ix * p.stride.w;
              if (ox >= 0 && ox < out.w) drow[ox] += wv * srow[ix];
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
