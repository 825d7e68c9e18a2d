// The padding lesson's model: the padded image and the output against the naive reference loops, every
// padded cell's source against the rule written out here, the 'same' split and the valid shrink it
// explains against the output it produced, and the mode list's pictures against the core.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "kernels.h"
#include "padding_model.h"
#include "reference.h"

namespace cl = convlab;
namespace ref = convlab::reference;

namespace {

const cl::PadMode kModes[] = {cl::PadMode::Zeros, cl::PadMode::Reflect, cl::PadMode::Symmetric, cl::PadMode::Replicate,
                              cl::PadMode::Circular};

// Where padded index i of an axis of n reads, as the lesson's pictures describe it (one reflection).
int remap(int i, int n, cl::PadMode mode) {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case cl::PadMode::Zeros: return -1;
    case cl::PadMode::Replicate: return i < 0 ? 0 : n - 1;
    case cl::PadMode::Reflect: return i < 0 ? -i : 2 * (n - 1) - i;
    case cl::PadMode::Symmetric: return i < 0 ? -i - 1 : 2 * n - 1 - i;
    case cl::PadMode::Circular: return i < 0 ? i + n : i - n;
  }
  return -1;
}

cl::Conv2dParams params(cl::Pad4 pad, cl::PadMode mode, int dilation = 1) {
  cl::Conv2dParams p;
  p.padding = pad;
  p.padding_mode = mode;
  p.dilation = {dilation, dilation};
  return p;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(PaddingModel, PaddedImageAndOutputMatchTheReferenceInEveryMode) {
  const cl::Tensor in = ref::random_tensor(3, 7, 10, 1);
  const cl::Weights w = ref::random_weights(3, 1, 3, 3, 2);
  for (cl::PadMode mode : kModes) {
    const cl::Pad4 pad{2, 3, 1, 4};
    cl::Conv2dParams p = params(pad, mode);
    p.stride = {3, 3};  // ignored: this lesson convolves at stride 1
    PaddingModel m;
    ASSERT_TRUE(m.update(in, 1, w, p)) << m.error();
    const cl::Tensor& padded = *m.padded;
    ASSERT_EQ(padded.h, 7 + 5);
    ASSERT_EQ(padded.w, 10 + 5);
    for (int c = 0; c < 3; ++c)
      for (int y = -pad.top; y < 7 + pad.bottom; ++y)
        for (int x = -pad.left; x < 10 + pad.right; ++x)
          EXPECT_EQ(padded.at(c, y + pad.top, x + pad.left), float(ref::padded_read(in, c, y, x, mode)));
    cl::Conv2dParams depthwise = params(pad, mode);
    depthwise.groups = 3;
    const cl::Tensor want = ref::conv2d(in, w, depthwise);
    ASSERT_EQ(m.output->h, want.h);
    ASSERT_EQ(m.output->w, want.w);
    for (std::size_t i = 0; i < want.data.size(); ++i) EXPECT_NEAR(m.output->data[i], want.data[i], 1e-5);
    EXPECT_EQ(m.formula_h.value, want.h);
    EXPECT_EQ(m.formula_w.value, want.w);
    EXPECT_EQ(m.padding_text(), "2,3,1,4");
  }
}

TEST(PaddingModel, EveryPaddedCellNamesThePixelItCopies) {
  const cl::Tensor in = ref::random_tensor(1, 5, 6, 3);
  for (cl::PadMode mode : kModes) {
    PaddingModel m;
    ASSERT_TRUE(m.update(in, 1, cl::Weights(1, 1, 3, 3, 1.0f), params({3, 3, 3, 3}, mode))) << m.error();
    for (int y = -3; y < 5 + 3; ++y)
      for (int x = -3; x < 6 + 3; ++x) {
        const int sy = remap(y, 5, mode), sx = remap(x, 6, mode);
        const std::string want = sy < 0 || sx < 0 ? "zero" : std::to_string(sy) + "," + std::to_string(sx);
        EXPECT_EQ(m.source_text(y, x), want) << cl::pad_mode_name(mode) << " " << y << "," << x;
      }
  }
}

TEST(PaddingModel, CornerGridShowsTheCornerWithItsSourcesAndValues) {
  const cl::Tensor in = ref::random_tensor(3, 4, 9, 4);
  PaddingModel m;
  ASSERT_TRUE(m.update(in, 1, cl::Weights(3, 1, 3, 3, 0.1f), params({5, 5, 2, 2}, cl::PadMode::Replicate)));
  const CornerGrid g = corner_grid(m, 6, 3);
  EXPECT_EQ(g.pad_rows, 3);  // 3 of the 5 padded rows
  EXPECT_EQ(g.pad_cols, 2);
  EXPECT_EQ(g.rows, 3 + 4);  // the image has only 4 rows
  EXPECT_EQ(g.cols, 2 + 6);
  ASSERT_EQ(int(g.cells.size()), g.rows * g.cols);
  for (const CornerCell& c : g.cells) {
    EXPECT_EQ(c.padding, c.y < 0 || c.x < 0);
    EXPECT_EQ(c.src.y, remap(c.y, 4, cl::PadMode::Replicate));
    EXPECT_EQ(c.src.x, remap(c.x, 9, cl::PadMode::Replicate));
    for (int k = 0; k < 3; ++k) EXPECT_EQ(c.rgb[k], in.at(k, c.src.y, c.src.x));
  }
  EXPECT_EQ(g.cells.front().y, -3);
  EXPECT_EQ(g.cells.front().x, -2);
}

TEST(PaddingModel, SameSplitsAnOddTotalWithTheExtraPixelBottomRight) {
  const cl::Tensor in = ref::random_tensor(3, 10, 12, 5);
  const cl::Weights w(3, 1, 4, 4, 1.0f / 16);
  PaddingModel m;
  ASSERT_TRUE(m.update(in, 1, w, params(cl::same_padding(4, 4, {1, 1}), cl::PadMode::Zeros)));
  EXPECT_EQ(m.padding_text(), "1,2,1,2");
  EXPECT_EQ(m.output->h, 10);  // 'same' keeps the size
  EXPECT_EQ(m.output->w, 12);
  const std::string note = m.amount_note(-1);
  EXPECT_TRUE(has(note, "= 3 per axis -> top 1, bottom 2, left 1, right 2")) << note;
  EXPECT_TRUE(has(note, "odd total")) << note;
  ASSERT_TRUE(m.update(in, 1, cl::Weights(3, 1, 3, 3, 1.0f / 9), params(cl::same_padding(3, 3, {1, 1}), cl::PadMode::Zeros)));
  EXPECT_FALSE(has(m.amount_note(-1), "odd total"));
  EXPECT_EQ(m.amount_note(2), "");  // a fixed amount needs no explaining
}

TEST(PaddingModel, ValidNoteStatesHowMuchTheOutputShrinks) {
  const cl::Tensor in = ref::random_tensor(3, 20, 25, 6);
  for (int d : {1, 2, 3}) {
    PaddingModel m;
    ASSERT_TRUE(m.update(in, 1, cl::Weights(3, 1, 5, 5, 0.04f), params({}, cl::PadMode::Zeros, d))) << m.error();
    const int shrink = 20 - m.output->h;
    EXPECT_EQ(25 - m.output->w, shrink);
    EXPECT_TRUE(has(m.amount_note(0), "d*(k-1) = " + std::to_string(shrink) + " per axis")) << m.amount_note(0);
  }
}

TEST(PaddingModel, AFailureKeepsThePreviousResultsAndSaysWhy) {
  const cl::Tensor dot(3, 33, 33, 0.5f);
  const cl::Weights w(3, 1, 3, 3, 1.0f / 9);
  PaddingModel m;
  ASSERT_TRUE(m.update(dot, 1, w, params({3, 3, 3, 3}, cl::PadMode::Reflect)));
  const auto padded = m.padded;
  const LazyTensor output = m.output;
  EXPECT_FALSE(m.update(dot, 1, w, params({40, 40, 40, 40}, cl::PadMode::Reflect)));
  EXPECT_TRUE(has(m.error(), "reflect padding, got 40")) << m.error();
  EXPECT_EQ(m.padded, padded);
  EXPECT_EQ(m.output, output);
  EXPECT_EQ(m.padding_text(), "3,3,3,3");
  EXPECT_EQ(m.version, 1);
  EXPECT_FALSE(m.update(dot, 1, w, params({40, 40, 40, 40}, cl::PadMode::Reflect)));  // not retried
  EXPECT_TRUE(m.update(dot, 1, w, params({40, 40, 40, 40}, cl::PadMode::Replicate)));
  EXPECT_TRUE(m.error().empty());
}

TEST(PaddingModel, KernelsDifferingInTheLastBitGiveDifferentOutputs) {
  const cl::Tensor ones(1, 4, 4, 1.0f);
  const float a = 0.1f, b = std::nextafter(0.1f, 1.0f);
  PaddingModel m;
  ASSERT_TRUE(m.update(ones, 1, cl::Weights(1, 1, 1, 1, a), {}));
  EXPECT_EQ(m.output->at(0, 1, 1), a);
  ASSERT_TRUE(m.update(ones, 1, cl::Weights(1, 1, 1, 1, b), {}));
  EXPECT_EQ(m.output->at(0, 1, 1), b);
  EXPECT_FALSE(m.update(ones, 1, cl::Weights(1, 1, 1, 1, b), {}));
  EXPECT_TRUE(m.update(ones, 2, cl::Weights(1, 1, 1, 1, b), {}));  // a new image
}

// Each mode's picture "x y | a b c" read against the core: x and y are what positions -2 and -1 hold.
TEST(PadModeInfos, EveryModeOnceAndItsPictureAgreesWithTheCore) {
  ASSERT_EQ(pad_mode_infos().size(), std::size(kModes));
  for (std::size_t i = 0; i < std::size(kModes); ++i) {
    const PadModeInfo& info = pad_mode_infos()[i];
    EXPECT_EQ(info.mode, kModes[i]);
    const std::string rule = info.rule;
    ASSERT_EQ(rule.size(), 11u) << rule;
    EXPECT_EQ(rule.substr(3), " | a b c");
    for (int pos : {-2, -1}) {
      const char shown = rule[std::size_t(pos == -2 ? 0 : 2)];
      const int src = cl::pad_source_index(pos, 3, info.mode);
      EXPECT_EQ(shown, src < 0 ? '0' : char('a' + src)) << rule << " at " << pos;
    }
  }
}
