// The dilation lesson's model against the naive reference convolution (which pixels a dilated kernel
// really reads) and the receptive-field recurrence written out by hand.
#include "dilation_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "reference.h"
#include "state.h"

namespace cl = convlab;

namespace {

cl::Conv2dParams params(int pad, int dilation, cl::PadMode mode = cl::PadMode::Zeros) {
  cl::Conv2dParams p;
  p.padding = cl::Pad4{pad, pad, pad, pad};
  p.dilation = cl::Pair{dilation, dilation};
  p.padding_mode = mode;
  return p;
}

cl::Tensor impulse(int h, int w, int y, int x) {
  cl::Tensor t(1, h, w);
  t.at(0, y, x) = 1.0f;
  return t;
}

TEST(DilationModel, OutputIsTheReferenceDilatedConvolutionPerChannelWithStrideOne) {
  const cl::Tensor img = cl::reference::random_tensor(3, 23, 30, 3);
  const cl::Weights w = cl::reference::random_weights(3, 1, 3, 3, 5);
  cl::Conv2dParams asked = params(4, 2, cl::PadMode::Reflect);
  asked.stride = cl::Pair{3, 3};  // the footprint is drawn for stride 1: the lesson ignores the stride
  DilationModel m;
  ASSERT_TRUE(m.update(img, 1, w, asked));
  cl::Conv2dParams want = params(4, 2, cl::PadMode::Reflect);
  want.groups = 3;
  const cl::Tensor ref = cl::reference::conv2d(img, w, want);
  const DilationResult& r = m.result();
  ASSERT_EQ(r.out->c, 3);
  ASSERT_EQ(r.out->h, ref.h);
  ASSERT_EQ(r.out->w, ref.w);
  for (std::size_t i = 0; i < ref.data.size(); ++i) ASSERT_NEAR(r.out->data[i], ref.data[i], 1e-5f) << i;
  EXPECT_EQ(r.span_h, 5);
  EXPECT_EQ(r.span_w, 5);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(r.kernel.data[i], w.data[i]);  // the first channel's weights
}

// An input pixel is a tap of output pixel (oy, ox) exactly when an impulse there reaches that output.
TEST(DilationModel, FootprintTapsAreThePixelsTheConvolutionReads) {
  const int h = 13, w = 14;
  for (const auto& [k, d, pad] : {std::tuple{3, 2, 0}, {3, 3, 3}, {2, 4, 1}, {5, 1, 2}}) {
    const cl::Weights ones(1, 1, k, k, 1.0f);
    DilationModel m;
    ASSERT_TRUE(m.update(cl::Tensor(1, h, w), 1, ones, params(pad, d)));
    const DilationResult& r = m.result();
    for (const auto& [oy, ox] : {std::pair{0, 0}, {r.out->h / 2, r.out->w - 1}, {r.out->h - 1, 1}}) {
      const Footprint f = footprint_of(r, oy, ox);
      EXPECT_EQ(f.span_h(), d * (k - 1) + 1);
      int reached = 0;
      for (int iy = 0; iy < h; ++iy)
        for (int ix = 0; ix < w; ++ix) {
          const cl::Tensor out = cl::reference::conv2d(impulse(h, w, iy, ix), ones, params(pad, d));
          int i = -1, j = -1;
          const bool tap = f.tap(iy - f.y0, ix - f.x0, &i, &j);
          reached += out.at(0, oy, ox) != 0.0f;
          ASSERT_EQ(tap, out.at(0, oy, ox) != 0.0f) << "k" << k << " d" << d << " p" << pad << " out " << oy << "," << ox
                                                     << " in " << iy << "," << ix;
          if (tap) {
            EXPECT_EQ(f.y0 + i * d, iy);
            EXPECT_EQ(f.x0 + j * d, ix);
          }
        }
      EXPECT_EQ(f.taps_inside(h, w), reached);
    }
  }
}

// A kernel that keeps only its centre copies input (iy, ix) to the output pixel centred on it.
TEST(DilationModel, OutputCentredOnAnInputPixelHasThatPixelUnderItsCentreTap) {
  const int h = 15, w = 16;
  for (const auto& [k, d, pad] : {std::tuple{3, 2, 0}, {3, 4, 4}, {5, 2, 1}}) {
    cl::Weights centre(1, 1, k, k, 0.0f);
    centre.at(0, 0, k / 2, k / 2) = 1.0f;
    DilationModel m;
    ASSERT_TRUE(m.update(cl::Tensor(1, h, w), 1, centre, params(pad, d)));
    const int reach = d * (k / 2);
    for (int iy = reach - pad; iy < h - reach + pad; ++iy)
      for (int ix = reach - pad; ix < w - reach + pad; ++ix) {
        const cl::Pair o = output_centred_on(m.result(), iy, ix);
        const cl::Tensor out = cl::reference::conv2d(impulse(h, w, iy, ix), centre, params(pad, d));
        ASSERT_EQ(out.at(0, o.h, o.w), 1.0f) << iy << "," << ix;
      }
    // Outside the output it is clamped to the edge.
    EXPECT_EQ(output_centred_on(m.result(), -50, 500).h, 0);
    EXPECT_EQ(output_centred_on(m.result(), -50, 500).w, m.result().out->w - 1);
  }
}

TEST(DilationModel, DoublingDilationsGrowTheFieldExponentiallyPlainLayersLinearly) {
  for (int k = 1; k <= 9; ++k) {
    const DilatedStack s = dilated_stack(k);
    ASSERT_EQ(s.rows.size(), 4u);
    std::string text;
    for (int l = 1; l <= 4; ++l) {
      const StackRow& row = s.rows[l - 1];
      EXPECT_EQ(row.dilation, 1 << (l - 1));
      EXPECT_EQ(row.span, (1 << (l - 1)) * (k - 1) + 1);
      EXPECT_EQ(row.field, 1 + (k - 1) * ((1 << l) - 1)) << "k" << k << " layer " << l;  // 1 + (k-1)(1+2+...+2^(l-1))
      EXPECT_EQ(row.plain_field, 1 + l * (k - 1));
      text += (l > 1 ? "," : "") + std::to_string(row.field);
    }
    EXPECT_EQ(s.fields_text(), text);
  }
  EXPECT_EQ(dilated_stack(3).fields_text(), "3,7,15,31");
}

TEST(DilationModel, TheLinkedStackSurvivesTheUrl) {
  for (int k = 1; k <= 9; ++k) {
    const std::vector<cl::Layer> layers = dilated_stack(k).link_layers();
    const std::vector<cl::Layer> back = layers_from_text(layers_to_text(layers));  // throws on what a link cannot hold
    ASSERT_EQ(back.size(), 4u);
    for (std::size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i].kernel, layers[i].kernel);
      EXPECT_EQ(back[i].dilation, layers[i].dilation);
      EXPECT_EQ(back[i].padding, layers[i].padding);
      EXPECT_EQ(back[i].padding.h, std::min(8, (1 << i) * (k - 1) / 2));
    }
  }
}

TEST(DilationModel, AFailureKeepsThePreviousResult) {
  const cl::Tensor img(1, 10, 10, 0.5f);
  DilationModel m;
  ASSERT_TRUE(m.update(img, 1, cl::Weights(1, 1, 3, 3, 1.0f), params(0, 2)));
  EXPECT_EQ(m.result().out->h, 6);
  EXPECT_FALSE(m.update(img, 1, cl::Weights(1, 1, 3, 3, 1.0f), params(0, 8)));  // spans 17 > 10
  EXPECT_NE(m.error(), "");
  EXPECT_EQ(m.result().out->h, 6);
  EXPECT_EQ(m.result().span_h, 5);
  EXPECT_TRUE(m.update(img, 1, cl::Weights(1, 1, 3, 3, 1.0f), params(4, 4)));
  EXPECT_EQ(m.error(), "");
  EXPECT_EQ(m.result().out->h, 10);
}

TEST(DilationModel, KernelsDifferingBelowAMillionthAreDifferentResults) {
  const cl::Tensor img(1, 8, 8, 1.0f);
  DilationModel m;
  ASSERT_TRUE(m.update(img, 1, cl::Weights(1, 1, 1, 1, 0.1f), params(0, 2)));
  const float before = m.result().out->at(0, 0, 0);
  EXPECT_FALSE(m.update(img, 1, cl::Weights(1, 1, 1, 1, 0.1f), params(0, 2)));
  ASSERT_TRUE(m.update(img, 1, cl::Weights(1, 1, 1, 1, std::nextafter(0.1f, 1.0f)), params(0, 2)));
  EXPECT_NE(m.result().out->at(0, 0, 0), before);
}

}  // namespace
