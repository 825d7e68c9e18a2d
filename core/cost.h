// Cost of one layer: multiply-accumulates (MACs) and parameters, given the input shape.
// Pure arithmetic (nothing is allocated), int64 throughout, overflow is a named TooLarge error.
//
// Definitions, for input Cin x H x W, output Cout x OH x OW (sizes by PyTorch's formulas,
// geometry.h), kernel kh x kw, groups g. A MAC counts every kernel tap at every output position,
// taps that land on padding included (what a dense implementation executes). Bias adds Cout
// parameters per convolution and no MACs.
//   Standard            groups must be 1.  MACs = Cout*OH*OW*Cin*kh*kw,  params = Cout*Cin*kh*kw
//   Grouped             g divides Cin and Cout.  MACs = Cout*OH*OW*(Cin/g)*kh*kw,  params = Cout*(Cin/g)*kh*kw
//   Depthwise           g = Cin (the groups field is ignored), Cout = Cin * multiplier.
//                       MACs = Cout*OH*OW*kh*kw,  params = Cout*kh*kw
//   Pointwise           a 1x1 conv (kernel and dilation fields ignored; stride, padding and groups used)
//   SpatiallySeparable  a kh x 1 conv Cin -> Cout (stride, padding, dilation of the height axis),
//                       then a 1 x kw conv Cout -> Cout (those of the width axis), both full
//                       (groups g) convs as in Inception v3's 7x1 + 1x7, each with its own bias:
//                       MACs = Cout*OH*W*(Cin/g)*kh + Cout*OH*OW*(Cout/g)*kw
//   DepthwiseSeparable  a depthwise kh x kw conv Cin -> Cin (stride, padding, dilation), then a
//                       pointwise Cin -> Cout (groups field ignored), each with its own bias:
//                       MACs = Cin*OH*OW*kh*kw + Cout*OH*OW*Cin,  params = Cin*kh*kw + Cin*Cout.
//                       Ratio to Standard (same OH, OW, no bias) = 1/Cout + 1/(kh*kw).
//   Transposed          weight [Cin, Cout/g, kh, kw]; every input pixel scatters its kernel:
//                       MACs = Cin*H*W*(Cout/g)*kh*kw,  params = Cin*(Cout/g)*kh*kw.
//                       OH = (H-1)*stride - 2*padding + dilation*(kh-1) + output_padding + 1
//   Pool                max/average pool; out_channels is Cin. "MACs" counts comparisons or adds:
//                       C*OH*OW*kh*kw,  params 0 (no bias). Floor mode; padding <= kernel / 2.
#pragma once
#include <cstdint>

#include "tensor.h"

namespace convlab {

enum class LayerKind { Standard, Grouped, Depthwise, Pointwise, SpatiallySeparable, DepthwiseSeparable, Transposed, Pool };

const char* layer_kind_name(LayerKind kind);  // "standard", "grouped", ..., "pool"

struct CostLayer {
  LayerKind kind = LayerKind::Standard;
  int out_channels = 0;      // 0: same as the input channels
  Pair kernel{3, 3};
  Pair stride{1, 1};
  Pair padding{0, 0};        // symmetric per axis
  Pair dilation{1, 1};
  int groups = 1;
  bool bias = false;
  Pair output_padding{0, 0};  // Transposed only
};

struct LayerCost {
  std::int64_t macs = 0;
  std::int64_t params = 0;
  int out_c = 0, out_h = 0, out_w = 0;
};

// Throws InvalidShape, InvalidKernel, InvalidStride, InvalidDilation, InvalidPadding,
// InvalidGroups, ShapeMismatch, KernelTooLarge (output < 1) or TooLarge (int64 overflow).
LayerCost cost(const CostLayer& layer, int in_c, int in_h, int in_w);

}  // namespace convlab
