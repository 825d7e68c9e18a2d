#include "receptive_field.h"

#include <gtest/gtest.h>

#include "expect.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "erf.h"
#include "error.h"

namespace convlab {
namespace {

Layer conv(int k, int s = 1, int p = 0, int d = 1) {
  Layer l;
  l.kernel = {k, k};
  l.stride = {s, s};
  l.padding = {p, p};
  l.dilation = {d, d};
  return l;
}

Layer pool(int k, int s) {
  Layer l = conv(k, s);
  l.type = Layer::Type::Pool;
  return l;
}

TEST(ReceptiveField, TwoStacked3x3ConvsSee5x5NotNine) {
  const std::vector<FieldInfo> f = receptive_field({conv(3), conv(3)});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].size, (Pair{3, 3}));
  EXPECT_EQ(f[1].size, (Pair{5, 5}));
  EXPECT_EQ(f[1].jump, (Pair{1, 1}));
  EXPECT_DOUBLE_EQ(f[1].start_h, 2.0);  // valid convs: unit 0 is centred on input pixel 2
  EXPECT_EQ(input_rect({conv(3), conv(3)}, 1, 0, 0), (Rect{0, 0, 5, 5}));
}

TEST(ReceptiveField, SamePaddingStartsAtPixelZero) {
  const std::vector<FieldInfo> f = receptive_field({conv(3, 1, 1), conv(3, 1, 1), conv(3, 1, 1)});
  EXPECT_EQ(f[2].size, (Pair{7, 7}));
  EXPECT_DOUBLE_EQ(f[2].start_h, 0.0);
  EXPECT_EQ(input_rect({conv(3, 1, 1), conv(3, 1, 1), conv(3, 1, 1)}, 2, 0, 0), (Rect{-3, -3, 4, 4}));
}

TEST(ReceptiveField, StridedExampleFromTheLesson) {
  // 5x5 input, two 3x3 convs with stride 2 and padding 1 (Dang Ha The Hien's receptive field guide,
  // whose coordinates put pixel centres at .5): jump 2 then 4, size 3 then 7, start 0 (0.5 there).
  const std::vector<FieldInfo> f = receptive_field({conv(3, 2, 1), conv(3, 2, 1)});
  EXPECT_EQ(f[0].size, (Pair{3, 3}));
  EXPECT_EQ(f[0].jump, (Pair{2, 2}));
  EXPECT_EQ(f[1].size, (Pair{7, 7}));
  EXPECT_EQ(f[1].jump, (Pair{4, 4}));
  EXPECT_DOUBLE_EQ(f[1].start_h, 0.0);
  EXPECT_DOUBLE_EQ(f[1].start_w, 0.0);
}

TEST(ReceptiveField, EvenKernelHasHalfPixelCentre) {
  const std::vector<FieldInfo> f = receptive_field({conv(2), pool(2, 2)});
  EXPECT_EQ(f[0].size, (Pair{2, 2}));
  EXPECT_DOUBLE_EQ(f[0].start_h, 0.5);
  EXPECT_EQ(f[1].size, (Pair{3, 3}));
  EXPECT_DOUBLE_EQ(f[1].start_h, 1.0);
  EXPECT_EQ(f[1].jump, (Pair{2, 2}));
}

TEST(ReceptiveField, DilationAndAnisotropy) {
  Layer l = conv(3, 1, 0, 2);  // span 5
  l.kernel = {3, 1};
  l.stride = {1, 3};
  const std::vector<FieldInfo> f = receptive_field({l, conv(3)});
  EXPECT_EQ(f[0].size, (Pair{5, 1}));
  EXPECT_EQ(f[1].size, (Pair{7, 7}));  // width: 1 + 2 * 3
  EXPECT_EQ(f[1].jump, (Pair{1, 3}));
}

TEST(ReceptiveField, Vgg16) {
  std::vector<Layer> vgg;
  for (int convs : {2, 2, 3, 3, 3}) {
    for (int i = 0; i < convs; ++i) vgg.push_back(conv(3, 1, 1));
    vgg.push_back(pool(2, 2));
  }
  const std::vector<FieldInfo> f = receptive_field(vgg);
  EXPECT_EQ(f[f.size() - 2].size.h, 196);  // conv5_3
  EXPECT_EQ(f.back().size.h, 212);         // pool5
  EXPECT_EQ(f.back().jump.h, 32);
}

TEST(ReceptiveField, EmptyStack) { EXPECT_TRUE(receptive_field({}).empty()); }

TEST(ReceptiveField, RectMatchesFieldInfoOnRandomStacks) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<Layer> layers;
    const int depth = 1 + int(rng() % 5);
    for (int i = 0; i < depth; ++i) {
      Layer l;
      l.type = rng() % 3 == 0 ? Layer::Type::Pool : Layer::Type::Conv;
      l.kernel = {1 + int(rng() % 4), 1 + int(rng() % 4)};
      l.stride = {1 + int(rng() % 3), 1 + int(rng() % 3)};
      l.padding = {int(rng() % 3), int(rng() % 3)};
      l.dilation = {1 + int(rng() % 2), 1 + int(rng() % 2)};
      layers.push_back(l);
    }
    const std::vector<FieldInfo> f = receptive_field(layers);
    for (int li = 0; li < depth; ++li)
      for (int oy : {0, 1, 4})
        for (int ox : {0, 3}) {
          const Rect r = input_rect(layers, li, oy, ox);
          EXPECT_EQ(r.y1 - r.y0, f[li].size.h) << "trial " << trial << " layer " << li;
          EXPECT_EQ(r.x1 - r.x0, f[li].size.w) << "trial " << trial << " layer " << li;
          EXPECT_DOUBLE_EQ((r.y0 + r.y1 - 1) / 2.0, f[li].start_h + oy * f[li].jump.h) << "trial " << trial;
          EXPECT_DOUBLE_EQ((r.x0 + r.x1 - 1) / 2.0, f[li].start_w + ox * f[li].jump.w) << "trial " << trial;
        }
  }
}

// Brute force: the set of (y, x) positions a unit reads, pushed down layer by layer through every
// kernel tap. With `clip`, positions outside a layer's input (its padding) are dropped.
Rect brute_force_rect(const std::vector<Layer>& layers, int layer_index, int oy, int ox, int in_h, int in_w,
                      bool clip) {
  std::vector<Pair> sizes;  // input size of each layer
  int h = in_h, w = in_w;
  for (const Layer& l : layers) {
    sizes.push_back(Pair{h, w});
    h = (h + 2 * l.padding.h - (l.kernel.h - 1) * l.dilation.h - 1) / l.stride.h + 1;
    w = (w + 2 * l.padding.w - (l.kernel.w - 1) * l.dilation.w - 1) / l.stride.w + 1;
  }
  std::set<std::pair<int, int>> current{{oy, ox}};
  for (int i = layer_index; i >= 0; --i) {
    const Layer& l = layers[std::size_t(i)];
    std::set<std::pair<int, int>> below;
    for (const auto& [y, x] : current)
      for (int ky = 0; ky < l.kernel.h; ++ky)
        for (int kx = 0; kx < l.kernel.w; ++kx) {
          const int iy = y * l.stride.h - l.padding.h + ky * l.dilation.h;
          const int ix = x * l.stride.w - l.padding.w + kx * l.dilation.w;
          if (clip && (iy < 0 || iy >= sizes[std::size_t(i)].h || ix < 0 || ix >= sizes[std::size_t(i)].w)) continue;
          below.insert({iy, ix});
        }
    current = below;
  }
  if (current.empty()) return Rect{0, 0, 0, 0};
  Rect r{1 << 30, 1 << 30, -(1 << 30), -(1 << 30)};
  for (const auto& [y, x] : current) {
    r.y0 = std::min(r.y0, y);
    r.x0 = std::min(r.x0, x);
    r.y1 = std::max(r.y1, y + 1);
    r.x1 = std::max(r.x1, x + 1);
  }
  return r;
}

TEST(ReceptiveField, InputRectMatchesBruteForceOnRandomStacks) {
  std::mt19937 rng(3);
  int checked = 0, clipped_smaller = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int in_h = 1 + int(rng() % 14), in_w = 1 + int(rng() % 14);
    std::vector<Layer> layers;
    int h = in_h, w = in_w;
    const int depth = 1 + int(rng() % 4);
    for (int i = 0; i < depth; ++i) {
      Layer l;
      l.type = rng() % 3 == 0 ? Layer::Type::Pool : Layer::Type::Conv;
      l.kernel = {1 + int(rng() % 3), 1 + int(rng() % 4)};
      l.stride = {1 + int(rng() % 3), 1 + int(rng() % 2)};
      l.padding = {int(rng() % 2), int(rng() % 3)};
      l.dilation = {1 + int(rng() % 2), 1 + int(rng() % 2)};
      const int nh = h + 2 * l.padding.h - (l.kernel.h - 1) * l.dilation.h - 1;
      const int nw = w + 2 * l.padding.w - (l.kernel.w - 1) * l.dilation.w - 1;
      if (nh < 0 || nw < 0) break;  // this layer would not fit: stop the stack here
      h = nh / l.stride.h + 1;
      w = nw / l.stride.w + 1;
      layers.push_back(l);
    }
    if (layers.empty()) continue;
    const std::vector<Pair> sizes = layer_output_sizes(layers, in_h, in_w);
    for (int li = 0; li < int(layers.size()); ++li) {
      for (int oy = 0; oy < sizes[std::size_t(li)].h; ++oy)
        for (int ox = 0; ox < sizes[std::size_t(li)].w; ++ox) {
          SCOPED_TRACE("trial " + std::to_string(trial) + " layer " + std::to_string(li) + " unit " +
                       std::to_string(oy) + "," + std::to_string(ox));
          const Rect full = input_rect(layers, li, oy, ox);
          EXPECT_EQ(full, brute_force_rect(layers, li, oy, ox, in_h, in_w, false));
          const Rect clipped = input_rect_clipped(layers, li, oy, ox, in_h, in_w);
          EXPECT_EQ(clipped, brute_force_rect(layers, li, oy, ox, in_h, in_w, true));
          const Rect naive_clip{std::max(full.y0, 0), std::max(full.x0, 0), std::min(full.y1, in_h),
                                std::min(full.x1, in_w)};
          if (!(clipped == naive_clip)) ++clipped_smaller;
          ++checked;
        }
    }
  }
  EXPECT_GT(checked, 1000);
  EXPECT_GT(clipped_smaller, 0);  // the sweep does exercise layer-by-layer clipping
}

TEST(ReceptiveField, ClippedDropsRowsAStrideNeverReads) {
  // Width 4, a 1-wide window with stride 2 reads columns 0 and 2 only; a padded 3-wide conv on
  // top makes the last unit's theoretical field run to column 4, but column 3 never matters.
  Layer a = conv(1, 2);
  Layer b = conv(3, 1, 1);
  EXPECT_EQ(input_rect({a, b}, 1, 1, 1), (Rect{0, 0, 5, 5}));
  EXPECT_EQ(input_rect_clipped({a, b}, 1, 1, 1, 4, 4), (Rect{0, 0, 3, 3}));
  // Dilation 2 with padding 1: unit 0 reads -1, 1, 3, so the first real column is 1.
  EXPECT_EQ(input_rect_clipped({conv(3, 1, 1, 2)}, 0, 0, 0, 5, 5), (Rect{1, 1, 4, 4}));
  // A unit that reads only padding influences nothing.
  EXPECT_TRUE(rect_empty(input_rect_clipped({conv(1, 1, 1)}, 0, 0, 0, 3, 3)));
}

TEST(ReceptiveField, NamedErrors) {
  Layer bad_stride = conv(3);
  bad_stride.stride = {0, 1};
  expect_error([&] { receptive_field({conv(3), bad_stride}); }, ErrorCode::InvalidStride,
               "layer 1: stride must be >= 1, got 0x1");
  Layer bad_kernel = conv(3);
  bad_kernel.kernel = {3, 0};
  expect_error([&] { receptive_field({bad_kernel}); }, ErrorCode::InvalidKernel, "layer 0: kernel must be >= 1, got 3x0");
  Layer bad_dilation = conv(3);
  bad_dilation.dilation = {-1, 1};
  expect_error([&] { input_rect({conv(3), conv(3), bad_dilation}, 0, 0, 0); }, ErrorCode::InvalidDilation,
               "layer 2: dilation must be >= 1, got -1x1");
  Layer bad_padding = conv(3);
  bad_padding.padding = {1, -2};
  expect_error([&] { receptive_field({bad_padding}); }, ErrorCode::InvalidPadding,
               "layer 0: padding must be >= 0, got 1x-2");
  expect_error([] { input_rect({conv(3)}, 1, 0, 0); }, ErrorCode::InvalidArgument,
               "layer index must be between 0 and 0, got 1");
  expect_error([] { input_rect({conv(3)}, 0, -1, 0); }, ErrorCode::InvalidArgument,
               "output unit must be >= 0, got -1x0");
  expect_error([] { input_rect_clipped({conv(3)}, 0, 3, 0, 5, 5); }, ErrorCode::InvalidArgument,
               "output row must be between 0 and 2, got 3");
  expect_error([] { input_rect_clipped({conv(3)}, 0, 0, 7, 5, 5); }, ErrorCode::InvalidArgument,
               "output column must be between 0 and 2, got 7");
  expect_error([] { layer_output_sizes({conv(3), conv(3)}, 4, 9); }, ErrorCode::KernelTooLarge,
               "layer 1: kernel height 3 (dilated span 3) must fit the padded input height 2, got output height < 1");
}

// Brute force: every path from the unit down to the input, one kernel tap per layer, counted per pixel
// in a map; taps in a layer's padding end the path.
std::map<std::pair<int, int>, double> brute_force_paths(const std::vector<Layer>& layers, int layer_index, int oy,
                                                        int ox, int in_h, int in_w) {
  const std::vector<Pair> sizes = layer_output_sizes(layers, in_h, in_w);
  std::map<std::pair<int, int>, double> current{{{oy, ox}, 1.0}};
  for (int i = layer_index; i >= 0; --i) {
    const Layer& l = layers[std::size_t(i)];
    const Pair below = i > 0 ? sizes[std::size_t(i - 1)] : Pair{in_h, in_w};
    std::map<std::pair<int, int>, double> next;
    for (const auto& [pos, n] : current)
      for (int ky = 0; ky < l.kernel.h; ++ky)
        for (int kx = 0; kx < l.kernel.w; ++kx) {
          const int iy = pos.first * l.stride.h - l.padding.h + ky * l.dilation.h;
          const int ix = pos.second * l.stride.w - l.padding.w + kx * l.dilation.w;
          if (iy >= 0 && iy < below.h && ix >= 0 && ix < below.w) next[{iy, ix}] += n;
        }
    current = next;
  }
  return current;
}

TEST(PathCounts, TwoStacked3x3ConvsReach25PixelsBy81Paths) {
  const PathCounts p = path_counts({conv(3), conv(3)}, 1, 2, 2, 9, 9);
  EXPECT_DOUBLE_EQ(p.total(), 81.0);
  EXPECT_EQ(p.support(), 25);
  // Per axis 1 2 3 2 1: the centre pixel is reached 9 ways, a corner once.
  EXPECT_DOUBLE_EQ(p.at(4, 4), 9.0);
  EXPECT_DOUBLE_EQ(p.at(2, 2), 1.0);
  EXPECT_DOUBLE_EQ(p.at(3, 6), 2.0 * 1.0);
  EXPECT_DOUBLE_EQ(p.max(), 9.0);
  EXPECT_DOUBLE_EQ(p.at(1, 4), 0.0);  // outside the field
}

TEST(PathCounts, MatchBruteForceOnRandomStacks) {
  std::mt19937 rng(11);
  int checked = 0, with_padding_cut = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const int in_h = 3 + int(rng() % 12), in_w = 3 + int(rng() % 12);
    std::vector<Layer> layers;
    int h = in_h, w = in_w;
    for (int i = 0, depth = 1 + int(rng() % 4); i < depth; ++i) {
      Layer l;
      l.type = rng() % 3 == 0 ? Layer::Type::Pool : Layer::Type::Conv;
      l.kernel = {1 + int(rng() % 3), 1 + int(rng() % 4)};
      l.stride = {1 + int(rng() % 2), 1 + int(rng() % 3)};
      l.padding = {int(rng() % 3), int(rng() % 2)};
      l.dilation = {1 + int(rng() % 2), 1 + int(rng() % 2)};
      const int nh = h + 2 * l.padding.h - (l.kernel.h - 1) * l.dilation.h - 1;
      const int nw = w + 2 * l.padding.w - (l.kernel.w - 1) * l.dilation.w - 1;
      if (nh < 0 || nw < 0) break;
      h = nh / l.stride.h + 1;
      w = nw / l.stride.w + 1;
      layers.push_back(l);
    }
    if (layers.empty()) continue;
    const int li = int(layers.size()) - 1;
    const Pair out = layer_output_sizes(layers, in_h, in_w).back();
    for (const auto& [oy, ox] : {std::pair{0, 0}, std::pair{out.h / 2, out.w / 2}, std::pair{out.h - 1, out.w - 1}}) {
      SCOPED_TRACE("trial " + std::to_string(trial) + " unit " + std::to_string(oy) + "," + std::to_string(ox));
      const auto want = brute_force_paths(layers, li, oy, ox, in_h, in_w);
      const PathCounts got = path_counts(layers, li, oy, ox, in_h, in_w);
      double total = 0.0, max = 0.0;
      for (int y = -3; y < in_h + 3; ++y)
        for (int x = -3; x < in_w + 3; ++x) {
          const auto it = want.find({y, x});
          const double n = it == want.end() ? 0.0 : it->second;
          ASSERT_DOUBLE_EQ(got.at(y, x), n) << "pixel " << y << "," << x;
          total += n;
          max = std::max(max, n);
        }
      EXPECT_DOUBLE_EQ(got.total(), total);
      EXPECT_DOUBLE_EQ(got.max(), max);
      EXPECT_EQ(got.support(), (long long)want.size());
      double interior = 1.0;
      for (const Layer& l : layers) interior *= double(l.kernel.h) * l.kernel.w;
      if (total < interior) ++with_padding_cut;
      ++checked;
    }
  }
  EXPECT_GT(checked, 300);
  EXPECT_GT(with_padding_cut, 0);  // some units lose paths to the padding
}

TEST(PathCounts, AreTheUniformGradientOfAConvStack) {
  // erf.h back-propagates through real convolutions with every weight 1: the same numbers.
  for (const std::vector<Layer>& layers : {std::vector<Layer>{conv(3), conv(3), conv(3)},
                                           std::vector<Layer>{conv(3, 2, 1), conv(5, 1, 2, 2), conv(2)},
                                           std::vector<Layer>{conv(4, 3, 3), conv(3, 1, 0, 3)}}) {
    const int h = 21, w = 17;
    const Tensor g = effective_receptive_field(1, h, w, layers, ErfOptions{});
    const Pair unit = erf_output_unit(h, w, layers);
    const PathCounts p = path_counts(layers, int(layers.size()) - 1, unit.h, unit.w, h, w);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) ASSERT_DOUBLE_EQ(p.at(y, x), double(g.at(0, y, x))) << y << "," << x;
  }
}

TEST(PathCounts, AUnitOfPaddingAloneHasNone) {
  const PathCounts p = path_counts({conv(1, 1, 1)}, 0, 0, 0, 3, 3);
  EXPECT_DOUBLE_EQ(p.total(), 0.0);
  EXPECT_EQ(p.support(), 0);
  EXPECT_DOUBLE_EQ(p.max(), 0.0);
  EXPECT_DOUBLE_EQ(p.at(0, 0), 0.0);
}

TEST(PathCounts, AHugeFieldOnASmallImageStaysSmall) {
  // Padding and strides make the field far wider than the image: only the image's rows are kept.
  std::vector<Layer> layers(6, conv(15, 15, 8));
  const PathCounts p = path_counts(layers, 5, 0, 0, 20, 20);
  EXPECT_GT(receptive_field(layers).back().size.h, 1000000);
  EXPECT_LE(p.rows.size(), 20u);
  EXPECT_LE(p.cols.size(), 20u);
}

TEST(PathCounts, NamedErrors) {
  expect_error([] { path_counts({conv(3)}, 0, 3, 0, 5, 5); }, ErrorCode::InvalidArgument,
               "output row must be between 0 and 2, got 3");
  expect_error([] { path_counts({conv(3)}, 1, 0, 0, 5, 5); }, ErrorCode::InvalidArgument,
               "layer index must be between 0 and 0, got 1");
}

// ---- projective field -------------------------------------------------------------------------------

// A random stack that fits an in_h x in_w image (the layer that would not fit ends it), with strides,
// dilations, paddings and pool layers.
std::vector<Layer> random_fitting_stack(std::mt19937& rng, int in_h, int in_w) {
  std::vector<Layer> layers;
  int h = in_h, w = in_w;
  for (int i = 0, depth = 1 + int(rng() % 4); i < depth; ++i) {
    Layer l;
    l.type = rng() % 3 == 0 ? Layer::Type::Pool : Layer::Type::Conv;
    l.kernel = {1 + int(rng() % 3), 1 + int(rng() % 4)};
    l.stride = {1 + int(rng() % 3), 1 + int(rng() % 2)};
    l.padding = {int(rng() % 3), int(rng() % 2)};
    l.dilation = {1 + int(rng() % 3), 1 + int(rng() % 2)};
    const int nh = h + 2 * l.padding.h - (l.kernel.h - 1) * l.dilation.h - 1;
    const int nw = w + 2 * l.padding.w - (l.kernel.w - 1) * l.dilation.w - 1;
    if (nh < 0 || nw < 0) break;
    h = nh / l.stride.h + 1;
    w = nw / l.stride.w + 1;
    layers.push_back(l);
  }
  return layers;
}

TEST(ProjectiveField, APixelReaches3x3UnitsOfA3x3ConvAnd5x5OfTwo) {
  const std::vector<ProjectiveField> f = projective_field({conv(3), conv(3)}, 9, 9, 4, 4);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].out, (Pair{7, 7}));
  EXPECT_EQ(f[0].box, (Rect{2, 2, 5, 5}));  // units 2..4 read pixel 4 (unit o reads o..o+2)
  EXPECT_EQ(f[0].units(), 9);
  EXPECT_EQ(f[1].box, (Rect{0, 0, 5, 5}));
  EXPECT_EQ(f[1].units(), 25);
  // Per axis 1 2 3 2 1 paths, as a unit's receptive field: the same paths, walked the other way.
  EXPECT_DOUBLE_EQ(f[1].paths(2, 2), 9.0);
  EXPECT_DOUBLE_EQ(f[1].paths(0, 4), 1.0);
  EXPECT_DOUBLE_EQ(f[1].total(), 81.0);
  EXPECT_FALSE(f[1].reaches(4, 5));  // outside the output
  EXPECT_FALSE(f[1].reaches(-1, 0));
}

TEST(ProjectiveField, ABorderPixelReachesFewerUnitsByFewerPathsThroughThePadding) {
  // 'same' 3x3 layers: the interior pixel reaches 3 then 5 rows, the corner 2 then 3, and the last of
  // those by one path only (2 2 1 instead of 1 2 3 2 1).
  const std::vector<Layer> same{conv(3, 1, 1), conv(3, 1, 1)};
  const std::vector<ProjectiveField> corner = projective_field(same, 8, 8, 0, 0);
  EXPECT_EQ(corner[0].box, (Rect{0, 0, 2, 2}));
  EXPECT_EQ(corner[1].box, (Rect{0, 0, 3, 3}));
  EXPECT_EQ(corner[1].rows, (std::vector<double>{2, 2, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(corner[1].units(), 9);
  const std::vector<ProjectiveField> inner = projective_field(same, 8, 8, 4, 4);
  EXPECT_EQ(inner[1].units(), 25);
  EXPECT_EQ(inner[1].rows, (std::vector<double>{0, 0, 1, 2, 3, 2, 1, 0}));
}

TEST(ProjectiveField, StrideLeavesSomePixelsFewerUnitsOrNone) {
  // 3x3 stride 2 on 9: unit o reads 2o..2o+2, so even pixels are read by two units, odd ones by one.
  EXPECT_EQ(projective_field({conv(3, 2)}, 9, 9, 4, 4)[0].box, (Rect{1, 1, 3, 3}));
  EXPECT_EQ(projective_field({conv(3, 2)}, 9, 9, 3, 3)[0].box, (Rect{1, 1, 2, 2}));
  // A 1x1 window with stride 2 never reads odd pixels: nothing is reached, in any later layer either.
  const std::vector<ProjectiveField> none = projective_field({conv(1, 2), conv(3)}, 8, 8, 3, 2);
  EXPECT_EQ(none[0].units(), 0);
  EXPECT_TRUE(rect_empty(none[0].box));
  EXPECT_EQ(none[0].box, (Rect{0, 0, 0, 0}));
  EXPECT_EQ(none[1].units(), 0);
  EXPECT_DOUBLE_EQ(none[1].total(), 0.0);
}

TEST(ProjectiveField, DilationLeavesHolesInTheBox) {
  // 3x3 dilation 2 on 15 (output 11): unit o reads o, o + 2, o + 4, so pixel 7 reaches rows 3, 5, 7:
  // 9 units in a 5x5 box.
  const ProjectiveField f = projective_field({conv(3, 1, 0, 2)}, 15, 15, 7, 7)[0];
  EXPECT_EQ(f.box, (Rect{3, 3, 8, 8}));
  EXPECT_EQ(f.units(), 9);
  EXPECT_EQ(f.rows_reached(), 3);
  EXPECT_TRUE(f.reaches(3, 5));
  EXPECT_FALSE(f.reaches(4, 5));
  // A dense layer below fills the holes: 1 then 2 gives a solid 7x7.
  const std::vector<ProjectiveField> g = projective_field({conv(3, 1, 1), conv(3, 1, 2, 2)}, 15, 15, 7, 7);
  EXPECT_EQ(g[1].box, (Rect{4, 4, 11, 11}));
  EXPECT_EQ(g[1].units(), 49);
}

TEST(ProjectiveField, IsTheReverseOfEveryUnitsReceptiveFieldOnRandomStacks) {
  // Brute force: for every unit of every layer, walk its receptive field down to the input
  // (brute_force_paths, a map of pixel -> paths), then the unit must be in exactly the projective fields
  // of the pixels in that map, with as many paths. Also against path_counts and input_rect_clipped.
  std::mt19937 rng(29);
  long long units_checked = 0;
  int with_holes = 0, with_empty = 0, border_fewer = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int in_h = 2 + int(rng() % 13), in_w = 2 + int(rng() % 13);
    const std::vector<Layer> layers = random_fitting_stack(rng, in_h, in_w);
    if (layers.empty()) continue;
    std::vector<std::vector<ProjectiveField>> pf;  // per pixel, row by row
    for (int y = 0; y < in_h; ++y)
      for (int x = 0; x < in_w; ++x) pf.push_back(projective_field(layers, in_h, in_w, y, x));
    const std::vector<Pair> sizes = layer_output_sizes(layers, in_h, in_w);
    for (int li = 0; li < int(layers.size()); ++li) {
      const Pair out = sizes[std::size_t(li)];
      std::vector<Rect> box(std::size_t(in_h * in_w), Rect{1 << 30, 1 << 30, -(1 << 30), -(1 << 30)});
      std::vector<long long> count(std::size_t(in_h * in_w), 0);
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox) {
          const auto sees = brute_force_paths(layers, li, oy, ox, in_h, in_w);
          const PathCounts paths = path_counts(layers, li, oy, ox, in_h, in_w);
          const Rect clipped = input_rect_clipped(layers, li, oy, ox, in_h, in_w);
          for (int y = 0; y < in_h; ++y)
            for (int x = 0; x < in_w; ++x) {
              const ProjectiveField& f = pf[std::size_t(y * in_w + x)][std::size_t(li)];
              const auto it = sees.find({y, x});
              const double want = it == sees.end() ? 0.0 : it->second;
              ASSERT_DOUBLE_EQ(f.paths(oy, ox), want) << "trial " << trial << " layer " << li << " unit " << oy << ","
                                                      << ox << " pixel " << y << "," << x;
              ASSERT_DOUBLE_EQ(f.paths(oy, ox), paths.at(y, x));
              if (want > 0) {
                ASSERT_TRUE(y >= clipped.y0 && y < clipped.y1 && x >= clipped.x0 && x < clipped.x1);
                Rect& b = box[std::size_t(y * in_w + x)];
                b = Rect{std::min(b.y0, oy), std::min(b.x0, ox), std::max(b.y1, oy + 1), std::max(b.x1, ox + 1)};
                ++count[std::size_t(y * in_w + x)];
              }
            }
          ++units_checked;
        }
      long long most = 0;
      for (long long c : count) most = std::max(most, c);
      for (int y = 0; y < in_h; ++y)
        for (int x = 0; x < in_w; ++x) {
          const ProjectiveField& f = pf[std::size_t(y * in_w + x)][std::size_t(li)];
          const long long n = count[std::size_t(y * in_w + x)];
          EXPECT_EQ(f.out, out);
          EXPECT_EQ(f.units(), n) << "trial " << trial << " layer " << li << " pixel " << y << "," << x;
          EXPECT_EQ(f.box, n ? box[std::size_t(y * in_w + x)] : Rect{}) << "trial " << trial << " pixel " << y << "," << x;
          const long long area = (long long)(f.box.y1 - f.box.y0) * (f.box.x1 - f.box.x0);
          if (n > 0 && n < area) ++with_holes;
          if (n == 0) ++with_empty;
          if (n > 0 && n < most) ++border_fewer;
        }
    }
  }
  EXPECT_GT(units_checked, 10000);
  // The sweep exercises every kind of exception to a solid box: holes, pixels that reach nothing, and
  // pixels that reach fewer units than others of the same image.
  EXPECT_GT(with_holes, 0);
  EXPECT_GT(with_empty, 0);
  EXPECT_GT(border_fewer, 0);
}

TEST(ProjectiveField, NamedErrors) {
  expect_error([] { projective_field({conv(3)}, 5, 7, 5, 0); }, ErrorCode::InvalidArgument,
               "input pixel row must be between 0 and 4, got 5");
  expect_error([] { projective_field({conv(3)}, 5, 7, 0, -1); }, ErrorCode::InvalidArgument,
               "input pixel column must be between 0 and 6, got -1");
  expect_error([] { check_input_pixel(5, 7, -2, 3); }, ErrorCode::InvalidArgument,
               "input pixel row must be between 0 and 4, got -2");
  expect_error([] { projective_field({conv(3), conv(3)}, 4, 9, 0, 0); }, ErrorCode::KernelTooLarge,
               "layer 1: kernel height 3 (dilated span 3) must fit the padded input height 2, got output height < 1");
  EXPECT_TRUE(projective_field({}, 3, 3, 1, 1).empty());
}

}  // namespace
}  // namespace convlab
