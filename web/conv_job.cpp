#include "conv_job.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace cl = convlab;

namespace {

constexpr std::int32_t kMagic = 0x434c4a31;  // "CLJ1": words that are not a job are refused, not misread

std::int32_t float_bits(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}
float bits_float(std::int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}

// Reads words in order; running past the end is a malformed job.
class Reader {
 public:
  Reader(const std::int32_t* w, std::size_t n) : w_(w), n_(n) {}
  std::int32_t next() {
    if (i_ >= n_) throw std::invalid_argument("conv job: truncated");
    return w_[i_++];
  }
  bool done() const { return i_ == n_; }

 private:
  const std::int32_t* w_;
  std::size_t n_, i_ = 0;
};

// The channel a view shows for `channel` (display_choice.cpp's rule) and whether a named diverging
// display would fall back to channel 0.
int shown_channel(const cl::Tensor& t, int channel) { return channel >= t.c ? -1 : channel; }
bool may_fall_back_to_channel0(const cl::Tensor& t, const ConvJob& job) {
  return shown_channel(t, job.channel) < 0 && t.c > 1 && job.display == "diverging";
}

bool any_finite(const cl::Tensor& t, int channel) {
  const int first = channel < 0 ? 0 : channel, last = channel < 0 ? std::min(t.c, 3) : channel + 1;
  for (int c = first; c < last; ++c) {
    const float* p = t.plane(c);
    for (std::size_t i = 0, n = std::size_t(t.h) * t.w; i < n; ++i)
      if (std::isfinite(p[i])) return true;
  }
  return false;
}

// finite_range plus whether it saw a value; only an all-zero range needs the second scan.
cl::FiniteRange range_of(const cl::Tensor& t, int channel, bool& any) {
  const cl::FiniteRange r = cl::finite_range(t, channel);
  any = r.lo != 0.0f || r.hi != 0.0f || r.max_abs != 0.0f || any_finite(t, channel);
  return r;
}

cl::FiniteRange merge(const cl::FiniteRange& a, bool any_a, const cl::FiniteRange& b, bool any_b) {
  if (!any_a) return b;
  if (!any_b) return a;
  return {std::min(a.lo, b.lo), std::max(a.hi, b.hi), std::max(a.max_abs, b.max_abs)};
}

}  // namespace

std::vector<std::int32_t> encode_conv_job(const ConvJob& job) {
  const cl::Weights& w = job.weights;
  const cl::Conv2dParams& p = job.params;
  std::vector<std::int32_t> out = {kMagic, w.a, w.b, w.kh, w.kw, std::int32_t(w.data.size())};
  for (float v : w.data) out.push_back(float_bits(v));
  out.insert(out.end(), {p.stride.h, p.stride.w, p.dilation.h, p.dilation.w, p.padding.top, p.padding.bottom,
                         p.padding.left, p.padding.right, std::int32_t(p.padding_mode), p.groups, job.channel,
                         std::int32_t(job.display.size())});
  for (char c : job.display) out.push_back(std::int32_t(static_cast<unsigned char>(c)));
  return out;
}

ConvJob decode_conv_job(const std::int32_t* words, std::size_t count) {
  Reader r(words, count);
  if (r.next() != kMagic) throw std::invalid_argument("conv job: not a job");
  ConvJob job;
  cl::Weights& w = job.weights;
  w.a = r.next();
  w.b = r.next();
  w.kh = r.next();
  w.kw = r.next();
  const std::int32_t n = r.next();
  if (n < 0 || std::size_t(n) > count) throw std::invalid_argument("conv job: bad weight count");
  w.data.resize(std::size_t(n));
  for (float& v : w.data) v = bits_float(r.next());
  cl::Conv2dParams& p = job.params;
  p.stride = {r.next(), r.next()};
  p.dilation = {r.next(), r.next()};
  p.padding.top = r.next();
  p.padding.bottom = r.next();
  p.padding.left = r.next();
  p.padding.right = r.next();
  const std::int32_t mode = r.next();
  if (mode < 0 || mode > int(cl::PadMode::Circular)) throw std::invalid_argument("conv job: bad padding mode");
  p.padding_mode = cl::PadMode(mode);
  p.groups = r.next();
  job.channel = r.next();
  const std::int32_t len = r.next();
  if (len < 0 || std::size_t(len) > count) throw std::invalid_argument("conv job: bad display name");
  job.display.clear();
  for (std::int32_t i = 0; i < len; ++i) job.display.push_back(char(r.next()));
  if (!r.done()) throw std::invalid_argument("conv job: trailing words");
  return job;
}

cl::Tensor run_conv_job_band(const cl::Tensor& input, const ConvJob& job, int row_begin, int row_end) {
  return cl::conv2d_band(input, job.weights, job.params, row_begin, row_end);
}

BandRange band_range(const cl::Tensor& band, const ConvJob& job) {
  BandRange r;
  r.shown = range_of(band, shown_channel(band, job.channel), r.any_shown);
  if (may_fall_back_to_channel0(band, job)) r.channel0 = range_of(band, 0, r.any_channel0);
  return r;
}

void band_range_to_floats(const BandRange& r, float* out) {
  const float v[kBandRangeFloats] = {r.shown.lo,    r.shown.hi,    r.shown.max_abs,    float(r.any_shown),
                                     r.channel0.lo, r.channel0.hi, r.channel0.max_abs, float(r.any_channel0)};
  std::copy(v, v + kBandRangeFloats, out);
}

BandRange band_range_from_floats(const float* in) {
  BandRange r;
  r.shown = {in[0], in[1], in[2]};
  r.any_shown = in[3] != 0.0f;
  r.channel0 = {in[4], in[5], in[6]};
  r.any_channel0 = in[7] != 0.0f;
  return r;
}

BandRange merge_band_ranges(const BandRange& a, const BandRange& b) {
  BandRange r;
  r.shown = merge(a.shown, a.any_shown, b.shown, b.any_shown);
  r.any_shown = a.any_shown || b.any_shown;
  r.channel0 = merge(a.channel0, a.any_channel0, b.channel0, b.any_channel0);
  r.any_channel0 = a.any_channel0 || b.any_channel0;
  return r;
}

// displayed_rgba's steps with the whole output's range in place of the band's own.
BandDisplay display_band(const cl::Tensor& band, const ConvJob& job, const BandRange& whole) {
  BandDisplay d;
  const int shown = shown_channel(band, job.channel);
  d.choice = choose_display(job.display, band, shown, whole.shown);
  const cl::FiniteRange& range = d.choice.channel == shown ? whole.shown : whole.channel0;
  d.rgba = cl::to_rgba8(band, d.choice.channel, d.choice.mode, range, &d.range);
  return d;
}

void band_display_to_floats(const BandDisplay& d, float* out) {
  const float v[kBandDisplayFloats] = {float(d.choice.mode), float(d.choice.resolved), float(d.choice.channel),
                                       d.range.lo, d.range.hi};
  std::copy(v, v + kBandDisplayFloats, out);
}

void band_display_from_floats(const float* in, BandDisplay& d) {
  d.choice.mode = cl::DisplayMode(int(in[0]));
  d.choice.resolved = cl::DisplayMode(int(in[1]));
  d.choice.channel = int(in[2]);
  d.range = {in[3], in[4]};
}
