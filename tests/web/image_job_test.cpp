// The worker pool's split (web/image_job.h): bands computed apart, each with its own range, then coloured
// from the merged range, must join into exactly what the main thread computes and shows for the whole
// output (conv2d and displayed_rgba), byte for byte, for every display, channel and band split,
// including bands with no finite value at all.
#include "image_job.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "error.h"

namespace cl = convlab;

namespace {

cl::Tensor random_tensor(int c, int h, int w, std::uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  cl::Tensor t(c, h, w);
  for (float& v : t.data) v = u(rng);
  return t;
}

cl::Tensor rows_of(const cl::Tensor& t, int y0, int y1) {
  cl::Tensor band(t.c, y1 - y0, t.w);
  for (int c = 0; c < t.c; ++c)
    std::memcpy(band.plane(c), t.plane(c) + std::size_t(y0) * t.w, sizeof(float) * std::size_t(y1 - y0) * t.w);
  return band;
}

// Splits t's rows at `cuts`, runs both phases per band as the workers do, and joins the bytes.
BandDisplay split_and_show(const cl::Tensor& t, const ImageJob& job, const std::vector<int>& cuts) {
  std::vector<cl::Tensor> bands;
  BandRange whole;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    bands.push_back(rows_of(t, cuts[i], cuts[i + 1]));
    float words[kBandRangeFloats];  // through the floats that cross JavaScript
    band_range_to_floats(band_range(bands.back(), job), words);
    whole = merge_band_ranges(whole, band_range_from_floats(words));
  }
  BandDisplay joined;
  for (const cl::Tensor& band : bands) {
    BandDisplay d = display_band(band, job, whole);
    float words[kBandDisplayFloats];
    band_display_to_floats(d, words);
    band_display_from_floats(words, joined);
    joined.rgba.insert(joined.rgba.end(), d.rgba.begin(), d.rgba.end());
  }
  return joined;
}

void expect_same_as_whole(const cl::Tensor& t, const ImageJob& job, const std::vector<int>& cuts, const std::string& what) {
  DisplayChoice want_choice;
  cl::DisplayRange want_range{};
  const std::vector<std::uint8_t> want = displayed_rgba(t, job.display, job.channel, &want_choice, &want_range);
  const BandDisplay got = split_and_show(t, job, cuts);
  ASSERT_EQ(got.rgba.size(), want.size()) << what;
  EXPECT_TRUE(got.rgba == want) << what;
  EXPECT_EQ(got.choice.mode, want_choice.mode) << what;
  EXPECT_EQ(got.choice.resolved, want_choice.resolved) << what;
  EXPECT_EQ(got.choice.channel, want_choice.channel) << what;
  EXPECT_EQ(got.range.lo, want_range.lo) << what;
  EXPECT_EQ(got.range.hi, want_range.hi) << what;
}

TEST(ImageJob, BandsShowExactlyWhatTheWholeOutputShows) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::uint32_t seed = 1;
  int checked = 0;
  for (int c : {1, 3})
    for (const char* display : {"auto", "clamp", "minmax", "abs", "diverging"})
      for (int channel : {-1, 0, 2, 5})
        for (int values = 0; values < 4; ++values) {
          // 0: within [0, 1]; 1: positive beyond 1; 2: signed; 3: signed with NaN and inf rows, and a
          // band of nothing finite.
          const float lo = values == 2 || values == 3 ? -2.0f : 0.0f, hi = values == 1 ? 5.0f : 1.0f;
          cl::Tensor t = random_tensor(c, 12, 7, seed++, lo, hi);
          if (values == 3)
            for (int ch = 0; ch < c; ++ch)
              for (int y = 0; y < 4; ++y)
                for (int x = 0; x < t.w; ++x) t.at(ch, y, x) = (x + y) % 3 == 0 ? inf : nan;
          ImageJob job;
          job.display = display;
          job.channel = channel;
          const std::string what = std::to_string(c) + " channels, " + display + ", channel " +
                                   std::to_string(channel) + ", values " + std::to_string(values);
          for (const std::vector<int>& cuts : std::vector<std::vector<int>>{
                   {0, 12}, {0, 4, 12}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {0, 3, 5, 12}, {0, 11, 12}}) {
            expect_same_as_whole(t, job, cuts, what);
            ++checked;
          }
        }
  EXPECT_EQ(checked, 2 * 5 * 4 * 4 * 5);
}

TEST(ImageJob, AnAllZeroBandDoesNotCountAsEmpty) {
  // Band 1 is all zero, band 2 within [0.5, 0.75]: the min-max range must start at 0.
  cl::Tensor t(1, 4, 3, 0.0f);
  for (int y = 2; y < 4; ++y)
    for (int x = 0; x < 3; ++x) t.at(0, y, x) = 0.5f + 0.25f * float(x) / 2.0f;
  ImageJob job;
  job.display = "minmax";
  const BandDisplay got = split_and_show(t, job, {0, 2, 4});
  EXPECT_EQ(got.range.lo, 0.0f);
  EXPECT_EQ(got.range.hi, 0.75f);
  expect_same_as_whole(t, job, {0, 2, 4}, "zero band");
}

TEST(ImageJob, BandsOfTheJobEqualConv2d) {
  const cl::Tensor input = random_tensor(3, 20, 17, 9, 0.0f, 1.0f);
  ImageJob job;
  job.weights = cl::Weights(3, 1, 5, 5, std::vector<float>(75));
  std::mt19937 rng(3);
  for (float& v : job.weights.data) v = std::uniform_real_distribution<float>(-1, 1)(rng);
  job.params.groups = 3;
  job.params.padding = {2, 2, 2, 2};
  job.params.padding_mode = cl::PadMode::Reflect;
  job.params.stride = {2, 1};
  const cl::Tensor whole = cl::conv2d(input, job.weights, job.params);
  const cl::Tensor top = run_image_job_band(input, job, 0, 4), bottom = run_image_job_band(input, job, 4, whole.h);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(std::memcmp(top.plane(c), whole.plane(c), sizeof(float) * 4 * whole.w), 0);
    EXPECT_EQ(std::memcmp(bottom.plane(c), whole.plane(c) + 4 * whole.w, sizeof(float) * bottom.h * whole.w), 0);
  }
}

// The rows of a whole output, joined from bands split at `cuts` (as the pool splits them among workers).
cl::Tensor joined_bands(const cl::Tensor& input, const ImageJob& job, const std::vector<int>& cuts) {
  const cl::Tensor shape = image_job_output_shape(input, job);
  cl::Tensor out(shape.c, shape.h, shape.w);
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const cl::Tensor band = run_image_job_band(input, job, cuts[i], cuts[i + 1]);
    for (int c = 0; c < band.c; ++c)
      std::memcpy(out.plane(c) + std::size_t(cuts[i]) * out.w, band.plane(c), sizeof(float) * band.h * band.w);
  }
  return out;
}

// Joined bands against the main thread's run_image_job (what ConvClient computes without workers), and
// that against the core called directly: the same bits, NaN's included.
void expect_bands_equal_whole(const cl::Tensor& input, const ImageJob& job, const cl::Tensor& core, const std::string& what) {
  const cl::Tensor whole = run_image_job(input, job);
  ASSERT_EQ(whole.size(), core.size()) << what;
  EXPECT_EQ(std::memcmp(whole.data.data(), core.data.data(), sizeof(float) * core.size()), 0) << what;
  const std::vector<std::vector<int>> splits = {
      {0, whole.h}, {0, whole.h / 2, whole.h}, {0, 1, whole.h / 3 + 1, whole.h - 1, whole.h}};
  for (const std::vector<int>& cuts : splits) {
    if (cuts.size() > 3 && whole.h < 4) continue;
    const cl::Tensor joined = joined_bands(input, job, cuts);
    EXPECT_EQ(std::memcmp(joined.data.data(), whole.data.data(), sizeof(float) * whole.size()), 0)
        << what << ", " << cuts.size() - 1 << " bands";
  }
}

TEST(ImageJob, PoolBandsEqualPool2dBitForBit) {
  std::uint32_t seed = 40;
  int checked = 0;
  for (cl::PoolMode mode : {cl::PoolMode::Max, cl::PoolMode::Mean, cl::PoolMode::Min})
    for (int k : {2, 3, 4})
      for (int stride : {1, 2, 3})
        for (bool ceil_mode : {false, true})
          for (bool cip : {true, false}) {
            cl::Pool2dParams p;
            p.mode = mode;
            p.kernel = {k, k};
            p.stride = {stride, stride};
            p.padding = {k / 2, (k - 1) / 2};
            p.ceil_mode = ceil_mode;
            p.count_include_pad = cip;
            cl::Tensor input = random_tensor(3, 13 + k, 21 - stride, seed++, -1.0f, 2.0f);
            input.data[seed % input.size()] = std::numeric_limits<float>::quiet_NaN();
            const ImageJob job = pool_job(p, "auto");
            const std::string what = std::string(cl::pool_mode_name(mode)) + " k" + std::to_string(k) + " s" +
                                     std::to_string(stride) + (ceil_mode ? " ceil" : "") + (cip ? "" : " exclude_pad");
            expect_bands_equal_whole(input, job, cl::pool2d(input, p), what);
            ++checked;
          }
  EXPECT_EQ(checked, 3 * 3 * 3 * 2 * 2);
}

TEST(ImageJob, ConvBandsWithAnActivationEqualConv2dThenTheActivation) {
  std::uint32_t seed = 70;
  for (cl::Activation act : {cl::Activation::None, cl::Activation::Relu, cl::Activation::Abs})
    for (int groups : {1, 3})
      for (int k : {1, 3, 6}) {
        const cl::Tensor input = random_tensor(3, 19, 14, seed++, 0.0f, 1.0f);
        cl::Weights w(groups == 1 ? 2 : 3, groups == 1 ? 3 : 1, k, k, std::vector<float>(std::size_t(3 * k * k * (groups == 1 ? 2 : 1))));
        std::mt19937 rng(seed++);
        for (float& v : w.data) v = std::uniform_real_distribution<float>(-1, 1)(rng);  // signed sums: ReLU and |x| bite
        cl::Conv2dParams p;
        p.groups = groups;
        p.padding = cl::same_padding(k, k, {1, 1});
        p.padding_mode = cl::PadMode::Symmetric;
        const ImageJob job = conv_job(w, p, "auto", act);
        const std::string what = std::string(cl::activation_name(act)) + " groups " + std::to_string(groups) + " k" +
                                 std::to_string(k);
        expect_bands_equal_whole(input, job, cl::activate(cl::conv2d(input, w, p), act), what);
      }
}

TEST(ImageJob, ThePoolJobChecksItsArgumentsAsPool2dDoes) {
  cl::Pool2dParams p;
  p.kernel = {3, 3};
  p.padding = {2, 2};  // more than half the kernel
  const cl::Tensor input(1, 8, 8, 0.5f);
  try {
    image_job_output_shape(input, pool_job(p, "auto"));
    FAIL() << "padding above kernel / 2 was accepted";
  } catch (const cl::Error& e) {
    EXPECT_EQ(e.code(), cl::ErrorCode::InvalidPadding);
    EXPECT_STREQ(e.what(), "padding height must be between 0 and half the kernel (1), got 2");
  }
  p.padding = {1, 1};
  const cl::Tensor shape = image_job_output_shape(input, pool_job(p, "auto"));
  EXPECT_EQ(shape.h, 3);  // (8 + 2 - 3) / 3 + 1
  EXPECT_TRUE(shape.data.empty());
}

TEST(ImageJob, EncodesAPoolJobAndAnActivation) {
  cl::Pool2dParams p;
  p.mode = cl::PoolMode::Mean;
  p.kernel = {3, 4};
  p.stride = {2, 0};
  p.padding = {1, 2};
  p.dilation = {1, 1};
  p.ceil_mode = true;
  p.count_include_pad = false;
  ImageJob job = pool_job(p, "minmax");
  job.channel = 1;
  const std::vector<std::int32_t> words = encode_image_job(job);
  const ImageJob back = decode_image_job(words.data(), words.size());
  EXPECT_EQ(back.op, ImageOp::Pool2d);
  EXPECT_EQ(back.pool.mode, cl::PoolMode::Mean);
  EXPECT_EQ(back.pool.kernel.w, 4);
  EXPECT_EQ(back.pool.stride.w, 0);
  EXPECT_EQ(back.pool.padding.w, 2);
  EXPECT_TRUE(back.pool.ceil_mode);
  EXPECT_FALSE(back.pool.count_include_pad);
  EXPECT_EQ(back.display, "minmax");
  EXPECT_EQ(back.channel, 1);
  EXPECT_EQ(encode_image_job(back), words);
  for (std::size_t n = 0; n < words.size(); ++n) EXPECT_THROW(decode_image_job(words.data(), n), std::invalid_argument) << n;
  std::vector<std::int32_t> bad = words;
  bad[1] = 2;  // no such operation
  EXPECT_THROW(decode_image_job(bad.data(), bad.size()), std::invalid_argument);
  bad = words;
  bad[2] = 3;  // no such pool mode
  EXPECT_THROW(decode_image_job(bad.data(), bad.size()), std::invalid_argument);
  bad = words;
  bad[11] = 2;  // ceil_mode neither 0 nor 1
  EXPECT_THROW(decode_image_job(bad.data(), bad.size()), std::invalid_argument);

  const ImageJob relu = conv_job(cl::Weights(1, 1, 1, 1, 2.0f), {}, "auto", cl::Activation::Relu);
  std::vector<std::int32_t> conv_words = encode_image_job(relu);
  EXPECT_EQ(decode_image_job(conv_words.data(), conv_words.size()).activation, cl::Activation::Relu);
  conv_words[conv_words.size() - 7] = 3;  // the activation word (before channel, length and "auto"): no such one
  EXPECT_THROW(decode_image_job(conv_words.data(), conv_words.size()), std::invalid_argument);
}

TEST(ImageJob, EncodesEveryFieldAndRefusesGarbage) {
  ImageJob job;
  job.weights = cl::Weights(2, 3, 1, 2, {0.1f, -0.0f, std::nextafter(0.1f, 1.0f), 4, 5, 6, 7, 8, 9, 10, 11, 12});
  job.params.stride = {2, 3};
  job.params.dilation = {4, 5};
  job.params.padding = {1, 2, 3, 4};
  job.params.padding_mode = cl::PadMode::Circular;
  job.params.groups = 1;
  job.display = "diverging";
  job.channel = 2;
  const std::vector<std::int32_t> words = encode_image_job(job);
  const ImageJob back = decode_image_job(words.data(), words.size());
  EXPECT_EQ(encode_image_job(back), words);
  EXPECT_EQ(std::memcmp(back.weights.data.data(), job.weights.data.data(), 12 * sizeof(float)), 0);  // -0 and the ulp
  EXPECT_EQ(back.params.padding.right, 4);
  EXPECT_EQ(back.params.dilation.w, 5);
  EXPECT_EQ(back.params.padding_mode, cl::PadMode::Circular);
  EXPECT_EQ(back.display, "diverging");
  EXPECT_EQ(back.channel, 2);

  for (std::size_t n = 0; n < words.size(); ++n) EXPECT_THROW(decode_image_job(words.data(), n), std::invalid_argument) << n;
  std::vector<std::int32_t> longer = words;
  longer.push_back(0);
  EXPECT_THROW(decode_image_job(longer.data(), longer.size()), std::invalid_argument);
  std::vector<std::int32_t> bad = words;
  bad[0] = 0;
  EXPECT_THROW(decode_image_job(bad.data(), bad.size()), std::invalid_argument);
}

}  // namespace
