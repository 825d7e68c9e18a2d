// The kernel lesson's model: what it computes, without ImGui (built into the native tests too).
// One kernel over the image, either as one filter of depth C summed into one map (groups 1) or each
// channel filtered on its own (depthwise, groups C); the output, its size formula and the PyTorch text.
#pragma once
#include <memory>
#include <string>

#include "conv2d.h"
#include "conv_client.h"
#include "formula.h"
#include "kernel_settings.h"
#include "recompute.h"
#include "image.h"
#include "state.h"

// The lesson's own settings (its URL keys are registered in kernel_model.cpp).
struct KernelParams {
  bool one_filter = false;  // one filter of depth C summed into one map (else each channel alone)
};

class KernelModel {
 public:
  // Asks for the convolution of `input` when anything the output depends on changed, and takes a
  // finished one: true when the output is new. `filter` is the state's kernel as one filter of the
  // input's depth, [1, C, kh, kw], and `conv` its padding, mode, stride and dilation (the view builds
  // both with the kernel editor's helpers); the model picks the weights' layout and groups from
  // KernelParams. The page computes in workers (conv_client.h): until the newest setting's output lands,
  // the last one stays and busy() is true. A bad setting is refused at once: the previous results stay
  // and error() says why.
  bool update(const State& s, const convlab::Tensor& input, int input_generation, const convlab::Weights& filter,
              const convlab::Conv2dParams& conv);
  const std::string& error() const { return conv_.error(); }
  bool busy() const { return conv_.busy(); }

  // The last good results, all of one setting.
  ShownOutput shown;                              // the output [1 or C, OH, OW] with its colours
  std::shared_ptr<const convlab::Tensor> output;  // shown.tensor
  convlab::Weights weights;                       // as convolved: [1, C, kh, kw] or [C, 1, kh, kw]
  convlab::Conv2dParams params;                   // with its groups
  FormulaText formula_h, formula_w;               // the output size per axis, spelled out
  std::string snippet;                            // "Copy as PyTorch"
  double compute_ms = 0;                          // the conv2d alone (the slowest worker's band)
  int workers = 0;                                // how many workers computed it (0: the main thread)
  int version = 0;                                // counts new outputs (what the views key on)

  bool depthwise() const { return params.groups > 1; }
  std::string kernel_text() const;        // "5x5"
  std::string weight_shape_text() const;  // "3x1x5x5"
  std::string padding_text() const;       // "top,bottom,left,right"

 private:
  // What a job's output is shown with, worked out when it was asked for.
  struct Asked {
    convlab::Weights weights;
    convlab::Conv2dParams params;
    FormulaText formula_h, formula_w;
    std::string snippet;
  };
  PendingConv<Asked> conv_;
};

// Which edges a derivative kernel finds: a kernel that differentiates along y (down the rows) lights
// up horizontal edges; along x, vertical ones.
enum class EdgeAxis { None, Horizontal, Vertical };
EdgeAxis edge_axis(const std::string& preset);
