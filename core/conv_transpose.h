// Transposed convolution ("deconvolution"), exactly torch.nn.functional.conv_transpose2d: every input
// pixel scatters a copy of the kernel, scaled by its value, into the output at stride spacing.
// conv_transpose2d_steps builds the same result the way the lesson draws it: zero insertion, padding,
// then an ordinary stride-1 correlation with the kernel rotated by 180 degrees.
#pragma once
#include <vector>

#include "padding.h"
#include "tensor.h"

namespace convlab {

struct ConvTranspose2dParams {
  Pair stride{1, 1};
  Pair padding{0, 0};         // removed from each side of the full output (PyTorch's `padding`)
  Pair output_padding{0, 0};  // extra rows/columns on the bottom/right; must be < stride or < dilation
  Pair dilation{1, 1};
  int groups = 1;
};

// input [Cin, H, W], weight [Cin, Cout/groups, kh, kw], bias empty or [Cout] -> [Cout, OH, OW] with
// OH = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1 (and so for OW).
Tensor conv_transpose2d(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& params = {},
                        const std::vector<float>& bias = {});

// Checks every argument of conv_transpose2d and returns the output shape as an empty-data Tensor header.
Tensor conv_transpose2d_output_shape(const Tensor& input, const Weights& weight, const ConvTranspose2dParams& params,
                                     const std::vector<float>& bias = {});

// The three steps of the construction, each kept for display:
//   zero_inserted  stride - 1 zeros between neighbouring pixels: [Cin, (H-1)*sh+1, (W-1)*sw+1]
//   padding        d*(k-1) - p on top/left, d*(k-1) - p + output_padding on bottom/right; a negative
//                  side means that many rows/columns are cropped from zero_inserted instead
//   padded         zero_inserted with that padding (zeros) or cropping applied
//   rotated        the kernel rotated by 180 degrees with in/out channels swapped per group:
//                  [Cout, Cin/groups, kh, kw], rotated[g*Cout/G + o][i] = rot180(weight[g*Cin/G + i][o])
//   output         conv2d(padded, rotated, stride 1, dilation, groups, bias) == conv_transpose2d(...)
struct TransposedSteps {
  Tensor zero_inserted;
  Tensor padded;
  Weights rotated;
  Tensor output;
  Pad4 padding;
};

TransposedSteps conv_transpose2d_steps(const Tensor& input, const Weights& weight,
                                       const ConvTranspose2dParams& params = {}, const std::vector<float>& bias = {});

}  // namespace convlab
