#include "image_job.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "job_words.h"

namespace cl = convlab;

namespace {

constexpr std::int32_t kMagic = 0x434c4a32;  // "CLJ2": words that are not a job are refused, not misread

// The channel a view shows for `channel` (display_choice.cpp's rule) and whether a named diverging
// display would fall back to channel 0.
int shown_channel(const cl::Tensor& t, int channel) { return channel >= t.c ? -1 : channel; }
bool may_fall_back_to_channel0(const cl::Tensor& t, const ImageJob& job) {
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

ImageJob conv_job(const cl::Weights& weights, const cl::Conv2dParams& params, const std::string& display,
                  cl::Activation activation) {
  ImageJob job;
  job.weights = weights;
  job.params = params;
  job.activation = activation;
  job.display = display;
  return job;
}

ImageJob pool_job(const cl::Pool2dParams& pool, const std::string& display) {
  ImageJob job;
  job.op = ImageOp::Pool2d;
  job.pool = pool;
  job.display = display;
  return job;
}

std::vector<std::int32_t> encode_image_job(const ImageJob& job) {
  std::vector<std::int32_t> out = {kMagic, std::int32_t(job.op)};
  if (job.op == ImageOp::Conv2d) {
    const cl::Weights& w = job.weights;
    const cl::Conv2dParams& p = job.params;
    out.insert(out.end(), {w.a, w.b, w.kh, w.kw, std::int32_t(w.data.size())});
    for (float v : w.data) out.push_back(float_bits(v));
    out.insert(out.end(), {p.stride.h, p.stride.w, p.dilation.h, p.dilation.w, p.padding.top, p.padding.bottom,
                           p.padding.left, p.padding.right, std::int32_t(p.padding_mode), p.groups,
                           std::int32_t(job.activation)});
  } else {
    const cl::Pool2dParams& p = job.pool;
    out.insert(out.end(), {std::int32_t(p.mode), p.kernel.h, p.kernel.w, p.stride.h, p.stride.w, p.padding.h,
                           p.padding.w, p.dilation.h, p.dilation.w, p.ceil_mode, p.count_include_pad});
  }
  out.insert(out.end(), {job.channel, std::int32_t(job.display.size())});
  for (char c : job.display) out.push_back(std::int32_t(static_cast<unsigned char>(c)));
  return out;
}

namespace {

// An enum's word, refused unless it names one of [0, last].
template <class E>
E enum_word(JobWordReader& r, E last, const char* what) {
  const std::int32_t v = r.next();
  if (v < 0 || v > std::int32_t(last)) throw std::invalid_argument(std::string("image job: bad ") + what);
  return E(v);
}

bool bool_word(JobWordReader& r, const char* what) {
  const std::int32_t v = r.next();
  if (v != 0 && v != 1) throw std::invalid_argument(std::string("image job: bad ") + what);
  return v == 1;
}

}  // namespace

ImageJob decode_image_job(const std::int32_t* words, std::size_t count) {
  JobWordReader r(words, count, "image job");
  if (r.next() != kMagic) throw std::invalid_argument("image job: not a job");
  ImageJob job;
  job.op = enum_word(r, ImageOp::Pool2d, "operation");
  if (job.op == ImageOp::Conv2d) {
    cl::Weights& w = job.weights;
    w.a = r.next();
    w.b = r.next();
    w.kh = r.next();
    w.kw = r.next();
    const std::int32_t n = r.next();
    if (n < 0 || std::size_t(n) > count) throw std::invalid_argument("image job: bad weight count");
    w.data.resize(std::size_t(n));
    for (float& v : w.data) v = bits_float(r.next());
    cl::Conv2dParams& p = job.params;
    p.stride = {r.next(), r.next()};
    p.dilation = {r.next(), r.next()};
    p.padding.top = r.next();
    p.padding.bottom = r.next();
    p.padding.left = r.next();
    p.padding.right = r.next();
    p.padding_mode = enum_word(r, cl::PadMode::Circular, "padding mode");
    p.groups = r.next();
    job.activation = enum_word(r, cl::Activation::Abs, "activation");
  } else {
    cl::Pool2dParams& p = job.pool;
    p.mode = enum_word(r, cl::PoolMode::Min, "pool mode");
    p.kernel = {r.next(), r.next()};
    p.stride = {r.next(), r.next()};
    p.padding = {r.next(), r.next()};
    p.dilation = {r.next(), r.next()};
    p.ceil_mode = bool_word(r, "ceil mode");
    p.count_include_pad = bool_word(r, "count_include_pad");
  }
  job.channel = r.next();
  const std::int32_t len = r.next();
  if (len < 0 || std::size_t(len) > count) throw std::invalid_argument("image job: bad display name");
  job.display.clear();
  for (std::int32_t i = 0; i < len; ++i) job.display.push_back(char(r.next()));
  if (!r.done()) throw std::invalid_argument("image job: trailing words");
  return job;
}

cl::Tensor image_job_output_shape(const cl::Tensor& input, const ImageJob& job) {
  return job.op == ImageOp::Pool2d ? cl::pool2d_output_shape(input, job.pool)
                                   : cl::conv2d_output_shape(input, job.weights, job.params);
}

cl::Tensor run_image_job(const cl::Tensor& input, const ImageJob& job) {
  if (job.op == ImageOp::Pool2d) return cl::pool2d(input, job.pool);
  cl::Tensor out = cl::conv2d(input, job.weights, job.params);
  cl::activate_in_place(out, job.activation);
  return out;
}

cl::Tensor run_image_job_band(const cl::Tensor& input, const ImageJob& job, int row_begin, int row_end) {
  if (job.op == ImageOp::Pool2d) return cl::pool2d_band(input, job.pool, row_begin, row_end);
  cl::Tensor band = cl::conv2d_band(input, job.weights, job.params, row_begin, row_end);
  cl::activate_in_place(band, job.activation);  // elementwise: a band's values are the whole output's
  return band;
}

BandRange band_range(const cl::Tensor& band, const ImageJob& job) {
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
BandDisplay display_band(const cl::Tensor& band, const ImageJob& job, const BandRange& whole) {
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
