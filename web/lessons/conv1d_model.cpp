#include "conv1d_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>

#include "conv2d.h"
#include "kernels.h"
#include "lesson_info.h"
#include "url_fields.h"

namespace cl = convlab;

namespace {

std::vector<std::string> ids(const std::vector<Conv1dChoice>& choices) {
  std::vector<std::string> out;
  for (const Conv1dChoice& c : choices) out.push_back(c.id);
  return out;
}

std::vector<std::string> pad_mode_names() {
  std::vector<std::string> out;
  for (cl::PadMode m : {cl::PadMode::Zeros, cl::PadMode::Reflect, cl::PadMode::Symmetric, cl::PadMode::Replicate,
                        cl::PadMode::Circular})
    out.push_back(cl::pad_mode_name(m));
  return out;
}

}  // namespace

REGISTER_LESSON_INFO("conv1d", "1-D convolution",
                     "A signal, a kernel sliding along it: padding, stride, dilation and causal padding.",
                     15,
                     {url::choice_field<Conv1dParams>("c1sig", &Conv1dParams::signal, [] { return ids(conv1d_signals()); }),
                      url::int_field<Conv1dParams>("c1n", &Conv1dParams::length, 1, kConv1dMaxLength),
                      url::floats_field<Conv1dParams>("c1x", &Conv1dParams::signal_values, kConv1dMaxLength),
                      url::choice_field<Conv1dParams>("c1ker", &Conv1dParams::kernel, [] { return ids(conv1d_kernels()); }),
                      url::int_field<Conv1dParams>("c1k", &Conv1dParams::k, 1, kConv1dMaxKernel),
                      url::floats_field<Conv1dParams>("c1w", &Conv1dParams::kernel_values, kConv1dMaxKernel),
                      url::choice_field<Conv1dParams>("c1pad", &Conv1dParams::padding, [] { return ids(conv1d_paddings()); }),
                      url::int_field<Conv1dParams>("c1pl", &Conv1dParams::pad_left, 0, kConv1dMaxPad),
                      url::int_field<Conv1dParams>("c1pr", &Conv1dParams::pad_right, 0, kConv1dMaxPad),
                      url::choice_field<Conv1dParams>("c1mode", &Conv1dParams::pad_mode, pad_mode_names),
                      url::int_field<Conv1dParams>("c1s", &Conv1dParams::stride, 1, kConv1dMaxStride),
                      url::int_field<Conv1dParams>("c1d", &Conv1dParams::dilation, 1, kConv1dMaxDilation),
                      url::choice_field<Conv1dParams>("c1al", &Conv1dParams::align, [] { return ids(conv1d_aligns()); }),
                      url::int_field<Conv1dParams>("c1o", &Conv1dParams::selected, -1, 1 << 16)},
                     {"signal", "kernel", "padding", "stride", "sample", "formula"});

const std::vector<Conv1dChoice>& conv1d_signals() {
  static const std::vector<Conv1dChoice> all = {
      {"step", "step", "0 for the first half, then 1: an edge."},
      {"square", "square wave", "1 for 4 samples, 0 for 4, repeated."},
      {"sine", "sine + noise", "A sine of period 16 plus uniform noise in [-0.3, 0.3] (a fixed seed, so a link shows the same)."},
      {"impulse", "impulse", "A single 1 in the middle: the output is the kernel itself, reversed (cross-correlation)."},
      {"ramp", "ramp", "Rises evenly from 0 to 1."},
      {"custom", "custom", "Your own values."},
  };
  return all;
}

const std::vector<Conv1dChoice>& conv1d_kernels() {
  static const std::vector<Conv1dChoice> all = {
      {"mean", "moving average", "k taps of 1/k: each output is the mean of k inputs, which smooths noise."},
      {"diff", "difference [-1 1]", "The later of two neighbours minus the earlier: large where the signal jumps, 0 where it is flat."},
      {"central", "difference [1 0 -1]",
       "The sample before minus the sample after: minus the slope, because a conv layer correlates (no flip). The "
       "mathematical convolution with [1 0 -1] flips it and gives the slope."},
      {"gauss", "Gaussian", "OpenCV's Gaussian of k taps (its default sigma): a smoother average, near taps weigh more."},
      {"recent", "causal average", "Weights 1, 2, 4, ... normalised: the last tap, the newest sample under causal padding, "
                                   "weighs most, as a running average that follows the signal quickly."},
      {"custom", "custom", "Your own weights."},
  };
  return all;
}

const std::vector<Conv1dChoice>& conv1d_paddings() {
  static const std::vector<Conv1dChoice> all = {
      {"valid", "valid (none)", "No padding: the output is d*(k-1) samples shorter than the input."},
      {"same", "same", "d*(k-1) in all, split evenly (the extra sample on the right, as PyTorch): at stride 1 the output "
                       "is as long as the input."},
      {"causal", "causal", "All d*(k-1) on the left: output t reads inputs t - d*(k-1) ... t, never a later one, as "
                           "in WaveNet or a real-time filter."},
      {"custom", "custom", "Your own amounts on the left and right."},
  };
  return all;
}

const std::vector<Conv1dChoice>& conv1d_aligns() {
  static const std::vector<Conv1dChoice> all = {
      {"auto", "auto", "Under its window's last tap with causal padding, else under its centre."},
      {"start", "window start", "Under its window's first tap."},
      {"centre", "window centre", "Under the middle of its window."},
      {"end", "window end", "Under its window's last tap."},
  };
  return all;
}

int conv1d_fixed_kernel_size(const std::string& kernel) {
  if (kernel == "diff") return 2;
  if (kernel == "central") return 3;
  return 0;
}

namespace {

const double kPi = std::acos(-1.0);

float two_decimals(double v) { return float(std::round(v * 100.0) / 100.0); }

// Uniform in [0, 1) from mt19937's raw output: std::uniform_real_distribution differs between the
// standard libraries (libc++ in the page, libstdc++ in the native tests), this does not.
double unit(std::mt19937& rng) { return double(rng() >> 8) / double(1u << 24); }

}  // namespace

std::vector<float> conv1d_signal(const Conv1dParams& p) {
  if (p.signal == "custom") {
    if (p.signal_values.empty()) throw std::invalid_argument("the custom signal has no values: type at least one");
    return p.signal_values;
  }
  const int n = std::clamp(p.length, 1, kConv1dMaxLength);
  std::vector<float> x(std::size_t(n), 0.0f);
  std::mt19937 rng(7);
  for (int i = 0; i < n; ++i) {
    double v = 0;
    if (p.signal == "step") v = i >= n / 2 ? 1 : 0;
    else if (p.signal == "square") v = (i / 4) % 2 == 0 ? 1 : 0;
    else if (p.signal == "sine") v = std::sin(2 * kPi * i / 16.0) + 0.6 * (unit(rng) - 0.5);
    else if (p.signal == "impulse") v = i == n / 2 ? 1 : 0;
    else if (p.signal == "ramp") v = n == 1 ? 0 : double(i) / (n - 1);
    x[std::size_t(i)] = two_decimals(v);
  }
  return x;
}

std::vector<float> conv1d_kernel(const Conv1dParams& p) {
  if (p.kernel == "custom") {
    if (p.kernel_values.empty()) throw std::invalid_argument("the custom kernel has no values: type at least one");
    return p.kernel_values;
  }
  if (p.kernel == "diff") return {-1.0f, 1.0f};
  if (p.kernel == "central") return {1.0f, 0.0f, -1.0f};
  const int k = std::clamp(p.k, 1, kConv1dMaxKernel);
  std::vector<float> w;
  if (p.kernel == "gauss") {
    for (double g : cl::gaussian_1d(k)) w.push_back(float(g));
  } else if (p.kernel == "recent") {
    double total = 0;
    for (int j = 0; j < k; ++j) total += std::ldexp(1.0, j);
    for (int j = 0; j < k; ++j) w.push_back(float(std::ldexp(1.0, j) / total));
  } else {
    w.assign(std::size_t(k), float(1.0 / k));
  }
  return w;
}

Conv1dPads conv1d_pads(const Conv1dParams& p, int kernel_size) {
  const int total = (kernel_size - 1) * p.dilation;
  if (p.padding == "same") {
    const cl::Pad4 same = cl::same_padding(1, kernel_size, cl::Pair{1, p.dilation});
    return {same.left, same.right};
  }
  if (p.padding == "causal") return {total, 0};
  if (p.padding == "custom") return {p.pad_left, p.pad_right};
  return {0, 0};
}

std::vector<float> parse_conv1d_values(const std::string& text, std::size_t max_count, const char* what) {
  std::vector<float> out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (out.size() == max_count) url::bad(what, "at most " + std::to_string(max_count) + " values");
    out.push_back(url::parse_float(what, word));
    word.clear();
  };
  for (char ch : text) {
    if (ch == ',' || ch == ' ' || ch == ';' || ch == '\t' || ch == '\n') flush();
    else word += ch;
  }
  flush();
  if (out.empty()) url::bad(what, "type at least one number");
  return out;
}

std::string conv1d_values_text(const std::vector<float>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + url::format_float(v[i]);
  return out;
}

bool Conv1dWindow::reads_later() const { return !taps.empty() && latest > taps.back().position; }

namespace {

// A number in the sum's text: four significant digits are enough to follow the arithmetic; the result
// itself is the core's value.
std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return std::string(buf) == "-0" ? "0" : buf;
}

}  // namespace

Conv1dWindow conv1d_window(const Conv1dResult& r, int out) {
  Conv1dWindow w;
  w.index = std::clamp(out, 0, int(r.output.size()) - 1);
  w.latest = -1;
  const int n = r.size();
  for (std::size_t j = 0; j < r.kernel.size(); ++j) {
    Conv1dTap t;
    t.position = r.window_start(w.index) + int(j) * r.dilation;
    t.source = cl::pad_source_index(t.position, n, r.mode);
    t.x = r.padded[std::size_t(t.position + r.pads.left)];
    t.w = r.kernel[j];
    w.sum += double(t.w) * double(t.x);
    w.latest = std::max(w.latest, t.source);
    if (!w.text.empty()) w.text += " + ";
    w.text += short_number(t.w) + "*" + (t.x < 0 ? "(" + short_number(t.x) + ")" : short_number(t.x));
    w.taps.push_back(t);
  }
  w.output = r.output[std::size_t(w.index)];
  w.text += " = " + short_number(w.output);
  return w;
}

std::vector<int> conv1d_outputs_reading_later(const Conv1dResult& r) {
  std::vector<int> later;
  for (int i = 0; i < int(r.output.size()); ++i)
    for (int j = 0; j < int(r.kernel.size()); ++j)
      if (cl::pad_source_index(r.window_start(i) + j * r.dilation, r.size(), r.mode) > r.window_end(i)) {
        later.push_back(i);
        break;
      }
  return later;
}

double conv1d_output_position(const Conv1dResult& r, const std::string& align, int out) {
  const std::string a = align == "auto" ? (r.causal ? "end" : "centre") : align;
  if (a == "start") return r.window_start(out);
  if (a == "end") return r.window_end(out);
  return r.window_start(out) + (r.span() - 1) / 2.0;
}

int conv1d_selected(const Conv1dResult& r, int selected) {
  const int n = int(r.output.size());
  return selected >= 0 && selected < n ? selected : n / 2;
}

bool Conv1dModel::update(const Conv1dParams& p) {
  CacheKey key;
  key.with(p.signal, p.length, p.signal_values, p.kernel, p.k, p.kernel_values)
      .with(p.padding, p.pad_left, p.pad_right, p.pad_mode, p.stride, p.dilation);
  return recompute_(key, [&] {
    Conv1dResult r;
    r.signal_name = p.signal;
    r.kernel_name = p.kernel;
    r.signal = conv1d_signal(p);
    r.kernel = conv1d_kernel(p);
    const int n = int(r.signal.size()), k = int(r.kernel.size());
    r.pads = conv1d_pads(p, k);
    r.mode = cl::parse_pad_mode(p.pad_mode).value_or(cl::PadMode::Zeros);
    r.stride = p.stride;
    r.dilation = p.dilation;
    r.causal = p.padding == "causal";
    // The formula first: its message names the signal's length, not a width.
    r.formula = conv_size_formula(n, k, p.stride, r.pads.left, r.pads.right, p.dilation);
    const cl::Tensor x(1, 1, n, r.signal);
    const cl::Pad4 pad{0, 0, r.pads.left, r.pads.right};
    const cl::Tensor padded = cl::pad(x, pad, r.mode);
    cl::Conv2dParams c;
    c.stride = cl::Pair{1, p.stride};
    c.dilation = cl::Pair{1, p.dilation};
    c.padding = pad;
    c.padding_mode = r.mode;
    const cl::Tensor y = cl::conv2d(x, cl::Weights(1, 1, 1, k, r.kernel), c);
    r.padded.assign(padded.data.begin(), padded.data.end());
    r.output.assign(y.data.begin(), y.data.end());
    r.generation = result_.generation + 1;
    result_ = std::move(r);
  });
}
