#include "multi_job.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "job_words.h"
#include "separable.h"

namespace cl = convlab;

namespace {

constexpr std::int32_t kMagic = 0x434c4d31;  // "CLM1"

void need(const MultiJob& job, std::size_t convs, std::size_t vectors) {
  if (job.convs.size() != convs || job.vectors.size() != vectors)
    throw std::invalid_argument("multi job: wrong number of convolutions or vectors for its kind");
}

// The job's display and channel for one show, in the form image_job.h's phases take.
ImageJob show_job(const OutputShow& s) {
  ImageJob j;
  j.display = s.display;
  j.channel = s.channel;
  return j;
}

cl::Conv2dParams same_zeros(const cl::Weights& w) {
  cl::Conv2dParams p;
  p.padding = cl::same_padding(w.kh, w.kw, {1, 1});
  return p;
}

}  // namespace

std::vector<std::int32_t> encode_multi_job(const MultiJob& job) {
  std::vector<std::int32_t> out = {kMagic, std::int32_t(job.kind), std::int32_t(job.convs.size())};
  for (const ImageJob& c : job.convs) {
    const std::vector<std::int32_t> words = encode_image_job(c);
    out.push_back(std::int32_t(words.size()));
    out.insert(out.end(), words.begin(), words.end());
  }
  out.push_back(std::int32_t(job.vectors.size()));
  for (const std::vector<float>& v : job.vectors) {
    out.push_back(std::int32_t(v.size()));
    for (float f : v) out.push_back(float_bits(f));
  }
  out.push_back(std::int32_t(job.shows.size()));
  for (const OutputShow& s : job.shows) {
    out.insert(out.end(), {s.output, s.channel, std::int32_t(s.display.size())});
    for (char c : s.display) out.push_back(std::int32_t(static_cast<unsigned char>(c)));
  }
  return out;
}

MultiJob decode_multi_job(const std::int32_t* words, std::size_t count) {
  JobWordReader r(words, count, "multi job");
  if (r.next() != kMagic) throw std::invalid_argument("multi job: not a job");
  MultiJob job;
  const std::int32_t kind = r.next();
  if (kind < int(MultiKind::Conv) || kind > int(MultiKind::Residual)) throw std::invalid_argument("multi job: bad kind");
  job.kind = MultiKind(kind);
  for (std::size_t i = 0, n = r.count(); i < n; ++i) {
    const std::size_t len = r.count();
    job.convs.push_back(decode_image_job(r.here(), len));
    r.skip(len);
  }
  for (std::size_t i = 0, n = r.count(); i < n; ++i) {
    std::vector<float>& v = job.vectors.emplace_back(r.count());
    for (float& f : v) f = bits_float(r.next());
  }
  for (std::size_t i = 0, n = r.count(); i < n; ++i) {
    OutputShow& s = job.shows.emplace_back();
    s.output = r.next();
    s.channel = r.next();
    s.display.resize(r.count());
    for (char& c : s.display) c = char(r.next());
  }
  if (!r.done()) throw std::invalid_argument("multi job: trailing words");
  return job;
}

std::vector<std::array<int, 3>> multi_job_shapes(const cl::Tensor& input, const MultiJob& job) {
  std::vector<std::array<int, 3>> shapes;
  switch (job.kind) {
    case MultiKind::Conv: {
      need(job, 1, 0);
      const cl::Tensor s = image_job_output_shape(input, job.convs[0]);
      shapes.push_back({s.c, s.h, s.w});
      break;
    }
    case MultiKind::Separable:
    case MultiKind::SeparableTimes: {
      need(job, 1, 2);
      const cl::Tensor s = cl::conv2d_output_shape(input, job.convs[0].weights, job.convs[0].params);
      if (job.kind == MultiKind::Separable) shapes.assign(3, {s.c, s.h, s.w});
      break;
    }
    case MultiKind::Residual:
      need(job, 2, 0);
      for (const ImageJob& c : job.convs) (void)cl::conv2d_output_shape(input, c.weights, same_zeros(c.weights));
      break;
  }
  for (const OutputShow& s : job.shows)
    if (s.output < 0 || std::size_t(s.output) >= shapes.size()) throw std::invalid_argument("multi job: a show of no output");
  return shapes;
}

MultiBand run_multi_job_band(const cl::Tensor& input, const MultiJob& job, int row_begin, int row_end,
                             const std::function<double()>& now_ms) {
  const std::vector<std::array<int, 3>> shapes = multi_job_shapes(input, job);
  MultiBand band;
  if (job.banded()) {
    band.outputs.push_back(run_image_job_band(input, job.convs[0], row_begin, row_end));
    return band;
  }
  if (!shapes.empty() && (row_begin != 0 || row_end != shapes[0][1]))
    throw std::invalid_argument("multi job: this kind is computed whole, not in bands");
  const ImageJob& c = job.convs[0];
  switch (job.kind) {
    case MultiKind::Separable: {
      SeparablePaths p = separable_paths(input, c.weights, c.params, job.vectors[0], job.vectors[1]);
      band.outputs.push_back(std::move(p.full));
      band.outputs.push_back(std::move(p.two_pass));
      band.outputs.push_back(std::move(p.diff));
      band.scalars = {p.max_error, p.rms_error};
      break;
    }
    case MultiKind::SeparableTimes: {
      const PathTimes t = time_paths(input, c.weights, c.params, job.vectors[0], job.vectors[1], now_ms);
      band.scalars = {t.full_ms, t.separable_ms};
      break;
    }
    case MultiKind::Residual:
      band.scalars = {output_residual(input, c.weights, job.convs[1].weights)};
      break;
    case MultiKind::Conv:
      break;
  }
  return band;
}

std::vector<BandRange> multi_band_ranges(const MultiBand& band, const MultiJob& job) {
  std::vector<BandRange> ranges;
  for (const OutputShow& s : job.shows) ranges.push_back(band_range(band.outputs.at(std::size_t(s.output)), show_job(s)));
  return ranges;
}

std::vector<BandDisplay> display_multi_band(const MultiBand& band, const MultiJob& job, const std::vector<BandRange>& whole) {
  std::vector<BandDisplay> shown;
  for (std::size_t i = 0; i < job.shows.size(); ++i) {
    const OutputShow& s = job.shows[i];
    shown.push_back(display_band(band.outputs.at(std::size_t(s.output)), show_job(s), whole.at(i)));
  }
  return shown;
}

SeparablePaths separable_paths(const cl::Tensor& input, const cl::Weights& full, const cl::Conv2dParams& params,
                               const std::vector<float>& column, const std::vector<float>& row) {
  SeparablePaths r;
  r.full = cl::conv2d(input, full, params);
  r.two_pass = cl::separable_conv2d(input, column, row, params);
  r.diff = cl::Tensor::uninitialized(r.full.c, r.full.h, r.full.w);
  double sq = 0;
  for (std::size_t i = 0; i < r.full.size(); ++i) {
    const float d = r.two_pass.data[i] - r.full.data[i];
    r.diff.data[i] = d;
    r.max_error = std::max(r.max_error, std::fabs(d));
    sq += double(d) * d;
  }
  r.rms_error = float(std::sqrt(sq / double(std::max<std::size_t>(1, r.diff.size()))));
  return r;
}

PathTimes time_paths(const cl::Tensor& input, const cl::Weights& full, const cl::Conv2dParams& params,
                     const std::vector<float>& column, const std::vector<float>& row, const std::function<double()>& now_ms) {
  auto time_of = [&](const auto& run) {
    const double start = now_ms();
    int n = 0;
    double now = start;
    while (n < kMinRuns || (now - start < kMinMs && n < kMaxRuns)) {
      run();
      ++n;
      now = now_ms();
    }
    return (now - start) / n;
  };
  PathTimes t;
  t.full_ms = time_of([&] { (void)cl::conv2d(input, full, params); });
  t.separable_ms = time_of([&] { (void)cl::separable_conv2d(input, column, row, params); });
  return t;
}

double output_residual(const cl::Tensor& input, const cl::Weights& full, const cl::Weights& fit) {
  const cl::Conv2dParams p = same_zeros(full);
  const cl::Tensor a = cl::conv2d(input, full, p), b = cl::conv2d(input, fit, p);
  double e = 0, n = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    e += double(a.data[j] - b.data[j]) * (a.data[j] - b.data[j]);
    n += double(a.data[j]) * a.data[j];
  }
  return n > 0 ? std::sqrt(e / n) : 0.0;
}
