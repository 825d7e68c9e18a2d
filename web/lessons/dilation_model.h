// The dilation lesson's model: the dilated convolution of the image, the footprint one output pixel
// reads (k x k taps spread d apart over d*(k-1)+1 pixels, holes between them), and a stack of layers
// with dilations 1, 2, 4, 8 whose receptive field grows exponentially against plain layers' linear
// growth. No ImGui: the view (dilation.cpp) only draws it, and the native tests check it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv_client.h"
#include "recompute.h"
#include "receptive_field.h"
#include "tensor.h"

struct DilationResult {
  LazyTensor out;  // the whole image, each channel filtered on its own (groups = C); values copied when read
  convlab::Kernel2D kernel;       // the first channel's kernel: the weights the footprint labels
  convlab::Conv2dParams params;   // stride 1, the lesson's dilation, padding and mode
  int span_h = 0, span_w = 0;     // the footprint: d*(k-1)+1 per axis
};

class DilationModel {
 public:
  // Brings the result up to date for this image (generation: its version), the per-channel kernel
  // [C, 1, kh, kw] and the conv parameters: their stride is ignored (the footprint is that of stride
  // 1) and groups set to C. Returns true when the result is new; after a failure the previous result
  // stays and error() says why until an argument changes.
  // The image's convolution runs in the page's workers (conv_client.h), coloured with `display`: until
  // it lands the previous result stays and busy() is true.
  bool update(const convlab::Tensor& input, int generation, const convlab::Weights& depthwise,
              const convlab::Conv2dParams& params, const std::string& display = "auto");
  const DilationResult& result() const { return result_; }
  const ShownOutput& shown() const { return shown_; }  // result().out with its colours
  bool empty() const { return !result_.out; }
  bool busy() const { return conv_.busy(); }
  const std::string& error() const { return conv_.error(); }
  int version() const { return version_; }  // counts new results: names the output for a view's cache

 private:
  PendingConv<DilationResult> conv_;  // a job's result with the rest of its DilationResult
  DilationResult result_;
  ShownOutput shown_;
  int version_ = 0;
};

// The input pixels output pixel (oy, ox) reads with stride 1.
struct Footprint {
  int y0 = 0, x0 = 0;  // the top-left tap in input coordinates (negative: in the padding)
  int kh = 1, kw = 1;
  convlab::Pair dilation{1, 1};
  int span_h() const { return (kh - 1) * dilation.h + 1; }
  int span_w() const { return (kw - 1) * dilation.w + 1; }
  // Whether offset (ty, tx) from the top-left is a tap, and of which kernel weight (i, j); false for
  // a hole between taps or a place outside the footprint.
  bool tap(int ty, int tx, int* i, int* j) const;
  int taps_inside(int in_h, int in_w) const;  // taps on the image, not in its padding
};
Footprint footprint_of(const DilationResult& r, int oy, int ox);
// The output pixel whose footprint is centred on input pixel (iy, ix), clamped into the output.
convlab::Pair output_centred_on(const DilationResult& r, int iy, int ix);

// k x k layers with dilations 1, 2, 4, 8 ('same'-like padding d*(k-1)/2) beside plain k x k layers.
struct StackRow {
  int dilation = 1;
  int span = 1;         // d*(k-1)+1
  int field = 1;        // receptive field of the dilated stack up to this layer
  int plain_field = 1;  // the same depth of plain layers
};
struct DilatedStack {
  std::vector<convlab::Layer> dilated;
  std::vector<StackRow> rows;
  std::string fields_text() const;               // "3,7,15,31"
  std::vector<convlab::Layer> link_layers() const;  // padding cut to what a link holds (0..8)
};
DilatedStack dilated_stack(int k);
