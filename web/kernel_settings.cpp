#include "kernel_settings.h"

#include <algorithm>
#include <exception>

#include "kernels.h"

namespace cl = convlab;

cl::Kernel2D state_kernel(const State& s, int channel) {
  if (s.preset == "custom" && !s.values.empty()) {
    const std::size_t plane = std::size_t(s.kh) * s.kw;
    const std::size_t offset = s.depth ? std::min<std::size_t>(channel, s.values.size() / plane - 1) * plane : 0;
    if (offset + plane > s.values.size()) return cl::Kernel2D(s.kh, s.kw, 0.0f);
    return cl::Kernel2D(s.kh, s.kw, std::vector<float>(s.values.begin() + offset, s.values.begin() + offset + plane));
  }
  return cl::kernel_preset(s.preset == "custom" ? "mean" : s.preset, s.kh, s.sigma);
}

cl::Weights state_filter(const State& s, int channels) {
  const cl::Kernel2D first = state_kernel(s, 0);
  cl::Weights w(1, channels, first.h, first.w);
  for (int c = 0; c < channels; ++c) {
    const cl::Kernel2D k = s.depth ? state_kernel(s, c) : first;
    std::copy(k.data.begin(), k.data.end(), w.data.begin() + std::size_t(c) * k.h * k.w);
  }
  return w;
}

cl::Weights state_depthwise(const State& s, int channels) {
  cl::Weights w = state_filter(s, channels);
  w.a = channels;
  w.b = 1;
  return w;
}

bool preset_has_size(const std::string& preset) {
  for (const auto& p : cl::kernel_presets())
    if (preset == p.name) return p.has_size;
  return false;
}

void use_preset(State& s, const std::string& preset, int size) {
  s.preset = preset;
  s.values.clear();
  s.depth = false;
  s.kh = s.kw = preset_has_size(preset) ? size : 3;
}

// The preset makes a k x k kernel (Sobel, say, has no even sizes).
static bool preset_fits(const State& s, int k) {
  if (!preset_has_size(s.preset)) return false;
  try {
    return cl::kernel_preset(s.preset, k, s.sigma).h == k;
  } catch (const std::exception&) {
    return false;
  }
}

void set_kernel_size(State& s, int k) {
  if (!preset_fits(s, k)) s.preset = "mean";
  s.values.clear();
  s.depth = false;
  s.kh = s.kw = k;
}
