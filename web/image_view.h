// The one image view every lesson uses: any tensor shown honestly (clamp, min-max, |x| or a diverging
// map centred on zero, with a legend), zoom with the wheel, pan by dragging, double-click to fit. Views
// share zoom and centre through State so input and output stay aligned. At high zoom the pixel grid
// and the numbers appear; hovering a pixel shows its value per channel.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "display_choice.h"
#include "image.h"
#include "imgui.h"
#include "paint.h"
#include "state.h"
#include "tensor.h"
#include "texture.h"

// Image pixel (x, y) -> screen: origin + (x, y) * scale. Pixel centres are at +0.5.
struct ViewTransform {
  ImVec2 origin;
  float scale = 1.0f;
  ImVec2 to_screen(float x, float y) const { return ImVec2(origin.x + x * scale, origin.y + y * scale); }
};

struct Hover {
  bool active = false;
  int x = -1, y = -1;
};

using Overlay = std::function<void(ImDrawList*, const ViewTransform&)>;

// Painting on the input (the app's paint mode, paint.h). A view that shows the input turns a left-button
// drag (or a one-finger drag) into strokes in input pixels instead of panning; the app applies them
// before the next frame, so the lessons recompute at most once per frame however many events came.
struct PaintStroke {
  float x0, y0, x1, y1;
};
struct PaintTool {
  bool on = false;
  // The app's input generation, and the last paint's change: generation `to` differs from `from` only in
  // `rect`, so a view showing `from` in plain clamp colours updates those pixels alone.
  int generation = 0;
  int from = -1, to = -1;
  PixelRect rect;
  float size = 12.0f;                      // brush diameter in input pixels, for the outline under the pointer
  const convlab::Tensor* input = nullptr;  // the app's input: a view set_for() from it shows the input
  std::vector<PaintStroke> strokes;        // since the app last applied them
  std::vector<ImVec4> boxes;               // this frame's screen boxes (x, y, w, h) of the views that paint
};

class ImageView {
 public:
  // Sets what the view shows (a copy of t, or t itself when moved in). display: "auto", "clamp",
  // "minmax", "abs", "diverging" (State::display); auto = clamp for values in [0, 1], diverging when any
  // shown value is negative, else min-max. channel -1 shows all (RGB or grey), otherwise one channel.
  void set(convlab::Tensor t, const std::string& display = "auto", int channel = -1);
  // The same for a tensor several views show (one per channel of an output): they share it, no copies.
  void set(std::shared_ptr<const convlab::Tensor> t, const std::string& display = "auto", int channel = -1);
  // set() with the colours already worked out where the output was computed (a compute worker).
  void set_displayed(const ShownOutput& shown);
  // set_displayed(shown) unless the view already shows `key` (a model's result version, say).
  void set_for(const std::string& key, const ShownOutput& shown);
  // set(t, display, channel) unless the view already shows `key`, a name of what t was computed from
  // (and how it is displayed). Lessons call it every frame; only a change converts t for display again.
  // t may be the view's own tensor() (to show it another way).
  void set_for(const std::string& key, const convlab::Tensor& t, const std::string& display = "auto", int channel = -1);
  void set_for(const std::string& key, convlab::Tensor&& t, const std::string& display = "auto", int channel = -1);
  bool empty() const { return tensor_.empty(); }
  LazyTensor::Shape shape() const { return tensor_.shape(); }
  // The shown values (a worker's output is copied into the heap at this first read).
  const convlab::Tensor& tensor() const;
  // The shown tensor, to share with other views (null before the first set).
  const std::shared_ptr<const convlab::Tensor>& shared_tensor() const { return tensor_.shared(); }
  // What `display` resolved to for the tensor (auto -> clamp, min-max or diverging), before a signed
  // colour image is switched to |value|: the mode a readout names.
  convlab::DisplayMode resolved_display() const { return resolved_; }
  // The height draw() adds under the image for the colour legend (none for plain clamp).
  float legend_height() const;
  // The RGBA bytes on screen (Export PNG writes them), computed again from the tensor.
  std::vector<std::uint8_t> shown_rgba() const;

  // Draws at the cursor in a box of `size` (legend included when the mapping is not plain clamp).
  // `pad` widens the drawn area by that many pixels around the image (for padded-border overlays).
  Hover draw(const char* id, ImVec2 size, State& state, const Overlay& overlay = {}, int pad = 0);

  // This view shows the input with the input's pixel (0, 0) at the shown tensor's (dx, dy) (a padded
  // input): it paints in paint mode. Call after set(); views set_for() from ctx.input need not.
  void show_input_at(int dx, int dy);
  static PaintTool& paint_tool();

  // The screen boxes of the views drawn this frame (the app publishes them for tests; cleared per frame).
  static std::vector<ImVec4>& drawn_boxes();

 private:
  void draw_values(ImDrawList* dl, const ViewTransform& tf, ImVec2 lo, ImVec2 hi) const;
  LazyTensor tensor_;
  Texture texture_;
  convlab::DisplayMode mode_ = convlab::DisplayMode::Clamp, resolved_ = convlab::DisplayMode::Clamp;
  convlab::DisplayRange range_{0, 1};
  int channel_ = -1;        // the channel shown (-1 all), after choose_display
  std::string display_;     // as asked, with the channel asked: shown_rgba() repeats the choice
  int asked_channel_ = -1;
  std::string key_;  // what set_for last showed; set() forgets it
  bool patch_input(const convlab::Tensor& t, const std::string& display, int channel);
  std::shared_ptr<convlab::Tensor> owned_;  // tensor_ when the view made it (a copy): patch_input may change it
  int input_generation_ = -1;  // the input generation shown, when shows_input_
  bool shows_input_ = false;  // set() forgets it too
  int input_dx_ = 0, input_dy_ = 0;
  bool stroking_ = false;  // a paint stroke is under way: last_paint_ is where it was last frame
  ImVec2 last_paint_;
};

