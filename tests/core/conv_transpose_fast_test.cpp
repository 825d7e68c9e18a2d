// The fast path of conv_transpose2d (a gather per output row and column phase, run with the conv2d
// row-pass kernels over zero-margined input rows) against the naive reference loop, on every
// instruction set this machine runs: widths 1..40 so every vector tail and phase length is hit,
// kernels, strides, dilations, padding, output padding, groups and several outputs per group.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "conv2d_rows.h"
#include "isa_test.h"
#include "conv_transpose.h"
#include "reference_transpose_pool.h"

namespace convlab {
namespace {

class ConvTransposeFast : public IsaTest {};
INSTANTIATE_TEST_SUITE_P(Isa, ConvTransposeFast, ::testing::Values(false, true), isa_name);

TEST_P(ConvTransposeFast, WidthSweepKernelsStridesDilationsGroups) {
  std::uint32_t seed = 1;
  struct Shape { int cin, cout_g, groups; };
  for (Shape sh : {Shape{1, 1, 1}, Shape{3, 1, 3}, Shape{2, 3, 1}, Shape{4, 2, 2}})
    for (int k : {1, 2, 3, 4, 5})
      for (int w = 1; w <= 40; ++w) {
        const int h = 1 + (w * 3 + k) % 7;
        ConvTranspose2dParams p;
        p.stride = {1 + (w + k) % 3, 1 + w % 3};
        p.dilation = {1 + (w % 4 == 3), 1 + (w % 5 == 4)};
        p.padding = {std::min(k / 2, (k - 1) * p.dilation.h), std::min((w % 3) * (k / 2), (k - 1) * p.dilation.w)};
        p.output_padding = {(w % 2) * (std::max(p.stride.h, p.dilation.h) - 1), 0};
        p.groups = sh.groups;
        const int oh = (h - 1) * p.stride.h - 2 * p.padding.h + p.dilation.h * (k - 1) + p.output_padding.h + 1;
        const int ow = (w - 1) * p.stride.w - 2 * p.padding.w + p.dilation.w * (k - 1) + 1;
        if (oh < 1 || ow < 1) continue;
        const Tensor in = reference::random_tensor(sh.cin, h, w, seed++);
        const Weights wt = reference::random_weights(sh.cin, sh.cout_g, k, k, seed++);
        std::vector<float> bias;
        if (w % 2 == 0)
          for (int i = 0; i < sh.cout_g * sh.groups; ++i) bias.push_back(0.25f * float(i) - 0.5f);
        const Tensor got = conv_transpose2d(in, wt, p, bias);
        const Tensor want = reference::conv_transpose2d(in, wt, p, bias);
        const std::string what = "cin " + std::to_string(sh.cin) + " cout_g " + std::to_string(sh.cout_g) + " k" +
                                 std::to_string(k) + " s" + std::to_string(p.stride.h) + "x" + std::to_string(p.stride.w) +
                                 " " + std::to_string(h) + "x" + std::to_string(w);
        const float tol = 4e-6f * float(sh.cin * k * k + 1);
        ASSERT_NO_FATAL_FAILURE(expect_close(got, want, tol, what));
      }
}

}  // namespace
}  // namespace convlab
