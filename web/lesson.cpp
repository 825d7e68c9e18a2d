#include "lesson.h"

#include <algorithm>
#include <cstdio>

static std::vector<Lesson>& registry() {
  static std::vector<Lesson> all;
  return all;
}

bool register_lesson(Lesson lesson) {
  auto& all = registry();
  all.push_back(std::move(lesson));
  const auto& order = lesson_ids();
  auto rank = [&](const Lesson& l) { return std::find(order.begin(), order.end(), l.id) - order.begin(); };
  std::stable_sort(all.begin(), all.end(), [&](const Lesson& a, const Lesson& b) { return rank(a) < rank(b); });
  return true;
}

const std::vector<Lesson>& lessons() { return registry(); }

const Lesson* find_lesson(const std::string& id) {
  for (const Lesson& l : registry())
    if (id == l.id) return &l;
  return nullptr;
}

bool LessonContext::visible(const char* control) const {
  return !embed || std::find(state.hide.begin(), state.hide.end(), control) == state.hide.end();
}

void LessonContext::publish(const std::string& key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  readout[key] = buf;
}
