// 2-D pooling, exactly PyTorch 1.13: max = torch.nn.functional.max_pool2d, mean = avg_pool2d,
// min = -max_pool2d(-x). Each channel is pooled on its own.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tensor.h"

namespace convlab {

enum class PoolMode { Max, Mean, Min };

const char* pool_mode_name(PoolMode mode);  // "max", "mean", "min"
std::optional<PoolMode> parse_pool_mode(const std::string& name);

struct Pool2dParams {
  PoolMode mode = PoolMode::Max;
  Pair kernel{2, 2};
  Pair stride{0, 0};  // 0 on an axis = the kernel size on that axis (PyTorch's stride=None)
  Pair padding{0, 0};  // symmetric, each <= kernel / 2; max/min pad with -inf/+inf, mean with zeros
  Pair dilation{1, 1};  // max and min only: PyTorch's avg_pool2d has no dilation
  bool ceil_mode = false;
  bool count_include_pad = true;  // mean only: padding counts toward the divisor
};

// The stride actually used: each 0 replaced by the kernel size on that axis.
Pair pool_stride(const Pool2dParams& params);

// Checks every argument of pool2d and returns the output shape as an empty-data Tensor header.
Tensor pool2d_output_shape(const Tensor& input, const Pool2dParams& params);

// input [C, H, W] -> [C, OH, OW], OH/OW from pool_output_size in geometry.h.
// Max: padding reads -inf; a NaN anywhere in the window gives NaN; a window that holds only
// padding (possible with dilation) gives -inf. Min is the mirror image (+inf).
// Mean: the divisor is the window clipped to the padded input when count_include_pad (so a ceil-mode
// overhang beyond the padding never counts), else the window clipped to the input.
Tensor pool2d(const Tensor& input, const Pool2dParams& params);

// Output rows [row_begin, row_end) of pool2d(input, params): [C, row_end - row_begin, OW], equal to those
// rows of the whole output bit for bit (the page splits one pooling across workers).
// Errors: pool2d's, and InvalidArgument unless 0 <= row_begin < row_end <= OH.
Tensor pool2d_band(const Tensor& input, const Pool2dParams& params, int row_begin, int row_end);

// For max (min) pooling: the index y * W + x within its channel of the input pixel each output
// reads, laid out like the output [C, OH, OW] (PyTorch's return_indices): the first maximum
// (minimum) of the window in row-major order, the last NaN if there is one, and -1 for a window
// that holds only padding (where PyTorch returns an arbitrary index). Throws InvalidArgument for mean pooling.
std::vector<int> pool2d_argmax(const Tensor& input, const Pool2dParams& params);

}  // namespace convlab
