#include "erf.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "error.h"
#include "receptive_field.h"

namespace convlab {
namespace {

Layer conv(int k, int s = 1, int p = 0, int d = 1) {
  Layer l;
  l.kernel = {k, k};
  l.stride = {s, s};
  l.padding = {p, p};
  l.dilation = {d, d};
  return l;
}

Layer pool(int k, int s, int p = 0) {
  Layer l = conv(k, s, p);
  l.type = Layer::Type::Pool;
  return l;
}

ErfOptions random_options(std::uint32_t seed, bool relu) {
  ErfOptions o;
  o.weights = ErfOptions::Weights::Random;
  o.seed = seed;
  o.relu = relu;
  return o;
}

double sum(const Tensor& t) {
  double s = 0.0;
  for (float v : t.data) s += v;
  return s;
}

// Bounding box of the nonzero gradient (over channels), half-open; empty if all zero.
Rect support(const Tensor& g) {
  Rect r{g.h, g.w, 0, 0};
  for (int c = 0; c < g.c; ++c)
    for (int y = 0; y < g.h; ++y)
      for (int x = 0; x < g.w; ++x)
        if (g.at(c, y, x) != 0.0f) {
          r.y0 = std::min(r.y0, y);
          r.x0 = std::min(r.x0, x);
          r.y1 = std::max(r.y1, y + 1);
          r.x1 = std::max(r.x1, x + 1);
        }
  return rect_empty(r) ? Rect{0, 0, 0, 0} : r;
}

TEST(Erf, UniformTwo3x3LayersCountPaths) {
  const std::vector<Layer> layers{conv(3), conv(3)};
  const Tensor g = effective_receptive_field(1, 9, 9, layers, ErfOptions{});
  EXPECT_DOUBLE_EQ(sum(g), 81.0);  // 9 * 9 paths from the unit down to the input
  const Pair unit = erf_output_unit(9, 9, layers);
  EXPECT_EQ(unit, (Pair{2, 2}));   // 5x5 output
  EXPECT_EQ(support(g), (Rect{2, 2, 7, 7}));
  EXPECT_EQ(support(g), input_rect(layers, 1, unit.h, unit.w));
  // The count of paths is the outer product of 1 2 3 2 1 with itself.
  const int tri[5] = {1, 2, 3, 2, 1};
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 5; ++x) EXPECT_EQ(g.at(0, 2 + y, 2 + x), tri[y] * tri[x]) << "at y=" << y << " x=" << x;
}

TEST(Erf, UniformWithReluOnPositiveImageIsUnchanged) {
  // All weights 1 and an image in [0, 1): every pre-activation is >= 0, so ReLU passes everything.
  const std::vector<Layer> layers{conv(3, 1, 1), conv(3, 1, 1), conv(3, 1, 1)};
  ErfOptions relu;
  relu.relu = true;
  const Tensor a = effective_receptive_field(2, 11, 11, layers, ErfOptions{});
  const Tensor b = effective_receptive_field(2, 11, 11, layers, relu);
  EXPECT_EQ(a.data, b.data);
  // Two channels: each of the 2 input channels feeds every layer's 2 channels: 2^3 * 3^6 paths.
  EXPECT_DOUBLE_EQ(sum(a), 8.0 * 729.0);
}

TEST(Erf, MaxPoolRoutesToTheFirstMaximum) {
  // A 2x2 max pool with stride 2 on a 1-channel image passes the gradient to one pixel.
  const std::vector<Layer> layers{pool(2, 2)};
  const ErfNetwork net = erf_network(1, 4, 4, layers, ErfOptions{});
  const Tensor g = erf_gradient(net, layers, false);
  EXPECT_EQ(net.unit, (Pair{1, 1}));
  int best_y = 2, best_x = 2;
  for (int y = 2; y < 4; ++y)
    for (int x = 2; x < 4; ++x)
      if (net.input.at(0, y, x) > net.input.at(0, best_y, best_x)) best_y = y, best_x = x;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x)
      EXPECT_EQ(g.at(0, y, x), (y == best_y && x == best_x) ? 1.0f : 0.0f) << "at y=" << y << " x=" << x;
  // Ties: a constant image sends everything to the window's first (top-left) pixel.
  ErfNetwork flat = net;
  for (float& v : flat.input.data) v = 0.5f;
  const Tensor gf = erf_gradient(flat, layers, false);
  EXPECT_EQ(gf.at(0, 2, 2), 1.0f);
  EXPECT_DOUBLE_EQ(sum(gf), 1.0);
}

TEST(Erf, SupportLiesInsideTheTheoreticalFieldOnRandomStacks) {
  std::mt19937 rng(11);
  int checked = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int h = 6 + int(rng() % 10), w = 6 + int(rng() % 10), c = 1 + int(rng() % 2);
    std::vector<Layer> layers;
    for (int i = 0, n = 1 + int(rng() % 4); i < n; ++i) {
      if (rng() % 3 == 0) {
        const int k = 2 + int(rng() % 2);
        layers.push_back(pool(k, 1 + int(rng() % 2), int(rng() % 2)));
      } else {
        Layer l = conv(1 + int(rng() % 3), 1 + int(rng() % 2), int(rng() % 2), 1 + int(rng() % 2));
        l.kernel.w = 1 + int(rng() % 3);
        layers.push_back(l);
      }
    }
    Tensor g;
    try {
      g = effective_receptive_field(c, h, w, layers, random_options(rng(), rng() % 2 == 0));
    } catch (const Error&) {
      continue;  // the stack does not fit this input
    }
    const Pair unit = erf_output_unit(h, w, layers);
    const Rect field = input_rect_clipped(layers, int(layers.size()) - 1, unit.h, unit.w, h, w);
    const Rect s = support(g);
    if (rect_empty(s)) continue;
    EXPECT_GE(s.y0, field.y0) << "trial " << trial;
    EXPECT_GE(s.x0, field.x0) << "trial " << trial;
    EXPECT_LE(s.y1, field.y1) << "trial " << trial;
    EXPECT_LE(s.x1, field.x1) << "trial " << trial;
    ++checked;
  }
  EXPECT_GT(checked, 30);
}

// Double-precision forward of the same network, written naively for the finite differences.
double forward_unit(const std::vector<double>& input, const ErfNetwork& net, const std::vector<Layer>& layers,
                    bool relu) {
  int c = net.input.c, h = net.input.h, w = net.input.w;
  std::vector<double> x = input;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    const int oh = (h + 2 * l.padding.h - (l.kernel.h - 1) * l.dilation.h - 1) / l.stride.h + 1;
    const int ow = (w + 2 * l.padding.w - (l.kernel.w - 1) * l.dilation.w - 1) / l.stride.w + 1;
    std::vector<double> y(std::size_t(c) * oh * ow, 0.0);
    for (int oc = 0; oc < c; ++oc)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          double acc = l.type == Layer::Type::Pool ? -std::numeric_limits<double>::infinity() : 0.0;
          for (int ic = 0; ic < c; ++ic) {
            if (l.type == Layer::Type::Pool && ic != oc) continue;
            for (int ky = 0; ky < l.kernel.h; ++ky)
              for (int kx = 0; kx < l.kernel.w; ++kx) {
                const int iy = oy * l.stride.h - l.padding.h + ky * l.dilation.h;
                const int ix = ox * l.stride.w - l.padding.w + kx * l.dilation.w;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const double v = x[(std::size_t(ic) * h + iy) * w + ix];
                if (l.type == Layer::Type::Pool)
                  acc = std::max(acc, v);
                else
                  acc += double(net.weights[i].at(oc, ic, ky, kx)) * v;
              }
          }
          if (relu && l.type == Layer::Type::Conv && i + 1 < layers.size()) acc = std::max(acc, 0.0);
          y[(std::size_t(oc) * oh + oy) * ow + ox] = acc;
        }
    x = y;
    h = oh;
    w = ow;
  }
  return x[std::size_t(net.unit.h) * w + net.unit.w];  // channel 0
}

TEST(Erf, MatchesFiniteDifferencesWithReluAndPooling) {
  std::vector<Layer> layers{conv(3, 1, 1), pool(2, 2), conv(3, 1, 1, 2)};
  layers[2].kernel.w = 2;
  const ErfOptions o = random_options(3, true);
  const ErfNetwork net = erf_network(2, 10, 9, layers, o);
  const Tensor g = erf_gradient(net, layers, true);
  std::vector<double> x(net.input.data.begin(), net.input.data.end());
  const double eps = 1e-6;
  int nonzero = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> plus = x, minus = x;
    plus[i] += eps;
    minus[i] -= eps;
    const double fd = (forward_unit(plus, net, layers, true) - forward_unit(minus, net, layers, true)) / (2 * eps);
    EXPECT_NEAR(g.data[i], fd, 1e-5) << "at flat index " << i;
    if (g.data[i] != 0.0f) ++nonzero;
  }
  EXPECT_GT(nonzero, 10);
  // ReLU matters here: without it the gradient differs.
  EXPECT_NE(erf_gradient(net, layers, false).data, g.data);
}

TEST(Erf, MatchesPyTorchAutograd) {
  // Checked by hand against torch 1.13 autograd in float64 (2 channels, 9x10, seed 5, relu):
  //   h = relu(conv2d(x, W0, padding=1)); h = max_pool2d(h, 3, 2, 1)
  //   y = conv2d(h, W2, stride=(1,2), padding=(0,1), dilation=(2,1)); y[0,0,1,1].backward()
  // with x, W0, W2 printed from erf_network. Max |difference| over the map was 3.2e-8.
  std::vector<Layer> layers(3);
  layers[0].kernel = {3, 3};
  layers[0].padding = {1, 1};
  layers[1] = pool(3, 2, 1);
  layers[2].kernel = {2, 3};
  layers[2].stride = {1, 2};
  layers[2].padding = {0, 1};
  layers[2].dilation = {2, 1};
  const Tensor g = effective_receptive_field(2, 9, 10, layers, random_options(5, true));
  double total = 0.0, abs_total = 0.0;
  int nonzero = 0;
  for (float v : g.data) {
    total += v;
    abs_total += std::fabs(v);
    nonzero += v != 0.0f;
  }
  EXPECT_NEAR(total, 0.11235618275794436, 1e-6);
  EXPECT_NEAR(abs_total, 9.586852520264749, 1e-6);
  EXPECT_EQ(nonzero, 126);
  EXPECT_NEAR(g.at(0, 0, 0), -0.0288386054983009, 1e-7);
  EXPECT_NEAR(g.at(0, 0, 2), 0.3644629449829518, 1e-7);
  EXPECT_NEAR(g.at(0, 0, 4), -0.24902706406092345, 1e-7);
}

TEST(Erf, DeepSameStackOn256IsExactAndFast) {
  // 8 same-padded 3x3 layers, all weights 1: 3^16 paths over a 17x17 support.
  const std::vector<Layer> layers(8, conv(3, 1, 1));
  const auto t0 = std::chrono::steady_clock::now();
  const Tensor g = effective_receptive_field(1, 256, 256, layers, ErfOptions{});
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_DOUBLE_EQ(sum(g), 43046721.0);
  EXPECT_EQ(support(g), (Rect{120, 120, 137, 137}));
  EXPECT_DOUBLE_EQ(erf_effective_size(g, layers, 1.0), 17.0);
  RecordProperty("milliseconds", std::to_string(ms));
  std::printf("ERF 256x256, 8 layers of 3x3: %.1f ms\n", ms);
  const Tensor r = effective_receptive_field(1, 256, 256, layers, random_options(1, true));
  EXPECT_LE(erf_effective_size(r, layers), 17.0);
}

TEST(Erf, MassSquareSide) {
  Tensor t(1, 9, 9);
  t.at(0, 4, 4) = 1.0f;
  EXPECT_DOUBLE_EQ(erf_mass_square_side(t, 4, 4), 1.0);
  EXPECT_DOUBLE_EQ(erf_mass_square_side(t, 4, 5), 3.0);  // off-centre by one: a 3x3 square is needed
  // Mass 1 at the centre, 0.2 at each of the 8 neighbours (1.6) and 0.1 at distance 3:
  t.at(0, 3, 3) = t.at(0, 3, 4) = t.at(0, 3, 5) = t.at(0, 4, 3) = 0.2f;
  t.at(0, 4, 5) = t.at(0, 5, 3) = t.at(0, 5, 4) = t.at(0, 5, 5) = -0.2f;  // signs do not matter
  t.at(0, 7, 1) = 0.1f;
  EXPECT_DOUBLE_EQ(erf_mass_square_side(t, 4, 4, 0.95), 3.0);  // 2.6 / 2.7 = 96%
  EXPECT_DOUBLE_EQ(erf_mass_square_side(t, 4, 4, 0.97), 7.0);
  EXPECT_DOUBLE_EQ(erf_mass_square_side(t, 4, 4, 0.3), 1.0);
  // A half-pixel centre gives even sides: 2x2 block centred at (1.5, 1.5).
  Tensor e(2, 4, 4);
  e.at(0, 1, 1) = e.at(1, 2, 2) = e.at(0, 1, 2) = e.at(1, 2, 1) = 1.0f;
  EXPECT_DOUBLE_EQ(erf_mass_square_side(e, 1.5, 1.5), 2.0);
  EXPECT_DOUBLE_EQ(erf_mass_square_side(Tensor(1, 3, 3), 1, 1), 0.0);
}

TEST(Erf, EffectiveSizeGrowsSlowerThanTheTheoreticalField) {
  // Luo et al.: with uniform weights the ERF is a Gaussian whose width grows like sqrt(depth),
  // while the theoretical field grows like depth, so the ratio falls.
  double last_ratio = 2.0;
  for (int depth : {2, 4, 8, 16}) {
    const std::vector<Layer> layers(std::size_t(depth), conv(3, 1, 1));
    const Tensor g = effective_receptive_field(1, 64, 64, layers, ErfOptions{});
    const double ratio = erf_effective_size(g, layers) / receptive_field(layers).back().size.h;
    EXPECT_LT(ratio, last_ratio) << "depth " << depth;
    EXPECT_GT(ratio, 0.0);
    last_ratio = ratio;
  }
  EXPECT_LT(last_ratio, 0.5);
}

TEST(Erf, NamedErrors) {
  expect_error([] { effective_receptive_field(0, 8, 8, {conv(3)}, ErfOptions{}); }, ErrorCode::InvalidShape,
               "input dimensions must be >= 1, got 0x8x8");
  Layer bad = conv(3);
  bad.stride = {1, 0};
  expect_error([&] { effective_receptive_field(1, 8, 8, {conv(3), bad}, ErfOptions{}); }, ErrorCode::InvalidStride,
               "layer 1: stride must be >= 1, got 1x0");
  expect_error([] { effective_receptive_field(1, 4, 4, {conv(3), conv(3)}, ErfOptions{}); },
               ErrorCode::KernelTooLarge,
               "layer 1: kernel height 3 (dilated span 3) must fit the padded input height 2, got output height < 1");
  expect_error([] { effective_receptive_field(1, 8, 8, {pool(2, 2, 2)}, ErfOptions{}); }, ErrorCode::InvalidPadding,
               "layer 0: padding height must be between 0 and half the kernel (1), got 2");
  ErfNetwork net = erf_network(1, 8, 8, {conv(3)}, ErfOptions{});
  net.weights[0] = Weights(1, 1, 5, 5);
  expect_error([&] { erf_gradient(net, {conv(3)}, false); }, ErrorCode::ShapeMismatch,
               "layer 0: weight must be 1x1x3x3, got 1x1x5x5");
  expect_error([] { erf_mass_square_side(Tensor(1, 2, 2), 0, 0, 1.5); }, ErrorCode::InvalidArgument,
               "fraction must be in (0, 1], got 1.500000");
}

}  // namespace
}  // namespace convlab
