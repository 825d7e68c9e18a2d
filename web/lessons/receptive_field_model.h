// The receptive-field lesson's model: the stack's field per layer (core/receptive_field.h), the unit the
// learner points at, the input rectangles it reads, the paths from each pixel to it, the projective field
// of a chosen input pixel (the units of every layer it reaches), and the chosen layer's output grid as a
// picture. No ImGui (built into the native tests too).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "receptive_field.h"
#include "recompute.h"
#include "state.h"
#include "tensor.h"

// The lesson's own settings (URL keys `field` and `pixel`, registered in receptive_field_model.cpp).
struct ReceptiveFieldParams {
  std::string field = "receptive";  // what the views show: "receptive", "projective" or "both"
  int pixel_y = -1, pixel_x = -1;   // the input pixel whose projective field is shown; -1, -1 = the image's centre
};

// Where the pointer was last frame: over a unit of the layer's grid, over an input pixel, or neither.
struct RfPointer {
  enum class Over { None, Grid, Input } over = Over::None;
  int y = 0, x = 0;
};

// "1 + (3 - 1) x 1 = 3": the chosen layer's step of size = size below + (span - 1) x jump below.
struct RfRule {
  int below_size = 1, span = 1, below_jump = 1, size = 1;
};

class ReceptiveFieldModel {
 public:
  // Brings everything up to date for the state's stack and layer, the image and the pointer. A stack
  // that does not fit the image leaves the previous results in place and error() says why. A pixel
  // outside the image keeps the previous pixel (pixel_error() says why; the view puts the setting back).
  void update(const State& s, const convlab::Tensor& input, int input_generation, const RfPointer& pointer);
  std::string error() const;

  bool ok() const { return !fields_.empty(); }  // a stack with results to show
  const std::vector<convlab::Layer>& layers() const { return layers_; }  // the stack the results describe
  const std::vector<convlab::FieldInfo>& fields() const { return fields_; }
  const std::vector<convlab::Pair>& sizes() const { return sizes_; }  // each layer's output
  int layer() const { return layer_; }                                // the chosen layer's index
  convlab::Pair unit() const { return unit_; }                        // the chosen unit of that layer
  const convlab::Rect& rect() const { return rect_; }                 // its input rectangle, padding included
  const convlab::Rect& clipped() const { return clipped_; }           // the pixels that influence it
  // Per layer l <= layer(): the field of the layer-l unit at the centre of those the chosen unit reads
  // (centred where the chosen unit's field is, exactly for odd kernels); the last is rect().
  const std::vector<convlab::Rect>& nested() const { return nested_; }
  const convlab::PathCounts& paths() const { return paths_; }
  const convlab::Tensor& grid() const { return grid_; }  // the layer's output through mean filters and max pools
  int grid_generation() const { return grid_generation_; }  // changes with grid()

  // The projective field: the pixel shown (the pointer's over the input when the projective field is
  // shown, else the setting's) and, per layer, the units it reaches.
  convlab::Pair pixel() const { return pixel_; }
  const std::vector<convlab::ProjectiveField>& projective() const { return projective_; }
  const convlab::ProjectiveField& projective_at_layer() const { return projective_[std::size_t(layer_)]; }
  // Why the setting's pixel was refused ("" when it was not), and the setting to go back to.
  const std::string& pixel_error() const { return pixel_error_; }
  convlab::Pair kept_pixel_setting() const { return kept_setting_; }
  // Paths from the pixel to the chosen unit: > 0 exactly when the unit is in the pixel's projective
  // field, and exactly when the pixel is in the unit's receptive field (paths().at(pixel), the same number).
  double pixel_to_unit_paths() const { return projective_at_layer().paths(unit_.h, unit_.w); }

  RfRule rule() const;
  double interior_paths() const;            // product of the window areas of layers 0..layer()
  std::string interior_paths_text() const;  // "9 x 9 x 4"
  // Every number the lesson publishes, as (key, value): layer, unit, field, rect, paths_total and
  // size_k / jump_k / start_k / out_k per layer k (1-based); the projective field's pixel, pf_extent,
  // pf_units, pf_unit_paths and pf_box_k / pf_extent_k / pf_units_k / pf_paths_k per layer.
  std::vector<std::pair<std::string, std::string>> readout() const;

  // The unit of layer `layer` whose field is centred nearest input pixel (y, x), clamped to the output.
  convlab::Pair unit_near_pixel(int layer, int y, int x) const;

 private:
  convlab::Pair choose_unit(const State& s, const RfPointer& pointer) const;
  convlab::Pair choose_pixel(const State& s, const RfPointer& pointer);

  Recompute geometry_, grid_recompute_, unit_recompute_, projective_recompute_;
  std::vector<convlab::Layer> layers_;
  int in_h_ = 0, in_w_ = 0;
  std::vector<convlab::FieldInfo> fields_;
  std::vector<convlab::Pair> sizes_;
  int layer_ = 0;
  convlab::Pair unit_;
  convlab::Rect rect_, clipped_;
  std::vector<convlab::Rect> nested_;
  convlab::PathCounts paths_;
  convlab::Tensor grid_;
  int grid_generation_ = 0;
  convlab::Pair pixel_{-1, -1};
  std::vector<convlab::ProjectiveField> projective_;
  std::string pixel_error_;
  convlab::Pair kept_setting_{-1, -1};
};

// "receptive", "projective", "both": what the `field` setting may be.
const std::vector<std::string>& rf_field_choices();
bool shows_projective(const State& s);  // the `field` setting is projective or both
bool shows_receptive(const State& s);   // receptive or both

// The picture of a layer's output grid: the image in grey through the first layer_index + 1 layers,
// conv layers as mean filters and pool layers as max pools, so each unit shows where it looks.
convlab::Tensor layer_grid_picture(const convlab::Tensor& input, const std::vector<convlab::Layer>& layers, int layer_index);

// 3 -> "3", 2.5 -> "2.5", -1.5 -> "-1.5": numbers as the lesson prints them (no trailing zeros).
std::string rf_number(double v);
