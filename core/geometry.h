// Shape formulas (PyTorch's), each a tiny named function. They return the size or throw a named Error.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tensor.h"

namespace convlab {

// Span of a dilated kernel: (k - 1) * d + 1.
inline int effective_kernel(int kernel, int dilation) { return (kernel - 1) * dilation + 1; }

// floor((in + pad_total - effective_kernel) / stride) + 1; throws KernelTooLarge when below 1.
// `axis` ("height"/"width") names the dimension in error messages.
int conv_output_size(int in, int kernel, int stride, int pad_total, int dilation, const char* axis = "size");

// Pooling: as conv, or with ceil instead of floor, where PyTorch drops a last window that would
// start inside the right padding: if ((out - 1) * stride >= in + pad) --out.
int pool_output_size(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode, const char* axis = "size");

// Transposed convolution: (in - 1) * stride - 2 * pad + dilation * (kernel - 1) + output_padding + 1.
int conv_transpose_output_size(int in, int kernel, int stride, int pad, int output_padding, int dilation,
                               const char* axis = "size");

void check_stride(Pair stride);      // each >= 1
void check_dilation(Pair dilation);  // each >= 1
// groups >= 1 and dividing both channel counts (InvalidGroups).
void check_groups(int groups, int in_channels, int out_channels);
// An empty bias, or one value per output channel (ShapeMismatch).
void check_bias(std::size_t bias_length, std::int64_t out_channels);

}  // namespace convlab
