// Effective receptive field (Luo et al., "Understanding the Effective Receptive Field in Deep
// CNNs", 2016): the gradient of one output unit with respect to the input image, found by running
// the layers forward (core conv2d, max pooling) and back-propagating by hand. Where the theoretical
// field (receptive_field.h) says which pixels can matter, the ERF says how much each one does:
// a roughly Gaussian bump much smaller than the theoretical square.
//
// The network: conv layers map C -> C channels (groups 1, zero padding per the layer, no bias);
// pool layers are max pools (padding reads -infinity, as PyTorch; padding must be <= kernel / 2).
// With relu, a ReLU follows every conv layer except the last layer of the stack, whose unit is the
// one differentiated (so a negative seed unit cannot blank the whole map).
#pragma once
#include <cstdint>
#include <vector>

#include "receptive_field.h"
#include "tensor.h"

namespace convlab {

struct ErfOptions {
  // Uniform: every conv weight is 1 (then for one channel the gradient counts paths: two 3x3
  // layers sum to 81 over a 5x5 support). Random: each weight uniform on [-a, a] with
  // a = sqrt(3 / fan_in), fan_in = C * kh * kw (standard deviation 1 / sqrt(fan_in)).
  enum class Weights { Uniform, Random } weights = Weights::Uniform;
  // Seeds the std::mt19937 that draws the input image (uniform on [0, 1) in steps of 1/65536,
  // C*H*W values in row-major order) and then the Random weights (layer by layer, in
  // [Cout][Cin][kh][kw] order). Values use the raw 32-bit outputs, not std:: distributions, so
  // every standard library gives the same network.
  std::uint32_t seed = 1;
  bool relu = false;
};

// The forward network effective_receptive_field runs, exposed so tests and the UI can rerun it.
struct ErfNetwork {
  Tensor input;                   // [C, H, W]
  std::vector<Weights> weights;   // one per layer: [C, C, kh, kw] for conv, empty (a == 0) for pool
  Pair unit;                      // the differentiated unit of the last layer, channel 0
};

// The unit whose gradient is taken: the centre (out_h / 2, out_w / 2) of the last layer's output,
// or (height / 2, width / 2) for an empty stack. Throws naming the layer whose output is empty.
Pair erf_output_unit(int height, int width, const std::vector<Layer>& layers);

ErfNetwork erf_network(int channels, int height, int width, const std::vector<Layer>& layers,
                       const ErfOptions& options);

// d unit / d input, [C, H, W], for a given network (its weights must match the layers).
Tensor erf_gradient(const ErfNetwork& network, const std::vector<Layer>& layers, bool relu);

// erf_gradient(erf_network(...), layers, options.relu).
Tensor effective_receptive_field(int channels, int height, int width, const std::vector<Layer>& layers,
                                 const ErfOptions& options);

// The side, in pixels, of the smallest square centred on (centre_y, centre_x) that holds at
// least `fraction` of the gradient's absolute mass (summed over channels). Squares grow by
// Chebyshev distance from the centre: side = 2 * max(|y - cy|, |x - cx|) + 1, so a half-pixel
// centre gives even sides. Returns 0 for an all-zero gradient. fraction must be in (0, 1].
double erf_mass_square_side(const Tensor& gradient, double centre_y, double centre_x, double fraction = 0.95);

// erf_mass_square_side centred on the theoretical field centre of erf_output_unit (start + unit *
// jump), for a gradient from effective_receptive_field. For "ERF size / theoretical size vs depth",
// divide by receptive_field(layers).back().size.
double erf_effective_size(const Tensor& gradient, const std::vector<Layer>& layers, double fraction = 0.95);

}  // namespace convlab
