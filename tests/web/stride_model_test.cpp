// The stride lesson's model against the naive reference convolution and plain arithmetic.
#include "stride_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "kernels.h"
#include "reference.h"
#include "state.h"

namespace cl = convlab;

namespace {

// A dull image (a gentle ramp) with a checkerboard patch at (py, px): the busiest place.
cl::Tensor ramp_with_patch(int h, int w, int py, int px) {
  cl::Tensor t(3, h, w);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool patch = y >= py && y < py + kStrideCrop && x >= px && x < px + kStrideCrop;
        // Channel means with more than two decimals, so the crop's rounding shows.
        t.at(c, y, x) = patch ? float((x + y) % 2) * (0.5f + 0.13f * c) + 0.0037f * float(y % 4) : 0.3f + 0.001f * float(x + y);
      }
  return t;
}

cl::Weights box(int channels, int k) { return cl::Weights(channels, 1, k, k, 1.0f / float(k * k)); }

cl::Conv2dParams params(int pad, int stride, int dilation = 1) {
  cl::Conv2dParams p;
  p.padding = cl::Pad4{pad, pad, pad, pad};
  p.stride = cl::Pair{stride, stride};
  p.dilation = cl::Pair{dilation, dilation};
  return p;
}

void expect_same(const cl::Tensor& got, const cl::Tensor& want) {
  ASSERT_EQ(got.c, want.c);
  ASSERT_EQ(got.h, want.h);
  ASSERT_EQ(got.w, want.w);
  for (std::size_t i = 0; i < want.data.size(); ++i) ASSERT_NEAR(got.data[i], want.data[i], 1e-5f) << "at " << i;
}

TEST(StrideModel, CropIsTheGridWindowOfLargestVarianceAsRoundedGrey) {
  const cl::Tensor img = ramp_with_patch(40, 50, 18, 27);
  StrideModel m;
  ASSERT_TRUE(m.update(img, 1, box(3, 3), params(1, 2)));
  const NumericCrop& c = m.result().crop;
  EXPECT_EQ(c.y, 18);
  EXPECT_EQ(c.x, 27);
  ASSERT_EQ(c.grey.h, kStrideCrop);
  ASSERT_EQ(c.grey.w, kStrideCrop);
  for (int y = 0; y < kStrideCrop; ++y)
    for (int x = 0; x < kStrideCrop; ++x) {
      const float mean = (img.at(0, 18 + y, 27 + x) + img.at(1, 18 + y, 27 + x) + img.at(2, 18 + y, 27 + x)) / 3.0f;
      EXPECT_NEAR(c.grey.at(0, y, x), std::round(mean * 100.0f) / 100.0f, 1e-6f);
    }
}

TEST(StrideModel, CropStaysForTheSameImageAndMovesForANewOne) {
  StrideModel m;
  ASSERT_TRUE(m.update(ramp_with_patch(40, 50, 0, 9), 1, box(3, 3), params(1, 1)));
  EXPECT_EQ(m.result().crop.x, 9);
  // A new kernel on the same image generation recomputes, but the crop the learner is reading stays.
  ASSERT_TRUE(m.update(ramp_with_patch(40, 50, 18, 27), 1, box(3, 5), params(1, 1)));
  EXPECT_EQ(m.result().crop.y, 0);
  EXPECT_EQ(m.result().crop.x, 9);
  ASSERT_TRUE(m.update(ramp_with_patch(40, 50, 18, 27), 2, box(3, 5), params(1, 1)));
  EXPECT_EQ(m.result().crop.y, 18);
  EXPECT_EQ(m.result().crop.x, 27);
}

TEST(StrideModel, OutputsMatchTheReferenceConvolution) {
  const cl::Tensor img = cl::reference::random_tensor(3, 31, 44, 7);
  const cl::Weights w = cl::reference::random_weights(3, 1, 3, 3, 11);  // a different kernel per channel
  for (const auto& [pad, stride, dilation] : {std::tuple{0, 1, 1}, {1, 2, 1}, {0, 4, 1}, {2, 3, 2}, {1, 1, 3}}) {
    StrideModel m;
    ASSERT_TRUE(m.update(img, 1, w, params(pad, stride, dilation)));
    const StrideResult& r = m.result();
    cl::Conv2dParams crop_p = params(pad, stride, dilation);
    const cl::Weights first(1, 1, 3, 3, std::vector<float>(w.data.begin(), w.data.begin() + 9));
    expect_same(r.crop_out, cl::reference::conv2d(r.crop.grey, first, crop_p));
    cl::Conv2dParams whole = crop_p;
    whole.groups = 3;
    expect_same(*r.out, cl::reference::conv2d(img, w, whole));
    // The formulas give the sizes: floor((in + 2p - span) / s) + 1.
    const int span = dilation * 2 + 1;
    EXPECT_EQ(r.crop_h.value, (kStrideCrop + 2 * pad - span) / stride + 1);
    EXPECT_EQ(r.crop_h.value, r.crop_out.h);
    EXPECT_EQ(r.crop_w.value, r.crop_out.w);
    EXPECT_EQ(r.out_h.value, (31 + 2 * pad - span) / stride + 1);
    EXPECT_EQ(r.out_w.value, (44 + 2 * pad - span) / stride + 1);
    EXPECT_EQ(r.out_h.value, r.out->h);
    EXPECT_EQ(r.out_w.value, r.out->w);
  }
}

TEST(StrideModel, PaddedCropIsWhatTheWindowsRead) {
  const cl::Tensor img = ramp_with_patch(40, 50, 18, 27);
  for (cl::PadMode mode : {cl::PadMode::Zeros, cl::PadMode::Reflect, cl::PadMode::Replicate, cl::PadMode::Circular}) {
    cl::Conv2dParams p = params(3, 2);
    p.padding = cl::Pad4{3, 1, 2, 4};
    p.padding_mode = mode;
    StrideModel m;
    ASSERT_TRUE(m.update(img, 1, box(3, 3), p));
    const StrideResult& r = m.result();
    ASSERT_EQ(r.padded.h, kStrideCrop + 4);
    ASSERT_EQ(r.padded.w, kStrideCrop + 6);
    for (int y = 0; y < r.padded.h; ++y)
      for (int x = 0; x < r.padded.w; ++x)
        ASSERT_EQ(r.padded.at(0, y, x), float(cl::reference::padded_read(r.crop.grey, 0, y - 3, x - 2, mode)))
            << cl::pad_mode_name(mode) << " " << y << "," << x;
  }
}

TEST(StrideModel, AFailureKeepsThePreviousResultAndNamesTheCause) {
  const cl::Tensor img = ramp_with_patch(40, 50, 18, 27);
  StrideModel m;
  ASSERT_TRUE(m.update(img, 1, box(3, 9), params(0, 8)));
  EXPECT_EQ(m.result().crop_out.h, 1);
  const int version = m.version();
  // A 9 x 9 kernel with dilation 2 spans 17 pixels: too big for the crop (the whole image would take it).
  EXPECT_FALSE(m.update(img, 1, box(3, 9), params(0, 1, 2)));
  EXPECT_NE(m.error().find("dilated span 17"), std::string::npos) << m.error();
  EXPECT_EQ(m.result().crop_out.h, 1);
  EXPECT_EQ(m.result().params.dilation.h, 1);
  EXPECT_EQ(m.version(), version);
  EXPECT_FALSE(m.update(img, 1, box(3, 9), params(0, 1, 2)));  // the same failing arguments: not retried
  EXPECT_TRUE(m.update(img, 1, box(3, 3), params(0, 1, 2)));
  EXPECT_EQ(m.error(), "");
  EXPECT_EQ(m.result().crop_out.h, 5);
}

TEST(StrideModel, KernelsDifferingBelowAMillionthAreDifferentResults) {
  const cl::Tensor img(1, 12, 12, 1.0f);
  StrideModel m;
  ASSERT_TRUE(m.update(img, 1, cl::Weights(1, 1, 1, 1, 0.1f), params(0, 2)));
  const float before = m.result().out->at(0, 0, 0);
  const int version = m.version();
  EXPECT_FALSE(m.update(img, 1, cl::Weights(1, 1, 1, 1, 0.1f), params(0, 2)));
  ASSERT_TRUE(m.update(img, 1, cl::Weights(1, 1, 1, 1, std::nextafter(0.1f, 1.0f)), params(0, 2)));
  EXPECT_NE(m.result().out->at(0, 0, 0), before);
  EXPECT_EQ(m.version(), version + 1);
}

TEST(StrideModel, TheLastWindowEndsWhereTheFloorStops) {
  // For every padding and stride of a 3 x 3 kernel on the 9 x 9 crop: the last window fits in the
  // padded crop and one more step would not; rows after it are the ones the floor drops.
  for (int pad = 0; pad <= 4; ++pad)
    for (int s = 1; s <= 8; ++s) {
      const int padded = kStrideCrop + 2 * pad, out = (padded - 3) / s + 1;
      EXPECT_LE(rows_read(out, s, 3), padded);
      EXPECT_GT(rows_read(out, s, 3) + s, padded);
      EXPECT_FLOAT_EQ(window_centre(out - 1, s, 3), float(rows_read(out, s, 3)) - 1.5f);
    }
  EXPECT_EQ(kStrideCrop - rows_read(2, 4, 3), 2);  // the example: the last 2 columns are never read
}

TEST(StrideModel, ExampleLabelsGiveTheSizeOfTheirCase) {
  const std::vector<std::string> want = {"p=0 -> 7", "p=1 -> 9", "p=1, s=2 -> 5", "p=0, s=4 -> 2"};
  ASSERT_EQ(stride_examples().size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const StrideExample& e = stride_examples()[i];
    EXPECT_EQ(example_label(e), want[i]);
    EXPECT_EQ(example_label(e).substr(example_label(e).find("-> ") + 3),
              std::to_string((kStrideCrop + 2 * e.pad - kExampleKernel) / e.stride + 1));
  }
}

TEST(StrideModel, AnExampleSetsItsCaseAndKeepsAPresetThatHasSizes) {
  for (const StrideExample& e : stride_examples()) {
    State s;
    s.preset = "gaussian";
    s.kh = s.kw = 7;
    s.stride = 5;
    s.dilation = 3;
    s.pad_mode = "reflect";
    EXPECT_FALSE(shows_example(s, e));
    apply_example(s, e);
    EXPECT_TRUE(shows_example(s, e));
    EXPECT_EQ(s.preset, "gaussian");
    EXPECT_EQ(s.kh, 3);
    EXPECT_EQ(s.kw, 3);
    EXPECT_EQ(s.pad, e.pad);
    EXPECT_EQ(s.stride, e.stride);
    EXPECT_EQ(s.dilation, 1);
    EXPECT_EQ(s.pad_mode, "zeros");
    EXPECT_EQ(s.step, 0);
    for (const StrideExample& other : stride_examples()) EXPECT_EQ(shows_example(s, other), &other == &e);
    s.dilation = 2;  // a dilated 3 x 3 is another case
    EXPECT_FALSE(shows_example(s, e));
  }
}

}  // namespace
