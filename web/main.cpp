// The playground's platform layer: SDL2 window + WebGL2 context + Dear ImGui, called on every
// requestAnimationFrame through emscripten_set_main_loop. Everything the learner sees lives in App.
//
// Frames are drawn on demand. A rAF in which nothing can have changed (no input event, no resize, no call
// from the page, no lesson animating: App::wants_frame) makes no GL call, and the canvas keeps showing
// the last frame. After anything happens, frames keep coming for kTailMs so that what ImGui settles over
// a few frames (auto-sized windows and tooltips appear a frame late, hover states) is on screen too.
#include <GLES3/gl3.h>
#include <SDL.h>
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/html5.h>

#include <cstdio>
#include <string>

#include "app.h"
#include "conv_client.h"
#include "texture.h"
#include "imgui.h"
#include "imgui_impl_sdl.h"
#include "touch_input.h"
#include "webgl_renderer.h"

namespace {

constexpr double kTailMs = 500;

SDL_Window* g_window = nullptr;
double g_draw_until = 0;     // emscripten_get_now() until which frames are drawn
bool g_skipped_last = false;

// Totals since start, for tests and benchmarks (window.convlabFrameStats()). busy = the whole callback
// of a drawn frame; app = ImGui's frame with App::frame (incl. any recompute); gl = issuing the GL calls.
struct FrameStats {
  double drawn = 0, skipped = 0, busy_ms = 0, app_ms = 0, gl_ms = 0;
} g_stats;

// The canvas fills the browser window; SDL does not follow CSS resizes by itself, so match it each
// frame. True when the size changed.
bool follow_canvas_size() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  int w = 0, h = 0;
  SDL_GetWindowSize(g_window, &w, &h);
  if (int(css_w) == w && int(css_h) == h) return false;
  SDL_SetWindowSize(g_window, int(css_w), int(css_h));
  return true;
}

void frame() {
  const double t0 = emscripten_get_now();
  bool input = follow_canvas_size();
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    if (!touch::process_event(event)) ImGui_ImplSDL2_ProcessEvent(&event);
    input = true;
  }
  input = input || touch::animating();  // a glide or a queued tap runs over several frames
  App& app = App::instance();
  // An active item (a held button or slider, a text field with its blinking cursor) may change without events.
  if (input || app.wants_frame() || ImGui::IsAnyItemActive()) g_draw_until = t0 + kTailMs;
  if (t0 >= g_draw_until) {
    ++g_stats.skipped;
    g_skipped_last = true;
    return;
  }
  webgl_renderer::new_frame();
  ImGui_ImplSDL2_NewFrame();
  // After skipped frames SDL's clock says seconds went by: playback must not jump ahead by that much.
  if (g_skipped_last) ImGui::GetIO().DeltaTime = 1.0f / 60.0f;
  g_skipped_last = false;
  touch::before_frame(ImGui::GetIO().DeltaTime);
  if (const float dy = touch::take_overscroll(); dy != 0.0f)
    EM_ASM({ if (window.convlabOverscroll) window.convlabOverscroll($0); }, dy);
  ImGui::NewFrame();
  app.frame();
  ImGui::Render();
  const double t1 = emscripten_get_now();
  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(g_window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(App::kBackground[0], App::kBackground[1], App::kBackground[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  webgl_renderer::render(ImGui::GetDrawData());
  SDL_GL_SwapWindow(g_window);
  const double t2 = emscripten_get_now();
  ++g_stats.drawn;
  g_stats.busy_ms += t2 - t0;
  g_stats.app_ms += t1 - t0;
  g_stats.gl_ms += t2 - t1;
}

std::string frame_stats_json() {
  char buf[384];
  std::snprintf(buf, sizeof buf, R"({"drawn":%.0f,"skipped":%.0f,"busyMs":%.3f,"appMs":%.3f,"glMs":%.3f,"copyMs":%.3f,"uploadMs":%.3f,"valuesCopied":%d})",
                g_stats.drawn, g_stats.skipped, g_stats.busy_ms, g_stats.app_ms, g_stats.gl_ms, ConvClient::copy_ms(),
                Texture::upload_ms(), ConvClient::values_copied());
  return buf;
}

}  // namespace

EMSCRIPTEN_BINDINGS(frame_stats) { emscripten::function("frameStats", &frame_stats_json); }

// argv[1]: the page's URL hash, so the first frame already shows the linked state.
int main(int argc, char** argv) {
  // Fingers are read by touch_input.cpp; SDL's translation into mouse presses would fight it.
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "SDL_Init failed: %s\n", SDL_GetError());
    return 1;
  }
  // WebGL2 is OpenGL ES 3.0.
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  double css_w = 1280, css_h = 720;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  g_window = SDL_CreateWindow("ConvLab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, int(css_w), int(css_h),
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  SDL_GLContext gl = g_window ? SDL_GL_CreateContext(g_window) : nullptr;
  if (!gl) {
    std::fprintf(stderr, "WebGL2 context could not be created: %s\n", SDL_GetError());
    EM_ASM(if (window.convlabFatal) window.convlabFatal('WebGL2 is not available in this browser.'););
    return 1;
  }
  SDL_GL_SetSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no file system on the web; the URL holds the state
  ImGui_ImplSDL2_InitForOpenGL(g_window, gl);
  if (!webgl_renderer::init()) {
    EM_ASM(if (window.convlabFatal) window.convlabFatal('ConvLab could not set up WebGL2 drawing.'););
    return 1;
  }
  // Frame counts and times, cumulative: {drawn, skipped, busyMs, appMs, glMs} (see FrameStats), copyMs
  // (ConvClient::copy_ms) and uploadMs (Texture::upload_ms), both part of appMs, and valuesCopied
  // (ConvClient::values_copied).
  EM_ASM(window.convlabFrameStats = () => JSON.parse(Module.frameStats()););
  // A touch screen from the start (a phone or tablet): big targets before the first touch.
  touch::set_in_use(EM_ASM_INT(return window.matchMedia && matchMedia('(pointer: coarse)').matches ? 1 : 0) != 0);
  App::instance().init();
  if (argc > 1) App::instance().load_initial_hash(argv[1]);
  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
