#include "conv_transpose.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "conv2d.h"
#include "error.h"
#include "reference_transpose_pool.h"

namespace convlab {
namespace {

// Fluent tester: checks conv_transpose2d and conv_transpose2d_steps against the naive reference.
class TransposeTester {
 public:
  TransposeTester& input(int c, int h, int w) { c_ = c, h_ = h, w_ = w; return *this; }
  TransposeTester& kernel(int kh, int kw) { kh_ = kh, kw_ = kw; return *this; }
  TransposeTester& out_per_group(int n) { cout_g_ = n; return *this; }
  TransposeTester& stride(int sh, int sw) { p_.stride = {sh, sw}; return *this; }
  TransposeTester& padding(int ph, int pw) { p_.padding = {ph, pw}; return *this; }
  TransposeTester& output_padding(int oh, int ow) { p_.output_padding = {oh, ow}; return *this; }
  TransposeTester& dilation(int dh, int dw) { p_.dilation = {dh, dw}; return *this; }
  TransposeTester& groups(int g) { p_.groups = g; return *this; }
  TransposeTester& bias(bool b) { bias_ = b; return *this; }
  TransposeTester& seed(std::uint32_t s) { seed_ = s; return *this; }

  void test() const {
    const Tensor in = reference::random_tensor(c_, h_, w_, seed_);
    const Weights wt = reference::random_weights(c_, cout_g_, kh_, kw_, seed_ + 1);
    std::vector<float> b;
    if (bias_) b = reference::random_weights(1, 1, 1, cout_g_ * p_.groups, seed_ + 2).data;
    const Tensor want = reference::conv_transpose2d(in, wt, p_, b);
    {
      SCOPED_TRACE("conv_transpose2d");
      expect_tensor_near(conv_transpose2d(in, wt, p_, b), want, 1e-4f);
    }
    const TransposedSteps steps = conv_transpose2d_steps(in, wt, p_, b);
    {
      SCOPED_TRACE("conv_transpose2d_steps");
      expect_tensor_near(steps.output, want, 1e-4f);
    }
    EXPECT_EQ(steps.zero_inserted.h, (h_ - 1) * p_.stride.h + 1);
    EXPECT_EQ(steps.zero_inserted.w, (w_ - 1) * p_.stride.w + 1);
    EXPECT_EQ(steps.padding.top, p_.dilation.h * (kh_ - 1) - p_.padding.h);
    EXPECT_EQ(steps.padding.bottom, steps.padding.top + p_.output_padding.h);
    EXPECT_EQ(steps.padding.left, p_.dilation.w * (kw_ - 1) - p_.padding.w);
    EXPECT_EQ(steps.padding.right, steps.padding.left + p_.output_padding.w);
    EXPECT_EQ(steps.padded.h, steps.zero_inserted.h + steps.padding.top + steps.padding.bottom);
    EXPECT_EQ(steps.padded.w, steps.zero_inserted.w + steps.padding.left + steps.padding.right);
  }

 private:
  int c_ = 1, h_ = 4, w_ = 4, kh_ = 3, kw_ = 3, cout_g_ = 1;
  ConvTranspose2dParams p_;
  bool bias_ = false;
  std::uint32_t seed_ = 1;
};

TEST(ConvTranspose2d, Lesson2x2Stride2Kernel2CopiesBlocks) {
  // Each input pixel stamps value * kernel into its own 2x2 block.
  const Tensor in(1, 2, 2, {1, 2, 3, 4});
  const Weights wt(1, 1, 2, 2, {1, 10, 100, 1000});
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  const Tensor out = conv_transpose2d(in, wt, p);
  const float want[4][4] = {{1, 10, 2, 20}, {100, 1000, 200, 2000}, {3, 30, 4, 40}, {300, 3000, 400, 4000}};
  ASSERT_EQ(out.h, 4);
  ASSERT_EQ(out.w, 4);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_NEAR(out.at(0, y, x), want[y][x], 1e-4f) << "at y=" << y << " x=" << x;
}

TEST(ConvTranspose2d, LessonStride1Kernel3OverlapsAndSums) {
  // Printed by PyTorch 1.13: F.conv_transpose2d(tensor([[[[1.,2.],[3.,4.]]]]), ones(1,1,3,3)).
  const Tensor in(1, 2, 2, {1, 2, 3, 4});
  const Tensor out = conv_transpose2d(in, Weights(1, 1, 3, 3, 1.0f));
  const float want[4][4] = {{1, 3, 3, 2}, {4, 10, 10, 6}, {4, 10, 10, 6}, {3, 7, 7, 4}};
  ASSERT_EQ(out.h, 4);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_NEAR(out.at(0, y, x), want[y][x], 1e-5f) << "at y=" << y << " x=" << x;
}

TEST(ConvTranspose2d, StepsShowZeroInsertionPaddingAndRotation) {
  const Tensor in(1, 2, 3, {1, 2, 3, 4, 5, 6});
  const Weights wt(1, 1, 2, 3, {1, 2, 3, 4, 5, 6});
  ConvTranspose2dParams p;
  p.stride = {3, 2};
  p.padding = {0, 1};
  p.output_padding = {1, 0};
  const TransposedSteps st = conv_transpose2d_steps(in, wt, p);
  // (1) zero insertion: 2 zero rows between the input rows, 1 zero column between the columns.
  ASSERT_EQ(st.zero_inserted.h, 4);
  ASSERT_EQ(st.zero_inserted.w, 5);
  const float z[4][5] = {{1, 0, 2, 0, 3}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {4, 0, 5, 0, 6}};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x) EXPECT_EQ(st.zero_inserted.at(0, y, x), z[y][x]) << "at y=" << y << " x=" << x;
  // (2) padding: top 1*(2-1)-0 = 1, bottom 1 + output padding 1 = 2, left/right 1*(3-1)-1 = 1.
  EXPECT_EQ(st.padding.top, 1);
  EXPECT_EQ(st.padding.bottom, 2);
  EXPECT_EQ(st.padding.left, 1);
  EXPECT_EQ(st.padding.right, 1);
  ASSERT_EQ(st.padded.h, 7);
  ASSERT_EQ(st.padded.w, 7);
  EXPECT_EQ(st.padded.at(0, 1, 1), 1.0f);
  EXPECT_EQ(st.padded.at(0, 4, 5), 6.0f);
  EXPECT_EQ(st.padded.at(0, 0, 0), 0.0f);
  // (3) rotation by 180 degrees.
  const float r[6] = {6, 5, 4, 3, 2, 1};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(st.rotated.data[i], r[i]) << "at i=" << i;
  expect_tensor_near(st.output, conv_transpose2d(in, wt, p), 1e-5f);
  EXPECT_EQ(st.output.h, 6);  // (2-1)*3 - 0 + 1 + 1 + 1
  EXPECT_EQ(st.output.w, 5);  // (3-1)*2 - 2 + 2 + 0 + 1
}

TEST(ConvTranspose2d, StepsCropWhenPaddingExceedsKernelSpan) {
  // d*(k-1) - p = 1*(2-1) - 2 = -1 on top/left: the zero-inserted input is cropped, not padded.
  const Tensor in = reference::random_tensor(1, 4, 5, 7);
  const Weights wt = reference::random_weights(1, 1, 2, 2, 8);
  ConvTranspose2dParams p;
  p.stride = {2, 2};
  p.padding = {2, 2};
  p.output_padding = {1, 0};
  const TransposedSteps st = conv_transpose2d_steps(in, wt, p);
  EXPECT_EQ(st.padding.top, -1);
  EXPECT_EQ(st.padding.bottom, 0);
  EXPECT_EQ(st.padding.left, -1);
  EXPECT_EQ(st.padding.right, -1);
  EXPECT_EQ(st.padded.h, 7 - 1);
  EXPECT_EQ(st.padded.w, 9 - 2);
  EXPECT_EQ(st.padded.at(0, 0, 0), st.zero_inserted.at(0, 1, 1));
  expect_tensor_near(st.output, reference::conv_transpose2d(in, wt, p), 1e-5f);
  expect_tensor_near(conv_transpose2d(in, wt, p), reference::conv_transpose2d(in, wt, p), 1e-5f);
}

TEST(ConvTranspose2d, conv_transpose2d_5x4_s2_d2_g3) {
  TransposeTester().input(6, 5, 4).kernel(3, 3).out_per_group(2).stride(2, 2).dilation(2, 2).groups(3).bias(true).test();
}
TEST(ConvTranspose2d, conv_transpose2d_7x3_k2x5_s3x1_p1x2_op2x0_g2) {
  TransposeTester().input(4, 7, 3).kernel(2, 5).out_per_group(3).stride(3, 1).padding(1, 2).output_padding(2, 0)
      .groups(2).test();
}
TEST(ConvTranspose2d, conv_transpose2d_4x6_k4_s2_p1_upsample) {
  TransposeTester().input(3, 4, 6).kernel(4, 4).out_per_group(2).stride(2, 2).padding(1, 1).bias(true).test();
}
TEST(ConvTranspose2d, conv_transpose2d_depthwise_3x3_s2_op1) {
  TransposeTester().input(5, 6, 6).kernel(3, 3).out_per_group(1).stride(2, 2).padding(1, 1).output_padding(1, 1)
      .groups(5).test();
}
TEST(ConvTranspose2d, conv_transpose2d_s1_d3_op2_output_padding_below_dilation) {
  // output_padding 2 >= stride 1 is allowed because it is below dilation 3 (as PyTorch).
  TransposeTester().input(2, 3, 4).kernel(2, 3).out_per_group(2).dilation(3, 3).output_padding(2, 1).test();
}
TEST(ConvTranspose2d, conv_transpose2d_1x1_input_k1) {
  TransposeTester().input(1, 1, 1).kernel(1, 1).test();
}

TEST(ConvTranspose2d, MatchesReferenceOnSizeSweep) {
  std::uint32_t seed = 100;
  int cases = 0;
  for (int n = 1; n <= 5; ++n)
    for (int k = 1; k <= 4; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int pad = 0; pad <= 2; ++pad)
          for (int d = 1; d <= 2; ++d)
            for (int op = 0; op < std::max(s, d); ++op)
              for (int g : {1, 2}) {
                const int oh = (n - 1) * s - 2 * pad + d * (k - 1) + op + 1;
                const int kw = k == 1 ? 2 : k - 1;
                const int ow = n * s - 2 * std::min(pad, 1) + (kw - 1) + 1;  // width n + 1, dilation 1, no output padding
                if (oh < 1 || ow < 1) continue;
                SCOPED_TRACE("n=" + std::to_string(n) + " k=" + std::to_string(k) + " s=" + std::to_string(s) +
                             " p=" + std::to_string(pad) + " d=" + std::to_string(d) + " op=" + std::to_string(op) +
                             " g=" + std::to_string(g));
                TransposeTester()
                    .input(2 * g, n, n + 1)
                    .kernel(k, kw)
                    .out_per_group(2)
                    .stride(s, s)
                    .padding(pad, std::min(pad, 1))
                    .output_padding(op, 0)
                    .dilation(d, 1)
                    .groups(g)
                    .bias(g == 2)
                    .seed(seed += 3)
                    .test();
                ++cases;
              }
  EXPECT_GT(cases, 500);
}

// conv_transpose2d is the adjoint of conv2d with the same weight: <conv2d(x), y> == <x, conv_transpose2d(y)>.
TEST(ConvTranspose2d, IsTheAdjointOfConv2d) {
  std::uint32_t seed = 900;
  for (int h : {5, 8})
    for (int s : {1, 2, 3})
      for (int d : {1, 2})
        for (int pad : {0, 1}) {
          const int k = 3, g = 2, cin = 4, cout = 6;
          Conv2dParams cp;
          cp.stride = {s, s};
          cp.dilation = {d, d};
          cp.padding = Pad4{pad, pad, pad, pad};
          cp.groups = g;
          const Tensor x = reference::random_tensor(cin, h, h + 1, seed++);
          const Weights wt = reference::random_weights(cout, cin / g, k, k, seed++);
          const Tensor cx = conv2d(x, wt, cp);
          const Tensor y = reference::random_tensor(cout, cx.h, cx.w, seed++);
          ConvTranspose2dParams tp;
          tp.stride = cp.stride;
          tp.dilation = cp.dilation;
          tp.padding = {pad, pad};
          tp.groups = g;
          const int span = (k - 1) * d + 1;
          tp.output_padding = {(h + 2 * pad - span) % s, (h + 1 + 2 * pad - span) % s};
          const Tensor ty = conv_transpose2d(y, wt, tp);
          ASSERT_EQ(ty.h, x.h);
          ASSERT_EQ(ty.w, x.w);
          double lhs = 0, rhs = 0;
          for (std::size_t i = 0; i < cx.size(); ++i) lhs += double(cx.data[i]) * y.data[i];
          for (std::size_t i = 0; i < x.size(); ++i) rhs += double(x.data[i]) * ty.data[i];
          EXPECT_NEAR(lhs, rhs, 1e-3) << "at h=" << h << " s=" << s << " d=" << d << " p=" << pad;
        }
}

TEST(ConvTranspose2d, OutputShapeHeader) {
  ConvTranspose2dParams p;
  p.stride = {2, 3};
  p.padding = {1, 0};
  p.output_padding = {1, 2};
  p.groups = 2;
  const Tensor shape = conv_transpose2d_output_shape(Tensor(4, 5, 3), Weights(4, 3, 3, 2), p);
  EXPECT_EQ(shape.c, 6);
  EXPECT_EQ(shape.h, 10);  // 4*2 - 2 + 2 + 1 + 1
  EXPECT_EQ(shape.w, 10);  // 2*3 - 0 + 1 + 2 + 1
  EXPECT_TRUE(shape.data.empty());
}

TEST(ConvTranspose2d, ExactErrors) {
  const Tensor in(4, 5, 5);
  const Weights wt(4, 3, 3, 3);
  auto with = [](auto change) {
    ConvTranspose2dParams p;
    change(p);
    return p;
  };
  expect_error([&] { conv_transpose2d(Tensor(), wt); }, ErrorCode::InvalidShape,
               "input dimensions must be >= 1, got 0x0x0");
  expect_error([&] { conv_transpose2d(in, Weights()); }, ErrorCode::InvalidShape,
               "weight dimensions must be >= 1, got 0x0x0x0");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.stride = {0, 1}; })); },
               ErrorCode::InvalidStride, "stride must be >= 1, got 0x1");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.dilation = {1, -2}; })); },
               ErrorCode::InvalidDilation, "dilation must be >= 1, got 1x-2");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.groups = 0; })); }, ErrorCode::InvalidGroups,
               "groups must be >= 1, got 0");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.groups = 3; })); }, ErrorCode::InvalidGroups,
               "groups must divide the input channels 4, got 3");
  expect_error([&] { conv_transpose2d(Tensor(2, 5, 5), wt); }, ErrorCode::ShapeMismatch,
               "weight dimension 0 must be the input channels 2, got 4");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.groups = 2; }), std::vector<float>(3)); },
               ErrorCode::ShapeMismatch, "bias length must be the output channels 6, got 3");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.padding = {0, -1}; })); },
               ErrorCode::InvalidPadding, "padding width must be >= 0, got -1");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.output_padding = {1, 0}; })); },
               ErrorCode::InvalidPadding,
               "output padding height must be >= 0 and smaller than stride or dilation, got 1");
  expect_error([&] { conv_transpose2d(in, wt, with([](auto& p) { p.output_padding = {0, -1}; })); },
               ErrorCode::InvalidPadding,
               "output padding width must be >= 0 and smaller than stride or dilation, got -1");
  expect_error([&] { conv_transpose2d(Tensor(4, 1, 5), wt, with([](auto& p) { p.padding = {2, 0}; })); },
               ErrorCode::KernelTooLarge, "transposed output height must be >= 1, got -1");
  expect_error([&] { conv_transpose2d_steps(Tensor(2, 5, 5), wt); }, ErrorCode::ShapeMismatch,
               "weight dimension 0 must be the input channels 2, got 4");
}

}  // namespace
}  // namespace convlab
