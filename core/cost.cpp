#include "cost.h"

#include <limits>
#include <string>

#include "error.h"
#include "geometry.h"

namespace convlab {

const char* layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::Standard: return "standard";
    case LayerKind::Grouped: return "grouped";
    case LayerKind::Depthwise: return "depthwise";
    case LayerKind::Pointwise: return "pointwise";
    case LayerKind::SpatiallySeparable: return "spatially separable";
    case LayerKind::DepthwiseSeparable: return "depthwise separable";
    case LayerKind::Transposed: return "transposed";
    case LayerKind::Pool: return "pool";
  }
  return "unknown";
}

static std::string pair_text(Pair p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

namespace {

// Products and sums of non-negative counts, failing with TooLarge instead of wrapping.
struct Counter {
  const char* what;  // "MACs" or "parameters"
  std::string shape;

  std::int64_t mul(std::initializer_list<std::int64_t> factors) const {
    std::int64_t p = 1;
    for (std::int64_t f : factors) {
      if (f != 0 && p > std::numeric_limits<std::int64_t>::max() / f) overflow();
      p *= f;
    }
    return p;
  }
  std::int64_t add(std::int64_t a, std::int64_t b) const {
    if (a > std::numeric_limits<std::int64_t>::max() - b) overflow();
    return a + b;
  }
  [[noreturn]] void overflow() const {
    fail(ErrorCode::TooLarge, std::string(what) + " overflow a 64-bit integer for input " + shape);
  }
};

int conv_size(int in, int kernel, int stride, int pad, int dilation, const char* axis) {
  return conv_output_size(in, kernel, stride, 2 * pad, dilation, axis);
}


}  // namespace

LayerCost cost(const CostLayer& l, int in_c, int in_h, int in_w) {
  const std::string shape = std::to_string(in_c) + "x" + std::to_string(in_h) + "x" + std::to_string(in_w);
  if (in_c < 1 || in_h < 1 || in_w < 1)
    fail(ErrorCode::InvalidShape, "input dimensions must be >= 1, got " + shape);
  if (l.out_channels < 0)
    fail(ErrorCode::InvalidShape, "out_channels must be >= 0 (0: same as input), got " +
                                      std::to_string(l.out_channels));
  const int cout = l.out_channels == 0 ? in_c : l.out_channels;
  const bool pointwise = l.kind == LayerKind::Pointwise;
  const Pair k = pointwise ? Pair{1, 1} : l.kernel;
  const Pair d = pointwise ? Pair{1, 1} : l.dilation;
  if (k.h < 1 || k.w < 1) fail(ErrorCode::InvalidKernel, "kernel must be >= 1, got " + pair_text(k));
  check_stride(l.stride);
  check_dilation(d);
  if (l.padding.h < 0 || l.padding.w < 0)
    fail(ErrorCode::InvalidPadding, "padding must be >= 0, got " + pair_text(l.padding));
  if (l.kind != LayerKind::Transposed && !(l.output_padding == Pair{0, 0}))
    fail(ErrorCode::InvalidPadding, std::string("output padding must be 0x0 for a ") + layer_kind_name(l.kind) +
                                        " layer, got " + pair_text(l.output_padding));

  const Counter macs{"MACs", shape}, params{"parameters", shape};
  const std::int64_t kk = std::int64_t(k.h) * k.w;
  LayerCost c;
  c.out_c = cout;
  switch (l.kind) {
    case LayerKind::Standard:
    case LayerKind::Grouped:
    case LayerKind::Pointwise:
    case LayerKind::Depthwise: {
      int g = l.groups;
      if (l.kind == LayerKind::Standard && g != 1)
        fail(ErrorCode::InvalidGroups, "groups must be 1 for a standard convolution (use grouped), got " +
                                           std::to_string(g));
      if (l.kind == LayerKind::Depthwise) {
        if (cout % in_c != 0)
          fail(ErrorCode::ShapeMismatch, "out_channels of a depthwise convolution must be a multiple of the input "
                                         "channels " + std::to_string(in_c) + ", got " + std::to_string(cout));
        g = in_c;
      }
      check_groups(g, in_c, cout);
      c.out_h = conv_size(in_h, k.h, l.stride.h, l.padding.h, d.h, "height");
      c.out_w = conv_size(in_w, k.w, l.stride.w, l.padding.w, d.w, "width");
      c.macs = macs.mul({cout, c.out_h, c.out_w, in_c / g, kk});
      c.params = params.add(params.mul({cout, in_c / g, kk}), l.bias ? cout : 0);
      break;
    }
    case LayerKind::SpatiallySeparable: {
      check_groups(l.groups, in_c, cout);
      const int g = l.groups;
      c.out_h = conv_size(in_h, k.h, l.stride.h, l.padding.h, d.h, "height");
      c.out_w = conv_size(in_w, k.w, l.stride.w, l.padding.w, d.w, "width");
      // kh x 1 over the full width, then 1 x kw.
      c.macs = macs.add(macs.mul({cout, c.out_h, in_w, in_c / g, k.h}), macs.mul({cout, c.out_h, c.out_w, cout / g, k.w}));
      c.params = params.add(params.mul({cout, in_c / g, k.h}), params.mul({cout, cout / g, k.w}));
      if (l.bias) c.params = params.add(c.params, 2 * std::int64_t(cout));
      break;
    }
    case LayerKind::DepthwiseSeparable: {
      c.out_h = conv_size(in_h, k.h, l.stride.h, l.padding.h, d.h, "height");
      c.out_w = conv_size(in_w, k.w, l.stride.w, l.padding.w, d.w, "width");
      c.macs = macs.add(macs.mul({in_c, c.out_h, c.out_w, kk}), macs.mul({cout, c.out_h, c.out_w, in_c}));
      c.params = params.add(params.mul({in_c, kk}), params.mul({in_c, cout}));
      if (l.bias) c.params = params.add(c.params, std::int64_t(in_c) + cout);
      break;
    }
    case LayerKind::Transposed: {
      check_groups(l.groups, in_c, cout);
      c.out_h = conv_transpose_output_size(in_h, k.h, l.stride.h, l.padding.h, l.output_padding.h, d.h, "height");
      c.out_w = conv_transpose_output_size(in_w, k.w, l.stride.w, l.padding.w, l.output_padding.w, d.w, "width");
      c.macs = macs.mul({in_c, in_h, in_w, cout / l.groups, kk});
      c.params = params.add(params.mul({in_c, cout / l.groups, kk}), l.bias ? cout : 0);
      break;
    }
    case LayerKind::Pool: {
      c.out_c = in_c;
      c.out_h = pool_output_size(in_h, k.h, l.stride.h, l.padding.h, d.h, false, "height");
      c.out_w = pool_output_size(in_w, k.w, l.stride.w, l.padding.w, d.w, false, "width");
      c.macs = macs.mul({in_c, c.out_h, c.out_w, kk});
      c.params = 0;
      break;
    }
    default:
      fail(ErrorCode::InvalidArgument, "layer kind must be one of standard .. pool, got " + std::to_string(int(l.kind)));
  }
  return c;
}

}  // namespace convlab
