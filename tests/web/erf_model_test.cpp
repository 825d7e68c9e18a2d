#include "erf_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace cl = convlab;

namespace {

State stack(const std::string& text, const std::string& weights = "uniform", bool relu = false, int seed = 1) {
  State s;
  s.layers = layers_from_text(text);
  lesson_params<ErfParams>(s).weights = weights;
  lesson_params<ErfParams>(s).relu = relu;
  s.seed = seed;
  return s;
}

std::string repeat(const std::string& layer, int n) {
  std::string t;
  for (int i = 0; i < n; ++i) t += (i ? "," : "") + layer;
  return t;
}

std::map<std::string, std::string> readout(const ErfSweep& e) {
  const auto r = e.readout();
  return {r.begin(), r.end()};
}

ErfSweep run(const State& s) {
  ErfSweep e;
  e.sync(s);
  e.advance(1e9);
  return e;
}

// Path counts along one axis of stride-1 k-wide layers: [1] convolved with a box of k ones per layer.
std::vector<double> paths_1d(const std::vector<int>& ks) {
  std::vector<double> c{1};
  for (int k : ks) {
    std::vector<double> n(c.size() + std::size_t(k) - 1, 0.0);
    for (std::size_t i = 0; i < c.size(); ++i)
      for (int j = 0; j < k; ++j) n[i + std::size_t(j)] += c[i];
    c = n;
  }
  return c;
}

// The smallest centred odd square holding 95% of a separable grid's mass.
int mass_square(const std::vector<double>& c) {
  const int n = int(c.size()), mid = (n - 1) / 2;
  double total = 0;
  for (double a : c) total += a;
  total *= total;
  for (int r = 0; r <= mid; ++r) {
    double s = 0;
    for (int i = mid - r; i <= mid + r; ++i) s += c[std::size_t(i)];
    if (s * s >= 0.95 * total * (1 - 1e-12)) return 2 * r + 1;
  }
  return n;
}

TEST(ErfModel, UniformWeightsCountPaths) {
  const ErfSweep e = run(stack(repeat("c3", 8)));
  ASSERT_TRUE(e.done());
  ASSERT_EQ(e.results().size(), 8u);
  for (int d = 1; d <= 8; ++d) {
    const ErfDepth& r = e.results()[std::size_t(d - 1)];
    EXPECT_EQ(r.sum, std::pow(9.0, d)) << "depth " << d;
    EXPECT_EQ(r.theoretical, (cl::Pair{2 * d + 1, 2 * d + 1}));
    EXPECT_EQ(r.erf, mass_square(paths_1d(std::vector<int>(std::size_t(d), 3)))) << "depth " << d;
    EXPECT_EQ(r.side_h, 2 * d + 1 + 2 * kErfMargin);  // the field and a margin
    EXPECT_FALSE(r.clipped);
  }
  auto r = readout(e);
  EXPECT_EQ(r["erf_done"], "1");
  EXPECT_EQ(r["erf_depths_done"], "8");
  EXPECT_EQ(r["erf_sum"], "43046721");  // 9^8
  EXPECT_EQ(r["theoretical_size"], "17x17");
  EXPECT_EQ(r["erf_input"], "33x33");
  EXPECT_EQ(r["erf_series"].substr(0, 4), std::to_string(mass_square(paths_1d({3}))) + "/3,");
}

TEST(ErfModel, TheHeatmapIsTheDeepestGradientAroundItsField) {
  const ErfSweep e = run(stack("c3,c5"));
  const cl::Tensor& g = e.gradient();
  ASSERT_EQ(g.h, 7 + 2 * kErfMargin);
  // One uniform channel: the gradient is the path count of the centre unit, inside its 7x7 field.
  const cl::Pair unit = cl::erf_output_unit(g.h, g.w, e.layers());
  const cl::PathCounts p = cl::path_counts(e.layers(), 1, unit.h, unit.w, g.h, g.w);
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) ASSERT_EQ(g.at(0, y, x), p.at(y, x)) << y << "," << x;
  EXPECT_EQ(e.field_rect(), (cl::Rect{kErfMargin, kErfMargin, kErfMargin + 7, kErfMargin + 7}));
  EXPECT_EQ(e.centre_y(), kErfMargin + 3.0);
  EXPECT_EQ(e.centre_x(), kErfMargin + 3.0);
}

TEST(ErfModel, RandomWeightsSumTheMagnitudeOverChannels) {
  State s = stack(repeat("c3", 4), "random", true, 3);
  const ErfSweep e = run(s);
  ASSERT_EQ(e.channels(), kErfRandomChannels);
  cl::ErfOptions o;
  o.weights = cl::ErfOptions::Weights::Random;
  o.seed = 3;
  o.relu = true;
  const cl::Tensor g = cl::effective_receptive_field(kErfRandomChannels, e.shown().side_h, e.shown().side_w, s.layers, o);
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) {
      double want = 0;
      for (int c = 0; c < g.c; ++c) want += std::fabs(g.at(c, y, x));
      ASSERT_NEAR(e.gradient().at(0, y, x), want, 1e-6 * (1 + want)) << y << "," << x;
    }
  EXPECT_GT(e.shown().erf, 0);
  EXPECT_LE(e.shown().erf, 9);  // inside the 9x9 field
}

TEST(ErfModel, EverySettingRestartsTheSweepAndSeedsChangeTheNetwork) {
  ErfSweep e;
  State s = stack(repeat("c3", 3));
  EXPECT_TRUE(e.sync(s));
  e.advance(1e9);
  EXPECT_FALSE(e.sync(s));  // nothing changed: the results stay
  EXPECT_EQ(e.results().size(), 3u);
  const double uniform = e.results().back().sum;
  auto changed = [&](State next) {
    const bool restarted = e.sync(next);
    const bool cleared = e.results().empty();
    e.advance(1e9);
    return restarted && cleared;
  };
  s.layers = layers_from_text("c3,c3,c3p1");
  EXPECT_TRUE(changed(s));
  lesson_params<ErfParams>(s).weights = "random";
  EXPECT_TRUE(changed(s));
  const double seed1 = e.results().back().sum;
  EXPECT_NE(seed1, uniform);
  lesson_params<ErfParams>(s).relu = true;
  EXPECT_TRUE(changed(s));
  const double relu1 = e.results().back().sum;
  s.seed = 2;
  EXPECT_TRUE(changed(s));
  EXPECT_NE(e.results().back().sum, relu1);
  s.seed = 1;
  EXPECT_TRUE(changed(s));
  EXPECT_EQ(e.results().back().sum, relu1);  // the same seed, the same network
}

TEST(ErfModel, ASmallBudgetSpreadsTheSweepOverCalls) {
  ErfSweep e;
  e.sync(stack(repeat("c3", 5)));
  for (int call = 1; call <= 5; ++call) {
    EXPECT_FALSE(e.done());
    e.advance(0);  // one depth per call
    EXPECT_EQ(e.results().size(), std::size_t(call));
    EXPECT_EQ(readout(e)["erf_depths_done"], std::to_string(call));
    EXPECT_EQ(e.shown().depth, call);  // the heatmap shows the deepest so far
  }
  EXPECT_TRUE(e.done());
  EXPECT_EQ(readout(e)["erf_done"], "1");
}

TEST(ErfModel, AFieldWiderThanTheCapStopsTheSweep) {
  // Dilation 8 on a 15 window spans 113: two of them need 225 pixels without padding.
  const ErfSweep e = run(stack("c15d8,c15d8,c3"));
  EXPECT_TRUE(e.done());
  EXPECT_EQ(e.results().size(), 1u);
  EXPECT_NE(e.stop_reason().find("Depth 2 needs an input larger than 192"), std::string::npos) << e.stop_reason();
  EXPECT_EQ(e.error(), "");
  // With padding a field of 194 no longer fits but the sweep goes on, on a capped (clipped) input.
  const ErfSweep padded = run(stack("c15d8p8,c11d8p8"));
  ASSERT_EQ(padded.results().size(), 2u);
  EXPECT_TRUE(padded.results()[1].clipped);
  EXPECT_EQ(padded.results()[1].side_h, kErfMaxSide);
}

TEST(ErfModel, ASlowMachineShrinksTheMarginThenStops) {
  const State s = stack(repeat("c3", 3), "random");
  const double full = erf_work(s.layers, 7 + 2 * kErfMargin, 7 + 2 * kErfMargin, kErfRandomChannels);
  const double bare = erf_work(s.layers, 7, 7, kErfRandomChannels);
  ErfSweep e;
  e.sync(s);
  e.advance(0);
  e.advance(0);
  // Depth 3 predicted above kMaxDepthMs with its margin but not without it: the margin goes.
  e.ms_per_work = ErfSweep::kMaxDepthMs / (0.5 * (full + bare)) * 1.5;
  ASSERT_LT(bare * e.ms_per_work, ErfSweep::kMaxStopMs);
  e.advance(0);
  ASSERT_EQ(e.results().size(), 3u);
  EXPECT_LT(e.results()[2].side_h, 7 + 2 * kErfMargin);
  EXPECT_GE(e.results()[2].side_h, 7);
  // Slower still: even the bare field would take too long, so the sweep stops before it.
  e.sync(stack(repeat("c3", 3), "random", false, 9));
  e.ms_per_work = ErfSweep::kMaxStopMs * 2 / erf_work(layers_from_text("c3"), 3, 3, kErfRandomChannels);
  e.advance(1e9);
  EXPECT_TRUE(e.results().empty());
  EXPECT_NE(e.stop_reason().find("Depth 1 would take about"), std::string::npos) << e.stop_reason();
  EXPECT_TRUE(readout(e).empty());
}

TEST(ErfModel, ALayerTheCoreRefusesStopsWithItsMessage) {
  State s = stack("c3,p3p1");
  s.layers[1].padding = {2, 2};  // a max pool's padding must be at most half its window
  const ErfSweep e = run(s);
  EXPECT_EQ(e.results().size(), 1u);
  EXPECT_NE(e.error(), "");
  EXPECT_NE(e.stop_reason().find("Depth 2: "), std::string::npos) << e.stop_reason();
}

}  // namespace
