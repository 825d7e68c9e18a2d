// One lesson = one module under web/lessons/. Each registers itself with REGISTER_LESSON and draws its
// panel from the shared context: the learner's State (what the URL holds), the current input image and
// the shared views. Lessons cache their results and recompute only when what they depend on changes.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "state.h"
#include "tensor.h"

struct LessonContext {
  State& state;
  const convlab::Tensor& input;  // the current image, CHW float in [0, 1], 1 or 3 channels
  int input_generation;          // changes whenever the image (or gray) changes: part of cache keys
  bool embed;                    // embed mode: no menus, respect state.hide
  std::string& error;            // set to show a message; the lesson keeps its previous output
  // The numbers the lesson shows (output shape, formula, field size, MACs...), published each frame so
  // tests can compare them with the core: window.playground.readout() returns them as an object.
  std::map<std::string, std::string>& readout;
  // Set by keep_drawing(): the page skips frames while nothing changes (main.cpp), so a lesson that
  // changes by itself, with no input (playback, a computation spread over frames), must ask for the next.
  bool& animating;

  bool visible(const char* control) const;  // false when embed mode hides this control id
  void publish(const std::string& key, const std::string& value) { readout[key] = value; }
  void publish(const std::string& key, double value);
  void keep_drawing() { animating = true; }
};

struct Lesson {
  const char* id;       // as in the URL: lesson=<id>
  const char* title;    // menu text
  const char* summary;  // one sentence under the title
  std::function<void(LessonContext&)> draw;
};

// Lessons in the order of lesson_ids() (state.h); registered from each module's static initialiser.
const std::vector<Lesson>& lessons();
const Lesson* find_lesson(const std::string& id);
bool register_lesson(Lesson lesson);

#define CONVLAB_CONCAT2(a, b) a##b
#define CONVLAB_CONCAT(a, b) CONVLAB_CONCAT2(a, b)
#define REGISTER_LESSON(...) static const bool CONVLAB_CONCAT(lesson_registered_, __LINE__) = register_lesson(Lesson{__VA_ARGS__})
