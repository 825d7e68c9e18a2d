#include "lesson_shell.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "widgets.h"

namespace {

std::string rect_text(ImVec2 lo, ImVec2 size) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.0f,%.0f,%.0f,%.0f", lo.x, lo.y, size.x, size.y);
  return buf;
}

// The visual in its own child window of exactly `size`: whatever it draws is clipped to its box, and a
// swipe or the wheel over it scrolls the page around it instead of the box.
void draw_visual(LessonContext& ctx, LessonView& view, ImVec2 size) {
  const ImVec2 lo = ImGui::GetCursorScreenPos();
  ImGui::BeginChild("visual", size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  view.visual(ctx, ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  const bool computing = view.computing();
  if (computing) busy_badge(ImVec2(lo.x + size.x, lo.y));
  ctx.publish("visual_rect", rect_text(lo, size));
  ctx.publish("busy", computing ? 1 : 0);
}

// The scroll position of the window just ended (the one a swipe moves), for tests.
void publish_scroll(LessonContext& ctx, float y, float max_y, ImVec2 lo, ImVec2 size) {
  ctx.publish("scroll_y", y);
  ctx.publish("scroll_max_y", max_y);
  ctx.publish("scroll_rect", rect_text(lo, size));
}

// Auto-height (autoheight=1 in an embed): the parent sizes the frame to what the page asks for, so no
// part of the layout may depend on the frame's height, or each new height would ask for another. The
// layout and the visual's height follow the width alone, and the columns show no scrollbar (it would
// take width whenever the content is taller than the frame, and so change the wrapping and the height).
bool auto_height(const LessonContext& ctx) { return ctx.embed() && ctx.state.autoheight; }

float auto_visual_height(float width) { return std::clamp(width * 0.62f, 200.0f, 560.0f); }

// The page height that shows the current window's content down to the cursor (after its last item and
// the item spacing below it), however far the window is scrolled.
void publish_content_height(LessonContext& ctx, float at_least) {
  const float bottom = ImGui::GetCursorScreenPos().y + ImGui::GetScrollY();
  ctx.publish("content_height", std::ceil(std::max(bottom, at_least)));
}

void draw_wide(LessonContext& ctx, LessonView& view, const LessonInfo& info) {
  if (!ctx.embed()) lesson_header(info.title.c_str(), info.summary.c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = std::clamp(avail.x * 0.34f, 320.0f, 460.0f);
  const ImVec2 lo = ImGui::GetCursorScreenPos();
  const bool fit = auto_height(ctx);
  ImGui::BeginChild("controls", ImVec2(left_w, 0), false, fit ? ImGuiWindowFlags_NoScrollbar : 0);
  view.controls(ctx);
  if (fit) publish_content_height(ctx, lo.y + kWideMinHeight);
  const float y = ImGui::GetScrollY(), max_y = ImGui::GetScrollMaxY();
  ImGui::EndChild();
  publish_scroll(ctx, y, max_y, lo, ImVec2(left_w, avail.y));
  ImGui::SameLine();
  draw_visual(ctx, view, ImGui::GetContentRegionAvail());
}

// Narrow screens and embeds: one column that scrolls, the visual at its top.
void draw_stacked(LessonContext& ctx, LessonView& view, const LessonInfo& info) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 lo = ImGui::GetCursorScreenPos();
  const bool visual_only = ctx.embed() && ctx.state.show == "visual";
  const bool fit = auto_height(ctx);
  ImGui::BeginChild("column", ImVec2(0, 0), false,
                    visual_only ? ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse
                    : fit       ? ImGuiWindowFlags_NoScrollbar
                                : 0);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  if (!ctx.embed()) ImGui::TextUnformatted(info.title.c_str());
  // The visual takes the frame of an embed (a line under it says more is below) and most of a phone's
  // screen, leaving the first controls in sight; an auto-height embed gives it a share of the width.
  const float width = ImGui::GetContentRegionAvail().x;
  const float room = avail.y - (ctx.embed() ? 0.0f : line);
  float height = fit           ? auto_visual_height(width)
                 : visual_only ? ImGui::GetContentRegionAvail().y
                 : ctx.embed() ? room - line - ImGui::GetStyle().ItemSpacing.y
                               : std::clamp(room * 0.74f, std::min(room, 220.0f), std::max(room, 220.0f));
  height = std::max(height, 120.0f);
  draw_visual(ctx, view, ImVec2(width, height));
  if (!visual_only) {
    if (ctx.embed() && !fit) ImGui::TextDisabled("Settings below: scroll down");
    else if (!ctx.embed()) lesson_summary(info.summary.c_str());
    view.controls(ctx);
    if (!fit) ImGui::Dummy(ImVec2(1, line));  // room to scroll the last section clear of the screen's edge
  }
  if (fit) publish_content_height(ctx, 0.0f);
  const float y = ImGui::GetScrollY(), max_y = ImGui::GetScrollMaxY();
  ImGui::EndChild();
  publish_scroll(ctx, y, max_y, lo, avail);
}

}  // namespace

LessonLayout choose_layout(const State& s, ImVec2 area) {
  // An auto-height embed is as tall as its layout asks (at least kWideMinHeight when wide): only the width decides.
  const bool tall_enough = s.autoheight || area.y >= kWideMinHeight;
  if (s.embed) return area.x >= 900.0f && tall_enough && s.show != "visual" ? LessonLayout::Wide : LessonLayout::Embed;
  return area.x >= kNarrowWidth ? LessonLayout::Wide : LessonLayout::Narrow;
}

void draw_lesson(LessonContext& ctx, LessonView& view, const LessonInfo& info) {
  ctx.publish("layout", ctx.layout == LessonLayout::Wide ? "wide" : ctx.layout == LessonLayout::Narrow ? "narrow" : "embed");
  view.update(ctx);
  if (ctx.layout == LessonLayout::Wide) draw_wide(ctx, view, info);
  else draw_stacked(ctx, view, info);
}
