// The transposed lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conv_transpose.h"
#include "formula.h"
#include "recompute.h"
#include "state.h"
#include "tensor.h"

// The lesson's own settings (its URL keys are registered in transposed_model.cpp).
struct TransposedParams {
  int in = 4, k = 3, s = 2, p = 1, op = 1;  // input size, kernel, stride, padding, output padding
  int from = 32, to = 64;  // the output-size solver: input size and wanted output size
};

convlab::ConvTranspose2dParams transposed_params(const TransposedParams& p);

// The numeric demo: an n x n input counting 1..9 and a k x k kernel of 1, 2, 3 (so its 180-degree
// rotation is visibly different), built in three steps and directly.
struct TransposedDemo {
  TransposedParams params;  // what it was computed from
  convlab::Tensor input;
  convlab::Weights kernel;
  convlab::TransposedSteps steps;
  convlab::Tensor direct;  // conv_transpose2d itself
  float max_diff = 0;      // largest |steps - direct|
  bool equal = false;      // the two agree (to float rounding)
  double sum_steps = 0, sum_direct = 0;
};
TransposedDemo make_demo(const TransposedParams& p);  // throws the core's message for invalid settings

// What a cell of the step grids holds: a real input pixel, a zero put between pixels, or padding.
enum class CellKind { Value, Inserted, Padding };
CellKind zero_inserted_kind(const TransposedDemo& d, int y, int x);
CellKind padded_kind(const TransposedDemo& d, int y, int x);

// One output cell as the stride-1 correlation of step 3: the taps of the rotated kernel that land on a
// real pixel (the others read zeros), as (padded value, rotated weight) pairs.
struct CellSum {
  int oy = 0, ox = 0;
  std::vector<std::pair<float, float>> taps;
  float value = 0;  // the output there
};
CellSum cell_sum(const TransposedDemo& d, int cell);  // out of range: the first cell

// Every (kernel, stride, padding, output padding) within the limits below, with output padding < stride
// (PyTorch's rule at dilation 1), that turns `from` into `to`; by stride, then output padding, then kernel.
struct SizeSetting {
  int k, s, p, op;
};
constexpr int kSolverMaxKernel = 9, kSolverMaxStride = 8, kSolverMaxPadding = 16;
std::vector<SizeSetting> solve_transposed_size(int from, int to);

// An all-ones kernel over a constant 4 x 4 input with the lesson's settings: each output counts the
// kernel copies that cover it; away from the border (a 16 x 16 input, no padding) it ranges over
// [min, max], a checkerboard when they differ.
struct Checkerboard {
  convlab::Tensor counts;  // empty when the settings are invalid
  float min = 0, max = 0;
};
Checkerboard checkerboard(const TransposedParams& p);

// The centre square of an image averaged down to 32 x 32, then upsampled to 64 x 64 per channel by the
// bilinear kernel (k 4, s 2, p 1) and by an all-ones kernel (k 3, s 2, p 1, output padding 1, scaled by
// 4/9 to keep the brightness) that leaves a checkerboard.
struct Upsampling {
  convlab::Tensor small, bilinear, ones;
};
constexpr int kUpsamplingInput = 32;
Upsampling upsample(const convlab::Tensor& image);

// Where the six step grids go in a box, captions above them: in one row, two (input, zeros inserted,
// padded / kernel, rotated, output) or three (input, kernel / zeros inserted, rotated / padded, output),
// whichever gives the biggest cells (at most max_cell pixels). A caption wider than its grid widens the column.
struct GridSize {
  int h = 1, w = 1;
  float caption_w = 0;
};
struct PlacedGrid {
  float x = 0, y = 0;  // the caption's top-left, relative to the box; the grid starts caption_h below
  float w = 0, h = 0;  // the grid, in pixels
};
struct GridLayout {
  float cell = 0;
  std::vector<PlacedGrid> grids;  // in the order given
};
GridLayout layout_step_grids(const std::vector<GridSize>& grids, float box_w, float box_h, float caption_h, float gap,
                             float max_cell);

// Everything the lesson shows, each part recomputed when what it depends on changes. An invalid setting
// keeps the previous demo and is reported by error().
class TransposedModel {
 public:
  void update(const TransposedParams& p, const convlab::Tensor& image, int image_generation);
  const TransposedDemo& demo() const { return demo_; }
  int demo_generation() const { return demo_generation_; }
  const std::optional<FormulaText>& formula() const { return formula_; }  // none for invalid settings
  const std::vector<SizeSetting>& solutions() const { return solutions_; }
  const Checkerboard& checker() const { return checker_; }
  const Upsampling& upsampling() const { return upsampling_; }
  int upsampling_generation() const { return upsampling_generation_; }
  std::string error() const;

 private:
  Recompute demo_rc_, solver_rc_, checker_rc_, upsampling_rc_;
  TransposedDemo demo_;
  int demo_generation_ = 0;
  std::optional<FormulaText> formula_;
  std::vector<SizeSetting> solutions_;
  Checkerboard checker_;
  Upsampling upsampling_;
  int upsampling_generation_ = 0;
};
