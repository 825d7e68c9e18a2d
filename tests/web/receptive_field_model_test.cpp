#include "receptive_field_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>

namespace cl = convlab;

namespace {

cl::Tensor noise(int c, int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  cl::Tensor t(c, h, w);
  for (float& v : t.data) v = float(rng() % 1000) / 999.0f;
  return t;
}

State with_layers(const std::string& text, int rf_layer = -1) {
  State s;
  s.layers = layers_from_text(text);
  s.rf_layer = rf_layer;
  return s;
}

std::map<std::string, std::string> readout(const ReceptiveFieldModel& m) {
  const auto r = m.readout();
  return {r.begin(), r.end()};
}

TEST(ReceptiveFieldModel, TwoStacked3x3LayersSee25PixelsBy81Paths) {
  ReceptiveFieldModel m;
  m.update(State{}, noise(3, 20, 30, 1), 1, {});  // the default stack: c3,c3
  ASSERT_EQ(m.error(), "");
  auto r = readout(m);
  EXPECT_EQ(r["layers"], "2");
  EXPECT_EQ(r["layer"], "2");
  EXPECT_EQ(r["size_1"], "3x3");
  EXPECT_EQ(r["size_2"], "5x5");
  EXPECT_EQ(r["out_2"], "16x26");
  EXPECT_EQ(r["start_2"], "2,2");  // valid convs: unit 0 looks at pixel 2
  EXPECT_EQ(r["field"], "5x5");
  EXPECT_EQ(r["field_pixels"], "25");
  EXPECT_EQ(r["unit"], "8,13");  // the centre of the 16 x 26 output
  EXPECT_EQ(r["rect"], "8,13,13,18");
  EXPECT_EQ(r["rect_clipped"], "8,13,13,18");
  EXPECT_EQ(r["paths_total"], "81");
  EXPECT_EQ(r["paths_support"], "25");
  EXPECT_EQ(m.interior_paths(), 81.0);
  EXPECT_EQ(m.interior_paths_text(), "9 x 9");
}

TEST(ReceptiveFieldModel, StartsPrintHalvesAndNegatives) {
  ReceptiveFieldModel m;
  m.update(with_layers("c2,c3p2"), noise(1, 12, 12, 2), 1, {});
  auto r = readout(m);
  EXPECT_EQ(r["start_1"], "0.5,0.5");   // an even window is centred between two pixels
  EXPECT_EQ(r["start_2"], "-0.5,-0.5");  // padding 2 moves unit 0 two units up and left: 0.5 + (1 - 2)
}

TEST(ReceptiveFieldModel, AChosenLayerBelowTheLast) {
  ReceptiveFieldModel m;
  m.update(with_layers("c3p1,c3p1,p2,c3p1,c3p1,p2,c3s2p1", 2), noise(3, 64, 48, 3), 1, {});
  ASSERT_EQ(m.error(), "");
  auto r = readout(m);
  EXPECT_EQ(r["layers"], "7");
  EXPECT_EQ(r["layer"], "3");
  EXPECT_EQ(r["field"], "6x6");  // 5 + (2 - 1) x 1
  EXPECT_EQ(r["paths_total"], std::to_string(9 * 9 * 4));
  EXPECT_EQ(m.interior_paths_text(), "9 x 9 x 4");
  const RfRule rule = m.rule();
  EXPECT_EQ(rule.below_size, 5);
  EXPECT_EQ(rule.span, 2);
  EXPECT_EQ(rule.below_jump, 1);
  EXPECT_EQ(rule.size, 6);
  // A rf_layer past the stack shows the last layer.
  m.update(with_layers("c3,c3", 5), noise(3, 64, 48, 3), 1, {});
  EXPECT_EQ(m.layer(), 1);
}

TEST(ReceptiveFieldModel, TheUnitFollowsThePointerThenTheClickThenTheCentre) {
  ReceptiveFieldModel m;
  State s = with_layers("c3s2p1,c3s2p1,c3p1");
  const cl::Tensor img = noise(1, 40, 36, 4);
  m.update(s, img, 1, {});
  const cl::Pair out = m.sizes().back();  // 10 x 9
  EXPECT_EQ(m.unit(), (cl::Pair{out.h / 2, out.w / 2}));
  s.step = 2 * out.w + 7;  // a click kept unit (2, 7)
  m.update(s, img, 1, {});
  EXPECT_EQ(m.unit(), (cl::Pair{2, 7}));
  m.update(s, img, 1, {RfPointer::Over::Grid, 4, 1});
  EXPECT_EQ(m.unit(), (cl::Pair{4, 1}));
  EXPECT_EQ(m.rect(), cl::input_rect(m.layers(), 2, 4, 1));
  // Over the input: the unit whose field's centre is nearest the pixel (brute force over every unit).
  for (int y = 0; y < img.h; y += 3)
    for (int x = 0; x < img.w; x += 5) {
      m.update(s, img, 1, {RfPointer::Over::Input, y, x});
      double best = 1e9;
      for (int uy = 0; uy < out.h; ++uy)
        for (int ux = 0; ux < out.w; ++ux) {
          const cl::Rect r = cl::input_rect(m.layers(), 2, uy, ux);
          best = std::min(best, std::hypot((r.y0 + r.y1 - 1) / 2.0 - y, (r.x0 + r.x1 - 1) / 2.0 - x));
        }
      const cl::Rect got = cl::input_rect(m.layers(), 2, m.unit().h, m.unit().w);
      EXPECT_NEAR(std::hypot((got.y0 + got.y1 - 1) / 2.0 - y, (got.x0 + got.x1 - 1) / 2.0 - x), best, 1e-9)
          << "pixel " << y << "," << x;
    }
  // A grid position outside the output falls back to the click.
  m.update(s, img, 1, {RfPointer::Over::Grid, out.h, 0});
  EXPECT_EQ(m.unit(), (cl::Pair{2, 7}));
}

TEST(ReceptiveFieldModel, NestedFieldsShareTheUnitsCentreAndGrow) {
  ReceptiveFieldModel m;
  m.update(with_layers("c3s2p1,c5p2,c3d2p2,c3s2"), noise(1, 50, 50, 5), 1, {RfPointer::Over::Grid, 3, 5});
  ASSERT_EQ(m.error(), "");
  ASSERT_EQ(m.nested().size(), 4u);
  const cl::Rect& top = m.rect();
  for (int l = 0; l < 4; ++l) {
    const cl::Rect& r = m.nested()[std::size_t(l)];
    EXPECT_EQ(r.y1 - r.y0, m.fields()[std::size_t(l)].size.h) << "layer " << l;
    EXPECT_EQ(r.x1 - r.x0, m.fields()[std::size_t(l)].size.w) << "layer " << l;
    EXPECT_EQ(r.y0 + r.y1, top.y0 + top.y1) << "layer " << l;  // odd windows: the same centre
    EXPECT_EQ(r.x0 + r.x1, top.x0 + top.x1) << "layer " << l;
    EXPECT_TRUE(r.y0 >= top.y0 && r.x0 >= top.x0 && r.y1 <= top.y1 && r.x1 <= top.x1) << "layer " << l;
  }
  EXPECT_EQ(m.nested().back(), top);
}

TEST(ReceptiveFieldModel, PathsAreCountedForTheChosenUnit) {
  ReceptiveFieldModel m;
  // A corner unit of 'same' layers loses the paths through the padding: per axis 2 + 2 + 1 = 5 of 9.
  m.update(with_layers("c3p1,c3p1"), noise(1, 10, 10, 6), 1, {RfPointer::Over::Grid, 0, 0});
  EXPECT_EQ(m.paths().total(), 25.0);
  EXPECT_EQ(m.paths().support(), 9);
  EXPECT_EQ(readout(m)["paths_total"], "25");  // not the interior unit's 81
  EXPECT_EQ(readout(m)["paths_support"], "9");
  EXPECT_EQ(readout(m)["rect_clipped"], "0,0,3,3");
  EXPECT_EQ(readout(m)["rect"], "-2,-2,3,3");
}

TEST(ReceptiveFieldModel, AStackTooLargeForTheImageKeepsThePreviousResult) {
  ReceptiveFieldModel m;
  const cl::Tensor img = noise(1, 60, 60, 7);
  m.update(with_layers("c3,c3"), img, 1, {});
  m.update(with_layers("c15d4,c15d4"), img, 1, {});  // 57 wide: the second layer's input is 4
  EXPECT_NE(m.error().find("layer 1"), std::string::npos) << m.error();
  EXPECT_EQ(layers_to_text(m.layers()), "c3,c3");
  EXPECT_EQ(readout(m)["field"], "5x5");
  m.update(with_layers("c5"), img, 1, {});
  EXPECT_EQ(m.error(), "");
  EXPECT_EQ(readout(m)["field"], "5x5");
  EXPECT_EQ(readout(m)["paths_total"], "25");
  State empty;
  empty.layers.clear();
  m.update(empty, img, 1, {});
  EXPECT_FALSE(m.ok());
  EXPECT_TRUE(m.readout().empty());
}

TEST(ReceptiveFieldModel, TheGridIsTheGreyImageThroughMeanFiltersAndMaxPools) {
  const cl::Tensor img = noise(3, 9, 8, 8);
  const cl::Tensor g = layer_grid_picture(img, layers_from_text("c3,p2"), 1);
  ASSERT_EQ(g.c, 1);
  ASSERT_EQ(g.h, 3);  // 9 - 2 = 7, pooled by 2: 3
  ASSERT_EQ(g.w, 3);  // 8 - 2 = 6: 3
  auto grey = [&](int y, int x) { return (img.at(0, y, x) + img.at(1, y, x) + img.at(2, y, x)) / 3.0; };
  auto mean3 = [&](int y, int x) {
    double s = 0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) s += grey(y + i, x + j);
    return s / 9.0;
  };
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) {
      const double want = std::max({mean3(2 * y, 2 * x), mean3(2 * y + 1, 2 * x), mean3(2 * y, 2 * x + 1),
                                    mean3(2 * y + 1, 2 * x + 1)});
      EXPECT_NEAR(g.at(0, y, x), want, 1e-5) << y << "," << x;
    }
}

TEST(ReceptiveFieldModel, TheGridFollowsTheImageAndTheLayer) {
  ReceptiveFieldModel m;
  const State s = with_layers("c3,c3", 0);
  m.update(s, noise(1, 12, 12, 9), 1, {});
  const int first = m.grid_generation();
  EXPECT_EQ(m.grid().h, 10);
  m.update(s, noise(1, 12, 12, 9), 1, {RfPointer::Over::Grid, 1, 1});  // the pointer alone: same picture
  EXPECT_EQ(m.grid_generation(), first);
  const cl::Tensor other = noise(1, 12, 12, 10);
  m.update(s, other, 2, {});  // a new image
  EXPECT_NE(m.grid_generation(), first);
  EXPECT_EQ(m.grid().at(0, 0, 0), layer_grid_picture(other, s.layers, 0).at(0, 0, 0));
  m.update(with_layers("c3,c3", 1), other, 2, {});
  EXPECT_EQ(m.grid().h, 8);
}

}  // namespace
