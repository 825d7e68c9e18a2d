#include "lesson_info.h"

#include <algorithm>

static std::vector<LessonInfo>& registry() {
  static std::vector<LessonInfo> all;
  return all;
}

bool register_lesson_info(LessonInfo info) {
  auto& all = registry();
  all.push_back(std::move(info));
  std::stable_sort(all.begin(), all.end(), [](const LessonInfo& a, const LessonInfo& b) { return a.order < b.order; });
  return true;
}

const std::vector<LessonInfo>& lesson_infos() { return registry(); }

const LessonInfo* find_lesson_info(const std::string& id) {
  for (const LessonInfo& l : registry())
    if (l.id == id) return &l;
  return nullptr;
}
