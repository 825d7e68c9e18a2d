// 2-D convolution as deep learning defines it: cross-correlation, exactly torch.nn.functional.conv2d
// (with torch.nn.Conv2d's padding_mode). Depthwise is groups == channels; pointwise is a 1x1 kernel.
#pragma once
#include <vector>

#include "padding.h"
#include "tensor.h"

namespace convlab {

struct Conv2dParams {
  Pair stride{1, 1};
  Pair dilation{1, 1};
  Pad4 padding{};
  PadMode padding_mode = PadMode::Zeros;
  int groups = 1;
};

// PyTorch's padding='same': total d*(k-1) per axis, the extra pixel on the bottom/right.
Pad4 same_padding(int kernel_h, int kernel_w, Pair dilation);

// input [Cin, H, W], weight [Cout, Cin/groups, kh, kw], bias empty or [Cout] -> [Cout, OH, OW].
Tensor conv2d(const Tensor& input, const Weights& weight, const Conv2dParams& params = {},
              const std::vector<float>& bias = {});

// Output rows [row_begin, row_end) of conv2d(input, weight, params, bias): [Cout, row_end - row_begin, OW],
// equal to those rows of the whole output bit for bit (the page splits one convolution across workers).
// Errors: conv2d's, and InvalidArgument unless 0 <= row_begin < row_end <= OH.
Tensor conv2d_band(const Tensor& input, const Weights& weight, const Conv2dParams& params, int row_begin, int row_end,
                   const std::vector<float>& bias = {});
// Checks every argument of conv2d and returns the output shape as an empty-data Tensor header.
Tensor conv2d_output_shape(const Tensor& input, const Weights& weight, const Conv2dParams& params,
                           const std::vector<float>& bias = {});

}  // namespace convlab
