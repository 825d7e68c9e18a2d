#include "pointwise_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "conv_client.h"
#include "display_choice.h"
#include "reference.h"

namespace cl = convlab;

namespace {

// Every output pixel is the matrix times the input pixel's (R, G, B), summed here in double.
void expect_matrix_times_pixels(const cl::Tensor& input, const std::vector<float>& m) {
  const PointwiseResult r = compute_pointwise(input, m);
  ASSERT_TRUE(r.output);
  const int rows = int(m.size() / 3);
  ASSERT_EQ(r.output->c, rows);
  ASSERT_EQ(r.output->h, input.h);
  ASSERT_EQ(r.output->w, input.w);
  for (int o = 0; o < rows; ++o)
    for (int y = 0; y < input.h; ++y)
      for (int x = 0; x < input.w; ++x) {
        double want = 0;
        for (int c = 0; c < 3; ++c) want += double(m[o * 3 + c]) * input.at(c, y, x);
        ASSERT_NEAR(r.output->at(o, y, x), want, 1e-5) << "output " << o << " at " << y << "," << x;
      }
}

TEST(PointwiseModel, EachOutputIsTheMatrixRowTimesThePixel) {
  const cl::Tensor input = cl::reference::random_tensor(3, 5, 7, 11);
  expect_matrix_times_pixels(input, mix_matrix(PointwiseParams{}));
  PointwiseParams features;
  features.mix = "features";
  expect_matrix_times_pixels(input, mix_matrix(features));
  expect_matrix_times_pixels(input, {0.5f, -2.0f, 0.25f, 3.0f, 0.0f, -1.0f});  // any rows x 3
}

TEST(PointwiseModel, TheModesDefaultsAreRec601AndTheFeatureRows) {
  EXPECT_EQ(mix_matrix(PointwiseParams{}), (std::vector<float>{0.299f, 0.587f, 0.114f}));
  PointwiseParams p;
  p.mix = "features";
  const std::vector<float> m = mix_matrix(p);
  ASSERT_EQ(m.size(), 24u);
  // Rows 0-2 pick a channel; row 4 is R - G; every row's weights are its row's.
  for (int o = 0; o < 3; ++o)
    for (int c = 0; c < 3; ++c) EXPECT_EQ(m[o * 3 + c], o == c ? 1.0f : 0.0f);
  EXPECT_EQ(std::vector<float>(m.begin() + 12, m.begin() + 15), (std::vector<float>{1, -1, 0}));
  EXPECT_EQ(mix_rows("features").size(), 8u);
  EXPECT_EQ(mix_rows("gray").size(), 1u);
}

// Edited values apply only when they fit the mode (a 1 x 3 edit left over after switching to the
// features does not become a wrong-sized matrix).
TEST(PointwiseModel, EditedValuesApplyWhenTheyFitTheMode) {
  PointwiseParams p;
  p.values = {0, 0, 1};
  EXPECT_EQ(mix_matrix(p), (std::vector<float>{0, 0, 1}));
  p.mix = "features";
  EXPECT_EQ(mix_matrix(p).size(), 24u);
  EXPECT_EQ(mix_matrix(p)[0], 1.0f);
}

// MACs = outputs x inputs per pixel, weights = outputs x inputs (core/cost.h's Pointwise, by hand).
TEST(PointwiseModel, CostIsOutputsTimesInputsPerPixel) {
  const cl::Tensor input(3, 10, 13, 0.5f);
  PointwiseParams p;
  PointwiseResult r = compute_pointwise(input, mix_matrix(p));
  EXPECT_EQ(r.cost.macs, 1 * 3 * 10 * 13);
  EXPECT_EQ(r.cost.params, 3);
  EXPECT_EQ(weight_shape_text(r), "1x3x1x1");
  p.mix = "features";
  r = compute_pointwise(input, mix_matrix(p));
  EXPECT_EQ(r.cost.macs, 8 * 3 * 10 * 13);
  EXPECT_EQ(r.cost.params, 24);
  EXPECT_EQ(weight_shape_text(r), "8x3x1x1");
}

TEST(PointwiseModel, AGreyImageHasNothingToMix) {
  const PointwiseResult r = compute_pointwise(cl::Tensor(1, 4, 4, 0.5f), mix_matrix(PointwiseParams{}));
  EXPECT_FALSE(r.output);
  PointwiseModel model;
  ASSERT_TRUE(model.update(cl::Tensor(3, 4, 4, 0.5f), 1, PointwiseParams{}));
  ASSERT_TRUE(model.result().output);
  model.update(cl::Tensor(1, 4, 4, 0.5f), 2, PointwiseParams{});  // the image turned grey
  EXPECT_FALSE(model.result().output);
  EXPECT_TRUE(model.error().empty());
}

// Weights 0.1f and the next float up: two keys, two outputs (text keys with six decimals once showed the
// first matrix's output for the second).
TEST(PointwiseModel, MatricesDifferingInTheLastBitRecompute) {
  const cl::Tensor input(3, 2, 2, 1.0f);
  PointwiseParams a, b;
  a.values = {0.1f, 0, 0};
  b.values = {std::nextafter(0.1f, 1.0f), 0, 0};
  EXPECT_NE(pointwise_key(1, a.values), pointwise_key(1, b.values));
  EXPECT_NE(pointwise_key(1, a.values), pointwise_key(2, a.values));
  PointwiseModel model;
  ASSERT_TRUE(model.update(input, 1, a));
  EXPECT_EQ(model.result().output->at(0, 0, 0), 0.1f);
  EXPECT_FALSE(model.update(input, 1, a));
  ASSERT_TRUE(model.update(input, 1, b));
  EXPECT_EQ(model.result().output->at(0, 0, 0), std::nextafter(0.1f, 1.0f));
}

TEST(PointwiseModel, ReadoutTexts) {
  EXPECT_EQ(matrix_text({0.299f, 0.587f, 0.114f}), "0.299,0.587,0.114");
  EXPECT_EQ(matrix_text({0, -0.5f, 1}), "0,-0.5,1");
  cl::Tensor t(2, 1, 2, 0.0f);
  t.at(0, 0, 1) = 0.25f, t.at(1, 0, 1) = -0.1f;
  EXPECT_EQ(pixel_text(LazyTensor::borrow(t), 0, 1), "0.250000,-0.100000");
  // A worker's output: the pixel's values are read where they are, one by one, and nothing is copied.
  int peeks = 0;
  bool filled = false;
  const LazyTensor lazy(cl::Tensor::uninitialized(2, 1, 2), [&](cl::Tensor&) { filled = true; },
                        [&](int c, int y, int x) { return ++peeks, t.at(c, y, x); });
  EXPECT_EQ(pixel_text(lazy, 0, 1), "0.250000,-0.100000");
  EXPECT_EQ(peeks, 2);
  EXPECT_FALSE(filled);
}

}  // namespace

// The page's model asks for the maps as a job (multi_client.h): what it shows equals compute_pointwise
// and each view's displayed_rgba bit for bit; while a newer setting is computed the last result stays
// whole.
TEST(PointwiseModel, TheModelsMapsAndColoursEqualTheDirectComputation) {
  const cl::Tensor input = cl::reference::random_tensor(3, 11, 13, 19);
  PointwiseParams p;
  p.mix = "features";
  p.values = {0.5f, -2.0f, 0.25f, 3.0f, 0.0f, -1.0f, 1, 1, 1, 0, 0, 0, -1, 0.5f, 0.5f, 2, 2, -4, 0.1f, 0.2f, 0.3f, -0.7f, 0.7f, 0};
  for (const char* display : {"auto", "minmax", "diverging"}) {
    PointwiseModel model;
    ASSERT_TRUE(model.update(input, 1, p, display)) << model.error();
    const PointwiseResult& r = model.result();
    const PointwiseResult want = compute_pointwise(input, mix_matrix(p));
    ASSERT_TRUE(r.output);
    ASSERT_EQ(r.output->data.size(), want.output->data.size());
    EXPECT_EQ(std::memcmp(r.output->data.data(), want.output->data.data(), want.output->data.size() * sizeof(float)), 0);
    EXPECT_EQ(r.matrix, want.matrix);
    EXPECT_EQ(r.cost.macs, want.cost.macs);
    ASSERT_EQ(r.shown.size(), 8u);
    for (int o = 0; o < 8; ++o) EXPECT_EQ(r.shown[o].rgba, displayed_rgba(*want.output, display, o)) << display << " map " << o;
  }
  PointwiseModel grey;
  ASSERT_TRUE(grey.update(input, 1, PointwiseParams{}));
  ASSERT_EQ(grey.result().shown.size(), 1u);
  EXPECT_EQ(grey.result().shown[0].rgba, displayed_rgba(*grey.result().output, "auto", -1));  // one map: shown whole
}

TEST(PointwiseModel, TheLastResultStaysUntilTheNewestLands) {
  const cl::Tensor input = cl::reference::random_tensor(3, 6, 5, 2);
  PointwiseModel model;
  ASSERT_TRUE(model.update(input, 1, PointwiseParams{}));
  const auto first = model.result().output;
  ConvClient::hold_results(true);
  PointwiseParams features;
  features.mix = "features";
  EXPECT_FALSE(model.update(input, 1, features));
  EXPECT_TRUE(model.busy());
  EXPECT_EQ(model.result().output, first);
  EXPECT_EQ(model.result().matrix.size(), 3u);  // the grey result's numbers, not the pending one's
  ConvClient::hold_results(false);
  ASSERT_TRUE(model.update(input, 1, features));
  EXPECT_FALSE(model.busy());
  EXPECT_EQ(model.result().output->c, 8);
}
