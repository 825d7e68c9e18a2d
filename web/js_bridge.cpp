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
}
