// Named kernel presets for the playground, plus flip / transpose / normalise.
//
// All kernels are written for cross-correlation, as conv2d applies them (deep learning's
// "convolution", OpenCV's filter2D): output(y, x) = sum K(i, j) * input(y + i - cy, x + j - cx).
// A true (mathematical) convolution with K is a correlation with flip(K).
//
// Axes: y runs down the rows, x along the columns. A kernel that differentiates along x
// (sobel_x, prewitt_x) responds to VERTICAL edges; one that differentiates along y (sobel_y,
// prewitt_y) responds to HORIZONTAL edges. Derivatives are positive where the intensity increases
// towards +x (right) or +y (down), as OpenCV's Sobel.
#pragma once
#include <string>
#include <vector>

#include "tensor.h"

namespace convlab {

// k x k with a single 1 at ((k - 1) / 2, (k - 1) / 2): for odd k the centre; for even k the tap
// that same_padding() (extra pixel bottom/right) lines up with the input pixel. k >= 1.
Kernel2D identity(int k = 3);

// k x k box blur, every value 1 / (k * k). k >= 1.
Kernel2D mean_blur(int k = 3);

// OpenCV's 1-D Gaussian: g[i] = exp(-(i - (k - 1) / 2)^2 / (2 sigma^2)), normalised to sum 1, with
// sigma <= 0 meaning OpenCV's default 0.3 * ((k - 1) * 0.5 - 1) + 0.8. Computed in double.
// This is exactly cv::getGaussianKernel for odd k with sigma > 0 and for sigma <= 0 with k = 1 or
// k >= 11. (OpenCV itself returns fixed binomial tables, e.g. [1/4 1/2 1/4], for k = 3, 5, 7 with
// sigma <= 0, fixed-point values for k = 9, and a different rule for even k; we always use the
// formula above.) k >= 1; sigma must be finite.
std::vector<double> gaussian_1d(int k, double sigma = 0);
// The k x k Gaussian: outer product of gaussian_1d with itself (sums to 1 up to float rounding).
Kernel2D gaussian(int k = 3, float sigma = 0);

// [[0 -1 0] [-1 5 -1] [0 -1 0]]: identity + 4-neighbour edge boost, sum 1.
Kernel2D sharpen();

// Sobel of odd size 3..31, OpenCV's getDerivKernels: smoothing = binomial row of size k
// (1 2 1; 1 4 6 4 1; ...), derivative = binomial of size k - 2 convolved with (-1 0 1)
// (-1 0 1; -1 -2 0 2 1; ...).
//   sobel_x(3) = [[-1 0 1] [-2 0 2] [-1 0 1]]  d/dx: finds vertical edges
//   sobel_y(3) = [[-1 -2 -1] [0 0 0] [1 2 1]]  d/dy: finds horizontal edges (= transpose of sobel_x)
Kernel2D sobel_x(int k = 3);
Kernel2D sobel_y(int k = 3);

// Prewitt 3x3: prewitt_x = [[-1 0 1] x 3 rows] (vertical edges), prewitt_y = its transpose (horizontal edges).
Kernel2D prewitt_x();
Kernel2D prewitt_y();

// Laplacian 3x3: 4-neighbour [[0 1 0] [1 -4 1] [0 1 0]] or 8-neighbour [[1 1 1] [1 -8 1] [1 1 1]]. Sum 0.
Kernel2D laplacian(int neighbours = 4);

// Outline (edge detector on a black background): [[-1 -1 -1] [-1 8 -1] [-1 -1 -1]] (= -laplacian(8)). Sum 0.
Kernel2D outline();

// Emboss, 3x3. Each direction d contributes a part P_d with -1 along the named side and +1 along the
// opposite side; the kernel is the centre 1 plus the parts of the chosen directions:
//   P_top    = [[-1 -1 -1] [0 0 0] [1 1 1]]      P_bottom = flip(P_top)  = -P_top
//   P_left   = transpose(P_top) = [[-1 0 1] x 3] P_right  = flip(P_left) = -P_left
//   emboss(Top)        = [[-1 -1 -1] [0 1 0] [1 1 1]]
//   emboss(Top | Left) = [[-2 -1 0] [-1 1 1] [0 1 2]]   (the common "emboss" kernel)
// So emboss(Bottom) = flip(emboss(Top)), emboss(Left) = transpose(emboss(Top)),
// emboss(Right) = flip(emboss(Left)), and the diagonal emboss(a | b) = emboss(a) + emboss(b) - identity(3)
// for adjacent a, b. Opposite directions cancel (emboss(Top | Bottom) = identity); emboss(0) = identity.
// Every emboss kernel sums to 1, so flat regions keep their value. mask must be within 0..15.
enum EmbossDirection : unsigned { EmbossTop = 1, EmbossBottom = 2, EmbossLeft = 4, EmbossRight = 8 };
Kernel2D emboss(unsigned directions);

// 180-degree rotation: flip(K)(y, x) = K(h - 1 - y, w - 1 - x).
Kernel2D flip(const Kernel2D& k);
// transpose(K)(y, x) = K(x, y): a w x h kernel.
Kernel2D transpose(const Kernel2D& k);
// Divides by the sum when |sum| > 1e-6 * sum|values| (blurs keep brightness); otherwise (zero-sum
// kernels: edges, Laplacian) divides by sum|values| so the positive and negative parts each weigh
// 1/2. The all-zero kernel is returned unchanged. Sums are taken in double.
Kernel2D normalise(const Kernel2D& k);

// ---- registry for the UI --------------------------------------------------------------------------
struct PresetInfo {
  const char* name;         // "gaussian", "sobel_y", ...
  const char* description;  // one line for a tooltip
  bool has_size;            // kernel_preset reads `size`
  bool has_sigma;           // kernel_preset reads `sigma`
};

// Every preset, in display order.
std::vector<PresetInfo> kernel_presets();

// The preset called `name`. `size` and `sigma` are read only by presets whose PresetInfo says so and
// ignored otherwise. Errors: InvalidArgument 'kernel preset "xyz" is unknown'; InvalidKernel for a
// size the preset cannot take, e.g. "kernel size must be >= 1, got 0",
// "sobel kernel size must be odd and between 3 and 31, got 4"; InvalidArgument for a non-finite sigma.
Kernel2D kernel_preset(const std::string& name, int size = 3, float sigma = 0);

}  // namespace convlab
