#include "receptive_field.h"

#include <algorithm>
#include <string>

#include "error.h"
#include "geometry.h"

namespace convlab {

static std::string pair_text(Pair p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

static std::string layer_prefix(std::size_t i) { return "layer " + std::to_string(i) + ": "; }

void check_layers(const std::vector<Layer>& layers) {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    if (l.type != Layer::Type::Conv && l.type != Layer::Type::Pool)
      fail(ErrorCode::InvalidArgument, layer_prefix(i) + "type must be Conv or Pool, got " +
                                           std::to_string(int(l.type)));
    if (l.kernel.h < 1 || l.kernel.w < 1)
      fail(ErrorCode::InvalidKernel, layer_prefix(i) + "kernel must be >= 1, got " + pair_text(l.kernel));
    if (l.stride.h < 1 || l.stride.w < 1)
      fail(ErrorCode::InvalidStride, layer_prefix(i) + "stride must be >= 1, got " + pair_text(l.stride));
    if (l.dilation.h < 1 || l.dilation.w < 1)
      fail(ErrorCode::InvalidDilation, layer_prefix(i) + "dilation must be >= 1, got " + pair_text(l.dilation));
    if (l.padding.h < 0 || l.padding.w < 0)
      fail(ErrorCode::InvalidPadding, layer_prefix(i) + "padding must be >= 0, got " + pair_text(l.padding));
  }
}

// Guards the products of the recurrence: sizes and jumps must stay ints.
static long long checked_field(std::size_t i, const char* what, long long v) {
  if (v > (long long)kMaxElements)
    fail(ErrorCode::TooLarge, layer_prefix(i) + "receptive field " + what + " is too large: " + std::to_string(v));
  return v;
}

std::vector<FieldInfo> receptive_field(const std::vector<Layer>& layers) {
  check_layers(layers);
  std::vector<FieldInfo> out;
  out.reserve(layers.size());
  long long size_h = 1, size_w = 1, jump_h = 1, jump_w = 1;
  double start_h = 0.0, start_w = 0.0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    const long long ek_h = (long long)(l.kernel.h - 1) * l.dilation.h + 1;
    const long long ek_w = (long long)(l.kernel.w - 1) * l.dilation.w + 1;
    size_h = checked_field(i, "height", size_h + (ek_h - 1) * jump_h);
    size_w = checked_field(i, "width", size_w + (ek_w - 1) * jump_w);
    start_h += ((ek_h - 1) / 2.0 - l.padding.h) * double(jump_h);
    start_w += ((ek_w - 1) / 2.0 - l.padding.w) * double(jump_w);
    jump_h = checked_field(i, "jump height", jump_h * l.stride.h);
    jump_w = checked_field(i, "jump width", jump_w * l.stride.w);
    FieldInfo f;
    f.size = Pair{int(size_h), int(size_w)};
    f.jump = Pair{int(jump_h), int(jump_w)};
    f.start_h = start_h;
    f.start_w = start_w;
    out.push_back(f);
  }
  return out;
}

static void check_layer_index(const std::vector<Layer>& layers, int layer_index) {
  if (layer_index < 0 || layer_index >= int(layers.size()))
    fail(ErrorCode::InvalidArgument, "layer index must be between 0 and " + std::to_string(int(layers.size()) - 1) +
                                         ", got " + std::to_string(layer_index));
}

std::vector<Pair> layer_output_sizes(const std::vector<Layer>& layers, int in_h, int in_w) {
  check_layers(layers);
  std::vector<Pair> sizes;
  sizes.reserve(layers.size());
  int h = in_h, w = in_w;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    try {
      h = conv_output_size(h, l.kernel.h, l.stride.h, 2 * l.padding.h, l.dilation.h, "height");
      w = conv_output_size(w, l.kernel.w, l.stride.w, 2 * l.padding.w, l.dilation.w, "width");
    } catch (const Error& e) {
      fail(e.code(), layer_prefix(i) + e.what());
    }
    sizes.push_back(Pair{h, w});
  }
  return sizes;
}

// Interval [lo, hi] (inclusive) of layer outputs -> interval of the layer's input positions.
static void back_one(long long& lo, long long& hi, int stride, int pad, int kernel, int dilation) {
  lo = lo * stride - pad;
  hi = hi * stride - pad + (long long)(kernel - 1) * dilation;
}

Rect input_rect(const std::vector<Layer>& layers, int layer_index, int out_y, int out_x) {
  check_layers(layers);
  check_layer_index(layers, layer_index);
  if (out_y < 0 || out_x < 0)
    fail(ErrorCode::InvalidArgument, "output unit must be >= 0, got " + pair_text(Pair{out_y, out_x}));
  long long y0 = out_y, y1 = out_y, x0 = out_x, x1 = out_x;
  for (int i = layer_index; i >= 0; --i) {
    const Layer& l = layers[std::size_t(i)];
    back_one(y0, y1, l.stride.h, l.padding.h, l.kernel.h, l.dilation.h);
    back_one(x0, x1, l.stride.w, l.padding.w, l.kernel.w, l.dilation.w);
    if (y0 < -kMaxElements || x0 < -kMaxElements || y1 > kMaxElements || x1 > kMaxElements)
      fail(ErrorCode::TooLarge, "input rectangle of layer " + std::to_string(layer_index) + " unit " +
                                    pair_text(Pair{out_y, out_x}) + " is too large");
  }
  return Rect{int(y0), int(x0), int(y1 + 1), int(x1 + 1)};
}

// Along one axis: marks which positions of a layer's input the marked outputs read, dropping
// positions in the padding (they hold a constant). Exact with dilation holes.
static std::vector<char> back_mask(const std::vector<char>& out_mask, int in_size, int stride, int pad, int kernel,
                                   int dilation) {
  std::vector<char> in_mask(std::size_t(in_size), 0);
  for (int o = 0; o < int(out_mask.size()); ++o) {
    if (!out_mask[std::size_t(o)]) continue;
    for (int k = 0; k < kernel; ++k) {
      const long long i = (long long)o * stride - pad + (long long)k * dilation;
      if (i >= 0 && i < in_size) in_mask[std::size_t(i)] = 1;
    }
  }
  return in_mask;
}

static bool mask_bounds(const std::vector<char>& m, int& lo, int& hi_excl) {
  lo = 0;
  while (lo < int(m.size()) && !m[std::size_t(lo)]) ++lo;
  hi_excl = int(m.size());
  while (hi_excl > lo && !m[std::size_t(hi_excl - 1)]) --hi_excl;
  return lo < hi_excl;
}

Rect input_rect_clipped(const std::vector<Layer>& layers, int layer_index, int out_y, int out_x, int in_h,
                        int in_w) {
  check_layer_index(layers, layer_index);
  const std::vector<Pair> sizes = layer_output_sizes(layers, in_h, in_w);
  const Pair out = sizes[std::size_t(layer_index)];
  if (out_y < 0 || out_y >= out.h)
    fail(ErrorCode::InvalidArgument, "output row must be between 0 and " + std::to_string(out.h - 1) + ", got " +
                                         std::to_string(out_y));
  if (out_x < 0 || out_x >= out.w)
    fail(ErrorCode::InvalidArgument, "output column must be between 0 and " + std::to_string(out.w - 1) +
                                         ", got " + std::to_string(out_x));
  // Each layer connects rows to rows and columns to columns, so the influence set is the product
  // of one set of rows and one set of columns.
  std::vector<char> rows(std::size_t(out.h), 0), cols(std::size_t(out.w), 0);
  rows[std::size_t(out_y)] = 1;
  cols[std::size_t(out_x)] = 1;
  for (int i = layer_index; i >= 0; --i) {
    const Layer& l = layers[std::size_t(i)];
    const Pair below = i > 0 ? sizes[std::size_t(i - 1)] : Pair{in_h, in_w};
    rows = back_mask(rows, below.h, l.stride.h, l.padding.h, l.kernel.h, l.dilation.h);
    cols = back_mask(cols, below.w, l.stride.w, l.padding.w, l.kernel.w, l.dilation.w);
  }
  Rect r;
  if (!mask_bounds(rows, r.y0, r.y1) || !mask_bounds(cols, r.x0, r.x1)) return Rect{0, 0, 0, 0};
  return r;
}

// Along one axis: the paths from each position of a layer's input, given the paths from its outputs
// lo, lo + 1, ...; positions in the padding get none, so only [0, in_size) is kept. `lo` becomes the
// first position of the result.
static std::vector<double> back_paths(const std::vector<double>& counts, long long& lo, int in_size, int stride,
                                      int pad, int kernel, int dilation) {
  if (counts.empty()) return {};
  const long long in_lo = std::max(0LL, lo * stride - pad);
  const long long in_hi = std::min((long long)in_size - 1,
                                   (lo + (long long)counts.size() - 1) * stride - pad + (long long)(kernel - 1) * dilation);
  if (in_hi < in_lo) return {};
  std::vector<double> in(std::size_t(in_hi - in_lo + 1), 0.0);
  for (std::size_t o = 0; o < counts.size(); ++o) {
    if (counts[o] == 0.0) continue;
    for (int k = 0; k < kernel; ++k) {
      const long long i = (lo + (long long)o) * stride - pad + (long long)k * dilation;
      if (i >= in_lo && i <= in_hi) in[std::size_t(i - in_lo)] += counts[o];
    }
  }
  lo = in_lo;
  return in;
}

PathCounts path_counts(const std::vector<Layer>& layers, int layer_index, int out_y, int out_x, int in_h, int in_w) {
  input_rect_clipped(layers, layer_index, out_y, out_x, in_h, in_w);  // checks the layer and the unit
  const std::vector<Pair> sizes = layer_output_sizes(layers, in_h, in_w);
  PathCounts p;
  p.rows = {1.0};
  p.cols = {1.0};
  long long y0 = out_y, x0 = out_x;
  for (int i = layer_index; i >= 0; --i) {
    const Layer& l = layers[std::size_t(i)];
    const Pair below = i > 0 ? sizes[std::size_t(i - 1)] : Pair{in_h, in_w};
    p.rows = back_paths(p.rows, y0, below.h, l.stride.h, l.padding.h, l.kernel.h, l.dilation.h);
    p.cols = back_paths(p.cols, x0, below.w, l.stride.w, l.padding.w, l.kernel.w, l.dilation.w);
  }
  p.y0 = int(y0);
  p.x0 = int(x0);
  return p;
}

double PathCounts::at(int y, int x) const {
  if (y < y0 || x < x0 || y - y0 >= int(rows.size()) || x - x0 >= int(cols.size())) return 0.0;
  return rows[std::size_t(y - y0)] * cols[std::size_t(x - x0)];
}

static double sum_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}

static long long nonzero(const std::vector<double>& v) {
  return std::count_if(v.begin(), v.end(), [](double x) { return x != 0.0; });
}

double PathCounts::total() const { return sum_of(rows) * sum_of(cols); }
long long PathCounts::support() const { return nonzero(rows) * nonzero(cols); }
double PathCounts::max() const {
  if (rows.empty() || cols.empty()) return 0.0;
  return *std::max_element(rows.begin(), rows.end()) * *std::max_element(cols.begin(), cols.end());
}

void check_input_pixel(int in_h, int in_w, int y, int x) {
  if (y < 0 || y >= in_h)
    fail(ErrorCode::InvalidArgument, "input pixel row must be between 0 and " + std::to_string(in_h - 1) + ", got " +
                                         std::to_string(y));
  if (x < 0 || x >= in_w)
    fail(ErrorCode::InvalidArgument, "input pixel column must be between 0 and " + std::to_string(in_w - 1) +
                                         ", got " + std::to_string(x));
}

// Along one axis: the paths from one input position to each of a layer's outputs, given the paths to
// each of the layer's inputs. Output o reads input o * stride - pad + k * dilation; taps in the padding
// read a constant and carry no path.
static std::vector<double> forward_paths(const std::vector<double>& in, int out_size, int stride, int pad, int kernel,
                                         int dilation) {
  std::vector<double> out(std::size_t(out_size), 0.0);
  for (int o = 0; o < out_size; ++o)
    for (int k = 0; k < kernel; ++k) {
      const long long i = (long long)o * stride - pad + (long long)k * dilation;
      if (i >= 0 && i < (long long)in.size()) out[std::size_t(o)] += in[std::size_t(i)];
    }
  return out;
}

static bool reached_bounds(const std::vector<double>& v, int& lo, int& hi_excl) {
  lo = 0;
  while (lo < int(v.size()) && v[std::size_t(lo)] == 0.0) ++lo;
  hi_excl = int(v.size());
  while (hi_excl > lo && v[std::size_t(hi_excl - 1)] == 0.0) --hi_excl;
  return lo < hi_excl;
}

std::vector<ProjectiveField> projective_field(const std::vector<Layer>& layers, int in_h, int in_w, int y, int x) {
  const std::vector<Pair> sizes = layer_output_sizes(layers, in_h, in_w);
  check_input_pixel(in_h, in_w, y, x);
  std::vector<double> rows(std::size_t(in_h), 0.0), cols(std::size_t(in_w), 0.0);
  rows[std::size_t(y)] = 1.0;
  cols[std::size_t(x)] = 1.0;
  std::vector<ProjectiveField> out;
  out.reserve(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    ProjectiveField f;
    f.out = sizes[i];
    f.rows = forward_paths(rows, f.out.h, l.stride.h, l.padding.h, l.kernel.h, l.dilation.h);
    f.cols = forward_paths(cols, f.out.w, l.stride.w, l.padding.w, l.kernel.w, l.dilation.w);
    if (!reached_bounds(f.rows, f.box.y0, f.box.y1) || !reached_bounds(f.cols, f.box.x0, f.box.x1)) f.box = Rect{};
    rows = f.rows;
    cols = f.cols;
    out.push_back(std::move(f));
  }
  return out;
}

double ProjectiveField::paths(int y, int x) const {
  if (y < 0 || x < 0 || y >= int(rows.size()) || x >= int(cols.size())) return 0.0;
  return rows[std::size_t(y)] * cols[std::size_t(x)];
}

int ProjectiveField::rows_reached() const { return int(nonzero(rows)); }
int ProjectiveField::cols_reached() const { return int(nonzero(cols)); }
long long ProjectiveField::units() const { return nonzero(rows) * nonzero(cols); }
double ProjectiveField::total() const { return sum_of(rows) * sum_of(cols); }

}  // namespace convlab
