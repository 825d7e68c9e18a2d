#include "conv2d.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <cstdint>
#include <string>
#include <vector>

#include "error.h"
#include "reference.h"

namespace convlab {
namespace {

TEST(Conv2d, MatchesReferenceOnSizeSweepAllModes) {
  std::uint32_t seed = 1;
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular})
    for (int size = 1; size <= 9; ++size)
      for (int k : {1, 2, 3, 5})
        for (int s : {1, 2, 3}) {
          const int padv = std::min(k / 2, mode == PadMode::Reflect ? size - 1 : size);
          Conv2dParams p;
          p.stride = {s, s};
          p.padding = {padv, padv, padv, padv};
          p.padding_mode = mode;
          if (size + 2 * padv < k) continue;
          const Tensor in = reference::random_tensor(3, size, size + 1, seed++);
          const Weights wt = reference::random_weights(2, 3, k, k, seed++);
          SCOPED_TRACE(std::string(pad_mode_name(mode)) + " size " + std::to_string(size) + " k " +
                       std::to_string(k) + " s " + std::to_string(s));
          expect_tensor_near(conv2d(in, wt, p), reference::conv2d(in, wt, p), 1e-5f);
        }
}

TEST(Conv2d, StrideZeroIsANamedError) {
  Conv2dParams p;
  p.stride = {0, 1};
  try {
    conv2d(Tensor(1, 4, 4), Weights(1, 1, 3, 3), p);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidStride);
    EXPECT_STREQ(e.what(), "stride must be >= 1, got 0x1");
  }
}

// Fluent tester: checks conv2d against the naive reference loop.
class Conv2dTester {
 public:
  Conv2dTester& input(int c, int h, int w) { c_ = c, h_ = h, w_ = w; return *this; }
  Conv2dTester& kernel(int kh, int kw) { kh_ = kh, kw_ = kw; return *this; }
  Conv2dTester& out_channels(int n) { cout_ = n; return *this; }
  Conv2dTester& stride(int sh, int sw) { p_.stride = {sh, sw}; return *this; }
  Conv2dTester& dilation(int dh, int dw) { p_.dilation = {dh, dw}; return *this; }
  Conv2dTester& padding(Pad4 pad) { p_.padding = pad; return *this; }
  Conv2dTester& mode(PadMode m) { p_.padding_mode = m; return *this; }
  Conv2dTester& groups(int g) { p_.groups = g; return *this; }
  Conv2dTester& same() { same_ = true; return *this; }
  Conv2dTester& bias(bool b) { bias_ = b; return *this; }
  Conv2dTester& seed(std::uint32_t s) { seed_ = s; return *this; }

  Tensor test() const {
    Conv2dParams p = p_;
    if (same_) p.padding = same_padding(kh_, kw_, p.dilation);
    const Tensor in = reference::random_tensor(c_, h_, w_, seed_);
    const Weights wt = reference::random_weights(cout_, c_ / p.groups, kh_, kw_, seed_ + 1);
    std::vector<float> b;
    if (bias_) b = reference::random_weights(1, 1, 1, cout_, seed_ + 2).data;
    const Tensor got = conv2d(in, wt, p, b);
    expect_tensor_near(got, reference::conv2d(in, wt, p, b), 1e-4f);
    return got;
  }

 private:
  int c_ = 1, h_ = 5, w_ = 5, kh_ = 3, kw_ = 3, cout_ = 1;
  Conv2dParams p_;
  bool same_ = false, bias_ = false;
  std::uint32_t seed_ = 11;
};

TEST(Conv2d, conv2d_depthwise_3x3_s2_d2) {
  Conv2dTester().input(4, 9, 8).kernel(3, 3).out_channels(4).groups(4).stride(2, 2).dilation(2, 2).test();
}
TEST(Conv2d, conv2d_depthwise_multiplier2_5x5_reflect) {
  Conv2dTester().input(3, 7, 6).kernel(5, 5).out_channels(6).groups(3).padding({2, 2, 2, 2})
      .mode(PadMode::Reflect).bias(true).test();
}
TEST(Conv2d, conv2d_grouped_g2_k3x2_s1x2) {
  Conv2dTester().input(4, 6, 7).kernel(3, 2).out_channels(6).groups(2).stride(1, 2).bias(true).test();
}
TEST(Conv2d, conv2d_pointwise_1x1) {
  Conv2dTester().input(5, 4, 3).kernel(1, 1).out_channels(3).bias(true).test();
}
TEST(Conv2d, conv2d_even_kernel_4x2_asymmetric_padding) {
  Conv2dTester().input(2, 6, 5).kernel(4, 2).out_channels(2).padding({1, 2, 0, 1}).mode(PadMode::Circular).test();
}
TEST(Conv2d, conv2d_dilation_3x1_k2x5) {
  Conv2dTester().input(1, 8, 9).kernel(2, 5).out_channels(2).dilation(3, 1).mode(PadMode::Symmetric)
      .padding({1, 0, 2, 2}).test();
}
TEST(Conv2d, conv2d_kernel_fills_input_exactly) {
  const Tensor out = Conv2dTester().input(2, 3, 4).kernel(3, 4).out_channels(3).bias(true).test();
  EXPECT_EQ(out.h, 1);
  EXPECT_EQ(out.w, 1);
}

TEST(Conv2d, BiasIsAddedOncePerOutputChannel) {
  const Tensor in(2, 3, 3, 0.0f);
  const Tensor out = conv2d(in, Weights(3, 2, 2, 2, 1.0f), Conv2dParams{}, {0.5f, -1.0f, 2.0f});
  ASSERT_EQ(out.c, 3);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out.plane(c)[i], (std::vector<float>{0.5f, -1.0f, 2.0f})[c]) << "at c=" << c;
}

TEST(Conv2d, GroupsKeepChannelsApart) {
  // Two groups: output 0 sees only input channel 0, output 1 only input channel 1.
  Tensor in(2, 1, 1, {3.0f, 5.0f});
  Conv2dParams p;
  p.groups = 2;
  const Tensor out = conv2d(in, Weights(2, 1, 1, 1, {10.0f, 100.0f}), p);
  EXPECT_EQ(out.at(0, 0, 0), 30.0f);
  EXPECT_EQ(out.at(1, 0, 0), 500.0f);
}

TEST(Conv2d, SamePaddingPutsTheExtraPixelBottomRight) {
  // As PyTorch's padding='same' (checked with /usr/bin/python3 torch 1.13 against explicit F.pad).
  const Pad4 odd = same_padding(3, 5, Pair{1, 1});
  EXPECT_EQ(odd.top, 1); EXPECT_EQ(odd.bottom, 1); EXPECT_EQ(odd.left, 2); EXPECT_EQ(odd.right, 2);
  const Pad4 even = same_padding(4, 2, Pair{1, 1});
  EXPECT_EQ(even.top, 1); EXPECT_EQ(even.bottom, 2); EXPECT_EQ(even.left, 0); EXPECT_EQ(even.right, 1);
  const Pad4 dil = same_padding(3, 4, Pair{2, 3});
  EXPECT_EQ(dil.top, 2); EXPECT_EQ(dil.bottom, 2); EXPECT_EQ(dil.left, 4); EXPECT_EQ(dil.right, 5);
  const Pad4 one = same_padding(1, 1, Pair{4, 4});
  EXPECT_EQ(one.top + one.bottom + one.left + one.right, 0);
}

TEST(Conv2d, SamePaddingKeepsTheSizeOnSweep) {
  std::uint32_t seed = 300;
  for (int kh = 1; kh <= 5; ++kh)
    for (int kw : {1, 2, 4})
      for (int d = 1; d <= 2; ++d) {
        SCOPED_TRACE("k " + std::to_string(kh) + "x" + std::to_string(kw) + " d " + std::to_string(d));
        const Tensor out =
            Conv2dTester().input(2, 7, 6).kernel(kh, kw).out_channels(2).dilation(d, d).same().seed(seed += 3).test();
        EXPECT_EQ(out.h, 7);
        EXPECT_EQ(out.w, 6);
      }
}

TEST(Conv2d, MatchesReferenceWithGroupsDilationNonSquare) {
  std::uint32_t seed = 1000;
  int cases = 0;
  for (int h = 1; h <= 7; ++h)
    for (int kh = 1; kh <= 4; ++kh)
      for (int kw : {1, 2, 3})
        for (int s = 1; s <= 2; ++s)
          for (int d = 1; d <= 3; ++d)
            for (int g : {1, 2, 4}) {
              const int w = 8 - h;
              const Pad4 pad{kh / 2, (kh - 1) / 2, kw / 2, 0};
              if (h + pad.top + pad.bottom < (kh - 1) * d + 1 || w + pad.left + pad.right < kw) continue;
              SCOPED_TRACE("h " + std::to_string(h) + " k " + std::to_string(kh) + "x" + std::to_string(kw) + " s " +
                           std::to_string(s) + " d " + std::to_string(d) + " g " + std::to_string(g));
              Conv2dTester().input(4, h, w).kernel(kh, kw).out_channels(g == 1 ? 3 : 2 * g)
                  .stride(s, 3 - s).dilation(d, 1).groups(g).padding(pad).bias(g != 1).seed(seed += 3).test();
              ++cases;
            }
  EXPECT_GT(cases, 200);
}

TEST(Conv2d, ExactErrors) {
  const Tensor in(4, 5, 5);
  const Weights wt(2, 4, 3, 3);
  auto with = [](auto change) {
    Conv2dParams p;
    change(p);
    return p;
  };
  Tensor no_channels;
  no_channels.h = no_channels.w = 4;
  expect_error([&] { conv2d(no_channels, wt); }, ErrorCode::InvalidShape, "input dimensions must be >= 1, got 0x4x4");
  Tensor short_data(4, 5, 5);
  short_data.data.pop_back();
  expect_error([&] { conv2d(short_data, wt); }, ErrorCode::InvalidShape, "input data length must be 100 to match its shape, got 99");
  expect_error([&] { conv2d(in, Weights()); }, ErrorCode::InvalidShape, "weight dimensions must be >= 1, got 0x0x0x0");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.stride = {1, -3}; })); }, ErrorCode::InvalidStride,
               "stride must be >= 1, got 1x-3");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.dilation = {0, 0}; })); }, ErrorCode::InvalidDilation,
               "dilation must be >= 1, got 0x0");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.groups = 0; })); }, ErrorCode::InvalidGroups,
               "groups must be >= 1, got 0");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.groups = 3; })); }, ErrorCode::InvalidGroups,
               "groups must divide the input channels 4, got 3");
  expect_error([&] { conv2d(in, Weights(3, 2, 3, 3), with([](auto& p) { p.groups = 2; })); }, ErrorCode::InvalidGroups,
               "groups must divide the output channels 3, got 2");
  expect_error([&] { conv2d(in, Weights(2, 3, 3, 3), with([](auto& p) { p.groups = 2; })); }, ErrorCode::ShapeMismatch,
               "weight dimension 1 must be input channels / groups = 2, got 3");
  expect_error([&] { conv2d(in, wt, {}, {1.0f, 2.0f, 3.0f}); }, ErrorCode::ShapeMismatch,
               "bias length must be the output channels 2, got 3");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.padding = {0, 0, -1, 0}; })); }, ErrorCode::InvalidPadding,
               "padding left must be >= 0, got -1");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.padding = {5, 0, 0, 0}, p.padding_mode = PadMode::Reflect; })); },
               ErrorCode::InvalidPadding, "padding top must be < input size 5 for reflect padding, got 5");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.padding = {0, 0, 0, 6}, p.padding_mode = PadMode::Circular; })); },
               ErrorCode::InvalidPadding, "padding right must be <= input size 5 for circular padding, got 6");
  expect_error([&] { conv2d(in, Weights(2, 4, 6, 3)); }, ErrorCode::KernelTooLarge,
               "kernel height 6 (dilated span 6) must fit the padded input height 5, got output height < 1");
  expect_error([&] { conv2d(in, wt, with([](auto& p) { p.dilation = {1, 3}; })); }, ErrorCode::KernelTooLarge,
               "kernel width 3 (dilated span 7) must fit the padded input width 5, got output width < 1");
  // The output count is checked before anything is allocated.
  expect_error([&] { conv2d_output_shape(Tensor(1, 32, 32), Weights(1 << 20, 1, 1, 1), {}); }, ErrorCode::TooLarge,
               "output 1048576x32x32 has more than 268435456 elements");
}

}  // namespace
}  // namespace convlab
