// The transposed lesson's model against PyTorch's definition written out here (every input pixel
// scatters a scaled kernel copy), the size formula enumerated by brute force, and counting arguments.
#include "transposed_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace cl = convlab;

namespace {

TransposedParams params(int in, int k, int s, int p, int op) {
  TransposedParams t;
  t.in = in, t.k = k, t.s = s, t.p = p, t.op = op;
  return t;
}

int formula(int n, int k, int s, int p, int op) { return (n - 1) * s - 2 * p + (k - 1) + op + 1; }

// conv_transpose2d of one channel by scattering, then cropping p from each side of the full output.
std::vector<double> scatter(const cl::Tensor& in, const cl::Weights& w, int s, int p, int op) {
  const int n = in.h, k = w.kh, full = (n - 1) * s + k + op, out = formula(n, k, s, p, op);
  std::vector<double> acc(std::size_t(full) * full, 0.0), res;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < k; ++j) acc[std::size_t(y * s + i) * full + (x * s + j)] += double(in.at(0, y, x)) * w.at(0, 0, i, j);
  for (int y = 0; y < out; ++y)
    for (int x = 0; x < out; ++x) res.push_back(acc[std::size_t(y + p) * full + (x + p)]);
  return res;
}

TEST(TransposedModel, StepsEqualTheScatterDefinition) {
  const int cases[][5] = {{4, 3, 2, 1, 1}, {5, 4, 3, 0, 2}, {4, 2, 2, 2, 1}, {1, 1, 1, 0, 0}, {3, 5, 1, 0, 0}, {6, 9, 8, 3, 7}};
  for (const auto& c : cases) {
    const TransposedDemo d = make_demo(params(c[0], c[1], c[2], c[3], c[4]));
    SCOPED_TRACE("n" + std::to_string(c[0]) + " k" + std::to_string(c[1]) + " s" + std::to_string(c[2]));
    const std::vector<double> want = scatter(d.input, d.kernel, c[2], c[3], c[4]);
    const int out = formula(c[0], c[1], c[2], c[3], c[4]);
    ASSERT_EQ(d.steps.output.h, out);
    ASSERT_EQ(d.direct.w, out);
    double sum = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(d.steps.output.data[i], want[i]);
      EXPECT_EQ(d.direct.data[i], want[i]);
      sum += want[i];
    }
    EXPECT_TRUE(d.equal);
    EXPECT_EQ(d.max_diff, 0.0f);
    EXPECT_EQ(d.sum_steps, sum);
    EXPECT_EQ(d.steps.padding.top, c[1] - 1 - c[3]);
    EXPECT_EQ(d.steps.padding.bottom, c[1] - 1 - c[3] + c[4]);
  }
}

TEST(TransposedModel, InvalidSettingsKeepThePreviousDemo) {
  TransposedModel m;
  const cl::Tensor image(3, 40, 60, 0.5f);
  m.update(params(4, 2, 2, 2, 1), image, 1);
  ASSERT_EQ(m.error(), "");
  ASSERT_TRUE(m.formula());
  const int generation = m.demo_generation();
  m.update(params(4, 2, 2, 2, 2), image, 1);  // output padding must be smaller than the stride
  EXPECT_NE(m.error().find("output padding"), std::string::npos) << m.error();
  EXPECT_FALSE(m.formula()) << "no formula for settings PyTorch refuses";
  EXPECT_TRUE(m.checker().counts.empty());
  EXPECT_EQ(m.demo_generation(), generation);
  EXPECT_EQ(m.demo().steps.output.h, formula(4, 2, 2, 2, 1));
  m.update(params(4, 3, 2, 1, 1), image, 1);
  EXPECT_EQ(m.error(), "");
  EXPECT_EQ(m.demo_generation(), generation + 1);
}

// Each output cell is the sum of its taps that land on real pixels (the others multiply zeros).
TEST(TransposedModel, CellSumIsTheOutput) {
  for (const TransposedParams& p : {params(4, 3, 2, 1, 1), params(5, 4, 3, 0, 2), params(3, 2, 2, 2, 1)}) {
    const TransposedDemo d = make_demo(p);
    const int cells = d.steps.output.h * d.steps.output.w;
    for (int cell = 0; cell < cells; ++cell) {
      const CellSum c = cell_sum(d, cell);
      double sum = 0;
      for (const auto& [a, b] : c.taps) {
        EXPECT_NE(a, 0.0f);
        sum += double(a) * b;
      }
      EXPECT_EQ(c.oy * d.steps.output.w + c.ox, cell);
      EXPECT_EQ(sum, d.direct.data[std::size_t(cell)]);
      EXPECT_EQ(c.value, d.direct.data[std::size_t(cell)]);
    }
  }
  // Real pixels of the padded grid are where the zero-inserted grid holds the input.
  const TransposedDemo d = make_demo(params(3, 3, 3, 0, 0));
  int real = 0;
  for (int y = 0; y < d.steps.padded.h; ++y)
    for (int x = 0; x < d.steps.padded.w; ++x) real += padded_kind(d, y, x) == CellKind::Value;
  EXPECT_EQ(real, 9);
  EXPECT_EQ(padded_kind(d, 0, 0), CellKind::Padding);
  EXPECT_EQ(padded_kind(d, 2, 2), CellKind::Value);
  EXPECT_EQ(padded_kind(d, 2, 3), CellKind::Inserted);
}

// Every (k, s, p, op) in the limits, p included in the loop, whose formula gives `to`.
int brute_force_count(int from, int to) {
  int count = 0;
  for (int s = 1; s <= kSolverMaxStride; ++s)
    for (int k = 1; k <= kSolverMaxKernel; ++k)
      for (int op = 0; op < s; ++op)
        for (int p = 0; p <= kSolverMaxPadding; ++p) count += formula(from, k, s, p, op) == to;
  return count;
}

TEST(TransposedModel, SolverFindsEverySettingAndOnlyThose) {
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{{32, 64}, {7, 15}, {1, 1}, {1, 9}, {10, 1000}, {4096, 4096}, {16, 31}}) {
    const std::vector<SizeSetting> found = solve_transposed_size(from, to);
    SCOPED_TRACE(std::to_string(from) + " -> " + std::to_string(to));
    EXPECT_EQ(int(found.size()), brute_force_count(from, to));
    for (std::size_t i = 0; i < found.size(); ++i) {
      const SizeSetting& f = found[i];
      EXPECT_EQ(formula(from, f.k, f.s, f.p, f.op), to);
      EXPECT_LT(f.op, f.s);
      if (i == 0) continue;
      const SizeSetting& e = found[i - 1];
      EXPECT_TRUE(e.s < f.s || (e.s == f.s && (e.op < f.op || (e.op == f.op && e.k < f.k)))) << "by stride, output padding, kernel";
    }
  }
  const std::vector<SizeSetting> doubling = solve_transposed_size(32, 64);
  ASSERT_FALSE(doubling.empty());
  EXPECT_EQ(doubling[0].k, 2);
  EXPECT_EQ(doubling[0].s, 2);
  EXPECT_EQ(doubling[0].p, 0);
  EXPECT_EQ(doubling[0].op, 0);
  EXPECT_TRUE(solve_transposed_size(10, 1000).empty());
}

// Per axis an interior pixel is covered by floor(k/s) or ceil(k/s) copies (the multiples of s in a run of
// k), so the 2-D counts range over floor(k/s)^2 .. ceil(k/s)^2: even exactly when s divides k.
TEST(TransposedModel, CheckerboardCountsCopies) {
  for (int k = 1; k <= 9; ++k)
    for (int s = 1; s <= 8; ++s) {
      const Checkerboard c = checkerboard(params(4, k, s, 0, 0));
      SCOPED_TRACE("k" + std::to_string(k) + " s" + std::to_string(s));
      ASSERT_FALSE(c.counts.empty());
      const int lo = k / s, hi = (k + s - 1) / s;
      EXPECT_EQ(c.min, float(lo * lo));
      EXPECT_EQ(c.max, float(hi * hi));
      EXPECT_EQ(c.counts.h, formula(4, k, s, 0, 0));
    }
  EXPECT_EQ(checkerboard(params(4, 3, 2, 1, 1)).counts.h, 8);
  EXPECT_TRUE(checkerboard(params(4, 3, 2, 1, 2)).counts.empty());
}

TEST(TransposedModel, UpsamplingAveragesTheCentreThenDoubles) {
  // 64 x 96, value = column: the centre 64 x 64 square starts at column 16; 2 x 2 blocks average.
  cl::Tensor img(3, 64, 96);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 96; ++x) img.at(c, y, x) = float(x) / 96.0f + float(c);
  const Upsampling u = upsample(img);
  ASSERT_EQ(u.small.h, 32);
  ASSERT_EQ(u.small.w, 32);
  for (int x = 0; x < 32; ++x) EXPECT_FLOAT_EQ(u.small.at(1, 5, x), (float(16 + 2 * x) + 0.5f) / 96.0f + 1.0f);
  EXPECT_EQ(u.bilinear.c, 3);
  EXPECT_EQ(u.bilinear.h, 64);
  EXPECT_EQ(u.ones.w, 64);
  // On a flat image the bilinear kernel stays flat inside the border; the all-ones kernel does not.
  const Upsampling flat = upsample(cl::Tensor(1, 50, 50, 0.9f));
  float bl_lo = 1e9f, bl_hi = -1e9f, on_lo = 1e9f, on_hi = -1e9f;
  for (int y = 2; y < 62; ++y)
    for (int x = 2; x < 62; ++x) {
      bl_lo = std::min(bl_lo, flat.bilinear.at(0, y, x)), bl_hi = std::max(bl_hi, flat.bilinear.at(0, y, x));
      on_lo = std::min(on_lo, flat.ones.at(0, y, x)), on_hi = std::max(on_hi, flat.ones.at(0, y, x));
    }
  EXPECT_NEAR(bl_lo, 0.9f, 1e-5f);
  EXPECT_NEAR(bl_hi, 0.9f, 1e-5f);
  EXPECT_NEAR(on_lo, 0.9f * 4 / 9, 1e-5f);  // one copy
  EXPECT_NEAR(on_hi, 0.9f * 16 / 9, 1e-5f);  // four copies
}

// A grid with its caption above it: as wide as the wider of the two.
float width(const PlacedGrid& p, const GridSize& g) { return std::max(p.w, g.caption_w); }
bool inside(const PlacedGrid& p, const GridSize& g, float caption_h, float w, float h) {
  return p.x >= 0 && p.y >= 0 && p.x + width(p, g) <= w + 1e-3f && p.y + caption_h + p.h <= h + 1e-3f;
}
bool overlap(const PlacedGrid& a, const GridSize& ga, const PlacedGrid& b, const GridSize& gb, float caption_h) {
  return a.x < b.x + width(b, gb) && b.x < a.x + width(a, ga) && a.y < b.y + caption_h + b.h && b.y < a.y + caption_h + a.h;
}

TEST(TransposedModel, StepGridsFitTheBox) {
  // The defaults: input 4, zeros 7, padded 10, kernel 3, rotated 3, output 8.
  const std::vector<GridSize> g = {{4, 4, 50}, {7, 7, 60}, {10, 10, 70}, {3, 3, 90}, {3, 3, 60}, {8, 8, 70}};  // a kernel caption wider than its grid
  const float caption = 20, gap = 16;
  struct Box {
    float w, h;
    int rows;  // the arrangement expected to give the biggest cells
  };
  for (const Box& b : {Box{700, 650, 2}, Box{378, 380, 2}, Box{1200, 300, 1}, Box{300, 900, 3}}) {
    const GridLayout l = layout_step_grids(g, b.w, b.h, caption, gap, 40);
    SCOPED_TRACE(std::to_string(b.w) + "x" + std::to_string(b.h));
    ASSERT_EQ(l.grids.size(), g.size());
    EXPECT_GT(l.cell, 4.0f);
    EXPECT_LE(l.cell, 40.0f);
    std::vector<float> tops;
    for (std::size_t i = 0; i < g.size(); ++i) {
      EXPECT_TRUE(inside(l.grids[i], g[i], caption, b.w, b.h)) << i;
      EXPECT_EQ(l.grids[i].w, g[i].w * l.cell);
      for (std::size_t j = 0; j < i; ++j) EXPECT_FALSE(overlap(l.grids[i], g[i], l.grids[j], g[j], caption)) << i << " and " << j;
      if (std::find(tops.begin(), tops.end(), l.grids[i].y) == tops.end()) tops.push_back(l.grids[i].y);
    }
    EXPECT_EQ(int(tops.size()), b.rows);
  }
  // Too small for anything: still every grid, one pixel a cell.
  EXPECT_EQ(layout_step_grids(g, 10, 10, caption, gap, 40).cell, 1.0f);
}

}  // namespace
