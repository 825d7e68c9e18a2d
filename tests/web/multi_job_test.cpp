// Jobs of several outputs (web/multi_job.h), as the worker pool runs them: a banded job's bands, each
// show coloured from the merged ranges, join into exactly what the main thread computes and shows for
// the whole output (conv2d, displayed_rgba), byte for byte; the unbanded kinds give the models'
// functions' results; the words round-trip and garbage is refused.
#include "multi_job.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "error.h"
#include "multi_client.h"
#include "reference.h"
#include "separable.h"

namespace cl = convlab;
namespace ref = convlab::reference;

namespace {

double no_clock() { return 0.0; }

// Runs `job` in the bands `cuts` as the workers do (ranges through their floats, then colours) and
// joins each output's rows and each show's bytes.
struct Joined {
  std::vector<cl::Tensor> outputs;
  std::vector<BandDisplay> shown;
};
Joined run_in_bands(const cl::Tensor& input, const MultiJob& job, const std::vector<int>& cuts) {
  std::vector<MultiBand> bands;
  std::vector<float> ranges;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    bands.push_back(run_multi_job_band(input, job, cuts[i], cuts[i + 1], no_clock));
    for (const BandRange& r : multi_band_ranges(bands.back(), job)) {
      float words[kBandRangeFloats];
      band_range_to_floats(r, words);
      ranges.insert(ranges.end(), words, words + kBandRangeFloats);
    }
  }
  const std::size_t shows = job.shows.size();
  std::vector<BandRange> whole(shows);
  for (std::size_t b = 0; b < bands.size(); ++b)
    for (std::size_t s = 0; s < shows; ++s)
      whole[s] = merge_band_ranges(whole[s], band_range_from_floats(&ranges[(b * shows + s) * kBandRangeFloats]));
  Joined j;
  j.shown.resize(shows);
  for (std::size_t b = 0; b < bands.size(); ++b) {
    const std::vector<BandDisplay> d = display_multi_band(bands[b], job, whole);
    for (std::size_t s = 0; s < shows; ++s) {
      j.shown[s].choice = d[s].choice;
      j.shown[s].range = d[s].range;
      j.shown[s].rgba.insert(j.shown[s].rgba.end(), d[s].rgba.begin(), d[s].rgba.end());
    }
    for (std::size_t o = 0; o < bands[b].outputs.size(); ++o) {
      const cl::Tensor& part = bands[b].outputs[o];
      if (b == 0) j.outputs.push_back(cl::Tensor(part.c, cuts.back(), part.w));
      for (int c = 0; c < part.c; ++c)
        std::memcpy(j.outputs[o].plane(c) + std::size_t(cuts[b]) * part.w, part.plane(c), sizeof(float) * part.h * part.w);
    }
  }
  return j;
}

bool same_bits(const cl::Tensor& a, const cl::Tensor& b) {
  return a.c == b.c && a.h == b.h && a.w == b.w && std::memcmp(a.data.data(), b.data.data(), a.size() * sizeof(float)) == 0;
}

void expect_shown(const BandDisplay& got, const cl::Tensor& t, const OutputShow& s, const std::string& what) {
  DisplayChoice choice;
  cl::DisplayRange range{};
  const std::vector<std::uint8_t> want = displayed_rgba(t, s.display, s.channel, &choice, &range);
  EXPECT_TRUE(got.rgba == want) << what;
  EXPECT_EQ(got.choice.mode, choice.mode) << what;
  EXPECT_EQ(got.choice.channel, choice.channel) << what;
  EXPECT_EQ(got.range.lo, range.lo) << what;
  EXPECT_EQ(got.range.hi, range.hi) << what;
}

// Pointwise's job: the 1x1 convolution to `rows` maps, each shown alone.
MultiJob pointwise_job(const cl::Weights& w, const std::string& display) {
  MultiJob job;
  job.convs.push_back(conv_job(w, {}, "auto"));
  for (int o = 0; o < w.a; ++o) job.shows.push_back({0, display, w.a > 1 ? o : -1});
  return job;
}

MultiJob separable_job(const cl::Tensor& input, const cl::Kernel2D& k, const std::string& display) {
  const cl::Separation sep = cl::separate(k);
  MultiJob job;
  job.kind = MultiKind::Separable;
  cl::Conv2dParams p;
  p.groups = input.c;
  p.padding = cl::same_padding(k.h, k.w, {1, 1});
  p.padding_mode = cl::PadMode::Reflect;
  job.convs.push_back(conv_job(cl::depthwise_weights(k, input.c), p, "auto"));
  job.vectors = {sep.column, sep.row};
  job.shows = {{0, display, -1}, {1, display, -1}, {2, "diverging", 0}};
  return job;
}

}  // namespace

TEST(MultiJob, PointwiseBandsShowEachMapExactlyAsTheWholeOutput) {
  const cl::Tensor input = ref::random_tensor(3, 13, 9, 21);
  for (int rows : {1, 8})
    for (const char* display : {"auto", "clamp", "minmax", "abs", "diverging"}) {
      const cl::Weights w = ref::random_weights(rows, 3, 1, 1, 40 + rows);
      const MultiJob job = pointwise_job(w, display);
      const cl::Tensor whole = cl::conv2d(input, w);
      for (const std::vector<int>& cuts : std::vector<std::vector<int>>{{0, 13}, {0, 6, 13}, {0, 1, 2, 7, 12, 13}}) {
        const std::string what = std::to_string(rows) + " maps, " + display + ", " + std::to_string(cuts.size() - 1) + " bands";
        const Joined j = run_in_bands(input, job, cuts);
        ASSERT_EQ(j.outputs.size(), 1u);
        EXPECT_TRUE(same_bits(j.outputs[0], whole)) << what;
        for (std::size_t s = 0; s < job.shows.size(); ++s) expect_shown(j.shown[s], whole, job.shows[s], what + ", map " + std::to_string(s));
      }
    }
}

TEST(MultiJob, SeparableIsComputedWholeAndEqualsItsPaths) {
  const cl::Tensor input = ref::random_tensor(3, 11, 14, 5);
  const cl::Kernel2D k(3, 3, {0, 1, 0, 1, -4, 1, 0, 1, 0});  // not separable: a visible difference
  const MultiJob job = separable_job(input, k, "auto");
  const SeparablePaths want = separable_paths(input, job.convs[0].weights, job.convs[0].params, job.vectors[0], job.vectors[1]);
  const Joined j = run_in_bands(input, job, {0, 11});
  ASSERT_EQ(j.outputs.size(), 3u);
  EXPECT_TRUE(same_bits(j.outputs[0], want.full));
  EXPECT_TRUE(same_bits(j.outputs[1], want.two_pass));
  EXPECT_TRUE(same_bits(j.outputs[2], want.diff));
  expect_shown(j.shown[0], want.full, job.shows[0], "full");
  expect_shown(j.shown[1], want.two_pass, job.shows[1], "two passes");
  expect_shown(j.shown[2], want.diff, job.shows[2], "difference");
  const MultiBand band = run_multi_job_band(input, job, 0, 11, no_clock);
  ASSERT_EQ(band.scalars.size(), 2u);
  EXPECT_EQ(float(band.scalars[0]), want.max_error);
  EXPECT_EQ(float(band.scalars[1]), want.rms_error);
  EXPECT_GT(want.max_error, 0.1f);
  EXPECT_THROW(run_multi_job_band(input, job, 0, 5, no_clock), std::invalid_argument);  // not in bands
}

TEST(MultiJob, ResidualAndTimesGiveTheirScalars) {
  const cl::Tensor input = ref::random_tensor(3, 8, 7, 2);
  MultiJob job;
  job.kind = MultiKind::Residual;
  const cl::Weights a = ref::random_weights(2, 3, 3, 3, 1), b = ref::random_weights(2, 3, 3, 3, 2);
  job.convs = {conv_job(a, {}, "auto"), conv_job(b, {}, "auto")};
  EXPECT_TRUE(multi_job_shapes(input, job).empty());
  const MultiBand r = run_multi_job_band(input, job, 0, 0, no_clock);
  ASSERT_EQ(r.scalars.size(), 1u);
  EXPECT_EQ(r.scalars[0], output_residual(input, a, b));

  MultiJob times = separable_job(input, cl::Kernel2D(3, 3, 1.0f / 9), "auto");
  times.kind = MultiKind::SeparableTimes;
  times.shows.clear();
  double clock = 0;
  const MultiBand t = run_multi_job_band(input, times, 0, 0, [&] { return clock += 10.0; });
  ASSERT_EQ(t.scalars.size(), 2u);
  EXPECT_DOUBLE_EQ(t.scalars[0], 10.0);  // a clock of 10 ms per reading: 4 runs of 10 ms each
  EXPECT_DOUBLE_EQ(t.scalars[1], 10.0);
  EXPECT_TRUE(t.outputs.empty());
}

TEST(MultiJob, EncodesEveryFieldAndRefusesGarbage) {
  const cl::Tensor input = ref::random_tensor(3, 6, 6, 1);
  MultiJob job = separable_job(input, cl::Kernel2D(3, 3, {1, 2, 1, 2, 4, 2, 1, 2, std::nextafter(1.0f, 2.0f)}), "minmax");
  job.shows[2].channel = 2;
  const std::vector<std::int32_t> words = encode_multi_job(job);
  const MultiJob back = decode_multi_job(words.data(), words.size());
  EXPECT_EQ(encode_multi_job(back), words);
  EXPECT_EQ(back.kind, MultiKind::Separable);
  EXPECT_EQ(back.vectors, job.vectors);
  ASSERT_EQ(back.shows.size(), 3u);
  EXPECT_EQ(back.shows[1].display, "minmax");
  EXPECT_EQ(back.shows[2].channel, 2);
  EXPECT_EQ(back.shows[2].output, 2);
  EXPECT_EQ(back.convs[0].params.padding_mode, cl::PadMode::Reflect);
  EXPECT_EQ(back.convs[0].weights.data, job.convs[0].weights.data);
  for (std::size_t n = 0; n < words.size(); ++n) EXPECT_THROW(decode_multi_job(words.data(), n), std::invalid_argument) << n;
  std::vector<std::int32_t> longer = words;
  longer.push_back(0);
  EXPECT_THROW(decode_multi_job(longer.data(), longer.size()), std::invalid_argument);
  std::vector<std::int32_t> bad_kind = words;
  bad_kind[1] = 9;
  EXPECT_THROW(decode_multi_job(bad_kind.data(), bad_kind.size()), std::invalid_argument);
  MultiJob no_output = job;
  no_output.shows.push_back({3, "auto", -1});
  EXPECT_THROW(multi_job_shapes(input, no_output), std::invalid_argument);
}

// Without workers the client computes at once, and what it gives is what the job's bands give.
TEST(MultiClient, WithoutWorkersComputesAtOnceWithTheShowsColours) {
  const cl::Tensor input = ref::random_tensor(3, 9, 10, 8);
  const MultiJob job = pointwise_job(ref::random_weights(8, 3, 1, 1, 3), "auto");
  MultiClient client;
  client.submit(input, 1, job);
  const std::optional<MultiResult> r = client.take();
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(client.busy());
  ASSERT_EQ(r->outputs.size(), 1u);
  ASSERT_EQ(r->shown.size(), 8u);
  const Joined j = run_in_bands(input, job, {0, 4, 9});
  EXPECT_TRUE(same_bits(*r->outputs[0], j.outputs[0]));
  for (std::size_t s = 0; s < 8; ++s) {
    EXPECT_EQ(r->shown[s].tensor, r->outputs[0]);  // shared, not copied
    EXPECT_TRUE(r->shown[s].rgba == j.shown[s].rgba) << s;
    EXPECT_EQ(r->shown[s].choice.channel, int(s));
  }
  MultiJob bad = job;
  bad.convs[0].weights = cl::Weights(2, 4, 1, 1);  // 4 input channels for a 3-channel image
  EXPECT_THROW(client.submit(input, 1, bad), cl::Error);
}
