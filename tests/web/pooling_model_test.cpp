// The pooling lesson's model against the core's pool2d and PyTorch's size rule written out here.
#include "pooling_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace cl = convlab;

namespace {

// A 3-channel image with a smooth background and a noisy patch (where the crop should go).
cl::Tensor test_image(int h, int w, int patch_y, int patch_x) {
  cl::Tensor t(3, h, w);
  unsigned seed = 12345;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        seed = seed * 1664525u + 1013904223u;
        const bool noisy = y >= patch_y && y < patch_y + 8 && x >= patch_x && x < patch_x + 8;
        t.at(c, y, x) = noisy ? float(seed >> 8) / float(1 << 24) : 0.3f + 0.001f * float(x);
      }
  return t;
}

// torch.nn.functional's pooling_output_shape.
int torch_pool_out(int n, int k, int s, int p, bool ceil) {
  int out = int(std::floor(double(n + 2 * p - k + (ceil ? s - 1 : 0)) / s)) + 1;
  if (ceil && (out - 1) * s >= n + p) --out;
  return out;
}

PoolingParams params(const char* mode, int k, int s, int p, bool ceil, bool cip = true) {
  PoolingParams q;
  q.mode = mode, q.k = k, q.s = s, q.p = p, q.ceil_mode = ceil, q.count_include_pad = cip;
  return q;
}

TEST(PoolingModel, ShapeAndFormulasFollowPyTorch) {
  const cl::Tensor img = test_image(37, 50, 16, 24);
  const int cases[][4] = {{2, 2, 0, 0}, {3, 2, 1, 1}, {3, 2, 0, 1}, {5, 3, 2, 0}, {4, 3, 1, 1}, {7, 4, 3, 1}, {1, 1, 0, 0}};
  for (const auto& c : cases) {
    PoolingModel m;
    ASSERT_TRUE(m.update(params("max", c[0], c[1], c[2], c[3]), img, 1)) << m.error();
    const PoolingResult& r = m.result();
    const int want_h = torch_pool_out(37, c[0], c[1], c[2], c[3]), want_w = torch_pool_out(50, c[0], c[1], c[2], c[3]);
    EXPECT_EQ(r.output->c, 3);
    EXPECT_EQ(r.output->h, want_h);
    EXPECT_EQ(r.output->w, want_w);
    EXPECT_EQ(r.formula_h.value, want_h);
    EXPECT_EQ(r.formula_w.value, want_w);
    EXPECT_EQ(r.field, c[0] + 2 * c[1]) << "a 3x3 conv after a k/s pool sees k + 2s";
  }
}

// Every window of the crop, read off the model, gives the core's output: max and min of its real pixels,
// the mean their sum over the divisor PyTorch uses with and without count_include_pad.
TEST(PoolingModel, EachWindowExplainsItsOutput) {
  const cl::Tensor img = test_image(30, 40, 8, 16);
  for (const char* mode : {"max", "mean", "min"})
    for (bool cip : {true, false})
      for (const auto& c : std::vector<std::array<int, 4>>{{2, 2, 0, 0}, {3, 2, 1, 1}, {3, 3, 1, 1}, {5, 2, 2, 0}, {4, 3, 2, 1}}) {
        PoolingModel m;
        const PoolingParams p = params(mode, c[0], c[1], c[2], c[3] != 0, cip);
        ASSERT_TRUE(m.update(p, img, 1)) << m.error();
        const PoolingResult& r = m.result();
        ASSERT_FALSE(r.crop_out.empty());
        const PoolGridExtent e = crop_grid_extent(r, p);
        for (int cell = 0; cell < r.crop_out.h * r.crop_out.w; ++cell) {
          const PoolWindow w = pool_window(r, p, cell);
          SCOPED_TRACE(std::string(mode) + " k" + std::to_string(c[0]) + " s" + std::to_string(c[1]) + " p" +
                       std::to_string(c[2]) + " cell " + std::to_string(cell));
          EXPECT_EQ(w.oy * r.crop_out.w + w.ox, cell);
          EXPECT_EQ(w.in_input + w.in_padding + w.beyond, p.k * p.k);
          EXPECT_EQ(int(w.pixels.size()), w.in_input);
          EXPECT_TRUE(w.y0 >= e.y0 && w.x0 >= e.x0 && w.y0 + p.k <= e.y1 && w.x0 + p.k <= e.x1) << "the grid shows the window";
          ASSERT_FALSE(w.pixels.empty());
          if (p.mode == "max") EXPECT_EQ(w.value, *std::max_element(w.pixels.begin(), w.pixels.end()));
          if (p.mode == "min") EXPECT_EQ(w.value, *std::min_element(w.pixels.begin(), w.pixels.end()));
          if (p.mode == "mean") {
            const int padded_cells = w.in_input + w.in_padding;
            EXPECT_EQ(w.divisor, cip ? padded_cells : w.in_input);
            EXPECT_NEAR(w.value, w.sum / w.divisor, 1e-5);
          }
        }
      }
}

TEST(PoolingModel, CeilModeGridShowsTheOverhang) {
  const cl::Tensor img = test_image(30, 40, 8, 16);
  PoolingModel m;
  const PoolingParams p = params("max", 3, 2, 0, true);
  ASSERT_TRUE(m.update(p, img, 1));
  // The 8-pixel crop: ceil((8 - 3) / 2) + 1 = 4 windows, the last at 6..8, one past the crop.
  EXPECT_EQ(m.result().crop_out.w, 4);
  const PoolGridExtent e = crop_grid_extent(m.result(), p);
  EXPECT_EQ(e.x0, 0);
  EXPECT_EQ(e.x1, 9);
  EXPECT_EQ(pool_window(m.result(), p, 3).beyond, 3);
}

TEST(PoolingModel, CropIsTheBusiestPatchAndFollowsOnlyTheImage) {
  const cl::Tensor img = test_image(40, 48, 16, 24);
  PoolingModel m;
  ASSERT_TRUE(m.update(params("max", 2, 2, 0, false), img, 1));
  const NumericCrop& c = m.result().crop;
  EXPECT_EQ(c.y, 16);
  EXPECT_EQ(c.x, 24);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      const float mean = (img.at(0, c.y + y, c.x + x) + img.at(1, c.y + y, c.x + x) + img.at(2, c.y + y, c.x + x)) / 3;
      EXPECT_NEAR(c.grey.at(0, y, x), mean, 0.005f + 1e-6f);
    }
  // New settings on the same image generation keep the crop; a new generation searches again.
  const cl::Tensor moved = test_image(40, 48, 0, 0);
  ASSERT_TRUE(m.update(params("mean", 2, 2, 0, false), moved, 1));
  EXPECT_EQ(m.result().crop.y, 16);
  ASSERT_TRUE(m.update(params("mean", 2, 2, 0, false), moved, 2));
  EXPECT_EQ(m.result().crop.y, 0);
  EXPECT_EQ(m.result().crop.x, 0);
}

TEST(PoolingModel, RefusedSettingsKeepThePreviousResult) {
  const cl::Tensor img = test_image(30, 40, 8, 16);
  PoolingModel m;
  ASSERT_TRUE(m.update(params("max", 3, 2, 1, true), img, 1));
  const int generation = m.result().generation;
  const int h = m.result().output->h;
  EXPECT_FALSE(m.update(params("max", 2, 2, 2, true), img, 1));  // padding above kernel / 2
  EXPECT_NE(m.error().find("pad"), std::string::npos) << m.error();
  EXPECT_EQ(m.result().generation, generation);
  EXPECT_EQ(m.result().output->h, h);
  EXPECT_FALSE(m.update(params("max", 2, 2, 2, true), img, 1)) << "the same failing key is not retried";
  ASSERT_TRUE(m.update(params("max", 2, 2, 1, true), img, 1));
  EXPECT_EQ(m.error(), "");
  EXPECT_EQ(m.result().generation, generation + 1);
}

// The image's pooling is an ImageJob (the page's workers, here computed at once): the output equals
// pool2d bit for bit and comes with its colours for the display it was asked with, which is in the key.
TEST(PoolingModel, TheOutputIsPool2dsWithItsColours) {
  const cl::Tensor img = test_image(31, 45, 8, 16);
  PoolingModel m;
  for (const char* display : {"auto", "minmax"})
    for (const char* mode : {"max", "mean", "min"}) {
      const PoolingParams p = params(mode, 3, 2, 1, true, false);
      ASSERT_TRUE(m.update(p, img, 1, display)) << m.error();
      const PoolingResult& r = m.result();
      const cl::Tensor want = cl::pool2d(img, pool_params(p));
      ASSERT_EQ(r.output->size(), want.size());
      EXPECT_EQ(std::memcmp(r.output->data.data(), want.data.data(), sizeof(float) * want.size()), 0) << mode;
      EXPECT_EQ(r.shown.tensor, r.output);
      EXPECT_EQ(r.shown.rgba, displayed_rgba(want, display)) << mode << " " << display;
      EXPECT_EQ(r.params.mode, mode);
      EXPECT_FALSE(m.busy());
    }
}

// While the workers pool, the last result stays whole with the settings it was computed with; a refused
// setting says why and leaves both the result and the pending job alone.
TEST(PoolingModel, TheLastResultStaysUntilTheNewestLands) {
  const cl::Tensor img = test_image(30, 40, 8, 16);
  PoolingModel m;
  ASSERT_TRUE(m.update(params("max", 2, 2, 0, false), img, 1));
  const auto first = m.result().output;
  ConvClient::hold_results(true);
  EXPECT_FALSE(m.update(params("mean", 3, 3, 1, false), img, 1));
  EXPECT_TRUE(m.busy());
  EXPECT_EQ(m.result().output, first);
  EXPECT_EQ(m.result().params.mode, "max");
  EXPECT_EQ(m.result().params.k, 2);
  EXPECT_FALSE(m.update(params("mean", 3, 3, 2, false), img, 1));  // padding above kernel / 2
  EXPECT_NE(m.error().find("padding"), std::string::npos) << m.error();
  EXPECT_EQ(m.result().output, first);
  ConvClient::hold_results(false);
  ASSERT_TRUE(m.update(params("mean", 3, 3, 1, false), img, 1)) << m.error();
  EXPECT_FALSE(m.busy());
  EXPECT_EQ(m.result().params.mode, "mean");
  EXPECT_EQ(m.result().output->h, 10);
}

TEST(PoolingModel, WindowLargerThanTheCropStillPoolsTheImage) {
  const cl::Tensor img = test_image(30, 40, 8, 16);
  PoolingModel m;
  ASSERT_TRUE(m.update(params("max", 15, 15, 0, false), img, 1)) << m.error();
  EXPECT_TRUE(m.result().crop_out.empty());
  EXPECT_EQ(m.result().output->h, 2);
  EXPECT_EQ(m.result().output->w, 2);
}

}  // namespace
