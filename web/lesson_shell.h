// The one layout every lesson shares (see lesson.h): wide, narrow or embedded, chosen from the space the
// page has. Publishes what tests check on every screen: layout, visual_rect (x,y,w,h of the visual in
// CSS pixels), and the scrolling column's scroll_y, scroll_max_y and scroll_rect.
#pragma once
#include "lesson.h"

constexpr float kNarrowWidth = 700.0f;    // CSS pixels: below this the visual comes first, full width
constexpr float kWideMinHeight = 560.0f;  // an embed this tall (and 900 wide) gets the desktop's layout

LessonLayout choose_layout(const State& s, ImVec2 area);
void draw_lesson(LessonContext& ctx, LessonView& view, const LessonInfo& info);
