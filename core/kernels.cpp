#include "kernels.h"

#include <cmath>
#include <string>
#include <utility>

#include "error.h"

namespace convlab {

static void check_size(int k) {
  if (k < 1) fail(ErrorCode::InvalidKernel, "kernel size must be >= 1, got " + std::to_string(k));
}

static Kernel2D kernel3(std::vector<float> values) { return Kernel2D(3, 3, std::move(values)); }

Kernel2D identity(int k) {
  check_size(k);
  Kernel2D out(k, k);
  out.at((k - 1) / 2, (k - 1) / 2) = 1.0f;
  return out;
}

Kernel2D mean_blur(int k) {
  check_size(k);
  return Kernel2D(k, k, float(1.0 / (double(k) * k)));
}

std::vector<double> gaussian_1d(int k, double sigma) {
  check_size(k);
  if (!std::isfinite(sigma)) fail(ErrorCode::InvalidArgument, "sigma must be finite, got " + std::to_string(sigma));
  if (sigma <= 0) sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8;
  const double scale = -0.5 / (sigma * sigma);
  std::vector<double> g(k);
  double sum = 0;
  for (int i = 0; i < k; ++i) {
    const double x = i - (k - 1) * 0.5;
    g[i] = std::exp(scale * x * x);
    sum += g[i];
  }
  for (double& v : g) v /= sum;
  return g;
}

Kernel2D gaussian(int k, float sigma) {
  const std::vector<double> g = gaussian_1d(k, sigma);
  Kernel2D out(k, k);
  for (int y = 0; y < k; ++y)
    for (int x = 0; x < k; ++x) out.at(y, x) = float(g[y] * g[x]);
  return out;
}

Kernel2D sharpen() { return kernel3({0, -1, 0, -1, 5, -1, 0, -1, 0}); }

// OpenCV's getDerivKernels for order 1: smoothing and derivative 1-D kernels of odd size k.
static void sobel_1d(int k, std::vector<double>& smooth, std::vector<double>& deriv) {
  if (k < 3 || k > 31 || k % 2 == 0)
    fail(ErrorCode::InvalidKernel, "sobel kernel size must be odd and between 3 and 31, got " + std::to_string(k));
  auto binomial = [](int n) {  // row n - 1 of Pascal's triangle: n values
    std::vector<double> b(n, 0.0);
    b[0] = 1;
    for (int i = 1; i < n; ++i)
      for (int j = i; j > 0; --j) b[j] += b[j - 1];
    return b;
  };
  smooth = binomial(k);
  const std::vector<double> inner = binomial(k - 2);
  deriv.assign(k, 0.0);
  for (int i = 0; i < k - 2; ++i) {  // inner convolved with (-1 0 1)
    deriv[i] -= inner[i];
    deriv[i + 2] += inner[i];
  }
}

Kernel2D sobel_x(int k) {
  std::vector<double> smooth, deriv;
  sobel_1d(k, smooth, deriv);
  Kernel2D out(k, k);
  for (int y = 0; y < k; ++y)
    for (int x = 0; x < k; ++x) out.at(y, x) = float(smooth[y] * deriv[x]);
  return out;
}

Kernel2D sobel_y(int k) { return transpose(sobel_x(k)); }

Kernel2D prewitt_x() { return kernel3({-1, 0, 1, -1, 0, 1, -1, 0, 1}); }
Kernel2D prewitt_y() { return transpose(prewitt_x()); }

Kernel2D laplacian(int neighbours) {
  if (neighbours == 4) return kernel3({0, 1, 0, 1, -4, 1, 0, 1, 0});
  if (neighbours == 8) return kernel3({1, 1, 1, 1, -8, 1, 1, 1, 1});
  fail(ErrorCode::InvalidArgument, "laplacian neighbours must be 4 or 8, got " + std::to_string(neighbours));
}

Kernel2D outline() { return kernel3({-1, -1, -1, -1, 8, -1, -1, -1, -1}); }

Kernel2D emboss(unsigned directions) {
  if (directions > 15)
    fail(ErrorCode::InvalidArgument, "emboss directions must be a mask within 0..15, got " + std::to_string(directions));
  const Kernel2D top = kernel3({-1, -1, -1, 0, 0, 0, 1, 1, 1});
  const Kernel2D left = transpose(top);
  const Kernel2D parts[4] = {top, flip(top), left, flip(left)};
  Kernel2D out = identity(3);
  for (int d = 0; d < 4; ++d)
    if (directions & (1u << d))
      for (int i = 0; i < 9; ++i) out.data[i] += parts[d].data[i];
  return out;
}

Kernel2D flip(const Kernel2D& k) {
  Kernel2D out(k.h, k.w);
  for (int y = 0; y < k.h; ++y)
    for (int x = 0; x < k.w; ++x) out.at(y, x) = k.at(k.h - 1 - y, k.w - 1 - x);
  return out;
}

Kernel2D transpose(const Kernel2D& k) {
  Kernel2D out(k.w, k.h);
  for (int y = 0; y < out.h; ++y)
    for (int x = 0; x < out.w; ++x) out.at(y, x) = k.at(x, y);
  return out;
}

Kernel2D normalise(const Kernel2D& k) {
  double sum = 0, abs_sum = 0;
  for (float v : k.data) sum += v, abs_sum += std::abs(v);
  if (abs_sum == 0) return k;
  const double divisor = std::abs(sum) > 1e-6 * abs_sum ? sum : abs_sum;
  Kernel2D out = k;
  for (float& v : out.data) v = float(v / divisor);
  return out;
}

// ---- registry ---------------------------------------------------------------------------------------

namespace {
struct Preset {
  PresetInfo info;
  Kernel2D (*make)(int size, float sigma);
};

const Preset kPresets[] = {
    {{"identity", "1 at the centre: output = input", true, false}, [](int s, float) { return identity(s); }},
    {{"mean", "box blur: every value 1/(size*size)", true, false}, [](int s, float) { return mean_blur(s); }},
    {{"gaussian", "Gaussian blur, sum 1; sigma <= 0 picks OpenCV's default for the size", true, true},
     [](int s, float sigma) { return gaussian(s, sigma); }},
    {{"sharpen", "identity plus 4-neighbour edge boost", false, false}, [](int, float) { return sharpen(); }},
    {{"sobel_x", "Sobel d/dx: finds vertical edges", true, false}, [](int s, float) { return sobel_x(s); }},
    {{"sobel_y", "Sobel d/dy: finds horizontal edges", true, false}, [](int s, float) { return sobel_y(s); }},
    {{"prewitt_x", "Prewitt d/dx: finds vertical edges", false, false}, [](int, float) { return prewitt_x(); }},
    {{"prewitt_y", "Prewitt d/dy: finds horizontal edges", false, false}, [](int, float) { return prewitt_y(); }},
    {{"laplacian_4", "Laplacian, 4 neighbours (sum 0)", false, false}, [](int, float) { return laplacian(4); }},
    {{"laplacian_8", "Laplacian, 8 neighbours (sum 0)", false, false}, [](int, float) { return laplacian(8); }},
    {{"outline", "edges on black: 8 at the centre, -1 around", false, false}, [](int, float) { return outline(); }},
    {{"emboss_top", "emboss, -1 along the top, +1 along the bottom", false, false},
     [](int, float) { return emboss(EmbossTop); }},
    {{"emboss_bottom", "emboss, -1 along the bottom, +1 along the top", false, false},
     [](int, float) { return emboss(EmbossBottom); }},
    {{"emboss_left", "emboss, -1 along the left, +1 along the right", false, false},
     [](int, float) { return emboss(EmbossLeft); }},
    {{"emboss_right", "emboss, -1 along the right, +1 along the left", false, false},
     [](int, float) { return emboss(EmbossRight); }},
    {{"emboss_top_left", "diagonal emboss: top + left", false, false},
     [](int, float) { return emboss(EmbossTop | EmbossLeft); }},
    {{"emboss_top_right", "diagonal emboss: top + right", false, false},
     [](int, float) { return emboss(EmbossTop | EmbossRight); }},
    {{"emboss_bottom_left", "diagonal emboss: bottom + left", false, false},
     [](int, float) { return emboss(EmbossBottom | EmbossLeft); }},
    {{"emboss_bottom_right", "diagonal emboss: bottom + right", false, false},
     [](int, float) { return emboss(EmbossBottom | EmbossRight); }},
};
}  // namespace

std::vector<PresetInfo> kernel_presets() {
  std::vector<PresetInfo> out;
  for (const Preset& p : kPresets) out.push_back(p.info);
  return out;
}

Kernel2D kernel_preset(const std::string& name, int size, float sigma) {
  for (const Preset& p : kPresets)
    if (name == p.info.name) return p.make(size, sigma);
  fail(ErrorCode::InvalidArgument, "kernel preset \"" + name + "\" is unknown");
}

}  // namespace convlab
