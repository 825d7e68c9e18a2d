// Everything the learner can set, in one struct that the URL hash serialises
// (#lesson=padding&k=5&pad=reflect&s=2&img=chelsea). Only values that differ from the defaults are
// written, so links stay short. No ImGui or Emscripten here: parsed and tested natively too.
#pragma once
#include <string>
#include <vector>

#include "receptive_field.h"

struct State {
  // Which lesson and which picture.
  std::string lesson = "kernel";   // one of lesson_ids()
  std::string image = "chelsea";   // a sample, a pattern (checker, square, stripes, dot) or "upload"
  bool gray = false;               // one luma channel instead of RGB

  // The kernel: a preset (core/kernels.h name) or "custom" with explicit values.
  std::string preset = "mean";
  int kh = 3, kw = 3;              // kernel size (presets with a size follow it)
  float sigma = 0.0f;              // Gaussian sigma; 0 = OpenCV's default for the size
  std::vector<float> values;       // kh*kw (or C*kh*kw with depth); set when preset == "custom"
  bool depth = false;              // one 2-D kernel per input channel instead of the same for all

  // The convolution.
  int pad = -1;                    // padding amount per side; -1 = 'same' (auto for the kernel), 0 = valid
  std::string pad_mode = "zeros";  // zeros, reflect, symmetric, replicate, circular
  int stride = 1;
  int dilation = 1;
  bool one_filter = false;         // kernel lesson: one filter of depth C summed into one map (else each channel alone)

  // Pooling.
  std::string pool = "max";        // max, mean, min
  int pool_k = 2, pool_s = 2, pool_p = 0;
  bool ceil_mode = false;
  bool count_include_pad = true;

  // Receptive field and ERF: a stack of layers, e.g. "c3,c3,p2s2,c3d2".
  std::vector<convlab::Layer> layers = default_layers();
  std::string erf_weights = "uniform";  // uniform, random
  bool relu = false;
  int seed = 1;
  int rf_layer = -1;                // receptive-field lesson: the layer whose units are shown; -1 = the last

  // Transposed convolution.
  int t_in = 4, t_k = 3, t_s = 2, t_p = 1, t_op = 1;
  int t_from = 32, t_to = 64;     // the output-size solver: input size and wanted output size

  // Pointwise and depthwise-separable.
  std::string mix = "gray";        // pointwise: gray (RGB -> 1), features (RGB -> 8)
  std::vector<float> mix_values;   // pointwise: the edited 1x3 or 8x3 matrix, row-major; empty = the default
  int cin = 32, cout = 64, hw = 56;

  // The view.
  std::string display = "auto";    // auto, clamp, minmax, abs, diverging
  float zoom = 0.0f;               // 0 = fit; otherwise screen pixels per image pixel
  float cx = 0.5f, cy = 0.5f;      // view centre, fraction of the image
  int step = -1;                   // step-through position (output cell index), -1 = off
  int step_rate = 4;               // step-through playback speed, steps per second

  // Embedding.
  bool embed = false;
  std::vector<std::string> hide;   // controls hidden in embed mode
  bool autoplay = false;
  int play_from = 0, play_to = -1; // autoplay range of step indices (-1 = to the end)

  static std::vector<convlab::Layer> default_layers();
};

const std::vector<std::string>& lesson_ids();
const std::vector<std::string>& sample_image_ids();   // photos shipped in assets/images
const std::vector<std::string>& pattern_image_ids();  // synthetic test patterns

// The URL hash (without '#') of a state: defaults omitted, keys in a fixed order.
std::string to_hash(const State& s);

struct ParseResult {
  State state;
  std::string error;  // empty if every key was understood; otherwise what was wrong
};
// Parses a hash (with or without '#', also accepts '?query' form). Any bad key or value makes the whole
// result the defaults plus an error naming the problem: a garbled link never half-applies.
ParseResult from_hash(const std::string& hash);
// Applies the keys of `hash` on top of `base` (for setState(partial)); on error returns base unchanged.
ParseResult apply_hash(const State& base, const std::string& hash);

// Layers as text: "c3" conv 3x3, "c5x3" non-square, "p2s2" pool 2 stride 2, "c3d2p1" conv dilation 2
// padding 1; joined by commas.
std::string layers_to_text(const std::vector<convlab::Layer>& layers);
std::vector<convlab::Layer> layers_from_text(const std::string& text);  // throws std::invalid_argument
