// The fast path of separable_conv2d (a column pass over input rows read in place, padded border
// columns filled from it, then a row pass, both with the conv2d row-pass kernels) against the naive
// reference conv2d with the outer-product kernel, on every instruction set this machine runs:
// widths 1..40 so every vector tail and border column is hit, every padding mode, kernels 1..13
// (longer than one pass), strides, dilations, asymmetric padding, one and three channels.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "conv2d_rows.h"
#include "isa_test.h"
#include "reference.h"
#include "separable.h"

namespace convlab {
namespace {

std::vector<float> random_vector(int n, std::uint32_t seed) { return reference::random_weights(1, 1, 1, n, seed).data; }

void expect_matches_reference(const Tensor& in, const std::vector<float>& col, const std::vector<float>& row,
                              Conv2dParams p, const std::string& what) {
  const Tensor got = separable_conv2d(in, col, row, p);
  p.groups = in.c;
  const Tensor want = reference::conv2d(in, depthwise_weights(outer(col, row), in.c), p);
  const float tol = 4e-6f * float(col.size() * row.size() + 1);
  expect_close(got, want, tol, what);
}

class SeparableFast : public IsaTest {};
INSTANTIATE_TEST_SUITE_P(Isa, SeparableFast, ::testing::Values(false, true), isa_name);

TEST_P(SeparableFast, SamePaddingEveryModeKernelAndWidth) {
  std::uint32_t seed = 10;
  for (PadMode mode : kModes)
    for (int k = 1; k <= 7; ++k)
      for (int w = 1; w <= 40; ++w) {
        const int h = 1 + (w * 7) % 11;
        Pad4 pad = same_padding(k, k, {1, 1});
        Conv2dParams p;
        p.padding = {legal_pad(pad.top, h, mode), legal_pad(pad.bottom, h, mode), legal_pad(pad.left, w, mode),
                     legal_pad(pad.right, w, mode)};
        p.padding_mode = mode;
        if (h + p.padding.top + p.padding.bottom < k || w + p.padding.left + p.padding.right < k) continue;
        const int c = w % 3 == 0 ? 3 : 1;
        p.groups = w % 2 == 0 ? c : 1;  // 1 and C both mean per channel
        expect_matches_reference(reference::random_tensor(c, h, w, seed), random_vector(k, seed + 1),
                                 random_vector(k, seed + 2), p,
                                 std::string(pad_mode_name(mode)) + " k" + std::to_string(k) + " " + std::to_string(h) +
                                     "x" + std::to_string(w) + " c" + std::to_string(c));
        seed += 3;
      }
}

TEST_P(SeparableFast, RectangularLongAndAsymmetric) {
  std::uint32_t seed = 500;
  for (PadMode mode : kModes)
    for (int kh : {1, 2, 5, 11})
      for (int kw : {1, 3, 4, 10, 13})
        for (int w : {1, 2, 7, 8, 9, 16, 17, 31, 40}) {
          const int h = 12;
          Conv2dParams p;
          p.padding = {legal_pad(kh - 1, h, mode), legal_pad(kh / 3, h, mode), legal_pad(kw / 3, w, mode),
                       legal_pad(kw - 1, w, mode)};
          p.padding_mode = mode;
          if (h + p.padding.top + p.padding.bottom < kh || w + p.padding.left + p.padding.right < kw) continue;
          expect_matches_reference(reference::random_tensor(1, h, w, seed), random_vector(kh, seed + 1),
                                   random_vector(kw, seed + 2), p,
                                   std::string(pad_mode_name(mode)) + " " + std::to_string(kh) + "x" +
                                       std::to_string(kw) + " w" + std::to_string(w));
          seed += 3;
        }
}

TEST_P(SeparableFast, StridesAndDilations) {
  std::uint32_t seed = 900;
  for (PadMode mode : {PadMode::Zeros, PadMode::Reflect, PadMode::Circular})
    for (int k : {1, 2, 3, 5, 7})
      for (int s : {1, 2, 3})
        for (int d : {1, 2, 3})
          for (int w : {1, 5, 8, 13, 24, 37}) {
            const int h = 3 + (w % 9);
            Conv2dParams p;
            p.stride = {s, (s % 3) + 1};
            p.dilation = {d, d == 1 ? 2 : 1};
            const int span_h = (k - 1) * p.dilation.h + 1, span_w = (k - 1) * p.dilation.w + 1;
            const int pv = legal_pad(span_h / 2, h, mode), pw = legal_pad(span_w / 2, w, mode);
            p.padding = {pv, pv, pw, pw};
            p.padding_mode = mode;
            if (h + 2 * pv < span_h || w + 2 * pw < span_w) continue;
            for (int c : {1, 3}) {
              expect_matches_reference(reference::random_tensor(c, h, w, seed), random_vector(k, seed + 1),
                                       random_vector(k, seed + 2), p,
                                       std::string(pad_mode_name(mode)) + " k" + std::to_string(k) + " s" +
                                           std::to_string(s) + " d" + std::to_string(d) + " w" + std::to_string(w) +
                                           " c" + std::to_string(c));
              seed += 3;
            }
          }
}

}  // namespace
}  // namespace convlab
