#include "erf.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>

#include "conv2d.h"
#include "error.h"
#include "geometry.h"

namespace convlab {

static std::string layer_prefix(std::size_t i) { return "layer " + std::to_string(i) + ": "; }

// Output size of every layer, with pool layers checked by PyTorch's max pool rules.
static std::vector<Pair> erf_layer_sizes(int height, int width, const std::vector<Layer>& layers) {
  check_layers(layers);
  std::vector<Pair> sizes;
  int h = height, w = width;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    try {
      if (l.type == Layer::Type::Pool) {
        h = pool_output_size(h, l.kernel.h, l.stride.h, l.padding.h, l.dilation.h, false, "height");
        w = pool_output_size(w, l.kernel.w, l.stride.w, l.padding.w, l.dilation.w, false, "width");
      } else {
        h = conv_output_size(h, l.kernel.h, l.stride.h, 2 * l.padding.h, l.dilation.h, "height");
        w = conv_output_size(w, l.kernel.w, l.stride.w, 2 * l.padding.w, l.dilation.w, "width");
      }
    } catch (const Error& e) {
      fail(e.code(), layer_prefix(i) + e.what());
    }
    sizes.push_back(Pair{h, w});
  }
  return sizes;
}

Pair erf_output_unit(int height, int width, const std::vector<Layer>& layers) {
  checked_count("input", {height, width});
  const std::vector<Pair> sizes = erf_layer_sizes(height, width, layers);
  const Pair out = sizes.empty() ? Pair{height, width} : sizes.back();
  return Pair{out.h / 2, out.w / 2};
}

// (r + 0.5) / 2^32: uniform on (0, 1) from one raw mt19937 output, identical on every platform.
static double unit_uniform(std::mt19937& rng) { return (double(rng()) + 0.5) * (1.0 / 4294967296.0); }

ErfNetwork erf_network(int channels, int height, int width, const std::vector<Layer>& layers,
                       const ErfOptions& options) {
  checked_count("input", {channels, height, width});
  if (options.weights != ErfOptions::Weights::Uniform && options.weights != ErfOptions::Weights::Random)
    fail(ErrorCode::InvalidArgument, "weights must be Uniform or Random, got " + std::to_string(int(options.weights)));
  ErfNetwork net;
  net.unit = erf_output_unit(height, width, layers);
  std::mt19937 rng(options.seed);
  net.input = Tensor(channels, height, width);
  for (float& v : net.input.data) v = float(std::floor(unit_uniform(rng) * 65536.0) / 65536.0);  // [0, 1)
  for (const Layer& l : layers) {
    if (l.type == Layer::Type::Pool) {
      net.weights.emplace_back();
      continue;
    }
    Weights wt(channels, channels, l.kernel.h, l.kernel.w, 1.0f);
    if (options.weights == ErfOptions::Weights::Random) {
      const double a = std::sqrt(3.0 / (double(channels) * l.kernel.h * l.kernel.w));
      for (float& v : wt.data) v = float(a * (2.0 * unit_uniform(rng) - 1.0));
    }
    net.weights.push_back(std::move(wt));
  }
  return net;
}

// Max pool forward; argmax[o] is the flat index into the input plane (first maximum in window
// order), or -1 if the window held only padding (impossible when padding <= kernel / 2).
static Tensor max_pool_forward(const Tensor& in, const Layer& l, Pair out_size, std::vector<int>& argmax) {
  Tensor out(in.c, out_size.h, out_size.w);
  argmax.assign(out.size(), -1);
  for (int c = 0; c < in.c; ++c)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox) {
        float best = -std::numeric_limits<float>::infinity();
        int best_index = -1;
        for (int ky = 0; ky < l.kernel.h; ++ky) {
          const int y = oy * l.stride.h - l.padding.h + ky * l.dilation.h;
          if (y < 0 || y >= in.h) continue;
          for (int kx = 0; kx < l.kernel.w; ++kx) {
            const int x = ox * l.stride.w - l.padding.w + kx * l.dilation.w;
            if (x < 0 || x >= in.w) continue;
            const float v = in.at(c, y, x);
            if (best_index < 0 || v > best) {
              best = v;
              best_index = y * in.w + x;
            }
          }
        }
        const std::size_t o = (std::size_t(c) * out.h + oy) * out.w + ox;
        out.data[o] = best_index < 0 ? 0.0f : best;
        argmax[o] = best_index;
      }
  return out;
}

// Input gradient of a zero-padded conv: every output gradient scattered back through its taps.
static Tensor conv_backward_input(const Tensor& grad_out, const Weights& wt, const Layer& l, int in_h, int in_w) {
  Tensor grad_in(wt.b, in_h, in_w);
  for (int oc = 0; oc < grad_out.c; ++oc) {
    const float* g = grad_out.plane(oc);
    for (int ic = 0; ic < wt.b; ++ic) {
      float* gi = grad_in.plane(ic);
      for (int ky = 0; ky < wt.kh; ++ky)
        for (int kx = 0; kx < wt.kw; ++kx) {
          const float w = wt.at(oc, ic, ky, kx);
          if (w == 0.0f) continue;
          const int dx = kx * l.dilation.w - l.padding.w;
          for (int oy = 0; oy < grad_out.h; ++oy) {
            const int y = oy * l.stride.h - l.padding.h + ky * l.dilation.h;
            if (y < 0 || y >= in_h) continue;
            const float* grow = g + std::size_t(oy) * grad_out.w;
            float* girow = gi + std::size_t(y) * in_w;
            for (int ox = 0; ox < grad_out.w; ++ox) {
              const float gv = grow[ox];
              if (gv == 0.0f) continue;  // the gradient is sparse near the seed unit
              const int x = ox * l.stride.w + dx;
              if (x >= 0 && x < in_w) girow[x] += gv * w;
            }
          }
        }
    }
  }
  return grad_in;
}

Tensor erf_gradient(const ErfNetwork& net, const std::vector<Layer>& layers, bool relu) {
  const Tensor& input = net.input;
  check_tensor("input", input);
  const std::vector<Pair> sizes = erf_layer_sizes(input.h, input.w, layers);
  if (net.weights.size() != layers.size())
    fail(ErrorCode::ShapeMismatch, "network must have one weight per layer (" + std::to_string(layers.size()) +
                                       "), got " + std::to_string(net.weights.size()));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    const Weights& wt = net.weights[i];
    if (l.type == Layer::Type::Conv &&
        (wt.a != input.c || wt.b != input.c || wt.kh != l.kernel.h || wt.kw != l.kernel.w))
      fail(ErrorCode::ShapeMismatch, layer_prefix(i) + "weight must be " + std::to_string(input.c) + "x" +
                                         std::to_string(input.c) + "x" + std::to_string(l.kernel.h) + "x" +
                                         std::to_string(l.kernel.w) + ", got " + std::to_string(wt.a) + "x" +
                                         std::to_string(wt.b) + "x" + std::to_string(wt.kh) + "x" +
                                         std::to_string(wt.kw));
  }

  // Forward, keeping what the backward pass needs: ReLU masks and max-pool argmaxes.
  std::vector<std::vector<char>> relu_mask(layers.size());
  std::vector<std::vector<int>> argmax(layers.size());
  std::vector<Pair> in_sizes;  // the input size of each layer
  Tensor x = input;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    in_sizes.push_back(Pair{x.h, x.w});
    if (l.type == Layer::Type::Pool) {
      x = max_pool_forward(x, l, sizes[i], argmax[i]);
      continue;
    }
    Conv2dParams p;
    p.stride = l.stride;
    p.dilation = l.dilation;
    p.padding = Pad4{l.padding.h, l.padding.h, l.padding.w, l.padding.w};
    x = conv2d(x, net.weights[i], p);
    if (relu && i + 1 < layers.size()) {
      relu_mask[i].resize(x.size());
      for (std::size_t j = 0; j < x.size(); ++j) {
        relu_mask[i][j] = x.data[j] > 0.0f;
        if (!relu_mask[i][j]) x.data[j] = 0.0f;
      }
    }
  }

  // Backward from a one-hot gradient at the unit.
  Tensor g(x.c, x.h, x.w);
  g.at(0, net.unit.h, net.unit.w) = 1.0f;
  for (std::size_t ii = layers.size(); ii-- > 0;) {
    const Layer& l = layers[ii];
    const Pair below = in_sizes[ii];
    if (l.type == Layer::Type::Pool) {
      Tensor gi(g.c, below.h, below.w);
      for (int c = 0; c < g.c; ++c)
        for (int o = 0; o < g.h * g.w; ++o) {
          const std::size_t flat = std::size_t(c) * g.h * g.w + o;
          if (argmax[ii][flat] >= 0) gi.plane(c)[argmax[ii][flat]] += g.data[flat];
        }
      g = std::move(gi);
      continue;
    }
    if (!relu_mask[ii].empty())
      for (std::size_t j = 0; j < g.size(); ++j)
        if (!relu_mask[ii][j]) g.data[j] = 0.0f;
    g = conv_backward_input(g, net.weights[ii], l, below.h, below.w);
  }
  return g;
}

Tensor effective_receptive_field(int channels, int height, int width, const std::vector<Layer>& layers,
                                 const ErfOptions& options) {
  return erf_gradient(erf_network(channels, height, width, layers, options), layers, options.relu);
}

double erf_mass_square_side(const Tensor& gradient, double centre_y, double centre_x, double fraction) {
  if (!(fraction > 0.0 && fraction <= 1.0))
    fail(ErrorCode::InvalidArgument, "fraction must be in (0, 1], got " + std::to_string(fraction));
  check_tensor("gradient", gradient);
  std::vector<std::pair<double, double>> by_distance;  // (Chebyshev distance, mass)
  by_distance.reserve(std::size_t(gradient.h) * gradient.w);
  double total = 0.0;
  for (int y = 0; y < gradient.h; ++y)
    for (int x = 0; x < gradient.w; ++x) {
      double m = 0.0;
      for (int c = 0; c < gradient.c; ++c) m += std::fabs(double(gradient.at(c, y, x)));
      if (m == 0.0) continue;
      total += m;
      by_distance.emplace_back(std::max(std::fabs(y - centre_y), std::fabs(x - centre_x)), m);
    }
  if (total == 0.0) return 0.0;
  std::sort(by_distance.begin(), by_distance.end());
  const double want = fraction * total * (1.0 - 1e-12);
  double sum = 0.0;
  for (std::size_t i = 0; i < by_distance.size(); ++i) {
    sum += by_distance[i].second;
    const bool last_at_distance = i + 1 == by_distance.size() || by_distance[i + 1].first != by_distance[i].first;
    if (last_at_distance && sum >= want) return 2.0 * by_distance[i].first + 1.0;
  }
  return 2.0 * by_distance.back().first + 1.0;
}

double erf_effective_size(const Tensor& gradient, const std::vector<Layer>& layers, double fraction) {
  const Pair unit = erf_output_unit(gradient.h, gradient.w, layers);
  double cy = unit.h, cx = unit.w;
  if (!layers.empty()) {
    const FieldInfo f = receptive_field(layers).back();
    cy = f.start_h + unit.h * double(f.jump.h);
    cx = f.start_w + unit.w * double(f.jump.w);
  }
  return erf_mass_square_side(gradient, cy, cx, fraction);
}

}  // namespace convlab
