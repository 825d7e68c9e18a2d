// The stride lesson's model: a 9 x 9 grey crop where the picture varies most, convolved with the
// lesson's kernel so that every window position can be drawn, and the same convolution over the whole
// image. No ImGui: the view (stride.cpp) only draws it, and the native tests check it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv_client.h"
#include "formula.h"
#include "numeric_crop.h"
#include "kernel_settings.h"
#include "recompute.h"
#include "state.h"
#include "tensor.h"

constexpr int kStrideCrop = 9;  // small enough to show every value and every window

struct StrideResult {
  NumericCrop crop;              // [1, 9, 9] grey, two decimals (what is shown is what is convolved)
  convlab::Weights crop_weight;  // [1, 1, kh, kw]: the first channel's kernel
  convlab::Conv2dParams params;  // the lesson's stride, padding, dilation; groups 1 (the crop's)
  convlab::Tensor padded;        // the crop with its padding (params' mode): what the windows read
  convlab::Tensor crop_out;      // conv2d(crop, crop_weight, params)
  FormulaText crop_h, crop_w;    // the crop's output size per axis, with the floor's note
  LazyTensor out;  // the whole image, each channel filtered on its own (groups = C); values copied when read
  FormulaText out_h, out_w;
};

// Along one axis: padded rows (or columns) 0 .. rows_read - 1 are under some window, the ones after
// are never read (the floor in the size formula dropped them). span = d*(k-1)+1.
int rows_read(int outputs, int stride, int span);
// The centre of window i along an axis, in padded cells: output pixel i's window starts at i * stride.
float window_centre(int i, int stride, int span);

class StrideModel {
 public:
  // Brings the result up to date for this image (generation: its version), the per-channel kernel
  // [C, 1, kh, kw] and the conv parameters (their groups is ignored). The crop is searched again only
  // for a new generation. Returns true when the result is new; after a failure the previous result
  // stays and error() says why until an argument changes.
  // The crop is computed at once; the whole image's convolution runs in the page's workers
  // (conv_client.h), coloured with `display`, and the result changes when it lands (busy() till then).
  bool update(const convlab::Tensor& input, int generation, const convlab::Weights& depthwise,
              const convlab::Conv2dParams& params, const std::string& display = "auto");
  const StrideResult& result() const { return result_; }
  const ShownOutput& shown() const { return shown_; }  // result().out with its colours
  bool empty() const { return !result_.out; }
  bool busy() const { return conv_.busy(); }
  const std::string& error() const { return conv_.error(); }
  int version() const { return version_; }  // counts new results: names the output for a view's cache

 private:
  PendingConv<StrideResult> conv_;  // the whole image's job, with the crop's results worked out when asked
  StrideResult result_;
  ShownOutput shown_;
  int crop_generation_ = -1;
  int version_ = 0;
};

// The classic cases on the 9 x 9 crop with a 3 x 3 kernel, one click each.
struct StrideExample {
  int pad, stride;
  const char* tip;
};
const std::vector<StrideExample>& stride_examples();
constexpr int kExampleKernel = 3;
// "p=1, s=2 -> 5": the output size from the core's formula.
std::string example_label(const StrideExample& e);
// Whether the state shows example e; setting it: a 3 x 3 kernel (the preset kept if it has sizes,
// else the mean), its padding (zeros) and stride, no dilation, the step-through on its first cell.
bool shows_example(const State& s, const StrideExample& e);
void apply_example(State& s, const StrideExample& e);

