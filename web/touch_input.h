// Touch screens for Dear ImGui, which knows only a mouse. SDL's own touch-to-mouse translation is off
// (main.cpp): it pressed the mouse the moment a finger landed, so a swipe dragged whatever slider was
// under it and never scrolled, and ImGui has no drag-to-scroll. Instead each finger is classified here:
//   tap            down and up within a few pixels: a click at that point, spread over frames (hover,
//                  press, release) so even a tap shorter than one frame is never missed;
//   swipe          one finger moving mostly vertically: scrolls the scrollable window under it, with
//                  momentum after release;
//   drag           one finger moving mostly sideways: a mouse drag from where it landed (sliders);
//   pinch and pan  two fingers: ImageView zooms about their centre and follows their movement (pinch()).
// A widget that paints with the finger (the kernel editor's paint mode) claims its rectangle each frame:
// a finger landing there is a mouse press at once, and moving it drags, whichever way it moves.
// In paint mode a finger that lands on a view that paints (set_paint_boxes) and moves is a drag whatever
// its direction: it paints instead of scrolling. A second finger before it has moved still pinches.
#pragma once
#include <SDL.h>

#include <vector>

#include "imgui.h"

namespace touch {

// Takes SDL's finger events; returns true for those it consumed.
bool process_event(const SDL_Event& event);
// After the platform backend's NewFrame, before ImGui::NewFrame: sets ImGui's mouse from the fingers
// and scrolls the swiped window.
void before_frame(float dt);
// A touch screen is in use: the page said so at start ((pointer: coarse)) or a finger has touched.
bool in_use();
void set_in_use(bool touch);
// The screen boxes (x, y, w, h) where one finger paints: the last frame's (ImageView::paint_tool().boxes).
void set_paint_boxes(const std::vector<ImVec4>& boxes);
// Every position of the pressed pointer (the mouse's left button, or a finger's drag) since the last
// clear_pressed_trail(), in order: press, moves, release. ImGui sees one position per frame; paint strokes
// follow all of them.
const std::vector<ImVec2>& pressed_trail();
void clear_pressed_trail();
// A swipe is still gliding: frames must keep coming.
bool animating();
// The vertical movement of swiping fingers that scrolled no window here, since the last call (CSS pixels,
// + = down): an auto-height embed has nothing to scroll, so the page around it scrolls instead (page.js).
float take_overscroll();
// This frame, a finger landing in [lo, hi] (screen pixels) presses and drags instead of swiping.
void claim_drags(ImVec2 lo, ImVec2 hi);

// This frame's two-finger gesture: its centre (screen pixels), the scale since the last frame (1 = no
// change) and the centre's movement. `start` is where it began, to pick the view it belongs to.
struct Pinch {
  bool active = false;
  ImVec2 start, centre, pan;
  float scale = 1.0f;
};
const Pinch& pinch();

}  // namespace touch
