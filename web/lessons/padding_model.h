// The padding lesson's model: what it computes, without ImGui (built into the native tests too).
// The padded input (the core's pad()), the depthwise output at stride 1, the size formula, the 'same'
// split spelled out, and for every padded position the input pixel it copies.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv_client.h"
#include "formula.h"
#include "kernel_settings.h"
#include "recompute.h"
#include "state.h"

// What a padding mode puts beyond the edge, for the list of modes.
struct PadModeInfo {
  convlab::PadMode mode;
  const char* rule;  // a row read from the left edge: '|' is the edge, a b c the first pixels
  const char* text;  // one sentence
};
const std::vector<PadModeInfo>& pad_mode_infos();  // every mode, in PadMode order

// The input pixel a padded position copies; -1, -1 where zeros padding reads 0.
struct PadSource {
  int y = -1, x = -1;
  bool zero() const { return y < 0; }
};

class PaddingModel {
 public:
  // Pads and convolves `input` when anything they depend on changed; true when the results are new.
  // `depthwise` is the state's kernel per channel, [C, 1, kh, kw], and `conv` its padding, mode and
  // dilation (the view builds both with the kernel editor's helpers). Stride is always 1 here: this
  // lesson is about padding, the stride lesson has strides. On failure the previous results stay.
  // The padded input is made at once; the convolution runs in the page's workers (conv_client.h),
  // coloured with `display`, and every result changes together when it lands (busy() till then).
  bool update(const convlab::Tensor& input, int input_generation, const convlab::Weights& depthwise,
              const convlab::Conv2dParams& conv, const std::string& display = "auto");
  const std::string& error() const { return conv_.error(); }
  bool busy() const { return conv_.busy(); }

  // The last good results.
  std::shared_ptr<const convlab::Tensor> padded;  // [C, H + top + bottom, W + left + right]
  LazyTensor output;                              // [C, OH, OW] (values copied from the workers when read)
  ShownOutput shown;                              // output with its colours
  convlab::Weights weights;
  convlab::Conv2dParams params;
  FormulaText formula_h, formula_w;
  int in_h = 0, in_w = 0;  // the input they were computed from
  int version = 0;         // counts new results (what the views key on)

  std::string padding_text() const;  // "top,bottom,left,right"
  PadSource source(int y, int x) const;  // y, x in input coordinates (negative: in the padding)
  std::string source_text(int y, int x) const;  // "zero" or "row,col"
  // The amount explained for the state's setting `pad` (-1 same, 0 valid): how 'same' splits
  // d*(k-1) per axis, or how much 'valid' shrinks the output. Empty for a fixed number of pixels.
  std::string amount_note(int pad) const;

 private:
  // What a job's output is shown with, made when it was asked for.
  struct Asked {
    std::shared_ptr<const convlab::Tensor> padded;
    convlab::Weights weights;
    convlab::Conv2dParams params;
    FormulaText formula_h, formula_w;
    int in_h = 0, in_w = 0;
  };
  PendingConv<Asked> conv_;
  std::shared_ptr<const convlab::Tensor> last_padded_;  // the last pad() asked for, and of what
  CacheKey last_pad_key_;
};

// The numeric grid of the lesson: the top-left corner of the padded image, cell by cell.
struct CornerCell {
  int y = 0, x = 0;  // input coordinates (negative: padding)
  PadSource src;     // the pixel it holds
  bool padding = false;
  float rgb[3] = {0, 0, 0};  // its value read from the padded tensor (grey: three times the same)
};
struct CornerGrid {
  int rows = 0, cols = 0;          // cells
  int pad_rows = 0, pad_cols = 0;  // the first rows and columns that are padding
  std::vector<CornerCell> cells;   // row-major
};
// At most `image_cells` image rows and columns and `pad_cells` padded ones.
CornerGrid corner_grid(const PaddingModel& m, int image_cells = 6, int pad_cells = 3);

