// What the rest of the program knows of a lesson without drawing it: its id, menu title, summary,
// place in the menu, its own URL keys and the control ids an embed may hide. Each lesson's model file
// registers one with REGISTER_LESSON_INFO; the menu order and the hash's key order come from here.
// No ImGui here: the native tests see every lesson's keys.
#pragma once
#include <string>
#include <vector>

#include "url_fields.h"

struct LessonInfo {
  std::string id;       // as in the URL: lesson=<id>
  std::string title;    // menu text
  std::string summary;  // one sentence under the title
  int order = 0;        // place in the menu (lower first)
  std::vector<UrlField> fields;       // the lesson's own URL keys (its parameter struct)
  std::vector<std::string> controls;  // ids of its control sections, for hide= (README lists them)
};

bool register_lesson_info(LessonInfo info);
const std::vector<LessonInfo>& lesson_infos();  // in menu order
const LessonInfo* find_lesson_info(const std::string& id);

#define CONVLAB_CONCAT2(a, b) a##b
#define CONVLAB_CONCAT(a, b) CONVLAB_CONCAT2(a, b)
#define REGISTER_LESSON_INFO(...) \
  static const bool CONVLAB_CONCAT(lesson_info_registered_, __LINE__) = register_lesson_info(LessonInfo{__VA_ARGS__})
