// What the page's JavaScript may call in the playground module (embind).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "app.h"

namespace {

void set_image(const std::string& name, int width, int height, emscripten::val rgba) {
  App::instance().set_image(name, width, height, emscripten::convertJSArrayToNumberVector<std::uint8_t>(rgba));
}

}  // namespace

EMSCRIPTEN_BINDINGS(playground) { emscripten::function("setImage", &set_image); }
