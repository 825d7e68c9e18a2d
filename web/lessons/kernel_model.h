// The kernel lesson's model: what it computes, without ImGui (built into the native tests too).
// One kernel over the image, either as one filter of depth C summed into one map (groups 1) or each
// channel filtered on its own (depthwise, groups C), then a nonlinearity, applied once or again and
// again with each output fed back as the next input; the output, its size formula and the PyTorch text.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "activation.h"
#include "conv2d.h"
#include "conv_client.h"
#include "formula.h"
#include "kernel_settings.h"
#include "pytorch_snippet.h"
#include "recompute.h"
#include "state.h"

// The lesson's own settings (its URL keys are registered in kernel_model.cpp).
struct KernelParams {
  bool one_filter = false;  // one filter of depth C summed into one map (else each channel alone)
  convlab::Activation activation = convlab::Activation::None;  // after every application of the filter
  int repeats = 1;          // applications of filter + activation, each output the next input
};
constexpr int kMaxRepeats = 20;

// The filter as the lesson convolves it: the state's kernel [1, C, kh, kw] as one filter of depth C
// (groups 1), or its planes as C filters of depth 1 (groups C, depthwise).
struct KernelLayout {
  convlab::Weights weights;
  convlab::Conv2dParams params;
};
KernelLayout kernel_layout(const convlab::Weights& filter, const convlab::Conv2dParams& conv, bool one_filter);

// What applying the filter `repeats` times gives. Application i convolves application i-1's activated
// output (the first convolves the input), so every application must give as many channels as it reads:
// a filter that sums C > 1 channels into one map cannot be applied again (refused, naming the fix).
// Padding, stride and dilation apply at every application, so 'valid' or a stride shrinks the image at
// each one (shapes lists them); an application the shrunken image is too small for is refused with the
// core's message, prefixed "application i of N: ".
struct KernelResult {
  std::shared_ptr<const convlab::Tensor> output;      // the last application's activated output
  std::shared_ptr<const convlab::Tensor> last_input;  // what the last application read; null: the input itself
  std::shared_ptr<const convlab::Tensor> last_conv;   // the last application's conv2d before the activation
  std::vector<std::array<int, 3>> shapes;             // C, H, W of the input, then of each application's output
  FormulaText formula_h, formula_w;                   // the last application's output size, spelled out
};
// A pure function of its arguments (no State), so it can run anywhere; throws convlab::Error.
KernelResult compute_kernel_output(const convlab::Tensor& input, const convlab::Weights& weights,
                                   const convlab::Conv2dParams& params, convlab::Activation activation, int repeats);

class KernelModel {
 public:
  // Asks for the output when anything it depends on changed, and takes a finished one: true when the
  // output is new. `filter` is the state's kernel as one filter of the input's depth, [1, C, kh, kw],
  // and `conv` its padding, mode, stride and dilation (the view builds both with the kernel editor's
  // helpers); the model picks the weights' layout and groups from KernelParams. One application is
  // convolved and activated in the page's workers (conv_client.h): until the newest setting's output
  // lands, the last one stays and busy() is true. Several applications feed each other, so they are
  // computed at once, here. A bad setting is refused at once: the previous results stay and error() says why.
  bool update(const State& s, const convlab::Tensor& input, int input_generation, const convlab::Weights& filter,
              const convlab::Conv2dParams& conv);
  const std::string& error() const { return conv_.error(); }
  bool busy() const { return conv_.busy(); }

  // The last good results, all of one setting.
  ShownOutput shown;                                  // output with its colours
  LazyTensor output;                                  // [1 or C, OH, OW] after every application (a worker's
                                                      // values are copied here when first read)
  std::shared_ptr<const convlab::Tensor> last_input;  // the last application's input; null: the image
  // The last application's conv2d, before its activation; null when the activation ran in the workers
  // (one application): conv_before_activation() then gives its values.
  LazyTensor last_conv;
  std::vector<std::array<int, 3>> shapes;             // the input's and each application's output's
  convlab::Weights weights;                       // as convolved: [1, C, kh, kw] or [C, 1, kh, kw]
  convlab::Conv2dParams params;                   // with its groups
  convlab::Activation activation = convlab::Activation::None;
  int repeats = 1;
  FormulaText formula_h, formula_w;               // the last application's output size per axis, spelled out
  double compute_ms = 0;                          // the convolutions and activations alone (the slowest worker's band)
  int workers = 0;                                // how many workers computed it (0: this thread)
  int version = 0;                                // counts new outputs (what the views key on)
  int input_generation = -1;                      // of the image they were computed from

  // The last application's conv2d at (channel, oy, ox), before the activation: last_conv's value, or
  // when it is null that row of conv2d recomputed here (one row, kept for the next call). `input` must
  // be the image of input_generation.
  float conv_before_activation(const convlab::Tensor& input, int channel, int oy, int ox);

  bool depthwise() const { return params.groups > 1; }
  // "Copy as PyTorch": made when first asked for (formatting every weight costs about 1 ms, too much for each
  // frame of a dragged slider).
  const std::string& snippet();
  std::string kernel_text() const;        // "5x5"
  std::string weight_shape_text() const;  // "3x1x5x5"
  std::string padding_text() const;       // "top,bottom,left,right"
  std::string shapes_text() const;        // "3x300x451,3x298x449,..." (the input first)

 private:
  // Everything but the output, worked out when it was asked for.
  struct Asked {
    convlab::Weights weights;
    convlab::Conv2dParams params;
    convlab::Activation activation = convlab::Activation::None;
    int repeats = 1;
    std::vector<std::array<int, 3>> shapes;
    FormulaText formula_h, formula_w;
    PytorchConv snippet;
    int input_generation = -1;
  };
  void adopt(Asked&& a);
  PytorchConv snippet_source_;
  std::string snippet_;  // made from snippet_source_ for output version snippet_version_
  int snippet_version_ = -1;
  PendingConv<Asked> conv_;  // also holds the error of a setting refused or computed here
  convlab::Tensor conv_row_;  // conv_before_activation's row: row conv_row_y_ of output version conv_row_version_
  int conv_row_version_ = -1, conv_row_y_ = -1;
};

// Which edges a derivative kernel finds: a kernel that differentiates along y (down the rows) lights
// up horizontal edges; along x, vertical ones.
enum class EdgeAxis { None, Horizontal, Vertical };
EdgeAxis edge_axis(const std::string& preset);
