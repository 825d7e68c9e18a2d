// A lesson's view: the ImGui half of a lesson (its model, lessons/<id>_model.h, is plain C++). Each
// lesson registers one LessonView with REGISTER_LESSON_VIEW and its LessonInfo (id, title, URL keys)
// in its model file. The shell (lesson_shell.cpp) lays every lesson out the same way:
//   wide screens   the title, the controls in a column on the left, the visual on the right;
//   narrow screens the visual first, full width, then the controls as collapsible sections below, in
//                  one column that scrolls (swipe on touch screens);
//   embeds         the visual fitted to the frame, the controls below it (show=visual: the visual alone).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "imgui.h"
#include "lesson_info.h"
#include "state.h"
#include "tensor.h"

enum class LessonLayout { Wide, Narrow, Embed };

struct LessonContext {
  State& state;
  const convlab::Tensor& input;  // the current image, CHW float in [0, 1], 1 or 3 channels
  int input_generation;          // changes whenever the image (or gray) changes: part of cache keys
  LessonLayout layout;
  bool touch;                    // a touch screen: bigger targets, no hover
  std::string& error;            // set to show a message; the lesson keeps its previous output
  // The numbers the lesson shows (output shape, formula, field size, MACs...), published each frame so
  // tests can compare them with the core: window.playground.readout() returns them as an object.
  std::map<std::string, std::string>& readout;
  // Set by keep_drawing(): the page skips frames while nothing changes (main.cpp), so a lesson that
  // changes by itself, with no input (playback, a computation spread over frames), must ask for the next.
  bool& animating;

  bool embed() const { return state.embed; }
  bool wide() const { return layout == LessonLayout::Wide; }
  // False when an embed hides this control id (hide=<id>, or show=visual for every control).
  bool visible(const char* control) const;
  // A section of the lesson's controls: a collapsible header titled `title`. Returns false when the
  // section is hidden (visible(id) is false) or closed, so the caller skips its body. Sections start
  // open on wide screens; on narrow ones only the first does, so the visual stays the page's top.
  bool section(const char* id, const char* title);
  void publish(const std::string& key, const std::string& value) { readout[key] = value; }
  void publish(const std::string& key, double value);
  void keep_drawing() { animating = true; }

  int sections_drawn = 0;  // the shell's count, for which one starts open
};

class LessonView {
 public:
  virtual ~LessonView() = default;
  // Once per frame before drawing: bring the model up to date (cheap when nothing changed: see
  // recompute.h) and report a failure through ctx.error (the previous result stays on screen).
  virtual void update(LessonContext& ctx) = 0;
  // The lesson's main picture at the cursor, in a box of `size`: its image views with their overlays
  // and short captions. It must fit the box (the shell gives it the whole frame of a small embed).
  virtual void visual(LessonContext& ctx, ImVec2 size) = 0;
  // Everything else: controls and numbers, grouped with ctx.section().
  virtual void controls(LessonContext& ctx) = 0;
  // The lesson's main output as last shown, for window.playground.output() (tests compare it with the
  // JS API's); null when it has none.
  virtual const convlab::Tensor* output() const { return nullptr; }
  // A newer setting's output is still being computed (by the compute workers): the shell marks the
  // visual, which still shows the last result, and publishes "busy".
  virtual bool computing() const { return false; }
};

bool register_lesson_view(const std::string& id, LessonView& view);
LessonView* find_lesson_view(const std::string& id);

// In a lesson's view file: REGISTER_LESSON_VIEW("pooling", PoolingView);
#define REGISTER_LESSON_VIEW(id, Type)                  \
  namespace {                                           \
  Type CONVLAB_CONCAT(lesson_view_, __LINE__);          \
  }                                                     \
  static const bool CONVLAB_CONCAT(lesson_view_registered_, __LINE__) = \
      register_lesson_view(id, CONVLAB_CONCAT(lesson_view_, __LINE__))

