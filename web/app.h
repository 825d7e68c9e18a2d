// The playground application: owns the learner's State, the images and the lesson being shown, draws
// one ImGui frame at a time, and keeps the page's URL in step with the state. A singleton because the
// JS bridge and the main loop both reach it.
#pragma once
#include <map>
#include <string>

#include "paint.h"
#include "patterns.h"
#include "state.h"
#include "tensor.h"

class App {
 public:
  static App& instance();
  // The page's background: main.cpp clears to it, and no window or child paints it again (see apply_style).
  static constexpr float kBackground[3] = {0.110f, 0.118f, 0.141f};
  void init();
  void frame();

  // From the page (js_bridge.cpp).
  void set_image(const std::string& name, int width, int height, std::vector<std::uint8_t> rgba);
  std::string state_hash() const { return to_hash(state_); }
  // Applies a hash: the whole state (partial = false, defaults for missing keys) or only the keys given.
  // Returns "" or the error; on error the previous state stays.
  std::string set_state_hash(const std::string& hash, bool partial);
  // The initial hash from the URL: a bad one loads the defaults and shows the message.
  void load_initial_hash(const std::string& hash);
  const std::string& last_error() const { return last_error_; }
  // The current lesson's published numbers as a JSON object of strings.
  std::string readout_json() const;
  // The image the lessons work on: {"name":...,"width":...,"height":...,"painted":...,"webcam":...}
  // (width 0 while it loads; painted: how many pixels the learner painted; webcam: the camera's status).
  std::string image_info_json() const;
  // The input's values at pixel (x, y), one per channel, as a JSON array ([] outside the image).
  std::string input_pixel_json(int x, int y) const;
  // Paint mode and the brush (playground.paint(), checked by js_bridge.cpp).
  struct PaintSettings {
    bool on = false;
    Brush brush;
    int gray_level = 255;  // the brush's intensity in grey mode
  };
  PaintSettings paint_settings() const;
  void set_paint_settings(const PaintSettings& p);
  void clear_paint();  // back to the original image
  // From the page's webcam (webcam.js): "off", "starting", "live" or "frozen".
  void set_webcam_status(const std::string& status);
  // Every URL key with its value, defaults included, as a JSON object of strings (playground.getState()).
  static std::string full_state_json(const State& s);
  const State& state() const { return state_; }
  // [{id, title, controls}] in menu order: the lessons and the control ids an embed can hide.
  std::string lessons_json() const;
  void show_error(const std::string& message);
  // Whether the next frame must be drawn although no input arrived: the page changed the state or the
  // image, a lesson animates, or the first image is not on screen yet. main.cpp skips frames otherwise.
  bool wants_frame() const;
  void request_frame() { dirty_ = true; }  // something outside the state changed: a compute worker's result
  // The current lesson's main output (null when it has none): window.playground.output().
  const convlab::Tensor* lesson_output() const;

 private:
  void update_input();
  void apply_paint_strokes();
  void draw_paint_bar();
  void draw_webcam_button();
  void draw_menu_bar(bool narrow);
  void draw_image_controls();
  void draw_share_buttons(bool in_row);
  void draw_lesson_picker(float width);
  void select_lesson(const std::string& id);
  void apply_touch_style(bool touch);
  void draw_sidebar(float width);
  void draw_error_banner();
  void notify_page();

  State state_;
  std::map<std::string, RgbaImage> images_;  // decoded samples and the upload, by name
  std::map<std::string, bool> requested_;    // samples asked of the page
  convlab::Tensor input_;
  std::string input_key_;
  int input_generation_ = 0;
  // The learner's paint over the image named paint_image_; painted_ is that image with the paint over
  // it, up to date only while painted_current_ (a new image or webcam frame redraws it when next needed).
  PaintLayer paint_;
  std::string paint_image_;
  RgbaImage painted_;
  bool painted_current_ = false;
  Brush brush_;
  int gray_level_ = 255;  // the brush in grey mode
  std::string webcam_ = "off";
  bool webcam_select_ = false;  // the next webcam frame becomes the input (the learner just started it)
  std::string previous_image_;  // state_.image in the last frame: leaving "webcam" turns the camera off
  std::string error_;       // shown in the banner until dismissed or replaced
  bool error_from_lesson_ = false;  // a lesson's error goes away once the state changes and the lesson recovers
  std::string error_hash_;          // the state when the lesson reported it
  std::string last_error_;  // for window.playground.lastError()
  std::string last_hash_ = "\x01";
  std::string sent_content_height_;  // the last content_height given to the page
  std::map<std::string, std::string> readout_;
  bool announced_ready_ = false;
  bool dirty_ = true;       // changed from outside a frame (the page's calls), or the state moved in one
  bool animating_ = false;  // the last frame's lesson asked for the next (LessonContext::keep_drawing)
  double ready_at_ = 0;
  bool touch_style_ = false;
};
