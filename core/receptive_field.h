// Receptive field geometry of a stack of conv/pool layers: how many input pixels one output unit
// sees, how far apart neighbouring units' fields are, and the exact input rectangle of a unit.
//
// Coordinates are input pixel indices: pixel i covers [i - 0.5, i + 0.5), so its centre is i.
// Standard recurrence (Araujo et al., "Computing Receptive Fields of CNNs", Distill 2019), with
// effk = d * (k - 1) + 1 and size_0 = 1, jump_0 = 1, start_0 = 0 for the input itself:
//   size_l  = size_{l-1} + (effk_l - 1) * jump_{l-1}
//   jump_l  = jump_{l-1} * s_l
//   start_l = start_{l-1} + ((effk_l - 1) / 2 - p_l) * jump_{l-1}
// Pool layers have the same geometry as conv layers (a window, a stride, a padding).
#pragma once
#include <vector>

#include "tensor.h"

namespace convlab {

struct Layer {
  enum class Type { Conv, Pool } type = Type::Conv;
  Pair kernel{3, 3};
  Pair stride{1, 1};
  Pair padding{0, 0};  // symmetric: padding.h rows on top and bottom, padding.w columns left and right
  Pair dilation{1, 1};
};

struct FieldInfo {
  Pair size;               // receptive field size in input pixels (span, holes of dilation included)
  Pair jump;               // distance in input pixels between neighbouring units: product of strides
  double start_h = 0.0;    // centre of unit (0, 0)'s field in input coordinates; unit (i, j) is at
  double start_w = 0.0;    // (start_h + i * jump.h, start_w + j * jump.w). .5 for even kernels, < 0 with padding
};

// Throws InvalidKernel / InvalidStride / InvalidDilation / InvalidPadding naming the layer,
// e.g. "layer 2: stride must be >= 1, got 0x1". An empty stack is valid.
void check_layers(const std::vector<Layer>& layers);

// One entry per layer: the field of that layer's units. Needs no input size.
std::vector<FieldInfo> receptive_field(const std::vector<Layer>& layers);

// A rectangle of input pixels, half-open: rows y0 .. y1 - 1, columns x0 .. x1 - 1.
// Empty when y0 >= y1 or x0 >= x1.
struct Rect {
  int y0 = 0, x0 = 0, y1 = 0, x1 = 0;
};
inline bool operator==(const Rect& a, const Rect& b) {
  return a.y0 == b.y0 && a.x0 == b.x0 && a.y1 == b.y1 && a.x1 == b.x1;
}
inline bool rect_empty(const Rect& r) { return r.y0 >= r.y1 || r.x0 >= r.x1; }

// The input rectangle unit (out_y, out_x) of layer `layer_index` spans, padding included: it may
// start below 0 or end past the image. Its size is receptive_field(...)[layer_index].size.
// With dilation the unit reads only some pixels inside it; this is their bounding box.
Rect input_rect(const std::vector<Layer>& layers, int layer_index, int out_y, int out_x);

// The bounding box of the input pixels that actually influence the unit for an in_h x in_w input.
// Found by marking rows and columns layer by layer, dropping positions in each layer's padding
// (a padded position of an intermediate layer is a constant, not a function of the input) and
// skipping dilation holes. So it can be smaller than input_rect clipped to the image, e.g. when a
// stride drops the last rows. Empty ({0,0,0,0}) when the unit sees only padding.
// Throws when the unit is outside that layer's output (named "output row"/"output column").
Rect input_rect_clipped(const std::vector<Layer>& layers, int layer_index, int out_y, int out_x, int in_h,
                        int in_w);

// How many paths lead from each input pixel to one unit: the ways to pick one tap of every layer's
// window, from the unit down to the input, that end on that pixel, skipping taps that land in a layer's
// padding (a constant, not a function of the input). Rows and columns are picked independently, so a
// pixel's count is its row's count times its column's. With every conv weight 1 and no pool layers
// this is the unit's gradient (erf.h); an interior unit is reached by the product of the window areas.
struct PathCounts {
  int y0 = 0, x0 = 0;              // the input row of rows[0], the input column of cols[0]
  std::vector<double> rows, cols;  // over the rows / columns of the image the unit reads (padding dropped)
  double at(int y, int x) const;   // input pixel (y, x); 0 where no path arrives
  double total() const;            // every path
  long long support() const;       // pixels with at least one path
  double max() const;              // the largest count of one pixel
};

// Throws as input_rect_clipped does (a bad layer index or a unit outside that layer's output).
PathCounts path_counts(const std::vector<Layer>& layers, int layer_index, int out_y, int out_x, int in_h, int in_w);

// The projective field of one input pixel: the units of every layer it reaches, the reverse of the
// receptive field. Unit u is in pixel p's projective field iff p is in u's receptive field, that is iff
// path_counts(u).at(p) > 0: some chain of taps, one per layer and none in a layer's padding, leads from
// p to u. Rows and columns are reached independently, so the set is the product of a set of rows and a
// set of columns: a solid box without dilation or stride gaps, a box with holes otherwise.
struct ProjectiveField {
  Pair out;                        // the layer's output size
  std::vector<double> rows, cols;  // per output row / column: paths from the pixel's row / column; 0 = not reached
  Rect box;                        // bounding box of the reached units (output coordinates); {0,0,0,0} when none
  double paths(int y, int x) const;  // paths from the pixel to unit (y, x): the same as path_counts(unit).at(pixel)
  bool reaches(int y, int x) const { return paths(y, x) > 0.0; }
  int rows_reached() const;
  int cols_reached() const;
  long long units() const;  // rows_reached() * cols_reached(): at most the box's area, less with holes
  double total() const;     // paths from the pixel to every unit of the layer
};

// Throws InvalidArgument when (y, x) is not a pixel of an in_h x in_w image, e.g.
// "input pixel row must be between 0 and 9, got 12".
void check_input_pixel(int in_h, int in_w, int y, int x);

// One entry per layer: the units input pixel (y, x) reaches. Throws as layer_output_sizes and
// check_input_pixel do.
std::vector<ProjectiveField> projective_field(const std::vector<Layer>& layers, int in_h, int in_w, int y, int x);

// Output size (height, width) of every layer for an in_h x in_w input (floor rule, as PyTorch's
// conv and pool without ceil_mode); throws KernelTooLarge naming the layer when a layer's output
// would be empty.
std::vector<Pair> layer_output_sizes(const std::vector<Layer>& layers, int in_h, int in_w);

}  // namespace convlab
