#include "cost.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <cstdint>
#include <string>

#include "error.h"

namespace convlab {
namespace {

CostLayer layer(LayerKind kind, int out_channels, int k, int s = 1, int p = 0) {
  CostLayer l;
  l.kind = kind;
  l.out_channels = out_channels;
  l.kernel = {k, k};
  l.stride = {s, s};
  l.padding = {p, p};
  return l;
}

TEST(Cost, Standard3x3At112) {
  // 3x3, 32 -> 64 channels, 112x112, same padding: 64 * 112 * 112 * 32 * 9.
  const LayerCost c = cost(layer(LayerKind::Standard, 64, 3, 1, 1), 32, 112, 112);
  EXPECT_EQ(c.macs, 231211008);
  EXPECT_EQ(c.params, 18432);
  EXPECT_EQ(c.out_c, 64);
  EXPECT_EQ(c.out_h, 112);
  EXPECT_EQ(c.out_w, 112);
  CostLayer with_bias = layer(LayerKind::Standard, 64, 3, 1, 1);
  with_bias.bias = true;
  EXPECT_EQ(cost(with_bias, 32, 112, 112).params, 18496);
}

TEST(Cost, ResNet50Stem) {
  // 7x7 stride 2 padding 3, 3 -> 64, 224 -> 112: the well-known 118M MACs and 9408 weights.
  const LayerCost c = cost(layer(LayerKind::Standard, 64, 7, 2, 3), 3, 224, 224);
  EXPECT_EQ(c.macs, 118013952);
  EXPECT_EQ(c.params, 9408);
  EXPECT_EQ(c.out_h, 112);
}

TEST(Cost, AlexNetConv2Grouped) {
  // 5x5, 96 -> 256 in two groups, 27x27 padding 2: 224M MACs, 307,456 parameters with bias.
  CostLayer l = layer(LayerKind::Grouped, 256, 5, 1, 2);
  l.groups = 2;
  l.bias = true;
  const LayerCost c = cost(l, 96, 27, 27);
  EXPECT_EQ(c.macs, 223948800);
  EXPECT_EQ(c.params, 307456);
}

TEST(Cost, DepthwiseSeparableRatioIsOneOverCoutPlusOneOverK2) {
  const LayerCost dws = cost(layer(LayerKind::DepthwiseSeparable, 64, 3, 1, 1), 32, 112, 112);
  EXPECT_EQ(dws.macs, 3612672 + 25690112);  // MobileNet: depthwise 32*112*112*9 + pointwise 64*112*112*32
  EXPECT_EQ(dws.params, 32 * 9 + 32 * 64);
  const LayerCost std3 = cost(layer(LayerKind::Standard, 64, 3, 1, 1), 32, 112, 112);
  EXPECT_DOUBLE_EQ(double(dws.macs) / double(std3.macs), 1.0 / 64 + 1.0 / 9);
  EXPECT_DOUBLE_EQ(double(dws.params) / double(std3.params), 1.0 / 64 + 1.0 / 9);
  for (int cout : {8, 24, 128})
    for (int k : {3, 5, 7}) {
      const LayerCost a = cost(layer(LayerKind::DepthwiseSeparable, cout, k, 1, k / 2), 16, 20, 20);
      const LayerCost b = cost(layer(LayerKind::Standard, cout, k, 1, k / 2), 16, 20, 20);
      EXPECT_NEAR(double(a.macs) / double(b.macs), 1.0 / cout + 1.0 / (k * k), 1e-12) << "cout " << cout << " k " << k;
    }
}

TEST(Cost, DepthwisePointwiseSpatiallySeparableTransposedPool) {
  const LayerCost dw = cost(layer(LayerKind::Depthwise, 0, 3, 2, 1), 32, 112, 112);  // 0: multiplier 1
  EXPECT_EQ(dw.out_c, 32);
  EXPECT_EQ(dw.out_h, 56);
  EXPECT_EQ(dw.macs, 32LL * 56 * 56 * 9);
  EXPECT_EQ(dw.params, 32 * 9);
  EXPECT_EQ(cost(layer(LayerKind::Depthwise, 64, 3, 1, 1), 32, 8, 8).params, 64 * 9);  // multiplier 2

  CostLayer pw = layer(LayerKind::Pointwise, 64, 7);  // the kernel field is ignored
  const LayerCost p = cost(pw, 32, 56, 56);
  EXPECT_EQ(p.macs, 64LL * 56 * 56 * 32);
  EXPECT_EQ(p.params, 64 * 32);
  EXPECT_EQ(p.out_h, 56);

  // 3x1 then 1x3 with C -> C at same padding: 2/3 of a 3x3.
  const LayerCost ss = cost(layer(LayerKind::SpatiallySeparable, 16, 3, 1, 1), 16, 10, 10);
  const LayerCost full = cost(layer(LayerKind::Standard, 16, 3, 1, 1), 16, 10, 10);
  EXPECT_EQ(ss.macs * 3, full.macs * 2);
  EXPECT_EQ(ss.params * 3, full.params * 2);
  // 7x1 then 1x7, valid: the first conv keeps the full width.
  const LayerCost ss7 = cost(layer(LayerKind::SpatiallySeparable, 8, 7), 4, 17, 17);
  EXPECT_EQ(ss7.macs, 8LL * 11 * 17 * 4 * 7 + 8LL * 11 * 11 * 8 * 7);
  EXPECT_EQ(ss7.out_h, 11);

  CostLayer tr = layer(LayerKind::Transposed, 32, 4, 2, 1);  // the usual 2x upsampling
  const LayerCost t = cost(tr, 64, 16, 16);
  EXPECT_EQ(t.out_h, 32);
  EXPECT_EQ(t.macs, 64LL * 16 * 16 * 32 * 16);
  EXPECT_EQ(t.params, 64 * 32 * 16);

  const LayerCost pool = cost(layer(LayerKind::Pool, 0, 3, 2, 1), 64, 112, 112);  // ResNet's max pool
  EXPECT_EQ(pool.out_c, 64);
  EXPECT_EQ(pool.out_h, 56);
  EXPECT_EQ(pool.macs, 64LL * 56 * 56 * 9);
  EXPECT_EQ(pool.params, 0);
}

// Naive counting: walk every output position and kernel tap of a (grouped) conv and count.
struct Count {
  std::int64_t macs = 0, params = 0;
  int c = 0, h = 0, w = 0;
};

Count naive_conv(int cin, int h, int w, int cout, Pair k, Pair s, Pair p, Pair d, int groups, bool bias) {
  Count n;
  n.c = cout;
  // Output positions: windows whose last tap stays inside the padded input.
  for (int oy = 0; oy * s.h + (k.h - 1) * d.h < h + 2 * p.h; ++oy) n.h = oy + 1;
  for (int ox = 0; ox * s.w + (k.w - 1) * d.w < w + 2 * p.w; ++ox) n.w = ox + 1;
  for (int oc = 0; oc < cout; ++oc)
    for (int oy = 0; oy < n.h; ++oy)
      for (int ox = 0; ox < n.w; ++ox)
        for (int ic = 0; ic < cin; ++ic) {
          if (ic / (cin / groups) != oc / (cout / groups)) continue;  // not in this output's group
          for (int ky = 0; ky < k.h; ++ky)
            for (int kx = 0; kx < k.w; ++kx) ++n.macs;
        }
  for (int oc = 0; oc < cout; ++oc)
    for (int ic = 0; ic < cin; ++ic)
      if (ic / (cin / groups) == oc / (cout / groups)) n.params += std::int64_t(k.h) * k.w;
  if (bias) n.params += cout;
  return n;
}

Count naive_transposed(int cin, int h, int w, int cout, Pair k, Pair s, Pair p, Pair op, Pair d, int groups) {
  Count n;
  n.c = cout;
  int max_y = 0, max_x = 0;
  for (int ic = 0; ic < cin; ++ic)
    for (int iy = 0; iy < h; ++iy)
      for (int ix = 0; ix < w; ++ix)
        for (int oc = 0; oc < cout; ++oc) {
          if (ic / (cin / groups) != oc / (cout / groups)) continue;
          for (int ky = 0; ky < k.h; ++ky)
            for (int kx = 0; kx < k.w; ++kx) {
              ++n.macs;
              max_y = std::max(max_y, iy * s.h + ky * d.h);
              max_x = std::max(max_x, ix * s.w + kx * d.w);
            }
        }
  n.h = max_y + 1 + op.h - 2 * p.h;  // full scatter, plus output padding, cropped by padding each side
  n.w = max_x + 1 + op.w - 2 * p.w;
  n.params = std::int64_t(cin) * (cout / groups) * k.h * k.w;
  return n;
}

void expect_count(const LayerCost& got, const Count& want, const std::string& what) {
  EXPECT_EQ(got.macs, want.macs) << what;
  EXPECT_EQ(got.params, want.params) << what;
  EXPECT_EQ(got.out_c, want.c) << what;
  EXPECT_EQ(got.out_h, want.h) << what;
  EXPECT_EQ(got.out_w, want.w) << what;
}

TEST(Cost, MatchesNaiveCountsOnTinyShapes) {
  int checked = 0;
  for (int cin : {1, 2, 4})
    for (int cout : {2, 4})
      for (int h = 3; h <= 7; h += 2)
        for (int k : {1, 2, 3})
          for (int s : {1, 2})
            for (int p : {0, 1})
              for (int d : {1, 2}) {
                const int w = h + 1;
                if (h + 2 * p < (k - 1) * d + 1 || w + 2 * p < k * d + 1) continue;  // kernel k x (k + 1)
                const std::string what = "cin " + std::to_string(cin) + " cout " + std::to_string(cout) + " h " +
                                         std::to_string(h) + " k " + std::to_string(k) + " s " + std::to_string(s) +
                                         " p " + std::to_string(p) + " d " + std::to_string(d);
                CostLayer l = layer(LayerKind::Standard, cout, k, s, p);
                l.dilation = {d, d};
                l.kernel.w = k + 1;
                const Pair kk{k, k + 1}, ss{s, s}, pp{p, p}, dd{d, d};
                l.bias = true;
                expect_count(cost(l, cin, h, w), naive_conv(cin, h, w, cout, kk, ss, pp, dd, 1, true), "standard " + what);
                l.bias = false;
                l.kind = LayerKind::Grouped;
                l.groups = 2;
                if (cin % 2 == 0)
                  expect_count(cost(l, cin, h, w), naive_conv(cin, h, w, cout, kk, ss, pp, dd, 2, false), "grouped " + what);
                l.groups = 1;
                l.kind = LayerKind::Depthwise;
                if (cout % cin == 0)
                  expect_count(cost(l, cin, h, w), naive_conv(cin, h, w, cout, kk, ss, pp, dd, cin, false), "depthwise " + what);
                l.kind = LayerKind::Pointwise;
                expect_count(cost(l, cin, h, w), naive_conv(cin, h, w, cout, {1, 1}, ss, pp, {1, 1}, 1, false), "pointwise " + what);
                l.kind = LayerKind::DepthwiseSeparable;
                {
                  const Count a = naive_conv(cin, h, w, cin, kk, ss, pp, dd, cin, false);
                  const Count b = naive_conv(cin, a.h, a.w, cout, {1, 1}, {1, 1}, {0, 0}, {1, 1}, 1, false);
                  expect_count(cost(l, cin, h, w), Count{a.macs + b.macs, a.params + b.params, b.c, b.h, b.w},
                               "depthwise separable " + what);
                }
                l.kind = LayerKind::SpatiallySeparable;
                {
                  const Count a = naive_conv(cin, h, w, cout, {k, 1}, {s, 1}, {p, 0}, {d, 1}, 1, false);
                  const Count b = naive_conv(cout, a.h, a.w, cout, {1, k + 1}, {1, s}, {0, p}, {1, d}, 1, false);
                  expect_count(cost(l, cin, h, w), Count{a.macs + b.macs, a.params + b.params, b.c, b.h, b.w},
                               "spatially separable " + what);
                }
                l.kind = LayerKind::Transposed;
                for (int op = 0; op < std::max(s, d); ++op) {
                  l.output_padding = {op, op};
                  const Count t = naive_transposed(cin, h, w, cout, kk, ss, pp, {op, op}, dd, 1);
                  if (t.h < 1 || t.w < 1) continue;
                  expect_count(cost(l, cin, h, w), t, "transposed op " + std::to_string(op) + " " + what);
                }
                l.output_padding = {0, 0};
                l.kind = LayerKind::Pool;
                if (2 * p <= k) {
                  l.kernel = {k, k};
                  Count pool = naive_conv(cin, h, w, cin, {k, k}, ss, pp, dd, cin, false);
                  pool.params = 0;
                  expect_count(cost(l, cin, h, w), pool, "pool " + what);
                }
                ++checked;
              }
  EXPECT_GT(checked, 300);
}

TEST(Cost, OverflowIsANamedError) {
  // 2^16 channels in and out, 2^15 x 2^15, 7x7: about 2^78 MACs.
  expect_error([] { cost(layer(LayerKind::Standard, 1 << 16, 7, 1, 3), 1 << 16, 1 << 15, 1 << 15); },
               ErrorCode::TooLarge, "MACs overflow a 64-bit integer for input 65536x32768x32768");
  // Transposed: 2^20 * 2^16 * 2^16 * 2^20 MACs. (Weights never overflow first: MACs = weights *
  // output or input positions >= weights.)
  expect_error([] { cost(layer(LayerKind::Transposed, 1 << 20, 1), 1 << 20, 1 << 16, 1 << 16); }, ErrorCode::TooLarge,
               "MACs overflow a 64-bit integer for input 1048576x65536x65536");
  // 2^30 x 2^30 pointwise on one pixel: 2^60 MACs is still representable.
  EXPECT_EQ(cost(layer(LayerKind::Pointwise, 1 << 30, 1), 1 << 30, 1, 1).macs, std::int64_t(1) << 60);
  // Large but representable: no error, and no Tensor is allocated.
  EXPECT_EQ(cost(layer(LayerKind::Standard, 4096, 3, 1, 1), 4096, 1024, 1024).macs, 4096LL * 4096 * 1024 * 1024 * 9);
}

TEST(Cost, NamedErrors) {
  expect_error([] { cost(layer(LayerKind::Standard, 8, 3), 0, 8, 8); }, ErrorCode::InvalidShape,
               "input dimensions must be >= 1, got 0x8x8");
  expect_error([] { cost(layer(LayerKind::Standard, -1, 3), 4, 8, 8); }, ErrorCode::InvalidShape,
               "out_channels must be >= 0 (0: same as input), got -1");
  expect_error([] { cost(layer(LayerKind::Standard, 8, 0), 4, 8, 8); }, ErrorCode::InvalidKernel,
               "kernel must be >= 1, got 0x0");
  expect_error([] { cost(layer(LayerKind::Standard, 8, 3, 0), 4, 8, 8); }, ErrorCode::InvalidStride,
               "stride must be >= 1, got 0x0");
  expect_error([] { cost(layer(LayerKind::Standard, 8, 3, 1, -1), 4, 8, 8); }, ErrorCode::InvalidPadding,
               "padding must be >= 0, got -1x-1");
  CostLayer g = layer(LayerKind::Standard, 8, 3);
  g.groups = 2;
  expect_error([&] { cost(g, 4, 8, 8); }, ErrorCode::InvalidGroups,
               "groups must be 1 for a standard convolution (use grouped), got 2");
  g.kind = LayerKind::Grouped;
  g.groups = 3;
  expect_error([&] { cost(g, 6, 8, 8); }, ErrorCode::InvalidGroups, "groups must divide the output channels 8, got 3");
  expect_error([&] { cost(g, 4, 8, 8); }, ErrorCode::InvalidGroups, "groups must divide the input channels 4, got 3");
  expect_error([] { cost(layer(LayerKind::Depthwise, 6, 3), 4, 8, 8); }, ErrorCode::ShapeMismatch,
               "out_channels of a depthwise convolution must be a multiple of the input channels 4, got 6");
  expect_error([] { cost(layer(LayerKind::Standard, 8, 5), 4, 3, 8); }, ErrorCode::KernelTooLarge,
               "kernel height 5 (dilated span 5) must fit the padded input height 3, got output height < 1");
  CostLayer op = layer(LayerKind::Standard, 8, 3);
  op.output_padding = {1, 0};
  expect_error([&] { cost(op, 4, 8, 8); }, ErrorCode::InvalidPadding,
               "output padding must be 0x0 for a standard layer, got 1x0");
  op.kind = LayerKind::Transposed;
  expect_error([&] { cost(op, 4, 8, 8); }, ErrorCode::InvalidPadding,
               "output padding height must be >= 0 and smaller than stride or dilation, got 1");
  expect_error([] { cost(layer(LayerKind::Pool, 0, 2, 2, 2), 4, 8, 8); }, ErrorCode::InvalidPadding,
               "padding height must be between 0 and half the kernel (1), got 2");
}

}  // namespace
}  // namespace convlab
