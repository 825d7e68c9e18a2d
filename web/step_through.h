// Step-through: walk a convolution one output cell at a time. A scrubber with play/pause over the
// output cells (State::step, -1 = off; State::autoplay, play_from, play_to, step_rate), the current
// cell's window drawn on the input view (footprint with dilation holes and padded taps), and a panel
// with the numbers: per input channel the values under the window, the kernel, their products and
// their sum, and the total (+ bias), which equals the output value the core computed.
//
// Three tiers, so other lessons can take what they need:
//   step_cell()       the numbers of one cell, pure (no ImGui)
//   StepPlayer        the scrubber and player over any number of cells (pooling, transposed, ...)
//   draw_window()     a window's footprint on an ImageView overlay
//   ConvStepThrough   all of it for a conv2d lesson: update(), controls(), overlays, panel()
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "conv2d.h"
#include "formula.h"
#include "image_view.h"
#include "kernel_settings.h"
#include "lazy_tensor.h"
#include "lesson.h"
#include "state.h"
#include "tensor.h"

// ---- numbers ------------------------------------------------------------------------------------
struct StepRow {  // one input channel's part of one output channel's sum
  int in_channel = 0, out_channel = 0;
  std::vector<float> values;    // kh*kw input values read by the taps (padding's values included)
  std::vector<float> weights;   // kh*kw kernel values
  std::vector<int> src_y, src_x;  // the input pixel each tap reads; -1 where zeros padding reads 0
  std::vector<char> padded;     // 1 where the tap lies outside the image (in the padding)
  double sum = 0;               // sum of values * weights
};

struct StepOutput {
  int channel = 0;
  double total = 0;    // sum of its rows + bias
  float bias = 0;
  float output = 0;    // the core's output value at this cell
};

struct StepCell {
  int index = -1;                // oy * OW + ox
  int oy = 0, ox = 0;
  int y0 = 0, x0 = 0;            // input coordinates of the top-left tap (negative: in the padding)
  int kh = 1, kw = 1, dh = 1, dw = 1;
  std::vector<StepRow> rows;
  std::vector<StepOutput> outputs;
};

// The conv a step-through explains. Pointers to the lesson's cached tensors (must outlive the frame).
struct StepConv {
  const convlab::Tensor* input = nullptr;   // [Cin, H, W], unpadded
  const convlab::Weights* weight = nullptr; // [Cout, Cin/groups, kh, kw]
  convlab::Conv2dParams params;
  std::vector<float> bias;                  // empty = none
  LazyTensor output;                        // [Cout, OH, OW] from the core with these params (read: one cell)
  // When set, the core's value at (channel, oy, ox) in place of output's: an output that an activation
  // changed elementwise after the convolution gives the shape, this the convolution's own values.
  std::function<float(int, int, int)> value_at = nullptr;
  // False while a newer setting's output is still being computed (the compute workers): the state's
  // step may be meant for that output, so it is not clamped to this one's size.
  bool current = true;
  bool valid() const;
  int cells() const { return valid() ? output.shape().h * output.shape().w : 0; }
};

// The numbers of output cell `index`. Output channels: all when Cout <= 3, else only `out_channel`.
StepCell step_cell(const StepConv& conv, int index, int out_channel = 0);

// ---- drawing the window ---------------------------------------------------------------------------
struct WindowGeometry {
  int y0 = 0, x0 = 0;        // top-left tap, input coordinates
  int kh = 1, kw = 1, dh = 1, dw = 1;
  int in_h = 0, in_w = 0;    // the unpadded input: taps outside it are drawn as padding
};
// Draws the footprint: span outline, each tap (hatched where it lies in the padding), holes left open.
// shift_x/y: where input (0, 0) sits in the view's image coordinates (pad.left/top for a padded view).
void draw_window(ImDrawList* dl, const ViewTransform& tf, const WindowGeometry& w, float shift_x = 0, float shift_y = 0);
// A highlighted cell (the current output pixel), with a ring when it is too small to see.
void draw_cell_mark(ImDrawList* dl, const ViewTransform& tf, int y, int x);

// ---- the player -------------------------------------------------------------------------------------
class StepPlayer {
 public:
  // Once per frame before anything reads state.step: starts autoplay, advances playback by the frame's
  // time at state.step_rate steps per second (looping over play_from..play_to), clamps step into range
  // (unless `clamp` is false). Returns true when playback moved the step this frame.
  bool update(State& s, int cells, bool clamp = true);
  // The scrubber: on/off, position slider (with row, col), first/previous/play/next/last, speed.
  void controls(LessonContext& ctx, int cells, int out_w);
  bool playing() const { return playing_; }

 private:
  bool playing_ = false;
  bool autoplay_started_ = false;
  double carry_ = 0;
};

// ---- everything for a conv2d lesson -------------------------------------------------------------------
class ConvStepThrough {
 public:
  // Per frame, after the lesson's (cached) conv: runs the player, computes the current cell, publishes
  // step_cell, step_window, step_sum, step_output (and _<channel> variants for several outputs).
  void update(LessonContext& ctx, const StepConv& conv);
  void controls(LessonContext& ctx) { player_.controls(ctx, conv_.cells(), conv_.valid() ? conv_.output.shape().w : 1); }
  // The lesson's "step" section: the player, and where draw_views() has no room for the numbers (not
  // wide) the numbers too.
  void section(LessonContext& ctx);
  bool active() const { return cell_.index >= 0; }
  const StepCell& cell() const { return cell_; }
  // Overlays: the window on the input view (shift = pad.left/top if that view shows the padded input),
  // the current cell on the output view. Empty functions when the step-through is off.
  Overlay input_overlay(float shift_x = 0, float shift_y = 0) const;
  Overlay output_overlay() const;
  // Clicking the output view picks that cell (and turns the step-through on).
  void pick(State& s, const Hover& output_hover) const;
  // The numeric panel (nothing when off), and the height it wants out of `avail_h` (0 when off): one
  // kernel grid per input channel, at most a little over half of what is left for the views.
  void panel(LessonContext& ctx);
  float panel_height(float avail_h) const;
  // A conv lesson's visual: its input view (with `input_overlay`, `pad` pixels of border room) and its
  // output view (the current cell marked; a click picks it) side by side, stacked in a tall box, and
  // the numbers under them on wide screens (elsewhere the lesson shows panel() in a section).
  void draw_views(LessonContext& ctx, ImVec2 size, const std::string& input_caption, ImageView& input_view,
                  const Overlay& input_overlay, int pad, const std::string& output_caption, ImageView& output_view);

 private:
  StepPlayer player_;
  StepConv conv_;
  StepCell cell_;
};

// The conv2d parameters of the state (pad -1 = PyTorch's 'same' for this kernel and dilation, 0 = valid,
// n = n on every side; pad_mode, stride, dilation). groups is left at 1 for the lesson to set.
convlab::Conv2dParams state_conv_params(const State& s, int kh, int kw);

// Hands the state's kernel per channel ([C, 1, kh, kw]) and its conv parameters to a model's
// update(input, generation, weights, params, display). A preset the core cannot make at this size, or the
// model's own failure, becomes the lesson's error (the model keeps its previous result).
template <class Model>
void update_with_state_kernel(LessonContext& ctx, Model& model) {
  try {
    const convlab::Weights w = state_depthwise(ctx.state, ctx.input.c);
    model.update(ctx.input, ctx.input_generation, w, state_conv_params(ctx.state, w.kh, w.kw), ctx.state.display);
  } catch (const std::exception& e) {
    ctx.error = e.what();
  }
  if (!model.error().empty()) ctx.error = model.error();
}

// The output-size formula of each axis (formula.h, as the lesson's model computed it) under the shape
// line, with the floor's note when it drops pixels.
void formula_lines(const FormulaText& h, const FormulaText& w);
