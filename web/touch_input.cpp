#include "touch_input.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <deque>
#include <vector>

#include "imgui_internal.h"  // the windows under a point and their scroll (SetScrollX/Y): no public API

namespace touch {
namespace {

constexpr float kSlop = 10.0f;          // CSS pixels a finger may wander and still be a tap
constexpr float kGlideDecay = 4.0f;     // per second: a swipe's glide loses 1 - e^-4 = 98% of its speed each second
constexpr float kGlideMinSpeed = 40.0f; // CSS pixels per second below which a glide stops
const ImVec2 kNowhere(-FLT_MAX, -FLT_MAX);

enum class Mode { Idle, Pending, Swipe, Drag, Pinch, Ignore };

struct Finger {
  SDL_FingerID id;
  ImVec2 pos;
};

struct MouseFrame {  // what ImGui's mouse shows in one frame
  ImVec2 pos;
  bool down;
};

bool g_in_use = false;
bool g_owns_mouse = false;  // the last pointer was a finger: the mouse follows the fingers, not SDL
std::vector<Finger> g_fingers;
Mode g_mode = Mode::Idle;
ImVec2 g_start;               // where the single finger landed
bool g_stopped_glide = false; // that finger stopped a glide: lifting it is no tap
std::deque<MouseFrame> g_queue;
MouseFrame g_live{kNowhere, false};
ImGuiID g_scroll_window = 0;
ImVec2 g_scroll_pending(0, 0);  // finger movement not yet applied to the window
ImVec2 g_velocity(0, 0);        // CSS pixels per second, of the content
Uint32 g_last_motion_ms = 0;
bool g_gliding = false;
float g_overscroll = 0;         // see take_overscroll
Pinch g_pinch;
std::vector<ImRect> g_claims;  // claim_drags() of the last frame drawn
std::vector<ImVec4> g_paint_boxes;
std::vector<ImVec2> g_trail;
float g_pinch_dist = 0;
ImVec2 g_pinch_centre;

ImVec2 to_css(float nx, float ny) {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  return ImVec2(nx * size.x, ny * size.y);
}

Finger* find(SDL_FingerID id) {
  for (Finger& f : g_fingers)
    if (f.id == id) return &f;
  return nullptr;
}

// The front-most window under p (ImGui's own hovered-window rule), then its nearest ancestor that can
// scroll along the swipe and takes the wheel (a picture's box that overflows by a pixel does not).
ImGuiID scrollable_window_at(ImVec2 p, bool vertical) {
  ImGuiContext& g = *GImGui;
  ImGuiWindow* hit = nullptr;
  for (int i = g.Windows.Size - 1; i >= 0 && !hit; --i) {
    ImGuiWindow* w = g.Windows[i];
    if (!w->WasActive || w->Hidden || (w->Flags & ImGuiWindowFlags_NoMouseInputs)) continue;
    if (w->OuterRectClipped.Contains(p)) hit = w;
  }
  for (ImGuiWindow* w = hit; w; w = w->ParentWindow) {
    if (w->Flags & ImGuiWindowFlags_NoScrollWithMouse) continue;  // as the wheel: such a window passes it on
    if ((vertical ? w->ScrollMax.y : w->ScrollMax.x) > 0.0f) return w->ID;
  }
  return 0;
}

// Moves the window's content by `delta` (a finger's movement); false when it is already at the end.
bool scroll_by(ImVec2 delta) {
  ImGuiWindow* w = g_scroll_window ? ImGui::FindWindowByID(g_scroll_window) : nullptr;
  if (!w) return false;
  bool moved = false;
  const auto apply = [&](float scroll, float max, float d, auto set) {
    const float target = std::clamp(scroll - d, 0.0f, max);
    if (target != scroll) {
      set(w, target);
      moved = true;
    }
  };
  apply(w->Scroll.y, w->ScrollMax.y, delta.y, [](ImGuiWindow* win, float v) { ImGui::SetScrollY(win, v); });
  if (w->ScrollMax.x > 0.0f) apply(w->Scroll.x, w->ScrollMax.x, delta.x, [](ImGuiWindow* win, float v) { ImGui::SetScrollX(win, v); });
  return moved;
}

void begin_pinch() {
  if (g_mode == Mode::Drag) g_queue.push_back({kNowhere, false});  // let go of the slider away from it: no click
  g_mode = Mode::Pinch;
  g_live = {kNowhere, false};
  const ImVec2 a = g_fingers[0].pos, b = g_fingers[1].pos;
  g_pinch_centre = ImVec2((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
  g_pinch_dist = std::max(1.0f, std::hypot(a.x - b.x, a.y - b.y));
  g_pinch.start = g_pinch_centre;
}

void finger_down(const SDL_TouchFingerEvent& e) {
  g_in_use = g_owns_mouse = true;
  if (g_fingers.size() >= 2) return;  // a third finger changes nothing
  g_fingers.push_back({e.fingerId, to_css(e.x, e.y)});
  if (g_fingers.size() == 2) {  // also a finger put back after a pinch: pinch again
    begin_pinch();
    return;
  }
  g_stopped_glide = g_gliding;
  g_gliding = false;
  g_velocity = ImVec2(0, 0);
  g_mode = Mode::Pending;
  g_start = g_fingers[0].pos;
  g_live = {g_start, false};  // hover where it landed, so the frame that presses knows the item
  for (const ImRect& r : g_claims)
    if (r.Contains(g_start)) {  // a paint surface: hover, then press, and the finger drags from there
      g_mode = Mode::Drag;
      g_queue.push_back({g_start, false});
      g_queue.push_back({g_start, true});
      g_live = {g_start, true};
      break;
    }
}

void finger_motion(const SDL_TouchFingerEvent& e) {
  Finger* f = find(e.fingerId);
  if (!f) return;
  const ImVec2 before = f->pos;
  f->pos = to_css(e.x, e.y);
  if (g_fingers.size() != 1) return;  // a pinch is read per frame from the fingers
  const ImVec2 d(f->pos.x - g_start.x, f->pos.y - g_start.y);
  if (g_mode == Mode::Pending && std::hypot(d.x, d.y) > kSlop) {
    const bool on_paint = std::any_of(g_paint_boxes.begin(), g_paint_boxes.end(), [](const ImVec4& b) {
      return g_start.x >= b.x && g_start.y >= b.y && g_start.x < b.x + b.z && g_start.y < b.y + b.w;
    });
    if (on_paint) {  // the stroke starts where the finger landed
      g_mode = Mode::Drag;
      g_queue.push_back({g_start, true});
      g_live = {f->pos, true};
      g_trail.push_back(g_start);
      g_trail.push_back(f->pos);
      return;
    }
    const bool vertical = std::fabs(d.y) >= std::fabs(d.x);
    g_scroll_window = scrollable_window_at(g_start, vertical);
    if (vertical || g_scroll_window) {
      g_mode = Mode::Swipe;
      g_live = {kNowhere, false};
      g_scroll_pending = ImVec2(g_scroll_pending.x + d.x, g_scroll_pending.y + d.y);  // the slop too
      g_last_motion_ms = e.timestamp;
      return;
    }
    g_mode = Mode::Drag;  // sideways over something that does not scroll sideways: a slider, most likely
    g_queue.push_back({g_start, true});
  }
  if (g_mode == Mode::Swipe) {
    const ImVec2 step(f->pos.x - before.x, f->pos.y - before.y);
    g_scroll_pending = ImVec2(g_scroll_pending.x + step.x, g_scroll_pending.y + step.y);
    const float dt = std::max(1.0f, float(e.timestamp - g_last_motion_ms)) / 1000.0f;
    g_last_motion_ms = e.timestamp;
    // Smoothed, so the glide follows the last ~100 ms of the swipe rather than its last event.
    g_velocity = ImVec2(g_velocity.x * 0.6f + 0.4f * step.x / dt, g_velocity.y * 0.6f + 0.4f * step.y / dt);
  } else if (g_mode == Mode::Drag) {
    g_live = {f->pos, true};
    g_trail.push_back(f->pos);
  }
}

void finger_up(const SDL_TouchFingerEvent& e) {
  Finger* f = find(e.fingerId);
  if (!f) return;
  const ImVec2 pos = to_css(e.x, e.y);
  g_fingers.erase(g_fingers.begin() + (f - g_fingers.data()));
  if (g_mode == Mode::Pinch) {
    g_mode = g_fingers.empty() ? Mode::Idle : Mode::Ignore;  // the finger left behind does nothing
    return;
  }
  if (!g_fingers.empty()) return;
  if (g_mode == Mode::Pending && !g_stopped_glide) {
    // A tap: hover, press, release on three frames, however short the tap was.
    g_queue.push_back({g_start, false});
    g_queue.push_back({g_start, true});
    g_queue.push_back({g_start, false});
  } else if (g_mode == Mode::Drag) {
    g_queue.push_back({pos, false});
  } else if (g_mode == Mode::Swipe) {
    // A finger that paused before lifting throws nothing.
    if (e.timestamp - g_last_motion_ms > 80) g_velocity = ImVec2(0, 0);
    g_gliding = std::hypot(g_velocity.x, g_velocity.y) > kGlideMinSpeed;
  }
  g_queue.push_back({kNowhere, false});  // no hover left behind: a finger is not a mouse
  g_live = {kNowhere, false};
  g_mode = Mode::Idle;
}

}  // namespace

bool process_event(const SDL_Event& event) {
  switch (event.type) {
    case SDL_FINGERDOWN: finger_down(event.tfinger); return true;
    case SDL_FINGERMOTION: finger_motion(event.tfinger); return true;
    case SDL_FINGERUP: finger_up(event.tfinger); return true;
    case SDL_MOUSEMOTION:
      if (event.motion.state & SDL_BUTTON_LMASK) g_trail.push_back(ImVec2(float(event.motion.x), float(event.motion.y)));
      g_owns_mouse = false;
      return false;  // a real mouse (SDL makes none from touches here)
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
      if (event.button.button == SDL_BUTTON_LEFT) g_trail.push_back(ImVec2(float(event.button.x), float(event.button.y)));
      g_owns_mouse = false;
      return false;
    case SDL_MOUSEWHEEL: g_owns_mouse = false; return false;
    default: return false;
  }
}

void before_frame(float dt) {
  g_claims.clear();  // the events before this frame used them; this frame's widgets claim again
  g_pinch.active = false;
  if (g_mode == Mode::Pinch && g_fingers.size() == 2) {
    const ImVec2 a = g_fingers[0].pos, b = g_fingers[1].pos;
    const ImVec2 centre((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    const float dist = std::max(1.0f, std::hypot(a.x - b.x, a.y - b.y));
    g_pinch.active = true;
    g_pinch.centre = centre;
    g_pinch.scale = dist / g_pinch_dist;
    g_pinch.pan = ImVec2(centre.x - g_pinch_centre.x, centre.y - g_pinch_centre.y);
    g_pinch_dist = dist;
    g_pinch_centre = centre;
  }
  if (g_scroll_pending.x != 0.0f || g_scroll_pending.y != 0.0f) {
    if (!scroll_by(g_scroll_pending)) g_overscroll += g_scroll_pending.y;
    g_scroll_pending = ImVec2(0, 0);
  } else if (g_gliding) {
    const ImVec2 step(g_velocity.x * dt, g_velocity.y * dt);
    const float keep = std::exp(-kGlideDecay * dt);
    g_velocity = ImVec2(g_velocity.x * keep, g_velocity.y * keep);
    g_gliding = scroll_by(step) && std::hypot(g_velocity.x, g_velocity.y) > kGlideMinSpeed;
  }
  if (!g_owns_mouse) return;
  ImGuiIO& io = ImGui::GetIO();
  MouseFrame m = g_live;
  if (!g_queue.empty()) {
    m = g_queue.front();
    g_queue.pop_front();
  }
  io.MousePos = m.pos;
  io.MouseDown[0] = m.down;
}

void set_paint_boxes(const std::vector<ImVec4>& boxes) { g_paint_boxes = boxes; }
const std::vector<ImVec2>& pressed_trail() { return g_trail; }
void clear_pressed_trail() { g_trail.clear(); }
bool in_use() { return g_in_use; }
void set_in_use(bool touch) { g_in_use = touch; }
bool animating() { return g_gliding || !g_queue.empty() || g_mode != Mode::Idle; }
const Pinch& pinch() { return g_pinch; }
void claim_drags(ImVec2 lo, ImVec2 hi) { g_claims.push_back(ImRect(lo, hi)); }

float take_overscroll() {
  const float dy = g_overscroll;
  g_overscroll = 0;
  return dy;
}

}  // namespace touch
