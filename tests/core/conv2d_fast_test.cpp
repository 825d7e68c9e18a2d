// The fast paths of conv2d (row passes over padded-row rings, border stubs, stride phases, the
// appended-output path and the dense multi-output path) against the naive reference loop, on every
// instruction set this machine runs: widths 1..40 so every vector tail and border stub is hit, every
// padding mode, kernels 1..7, strides, dilations, groups, one and three channels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "conv2d.h"
#include "conv2d_rows.h"
#include "isa_test.h"
#include "reference.h"

namespace convlab {
namespace {

// Float sums in a different order than the reference's double sum: allow rounding relative to the
// sum of |terms| (inputs and weights are within [-1, 1], so that is at most the tap count).
void expect_matches_reference(const Tensor& in, const Weights& wt, const Conv2dParams& p, const std::vector<float>& bias,
                              const std::string& what) {
  const Tensor got = conv2d(in, wt, p, bias);
  const Tensor want = reference::conv2d(in, wt, p, bias);
  const float tol = 2e-6f * float(wt.b * wt.kh * wt.kw + 1);
  expect_close(got, want, tol, what);
}

class Conv2dFast : public IsaTest {};
INSTANTIATE_TEST_SUITE_P(Isa, Conv2dFast, ::testing::Values(false, true), isa_name);

TEST_P(Conv2dFast, SamePaddingEveryModeKernelAndWidth) {
  std::uint32_t seed = 100;
  for (PadMode mode : kModes)
    for (int k = 1; k <= 7; ++k)
      for (int w = 1; w <= 40; ++w) {
        const int h = 1 + (w * 7) % 11;  // heights 1..11, varying with the width
        Pad4 pad = same_padding(k, k, {1, 1});
        pad = {legal_pad(pad.top, h, mode), legal_pad(pad.bottom, h, mode), legal_pad(pad.left, w, mode),
               legal_pad(pad.right, w, mode)};
        if (h + pad.top + pad.bottom < k || w + pad.left + pad.right < k) continue;
        Conv2dParams p;
        p.padding = pad;
        p.padding_mode = mode;
        for (int variant = 0; variant < 3; ++variant) {
          // 0: one channel; 1: depthwise over three channels (groups 3); 2: full depth [1, 3, k, k].
          const int c = variant == 0 ? 1 : 3;
          p.groups = variant == 1 ? 3 : 1;
          const Tensor in = reference::random_tensor(c, h, w, seed++);
          const Weights wt = reference::random_weights(variant == 2 ? 1 : c, variant == 2 ? 3 : 1, k, k, seed++);
          const std::vector<float> bias = variant == 1 ? std::vector<float>{0.5f, -0.25f, 1.0f} : std::vector<float>{};
          expect_matches_reference(in, wt, p, bias,
                                   std::string(pad_mode_name(mode)) + " k" + std::to_string(k) + " " +
                                       std::to_string(h) + "x" + std::to_string(w) + " variant " + std::to_string(variant));
        }
      }
}

TEST_P(Conv2dFast, RectangularKernelsAndAsymmetricPadding) {
  std::uint32_t seed = 200;
  for (PadMode mode : kModes)
    for (int kh = 1; kh <= 7; kh += 2)
      for (int kw = 1; kw <= 7; ++kw)
        for (int w : {1, 2, 7, 8, 9, 15, 16, 17, 31, 33}) {
          const int h = 9;
          Conv2dParams p;
          p.padding = {legal_pad(kh - 1, h, mode), 0, legal_pad(kw / 3, w, mode), legal_pad(kw - 1, w, mode)};
          p.padding_mode = mode;
          if (h + p.padding.top + p.padding.bottom < kh || w + p.padding.left + p.padding.right < kw) continue;
          const Tensor in = reference::random_tensor(1, h, w, seed++);
          const Weights wt = reference::random_weights(1, 1, kh, kw, seed++);
          expect_matches_reference(in, wt, p, {0.125f},
                                   std::string(pad_mode_name(mode)) + " " + std::to_string(kh) + "x" + std::to_string(kw) +
                                       " w" + std::to_string(w));
        }
}

TEST_P(Conv2dFast, StridesAndDilations) {
  std::uint32_t seed = 300;
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Circular})
    for (int k : {1, 2, 3, 5, 7})
      for (int s : {1, 2, 3})
        for (int d : {1, 2, 3})
          for (int w : {1, 5, 8, 13, 24, 37}) {
            const int h = 3 + (w % 9);
            const int span = (k - 1) * d + 1;
            Conv2dParams p;
            p.stride = {s, (s % 3) + 1};  // different strides per axis
            p.dilation = {d, d == 1 ? 2 : 1};
            const int pv = legal_pad(span / 2, h, mode), pw = legal_pad(span / 2, w, mode);
            p.padding = {pv, pv, pw, pw};
            p.padding_mode = mode;
            const int span_w = (k - 1) * p.dilation.w + 1;
            if (h + 2 * pv < span || w + 2 * pw < span_w) continue;
            for (int c : {1, 3}) {
              p.groups = c;
              const Tensor in = reference::random_tensor(c, h, w, seed++);
              const Weights wt = reference::random_weights(c, 1, k, k, seed++);
              expect_matches_reference(in, wt, p, {},
                                       std::string(pad_mode_name(mode)) + " k" + std::to_string(k) + " s" +
                                           std::to_string(s) + " d" + std::to_string(d) + " w" + std::to_string(w) +
                                           " c" + std::to_string(c));
            }
          }
}

// Several output channels per group write their rows in place (not appended); with many input
// channels the tap list is longer than one pass and is split.
TEST_P(Conv2dFast, GroupsAndManyChannels) {
  std::uint32_t seed = 400;
  struct Shape { int cin, cout, groups, k; };
  for (Shape sh : {Shape{3, 2, 1, 3}, Shape{4, 4, 2, 3}, Shape{6, 3, 3, 5}, Shape{8, 16, 4, 1}, Shape{16, 8, 1, 1},
                   Shape{5, 10, 5, 7}, Shape{12, 6, 1, 3}, Shape{2, 6, 2, 2}})
    for (PadMode mode : kModes)
      for (int w : {1, 7, 9, 20}) {
        const int h = 6;
        Conv2dParams p;
        p.groups = sh.groups;
        p.padding_mode = mode;
        const Pad4 same = same_padding(sh.k, sh.k, {1, 1});
        p.padding = {legal_pad(same.top, h, mode), legal_pad(same.bottom, h, mode), legal_pad(same.left, w, mode),
                     legal_pad(same.right, w, mode)};
        if (w + p.padding.left + p.padding.right < sh.k) continue;
        std::vector<float> bias(sh.cout);
        for (int i = 0; i < sh.cout; ++i) bias[i] = 0.1f * float(i) - 0.3f;
        const Tensor in = reference::random_tensor(sh.cin, h, w, seed++);
        const Weights wt = reference::random_weights(sh.cout, sh.cin / sh.groups, sh.k, sh.k, seed++);
        expect_matches_reference(in, wt, p, bias,
                                 std::to_string(sh.cin) + "->" + std::to_string(sh.cout) + " g" + std::to_string(sh.groups) +
                                     " k" + std::to_string(sh.k) + " " + pad_mode_name(mode) + " w" + std::to_string(w));
      }
}

// Results do not depend on the instruction set beyond float rounding, and NaN / infinity propagate
// as in the reference (no tap is skipped, not even a zero weight).
TEST_P(Conv2dFast, NonFiniteValuesPropagate) {
  Tensor in = reference::random_tensor(1, 5, 19, 7);
  in.at(0, 2, 9) = std::nanf("");
  in.at(0, 0, 0) = INFINITY;
  Weights wt = reference::random_weights(1, 1, 3, 3, 8);
  wt.at(0, 0, 1, 1) = 0.0f;
  Conv2dParams p;
  p.padding = {1, 1, 1, 1};
  const Tensor got = conv2d(in, wt, p);
  for (int y = 1; y <= 3; ++y)
    for (int x = 8; x <= 10; ++x) EXPECT_TRUE(std::isnan(got.at(0, y, x))) << "at y=" << y << " x=" << x;
  EXPECT_FALSE(std::isnan(got.at(0, 2, 12)));
  EXPECT_TRUE(std::isinf(got.at(0, 1, 0)) || std::isnan(got.at(0, 1, 0)));
}

TEST(Conv2dFastTable, NamesItsInstructionSet) {
  rows::force_baseline(true);
  const std::string baseline = rows::pass_table().isa;
  rows::force_baseline(false);
  const std::string best = rows::pass_table().isa;
  EXPECT_TRUE(baseline == "sse2" || baseline == "wasm-simd128" || baseline == "scalar") << baseline;
  EXPECT_TRUE(best == baseline || best == "avx2+fma") << best;
  for (int n = 1; n <= rows::kMaxTaps; ++n) {
    EXPECT_NE(rows::pass_table().init[n], nullptr);
    EXPECT_NE(rows::pass_table().accumulate[n], nullptr);
  }
}

}  // namespace
}  // namespace convlab
