// The pooling lesson's model: what it computes, without ImGui (built into the native tests too).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "conv_client.h"
#include "formula.h"
#include "numeric_crop.h"
#include "pool.h"
#include "recompute.h"
#include "state.h"
#include "tensor.h"

// The lesson's own settings (its URL keys are registered in pooling_model.cpp).
struct PoolingParams {
  std::string mode = "max";  // max, mean, min
  int k = 2, s = 2, p = 0;  // kernel, stride, padding
  bool ceil_mode = false;
  bool count_include_pad = true;  // mean pooling: padded cells count in the divisor
};

convlab::Pool2dParams pool_params(const PoolingParams& p);

// The field of a 3x3 conv placed after a k x k / s pool, in input pixels (receptive_field()).
int field_after_conv3(int k, int s, int p);

// What the lesson shows for one setting and image.
struct PoolingResult {
  PoolingParams params;                  // the settings it was computed with (the state's may be newer)
  LazyTensor output;  // the pooled image (values copied when read); null before the first result
  ShownOutput shown;                     // output with its colours (shown.tensor == output)
  FormulaText formula_h, formula_w;      // its size, per axis
  NumericCrop crop;                      // 8 x 8 grey pixels where the image varies most
  convlab::Tensor crop_out;              // the crop pooled; empty when no window fits the padded crop
  int field = 0;                         // field_after_conv3 of the settings
  int generation = 0;                    // counts successful computations (the views' key)
  double compute_ms = 0;                 // the pooling (the slowest worker's band)
  int workers = 0;                       // how many workers computed it (0: this thread)
};

// The cells the crop's grid draws, in crop coordinates: the padded crop plus any ceil-mode overhang.
struct PoolGridExtent {
  int y0 = 0, x0 = 0, y1 = 0, x1 = 0;  // [y0, y1) x [x0, x1)
};
PoolGridExtent crop_grid_extent(const PoolingResult& r, const PoolingParams& p);

// One window of the crop's output and how its value comes about.
struct PoolWindow {
  int oy = 0, ox = 0;          // the output cell
  int y0 = 0, x0 = 0;          // the window's top-left in crop coordinates (negative in the padding)
  std::vector<float> pixels;   // the real pixels it covers, row by row
  int in_input = 0, in_padding = 0, beyond = 0;  // its cells: on the crop, on the padding, past the padding
  double sum = 0;              // of the real pixels
  int divisor = 0;             // mean pooling: what the sum is divided by
  float value = 0;             // the crop's output at the cell
};
// `cell` indexes crop_out row by row; out of range means the first cell. crop_out must not be empty.
PoolWindow pool_window(const PoolingResult& r, const PoolingParams& p, int cell);

// Pools the image (and the crop) when the settings, the display or the image change. The image is pooled
// in the page's workers (conv_client.h), coloured with `display`; the 8x8 crop here, at once (it is
// tiny). Until the newest setting's result lands the last one stays, whole, and busy() is true. A refused
// setting (PyTorch's own rules, e.g. padding above kernel / 2) keeps the previous result and is
// reported by error().
class PoolingModel {
 public:
  static constexpr int kCrop = 8;
  // Returns true when the result is new.
  bool update(const PoolingParams& p, const convlab::Tensor& input, int input_generation,
              const std::string& display = "auto");
  const PoolingResult& result() const { return result_; }
  const std::string& error() const { return pool_.error(); }
  bool busy() const { return pool_.busy(); }

 private:
  PendingConv<PoolingResult> pool_;  // the meta: everything but the output, worked out when asked
  PoolingResult result_;
  NumericCrop crop_;          // the busiest crop of image crop_generation_: searched again only for a new image
  int crop_generation_ = -1;
};
