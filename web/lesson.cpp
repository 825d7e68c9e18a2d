#include "lesson.h"

#include <algorithm>
#include <cstdio>

static std::map<std::string, LessonView*>& views() {
  static std::map<std::string, LessonView*> all;
  return all;
}

bool register_lesson_view(const std::string& id, LessonView& view) {
  views()[id] = &view;
  return true;
}

LessonView* find_lesson_view(const std::string& id) {
  const auto it = views().find(id);
  return it == views().end() ? nullptr : it->second;
}

bool LessonContext::visible(const char* control) const {
  if (!state.embed) return true;
  if (state.show == "visual") return false;
  return std::find(state.hide.begin(), state.hide.end(), control) == state.hide.end();
}

bool LessonContext::section(const char* id, const char* title) {
  if (!visible(id)) return false;
  const bool open_first = layout == LessonLayout::Wide || sections_drawn == 0;
  ++sections_drawn;
  ImGui::PushID(id);
  const bool open = ImGui::CollapsingHeader(title, open_first ? ImGuiTreeNodeFlags_DefaultOpen : 0);
  ImGui::PopID();
  return open;
}

void LessonContext::publish(const std::string& key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  readout[key] = buf;
}
