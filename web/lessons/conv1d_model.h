// The 1-D convolution lesson's model: a signal, a kernel, padding (valid, same, causal or chosen amounts,
// filled in any of the core's modes), stride and dilation. The output is the core's conv2d of a 1 x N
// input with a 1 x K kernel padded on the left and right only, so the lesson shows exactly what the core
// computes. No ImGui here: built into the native tests too.
#pragma once
#include <string>
#include <vector>

#include "formula.h"
#include "padding.h"
#include "recompute.h"

// The lesson's own settings (their URL keys are registered in conv1d_model.cpp).
struct Conv1dParams {
  std::string signal = "sine";       // one of conv1d_signals()
  int length = 32;                   // samples of a preset signal
  std::vector<float> signal_values;  // the custom signal
  std::string kernel = "mean";       // one of conv1d_kernels()
  int k = 5;                         // taps of the kernels that have a size
  std::vector<float> kernel_values;  // the custom kernel
  std::string padding = "same";      // valid, same, causal, custom
  int pad_left = 1, pad_right = 1;   // the custom amounts
  std::string pad_mode = "zeros";    // a core PadMode name
  int stride = 1, dilation = 1;
  std::string align = "auto";        // where an output is drawn: auto, start, centre, end of its window
  int selected = -1;                 // the output sample explained; -1 = the middle one
};

constexpr int kConv1dMaxLength = 64;
constexpr int kConv1dMaxKernel = 15;
constexpr int kConv1dMaxPad = 32;    // a custom amount per side
constexpr int kConv1dMaxStride = 8;
constexpr int kConv1dMaxDilation = 8;

// A named choice and one sentence about it.
struct Conv1dChoice {
  const char* id;
  const char* label;
  const char* text;
};
const std::vector<Conv1dChoice>& conv1d_signals();
const std::vector<Conv1dChoice>& conv1d_kernels();
const std::vector<Conv1dChoice>& conv1d_paddings();
const std::vector<Conv1dChoice>& conv1d_aligns();
// The kernels whose size is fixed (the differences): their tap count; 0 for the others.
int conv1d_fixed_kernel_size(const std::string& kernel);

// The signal and the kernel the settings describe. Preset signals are rounded to two decimals, so the
// numbers shown are the numbers computed. Throws std::invalid_argument for an empty custom list.
std::vector<float> conv1d_signal(const Conv1dParams& p);
std::vector<float> conv1d_kernel(const Conv1dParams& p);

// Left and right padding for the settings: valid 0, 0; same d*(k-1) split as PyTorch (the extra sample on
// the right); causal all d*(k-1) on the left, so output t reads inputs <= t only; custom as set.
struct Conv1dPads {
  int left = 0, right = 0;
};
Conv1dPads conv1d_pads(const Conv1dParams& p, int kernel_size);

// Values typed by the learner: numbers separated by commas or spaces, 1 to max_count of them, each finite
// with |v| <= 1e6. Throws std::invalid_argument("<what>: ...") naming the bad value.
std::vector<float> parse_conv1d_values(const std::string& text, std::size_t max_count, const char* what);
// Numbers as the URL and the readouts write them: each the shortest text that reads back the same float.
std::string conv1d_values_text(const std::vector<float>& v);

// What the lesson shows for one setting.
struct Conv1dResult {
  std::string signal_name, kernel_name;  // the presets (or "custom") they come from
  std::vector<float> signal, kernel;
  Conv1dPads pads;
  convlab::PadMode mode = convlab::PadMode::Zeros;
  int stride = 1, dilation = 1;
  bool causal = false;          // the padding is the causal one
  std::vector<float> padded;    // the core's pad(): padded[i] is input position i - pads.left
  std::vector<float> output;    // the core's conv2d
  FormulaText formula;          // the output length, spelled out (value == output.size())
  int generation = 0;           // counts successful computations
  int size() const { return int(signal.size()); }
  int span() const { return (int(kernel.size()) - 1) * dilation + 1; }
  int window_start(int out) const { return out * stride - pads.left; }  // first tap, input position
  int window_end(int out) const { return window_start(out) + span() - 1; }  // last tap
};

// One tap of an output's window.
struct Conv1dTap {
  int position = 0;  // input position (negative or >= size: padding)
  int source = 0;    // the input sample the padding copies there; -1 where zeros padding reads 0
  float x = 0, w = 0;
};
// One output sample and how it is made: the sum over its taps of w * x.
struct Conv1dWindow {
  int index = 0;
  std::vector<Conv1dTap> taps;
  double sum = 0;      // the products summed in double
  float output = 0;    // the core's value
  int latest = 0;      // the latest input sample it reads (-1: none, only zeros)
  bool reads_later() const;  // it reads a sample after its window's last tap (padding copied from later)
  std::string text;    // "0.2*0.31 + 0.2*0.52 + ... = 0.4"
};
// `out` is clamped to the outputs; the result must have at least one.
Conv1dWindow conv1d_window(const Conv1dResult& r, int out);
// The outputs whose window reads a sample after its last tap (reflect, symmetric or circular padding on
// the left copies later samples there): empty when every output sees only inputs up to its window's end.
std::vector<int> conv1d_outputs_reading_later(const Conv1dResult& r);

// The x position (an input position) where the plot draws output `out`: its window's first tap, its
// centre or its last tap. "auto" is the last tap for causal padding (output t at input t), else the centre.
double conv1d_output_position(const Conv1dResult& r, const std::string& align, int out);
// The output the lesson explains: `selected`, or the middle one when it is -1 or out of range.
int conv1d_selected(const Conv1dResult& r, int selected);

// Computes when the settings change. A failure (a kernel longer than the padded signal, reflect padding
// as long as the signal, an empty custom list) keeps the previous result and is reported by error().
class Conv1dModel {
 public:
  bool update(const Conv1dParams& p);  // true when the result is new
  const Conv1dResult& result() const { return result_; }
  const std::string& error() const { return recompute_.error(); }

 private:
  Recompute recompute_;
  Conv1dResult result_;
};
