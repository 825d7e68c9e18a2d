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

State with_pixel(State s, const std::string& field, int y, int x) {
  ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(s);
  p.field = field, p.pixel_y = y, p.pixel_x = x;
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

// ---- projective field ----------------------------------------------------------------------------------

TEST(ReceptiveFieldModel, TheCentrePixelReaches3x3ThenAll5x5UnitsOfTwo3x3Layers) {
  ReceptiveFieldModel m;
  m.update(State{}, noise(3, 20, 30, 11), 1, {});  // c3,c3; the pixel defaults to the centre
  ASSERT_EQ(m.error(), "");
  auto r = readout(m);
  EXPECT_EQ(r["pixel"], "10,15");
  EXPECT_EQ(r["pf_box_1"], "8,13,11,16");  // layer-1 unit o reads o..o+2
  EXPECT_EQ(r["pf_extent_1"], "3x3");
  EXPECT_EQ(r["pf_units_1"], "9");
  EXPECT_EQ(r["pf_box_2"], "6,11,11,16");
  EXPECT_EQ(r["pf_extent_2"], "5x5");
  EXPECT_EQ(r["pf_units_2"], "25");
  EXPECT_EQ(r["pf_paths_2"], "81");
  EXPECT_EQ(r["pf_extent"], "5x5");  // the chosen layer's
  EXPECT_EQ(r["pf_units"], "25");
  // The centre unit (8,13) reads pixels 8..12 x 13..17: the pixel is its field's centre, 3 x 3 paths.
  EXPECT_EQ(r["unit"], "8,13");
  EXPECT_EQ(r["pf_unit_paths"], "9");
  EXPECT_EQ(m.pixel_to_unit_paths(), m.paths().at(10, 15));
}

TEST(ReceptiveFieldModel, ProjectiveFieldsAreTheUnitsWhoseFieldsHoldThePixelOnRandomStacks) {
  // Reference: for every unit of every layer, the core's path_counts of that unit (its receptive field,
  // walked down); the unit belongs to the pixel's projective field when its count at the pixel is > 0.
  std::mt19937 rng(17);
  const char* kinds[] = {"c3", "c2", "c3s2", "c3p1", "c3d2", "c3d2p2", "c5s3p2", "c1s2", "p2", "p3s2p1", "c4d3p1", "c3s2d2"};
  int checked = 0, holes = 0, fewer = 0;
  for (int trial = 0; trial < 40; ++trial) {
    std::string text;
    for (int i = 0, n = 1 + int(rng() % 3); i < n; ++i) text += (i ? "," : "") + std::string(kinds[rng() % 12]);
    const int h = 9 + int(rng() % 14), w = 9 + int(rng() % 14);
    const int py = int(rng() % unsigned(h)), px = int(rng() % unsigned(w));
    ReceptiveFieldModel m;
    m.update(with_pixel(with_layers(text), "projective", py, px), noise(1, h, w, unsigned(trial)), 1, {});
    if (!m.ok() || !m.error().empty()) continue;  // a stack too deep for this image
    auto r = readout(m);
    ASSERT_EQ(r["pixel"], std::to_string(py) + "," + std::to_string(px));
    for (int l = 0; l < int(m.layers().size()); ++l) {
      const cl::Pair out = m.sizes()[std::size_t(l)];
      long long units = 0;
      double total = 0;
      cl::Rect box{1 << 30, 1 << 30, -1, -1};
      for (int uy = 0; uy < out.h; ++uy)
        for (int ux = 0; ux < out.w; ++ux) {
          const double n = cl::path_counts(m.layers(), l, uy, ux, h, w).at(py, px);
          ASSERT_EQ(m.projective()[std::size_t(l)].paths(uy, ux), n) << text << " layer " << l << " unit " << uy << "," << ux;
          if (n == 0) continue;
          ++units, total += n;
          box = cl::Rect{std::min(box.y0, uy), std::min(box.x0, ux), std::max(box.y1, uy + 1), std::max(box.x1, ux + 1)};
        }
      const std::string k = std::to_string(l + 1);
      const std::string box_text = units ? std::to_string(box.y0) + "," + std::to_string(box.x0) + "," +
                                               std::to_string(box.y1) + "," + std::to_string(box.x1)
                                         : "0,0,0,0";
      EXPECT_EQ(r["pf_box_" + k], box_text) << text << " layer " << k << " pixel " << py << "," << px;
      EXPECT_EQ(r["pf_extent_" + k], units ? std::to_string(box.y1 - box.y0) + "x" + std::to_string(box.x1 - box.x0) : "0x0");
      EXPECT_EQ(r["pf_units_" + k], std::to_string(units)) << text << " layer " << k;
      EXPECT_EQ(r["pf_paths_" + k], rf_number(total)) << text << " layer " << k;
      if (units && units < (long long)(box.y1 - box.y0) * (box.x1 - box.x0)) ++holes;
      if (units < m.projective()[std::size_t(l)].units()) ++fewer;  // never: a guard on the loop above
      ++checked;
    }
    EXPECT_EQ(r["pf_unit_paths"], rf_number(m.paths().at(py, px)));
  }
  EXPECT_GT(checked, 40);
  EXPECT_GT(holes, 0);
  EXPECT_EQ(fewer, 0);
}

TEST(ReceptiveFieldModel, ThePointerOverTheInputPicksThePixelWhenTheProjectiveFieldIsShown) {
  ReceptiveFieldModel m;
  const cl::Tensor img = noise(1, 30, 30, 12);
  State s = with_pixel(with_layers("c3s2p1,c3p1"), "receptive", 4, 5);
  m.update(s, img, 1, {RfPointer::Over::Input, 20, 20});
  EXPECT_EQ(m.unit(), m.unit_near_pixel(1, 20, 20));  // the receptive field alone: the pointer picks a unit
  EXPECT_EQ(m.pixel(), (cl::Pair{4, 5}));
  for (const char* field : {"projective", "both"}) {
    s = with_pixel(s, field, 4, 5);
    m.update(s, img, 1, {RfPointer::Over::Input, 20, 21});
    EXPECT_EQ(m.pixel(), (cl::Pair{20, 21})) << field;
    EXPECT_EQ(m.unit(), (cl::Pair{7, 7})) << field;  // the centre of the 15 x 15 output: the setting's unit
    m.update(s, img, 1, {});
    EXPECT_EQ(m.pixel(), (cl::Pair{4, 5})) << field;
    m.update(s, img, 1, {RfPointer::Over::Grid, 2, 3});  // the grid still picks the unit
    EXPECT_EQ(m.unit(), (cl::Pair{2, 3})) << field;
    EXPECT_EQ(m.pixel(), (cl::Pair{4, 5})) << field;
  }
}

TEST(ReceptiveFieldModel, APixelOutsideTheImageKeepsThePreviousOne) {
  ReceptiveFieldModel m;
  const cl::Tensor img = noise(1, 20, 30, 13);
  m.update(with_pixel(with_layers("c3,c3"), "projective", 3, 4), img, 1, {});
  EXPECT_EQ(m.error(), "");
  const auto before = readout(m);
  m.update(with_pixel(with_layers("c3,c3"), "projective", 20, 4), img, 1, {});
  EXPECT_EQ(m.pixel_error(), "input pixel row must be between 0 and 19, got 20");
  EXPECT_EQ(m.error(), m.pixel_error());
  EXPECT_EQ(m.pixel(), (cl::Pair{3, 4}));
  EXPECT_EQ(m.kept_pixel_setting(), (cl::Pair{3, 4}));
  EXPECT_EQ(readout(m), before);
  m.update(with_pixel(with_layers("c3,c3"), "projective", 0, 30), img, 1, {});
  EXPECT_EQ(m.pixel_error(), "input pixel column must be between 0 and 29, got 30");
  m.update(with_pixel(with_layers("c3,c3"), "projective", 19, 29), img, 1, {});
  EXPECT_EQ(m.error(), "");
  EXPECT_EQ(readout(m)["pixel"], "19,29");
  // The corner pixel of valid convs: only the last unit reads it, in each layer.
  EXPECT_EQ(readout(m)["pf_box_1"], "17,27,18,28");
  EXPECT_EQ(readout(m)["pf_box_2"], "15,25,16,26");
  // The default (the centre) is the setting to go back to when it was the last that fitted.
  ReceptiveFieldModel c;
  c.update(with_layers("c3,c3"), img, 1, {});
  c.update(with_pixel(with_layers("c3,c3"), "both", 5, 99), img, 1, {});
  EXPECT_EQ(c.pixel(), (cl::Pair{10, 15}));
  EXPECT_EQ(c.kept_pixel_setting(), (cl::Pair{-1, -1}));
  // A smaller image leaves the pixel outside: it moves to the image's edge, which becomes the setting.
  ReceptiveFieldModel d;
  d.update(with_pixel(with_layers("c3"), "projective", 15, 25), img, 1, {});
  d.update(with_pixel(with_layers("c3"), "projective", 15, 25), noise(1, 10, 12, 14), 2, {});
  EXPECT_NE(d.pixel_error(), "");
  EXPECT_EQ(d.pixel(), (cl::Pair{9, 11}));
  EXPECT_EQ(d.kept_pixel_setting(), (cl::Pair{9, 11}));
  EXPECT_EQ(readout(d)["pf_box_1"], "7,9,8,10");
}

TEST(ReceptiveFieldModel, TheFieldAndPixelKeysReadAndWriteTheLink) {
  ParseResult r = from_hash("lesson=receptive-field&field=both&pixel=12,7");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(lesson_params<ReceptiveFieldParams>(r.state).field, "both");
  EXPECT_EQ(lesson_params<ReceptiveFieldParams>(r.state).pixel_y, 12);
  EXPECT_EQ(lesson_params<ReceptiveFieldParams>(r.state).pixel_x, 7);
  EXPECT_EQ(to_hash(r.state), "lesson=receptive-field&field=both&pixel=12,7");
  EXPECT_EQ(to_hash(from_hash("lesson=receptive-field&pixel=centre").state), "lesson=receptive-field");
  for (const char* bad : {"pixel=12", "pixel=a,3", "pixel=-1,3", "pixel=1,2,3", "field=forward"}) {
    const ParseResult b = from_hash(std::string("lesson=receptive-field&") + bad);
    EXPECT_NE(b.error, "") << bad;
    EXPECT_EQ(to_hash(b.state), "lesson=receptive-field") << bad;  // the bad key is left out
  }
  EXPECT_NE(from_hash("pixel=12").error.find("ROW,COL"), std::string::npos);
}

}  // namespace
