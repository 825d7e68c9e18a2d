#include "conv2d.h"

#include <string>

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

Tensor conv2d(const Tensor& input, const Weights& weight, const Conv2dParams& p, const std::vector<float>& bias) {
  const Tensor shape = conv2d_output_shape(input, weight, p, bias);
  Tensor out(shape.c, shape.h, shape.w);
  const Tensor padded = pad(input, p.padding, p.padding_mode);
  const int cin_g = input.c / p.groups, cout_g = weight.a / p.groups;
  for (int oc = 0; oc < out.c; ++oc) {
    const int g = oc / cout_g;
    float* dst = out.plane(oc);
    const float b = bias.empty() ? 0.0f : bias[oc];
    for (int i = 0; i < out.h * out.w; ++i) dst[i] = b;
    for (int j = 0; j < cin_g; ++j) {
      const float* src = padded.plane(g * cin_g + j);
      const float* k = weight.kernel(oc, j);
      for (int ky = 0; ky < weight.kh; ++ky)
        for (int kx = 0; kx < weight.kw; ++kx) {
          const float wv = k[ky * weight.kw + kx];
          for (int y = 0; y < out.h; ++y) {
            const float* row = src + std::size_t(y * p.stride.h + ky * p.dilation.h) * padded.w + kx * p.dilation.w;
            float* drow = dst + std::size_t(y) * out.w;
            for (int x = 0; x < out.w; ++x) drow[x] += wv * row[std::size_t(x) * p.stride.w];
          }
        }
    }
  }
  return out;
}

}  // namespace convlab
