#include "depthwise_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "expect.h"
#include "reference.h"

namespace cl = convlab;

namespace {

// Channel c of t as a one-channel tensor.
cl::Tensor channel(const cl::Tensor& t, int c) {
  cl::Tensor out(1, t.h, t.w);
  for (int y = 0; y < t.h; ++y)
    for (int x = 0; x < t.w; ++x) out.at(0, y, x) = t.at(c, y, x);
  return out;
}

// Each output channel is its input channel alone, convolved (the naive reference loops) with its own
// plane of the weights under PyTorch's padding='same' (the odd pixel of an even kernel at the bottom/right),
// the borders reflected.
void expect_per_channel_reference(const cl::Tensor& input, const cl::Weights& w) {
  const DepthwiseResult r = compute_depthwise(input, w);
  ASSERT_TRUE(r.output);
  cl::Conv2dParams p;
  p.padding.top = (w.kh - 1) / 2, p.padding.bottom = w.kh - 1 - p.padding.top;
  p.padding.left = (w.kw - 1) / 2, p.padding.right = w.kw - 1 - p.padding.left;
  p.padding_mode = cl::PadMode::Reflect;
  ASSERT_EQ(r.output->c, input.c);
  for (int c = 0; c < input.c; ++c) {
    const cl::Weights plane(1, 1, w.kh, w.kw, std::vector<float>(w.kernel(c, 0), w.kernel(c, 0) + w.kh * w.kw));
    cl::expect_tensor_near(channel(*r.output, c), cl::reference::conv2d(channel(input, c), plane, p), 1e-5f);
  }
}

TEST(DepthwiseModel, EachChannelIsFilteredAloneByItsOwnKernel) {
  const cl::Tensor input = cl::reference::random_tensor(3, 7, 9, 1);
  expect_per_channel_reference(input, cl::reference::random_weights(3, 1, 3, 3, 2));
  expect_per_channel_reference(input, cl::reference::random_weights(3, 1, 5, 5, 3));
  expect_per_channel_reference(input, cl::reference::random_weights(3, 1, 4, 2, 4));  // even: uneven padding
}

// MACs = C*H*W*kh*kw for depthwise, C times that for a standard C -> C convolution (a MAC per kernel tap
// per output pixel); the output is H x W whatever the kernel ('same').
TEST(DepthwiseModel, CostsFollowTheFormulasOnTheImage) {
  const long long H = 10, W = 13;
  const cl::Tensor input(3, int(H), int(W), 0.5f);
  for (const auto [kh, kw] : {std::pair{3, 3}, std::pair{5, 5}, std::pair{4, 4}, std::pair{2, 3}}) {
    SCOPED_TRACE(std::to_string(kh) + "x" + std::to_string(kw));
    const DepthwiseResult r = compute_depthwise(input, cl::Weights(3, 1, kh, kw, 1.0f));
    EXPECT_EQ(r.output->h, H);
    EXPECT_EQ(r.output->w, W);
    EXPECT_EQ(r.depthwise.out_h, H);
    EXPECT_EQ(r.depthwise.out_w, W);
    EXPECT_EQ(r.depthwise.macs, 3 * H * W * kh * kw);
    EXPECT_EQ(r.standard.macs, 3 * 3 * H * W * kh * kw);
    EXPECT_EQ(r.depthwise.params, 3 * kh * kw);
    EXPECT_EQ(r.standard.params, 3 * 3 * kh * kw);
    EXPECT_EQ(depthwise_weight_shape(r), "3x1x" + std::to_string(kh) + "x" + std::to_string(kw));
  }
}

TEST(DepthwiseModel, OneChannelMakesDepthwiseAndStandardTheSameLayer) {
  const DepthwiseResult r = compute_depthwise(cl::Tensor(1, 6, 8, 0.25f), cl::Weights(1, 1, 3, 3, 1.0f));
  EXPECT_EQ(r.output->c, 1);
  EXPECT_EQ(r.depthwise.macs, 6 * 8 * 9);
  EXPECT_EQ(r.standard.macs, r.depthwise.macs);
  EXPECT_EQ(r.standard.params, r.depthwise.params);
  EXPECT_EQ(depthwise_weight_shape(r), "1x1x3x3");
}

// A centre-tap kernel of 0.1f and of the next float up: two keys, two outputs (text keys with six
// decimals once showed the first kernel's output for the second).
TEST(DepthwiseModel, KernelsDifferingInTheLastBitRecompute) {
  const cl::Tensor input(3, 3, 3, 1.0f);
  cl::Weights a(3, 1, 3, 3, 0.0f), b = a;
  for (int c = 0; c < 3; ++c) a.at(c, 0, 1, 1) = 0.1f, b.at(c, 0, 1, 1) = std::nextafter(0.1f, 1.0f);
  EXPECT_NE(depthwise_key(1, a), depthwise_key(1, b));
  EXPECT_EQ(depthwise_key(1, a), depthwise_key(1, a));
  EXPECT_NE(depthwise_key(1, a), depthwise_key(2, a));  // another image

  DepthwiseModel model;
  ASSERT_TRUE(model.update(input, 1, a));
  const float first = model.result().output->at(0, 1, 1);
  EXPECT_FALSE(model.update(input, 1, a));  // nothing changed
  ASSERT_TRUE(model.update(input, 1, b));
  EXPECT_EQ(first, 0.1f);
  EXPECT_EQ(model.result().output->at(0, 1, 1), std::nextafter(0.1f, 1.0f));
}

TEST(DepthwiseModel, AFailureKeepsThePreviousResultAndNamesTheError) {
  const cl::Tensor input(3, 5, 5, 1.0f);
  DepthwiseModel model;
  ASSERT_TRUE(model.update(input, 1, cl::Weights(3, 1, 3, 3, 1.0f)));
  const auto before = model.result().output;
  EXPECT_FALSE(model.update(input, 1, cl::Weights(2, 1, 3, 3, 1.0f)));  // two kernels for three channels
  EXPECT_FALSE(model.error().empty());
  EXPECT_EQ(model.result().output, before);
  EXPECT_EQ(model.result().channels, 3);
  ASSERT_TRUE(model.update(input, 1, cl::Weights(3, 1, 5, 5, 1.0f)));
  EXPECT_TRUE(model.error().empty());
}

// The merged colour view: "auto" keeps the colours (min-max) when values leave [0, 1].
TEST(DepthwiseModel, MergedDisplayKeepsColoursOutsideZeroOne) {
  cl::Tensor colour(3, 2, 2, 0.5f);
  EXPECT_EQ(merged_display(colour, "auto"), "auto");
  colour.at(1, 0, 0) = -0.2f;
  EXPECT_EQ(merged_display(colour, "auto"), "minmax");
  colour.at(1, 0, 0) = 1.5f;
  EXPECT_EQ(merged_display(colour, "auto"), "minmax");
  EXPECT_EQ(merged_display(colour, "clamp"), "clamp");  // an explicit choice stays
  cl::Tensor grey(1, 2, 2, -1.0f);
  EXPECT_EQ(merged_display(grey, "auto"), "auto");  // one channel: the view's own auto (diverging)
}

// The merged view's display decided from the output as the workers coloured it equals the one decided by
// scanning the output, and the merged colours are exactly what that display shows of the whole output; each
// channel's colours are what the display shows of that channel alone.
TEST(DepthwiseModel, MergedColoursAreTheMergedDisplaysWithoutAScanHere) {
  const cl::Tensor input = cl::reference::random_tensor(3, 9, 12, 21);
  cl::Weights blur(3, 1, 3, 3, 1.0f / 9.0f), bright(3, 1, 3, 3, 0.5f), edge(3, 1, 3, 3, 0.0f);
  for (int c = 0; c < 3; ++c) edge.at(c, 0, 1, 0) = -1.0f, edge.at(c, 0, 1, 2) = 1.0f;
  int checked = 0;
  for (const cl::Weights* w : {&blur, &bright, &edge})
    for (const char* display : {"auto", "clamp", "minmax", "abs", "diverging"}) {
      DepthwiseModel model;
      ASSERT_TRUE(model.update(input, 1, *w, display)) << model.error();
      const DepthwiseResult& r = model.result();
      const cl::Tensor want = cl::conv2d(input, *w, depthwise_params(3, *w));
      ASSERT_EQ(std::memcmp(r.output->data.data(), want.data.data(), sizeof(float) * want.size()), 0);
      const std::string merged = merged_display(want, display);
      EXPECT_EQ(r.merged.display, merged) << display;
      EXPECT_EQ(r.merged.tensor, r.output);
      EXPECT_EQ(r.merged.rgba, displayed_rgba(want, merged)) << display << " on kernel " << checked / 5;
      EXPECT_EQ(r.display, display);
      ASSERT_EQ(r.channel_shown.size(), 3u);  // each channel alone, coloured with the job too
      for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(r.channel_shown[std::size_t(c)].channel, c);
        EXPECT_EQ(r.channel_shown[std::size_t(c)].rgba, displayed_rgba(want, display, c)) << display << " channel " << c;
      }
      ++checked;
    }
  EXPECT_EQ(checked, 15);
  // The three kernels cover auto's three cases: within [0, 1], above 1 (min-max), signed (|x| recoloured).
  EXPECT_EQ(merged_display(cl::conv2d(input, bright, depthwise_params(3, bright)), "auto"), "minmax");
  EXPECT_EQ(merged_display(cl::conv2d(input, edge, depthwise_params(3, edge)), "auto"), "minmax");
}

}  // namespace
