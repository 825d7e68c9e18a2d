// What the page's JavaScript may call in the playground module (embind). The page (static/page.js)
// owns the URL, decoding of images, the clipboard and window.playground; C++ owns the state.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "app.h"
#include "conv_client.h"

namespace {

void set_image(const std::string& name, int width, int height, emscripten::val rgba) {
  App::instance().set_image(name, width, height, emscripten::convertJSArrayToNumberVector<std::uint8_t>(rgba));
}

std::string get_state_hash() { return App::instance().state_hash(); }
std::string set_state_hash(const std::string& hash, bool partial) { return App::instance().set_state_hash(hash, partial); }
void load_initial_hash(const std::string& hash) { App::instance().load_initial_hash(hash); }
std::string last_error() { return App::instance().last_error(); }
std::string readout() { return App::instance().readout_json(); }
void show_error(const std::string& message) { App::instance().show_error(message); }
std::string image_info() { return App::instance().image_info_json(); }
std::string full_state_json() { return App::instance().full_state_json(App::instance().state()); }
std::string default_state_json() { return App::instance().full_state_json(State{}); }
std::string lessons_json() { return App::instance().lessons_json(); }
void request_frame() { App::instance().request_frame(); }
void pool_replaced() {
  ConvClient::pool_replaced();
  App::instance().request_frame();
}
// {c, h, w, data} with data a view of the module's heap (the page copies it at once), or null.
emscripten::val lesson_output() {
  const convlab::Tensor* t = App::instance().lesson_output();
  if (!t) return emscripten::val::null();
  emscripten::val o = emscripten::val::object();
  o.set("c", t->c);
  o.set("h", t->h);
  o.set("w", t->w);
  o.set("data", emscripten::val(emscripten::typed_memory_view(t->size(), t->data.data())));
  return o;
}

std::string input_pixel(int x, int y) { return App::instance().input_pixel_json(x, y); }
void clear_paint() { App::instance().clear_paint(); }

void set_webcam_status(const std::string& status) {
  if (status == "off" || status == "starting" || status == "live" || status == "frozen") App::instance().set_webcam_status(status);
}

// playground.paint(options): page.js has checked the types (booleans, numbers, a colour of three); the
// ranges are checked here. Returns "" or the error, and then changes nothing.
std::string set_paint(emscripten::val o) {
  App::PaintSettings p = App::instance().paint_settings();
  const auto has = [&](const char* key) { return o.hasOwnProperty(key) && !o[key].isUndefined(); };
  const auto byte = [](double v) { return v >= 0 && v <= 255 && v == double(int(v)); };
  if (has("on")) p.on = o["on"].as<bool>();
  if (has("erase")) p.brush.erase = o["erase"].as<bool>();
  if (has("size")) {
    const double size = o["size"].as<double>();
    if (!(size >= 1 && size <= 64)) return "size: the brush's diameter must be 1 to 64 pixels, got " + std::to_string(size);
    p.brush.size = float(size);
  }
  if (has("gray")) {
    const double g = o["gray"].as<double>();
    if (!byte(g)) return "gray: must be a whole number from 0 to 255, got " + std::to_string(g);
    p.gray_level = int(g);
  }
  if (has("colour")) {
    const double r = o["colour"][0].as<double>(), g = o["colour"][1].as<double>(), b = o["colour"][2].as<double>();
    if (!byte(r) || !byte(g) || !byte(b)) return "colour: must be three whole numbers from 0 to 255";
    p.brush.r = std::uint8_t(r), p.brush.g = std::uint8_t(g), p.brush.b = std::uint8_t(b);
  }
  App::instance().set_paint_settings(p);
  return "";
}

emscripten::val paint_settings() {
  const App::PaintSettings p = App::instance().paint_settings();
  emscripten::val o = emscripten::val::object();
  o.set("on", p.on);
  o.set("size", p.brush.size);
  emscripten::val colour = emscripten::val::array();
  colour.call<void>("push", int(p.brush.r), int(p.brush.g), int(p.brush.b));
  o.set("colour", colour);
  o.set("gray", p.gray_level);
  o.set("erase", p.brush.erase);
  return o;
}

}  // namespace

EMSCRIPTEN_BINDINGS(playground) {
  emscripten::function("setImage", &set_image);
  emscripten::function("getStateHash", &get_state_hash);
  emscripten::function("setStateHash", &set_state_hash);
  emscripten::function("loadInitialHash", &load_initial_hash);
  emscripten::function("lastError", &last_error);
  emscripten::function("readout", &readout);
  emscripten::function("showError", &show_error);
  emscripten::function("imageInfo", &image_info);
  emscripten::function("fullState", &full_state_json);
  emscripten::function("lessons", &lessons_json);
  emscripten::function("defaultState", &default_state_json);
  emscripten::function("lessonOutput", &lesson_output);
  emscripten::function("poolReplaced", &pool_replaced);
  emscripten::function("requestFrame", &request_frame);
  emscripten::function("inputPixel", &input_pixel);
  emscripten::function("setPaint", &set_paint);
  emscripten::function("paintSettings", &paint_settings);
  emscripten::function("clearPaint", &clear_paint);
  emscripten::function("setWebcamStatus", &set_webcam_status);
}
