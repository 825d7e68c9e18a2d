// Everything the learner can set, in one struct that the URL hash serialises
// (#lesson=padding&k=5&pad=reflect&s=2&img=chelsea). Only values that differ from the defaults are
// written, so links stay short. No ImGui or Emscripten here: parsed and tested natively too.
#pragma once
#include <any>
#include <map>
#include <string>
#include <typeindex>
#include <vector>

#include "receptive_field.h"

// The settings several lessons share. A lesson's own settings live in its parameter struct (its model
// header), reached with lesson_params<P>(state); each lesson registers their URL keys itself
// (lesson_info.h), so a new lesson adds nothing here.
struct State {
  // Which lesson and which picture.
  std::string lesson = "kernel";   // one of lesson_ids()
  std::string image = "chelsea";   // a sample, a pattern (checker, square, stripes, dot), "upload" or "webcam"
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

  // A stack of layers, e.g. "c3,c3,p2s2,c3d2" (receptive field, ERF, dilation's comparison).
  std::vector<convlab::Layer> layers = default_layers();
  int rf_layer = -1;                // receptive-field lesson: the layer whose units are shown; -1 = the last
  int seed = 1;                     // random weights (ERF, depthwise-separable)

  // The view.
  std::string display = "auto";    // auto, clamp, minmax, abs, diverging
  float zoom = 0.0f;               // 0 = fit; otherwise screen pixels per image pixel
  float cx = 0.5f, cy = 0.5f;      // view centre, fraction of the image
  int step = -1;                   // step-through position (output cell index), -1 = off
  int step_rate = 4;               // step-through playback speed, steps per second

  // Embedding.
  bool embed = false;
  std::vector<std::string> hide;   // controls hidden in embed mode
  std::string show = "all";        // all, visual (the picture alone, no controls)
  bool autoheight = false;         // an embed laid out for its width alone, its height told to the parent
  bool autoplay = false;
  int play_from = 0, play_to = -1; // autoplay range of step indices (-1 = to the end)

  // Each lesson's own settings, by parameter type: see lesson_params<P>.
  std::map<std::type_index, std::any> lesson_settings;

  static std::vector<convlab::Layer> default_layers();
};

// A lesson's own settings in `s` (P's defaults until something sets them).
template <class P>
P& lesson_params(State& s) {
  std::any& slot = s.lesson_settings[std::type_index(typeid(P))];
  if (!slot.has_value()) slot = P{};
  return std::any_cast<P&>(slot);
}
template <class P>
const P& lesson_params(const State& s) {
  static const P defaults{};
  const auto it = s.lesson_settings.find(std::type_index(typeid(P)));
  return it == s.lesson_settings.end() ? defaults : std::any_cast<const P&>(it->second);
}

const std::vector<std::string>& lesson_ids();  // in menu order (lesson_info.h)
const std::vector<std::string>& sample_image_ids();   // photos shipped in assets/images
const std::vector<std::string>& pattern_image_ids();  // synthetic test patterns

// The URL hash (without '#') of a state: defaults omitted, keys in a fixed order.
std::string to_hash(const State& s);

struct ParseResult {
  State state;
  std::string error;  // empty if every key was understood; otherwise what was wrong
};
// Parses a link's hash (with or without '#', also accepts '?query' form) over the defaults. A bad or
// unknown key is left out and named in the error; every other key applies.
ParseResult from_hash(const std::string& hash);
// Applies the keys of `hash` on top of `base` all or nothing (setState(partial), an edited address bar):
// on any error the result is base unchanged.
ParseResult apply_hash(const State& base, const std::string& hash);
// Every key with its value as URL text, defaults included, in hash order (window.playground.getState()).
std::vector<std::pair<std::string, std::string>> full_state(const State& s);

// Layers as text: "c3" conv 3x3, "c5x3" non-square, "p2s2" pool 2 stride 2, "c3d2p1" conv dilation 2
// padding 1; joined by commas.
std::string layers_to_text(const std::vector<convlab::Layer>& layers);
std::vector<convlab::Layer> layers_from_text(const std::string& text);  // throws std::invalid_argument
