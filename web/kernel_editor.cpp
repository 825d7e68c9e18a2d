#include "kernel_editor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"  // ImRect
#include "kernels.h"
#include "lesson.h"
#include "touch_input.h"
#include "widgets.h"

namespace cl = convlab;

// Turns the kernel into explicit custom values (all planes), so cells can be edited.
static void make_custom(State& s, int channels) {
  if (s.preset == "custom" && !s.values.empty()) return;
  const cl::Kernel2D k = state_kernel(s, 0);
  s.kh = k.h;
  s.kw = k.w;
  s.values.clear();
  const int planes = s.depth ? channels : 1;
  for (int c = 0; c < planes; ++c) s.values.insert(s.values.end(), k.data.begin(), k.data.end());
  s.preset = "custom";
}

namespace {

// Paint mode, shared by every lesson's editor (one is drawn at a time).
struct Paint {
  bool on = false;
  float value = 1.0f;
  bool dragging = false;  // pressed on a cell and not yet released
  ImVec2 last;            // the pointer when cells were last painted
};
Paint g_paint;

struct PaintCell {
  ImRect rect;
  std::size_t index;  // into State::values
};

// The last item's centre as "x,y" (screen pixels), for tests.
std::string item_centre_text() {
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  return std::to_string(int((lo.x + hi.x) / 2)) + "," + std::to_string(int((lo.y + hi.y) / 2));
}

// The paint toggle, the value and a few quick values. Paint mode edits custom values: turning it on makes
// the kernel custom (the same values) first, so the rows above the cells do not change under a stroke; a
// preset chosen meanwhile (here or by a lesson's button) ends it. True when the kernel changed.
bool paint_controls(State& s, int channels, LessonContext* ctx) {
  if (g_paint.on && s.preset != "custom") g_paint.on = false;
  bool changed = false;
  if (ImGui::Checkbox("paint", &g_paint.on) && g_paint.on) {
    make_custom(s, channels);
    changed = true;
  }
  if (ctx) ctx->publish("kernel_paint_toggle", item_centre_text());
  tip("Paint mode: press on a cell and drag across others to set them all to the value (on a touch screen the drag "
      "paints instead of scrolling). The kernel becomes a custom one.");
  if (ctx) ctx->publish("kernel_paint", g_paint.on ? 1.0 : 0.0);
  if (!g_paint.on) return changed;
  same_line_if_fits(labelled_width(70, "value"));
  ImGui::SetNextItemWidth(70);
  ImGui::DragFloat("value", &g_paint.value, 0.01f, -100.0f, 100.0f, "%.3g");
  g_paint.value = std::clamp(g_paint.value, -100.0f, 100.0f);
  for (float v : {-1.0f, 0.0f, 1.0f, 2.0f}) {
    char label[8];
    std::snprintf(label, sizeof label, "%g", double(v));
    same_line_if_fits(button_width(label));
    const bool current = g_paint.value == v;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::Button(label)) g_paint.value = v;
    if (current) ImGui::PopStyleColor();
    if (ctx) ctx->publish(std::string("kernel_paint_") + label, item_centre_text());
  }
  return changed;
}

// While the press that started on a cell lasts: every cell on the pointer's path since the last frame
// takes the paint value (a fast drag skips no cell). True when a value changed.
bool paint_cells(State& s, int channels, const std::vector<PaintCell>& cells) {
  if (cells.empty()) return false;
  ImRect all = cells.front().rect;
  for (const PaintCell& c : cells) all.Add(c.rect);
  touch::claim_drags(all.Min, all.Max);
  if (!g_paint.dragging) return false;
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    g_paint.dragging = false;
    return false;
  }
  const ImVec2 from = g_paint.last, to = ImGui::GetIO().MousePos;
  g_paint.last = to;
  const int steps = 1 + int(std::hypot(to.x - from.x, to.y - from.y) / 3.0f);
  bool changed = false;
  for (int i = 0; i <= steps; ++i) {
    const float t = float(i) / float(steps);
    const ImVec2 p(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t);
    for (const PaintCell& c : cells) {
      if (!c.rect.Contains(p)) continue;
      make_custom(s, channels);
      if (s.values[c.index] != g_paint.value) {
        s.values[c.index] = g_paint.value;
        changed = true;
      }
    }
  }
  return changed;
}

}  // namespace

static const cl::PresetInfo* preset_info(const std::string& name) {
  static const auto presets = cl::kernel_presets();
  for (const auto& p : presets)
    if (name == p.name) return &p;
  return nullptr;
}

bool kernel_editor(State& s, int channels, int max_size, LessonContext* ctx) {
  bool changed = false;
  ImGui::PushID("kernel_editor");
  const cl::PresetInfo* info = preset_info(s.preset);
  ImGui::SetNextItemWidth(std::min(190.0f, ImGui::GetContentRegionAvail().x - labelled_width(0, "preset")));
  if (ImGui::BeginCombo("preset", s.preset.c_str())) {
    for (const auto& p : cl::kernel_presets()) {
      if (ImGui::Selectable(p.name, s.preset == p.name)) {
        s.preset = p.name;
        s.values.clear();
        if (!p.has_size) s.kh = s.kw = 3;
        if (std::string(p.name).rfind("sobel", 0) == 0 && s.kh % 2 == 0) s.kh = s.kw = s.kh + 1;
        s.kw = s.kh;
        changed = true;
      }
      tip(p.description);
    }
    ImGui::EndCombo();
  }
  tip("Pick a named kernel; editing any cell below makes it a custom kernel.");
  if (info && info->has_size) {
    same_line_if_fits(labelled_width(120, "size"));
    ImGui::SetNextItemWidth(120);
    int k = s.kh;
    const bool odd_only = s.preset.rfind("sobel", 0) == 0;
    if (ImGui::SliderInt("size", &k, odd_only ? 3 : 1, max_size, "%d")) {
      if (odd_only && k % 2 == 0) k += 1;
      s.kh = s.kw = std::min(k, max_size + (odd_only ? 1 : 0));
      changed = true;
    }
    tip("Kernel side in pixels: bigger kernels see (and blur) more.");
  }
  if (info && info->has_sigma) {
    same_line_if_fits(labelled_width(120, "sigma"));
    ImGui::SetNextItemWidth(120);
    if (ImGui::SliderFloat("sigma", &s.sigma, 0.0f, 5.0f, s.sigma <= 0 ? "auto" : "%.2f")) changed = true;
    tip("Spread of the Gaussian; 0 = OpenCV's default for the size.");
  }
  if (s.preset == "custom") {
    same_line_if_fits(labelled_width(120, "h x w"));
    int hw[2] = {s.kh, s.kw};
    ImGui::SetNextItemWidth(120);
    if (ImGui::SliderInt2("h x w", hw, 1, max_size)) {
      const cl::Kernel2D old = state_kernel(s, 0);
      std::vector<float> values;
      const int planes = s.depth ? channels : 1;
      for (int c = 0; c < planes; ++c) {
        const cl::Kernel2D k = state_kernel(s, c);
        for (int y = 0; y < hw[0]; ++y)
          for (int x = 0; x < hw[1]; ++x) values.push_back(y < k.h && x < k.w ? k.at(y, x) : 0.0f);
      }
      s.kh = hw[0];
      s.kw = hw[1];
      s.values = values;
      changed = true;
    }
    tip("Custom kernels may be any size up to the limit, square or not, odd or even.");
  }
  if (channels > 1) {
    bool depth = s.depth;
    if (ImGui::Checkbox("a different kernel per channel", &depth)) {
      make_custom(s, channels);
      const std::size_t plane = std::size_t(s.kh) * s.kw;
      std::vector<float> first(s.values.begin(), s.values.begin() + plane);
      s.values.clear();
      for (int c = 0; c < (depth ? channels : 1); ++c) s.values.insert(s.values.end(), first.begin(), first.end());
      s.depth = depth;
      changed = true;
    }
    tip("A kernel has one 2-D plane per input channel (its depth = the channels); here you may make them differ.");
  }

  if (paint_controls(s, channels, ctx)) changed = true;

  // The grid of cells, one table per channel plane.
  std::vector<PaintCell> paint_cells_drawn;
  ImVec2 grid_origin, grid_pitch;
  const int planes = (s.depth && channels > 1) ? channels : 1;
  const char* plane_names[3] = {"R", "G", "B"};
  ImGui::PushFont(mono_font());
  for (int c = 0; c < planes; ++c) {
    cl::Kernel2D k(1, 1);
    try {
      k = state_kernel(s, c);
    } catch (const std::exception&) {
      continue;
    }
    // Cells share the column's width, between a readable and a roomy size; a plane that does not fit
    // beside the last one goes below it (a narrow controls column).
    const float room = (ImGui::GetContentRegionAvail().x - 2.0f * float(k.w - 1)) / float(k.w);
    const float cell = std::clamp(room, 30.0f, k.w > 7 ? 44.0f : 52.0f);
    if (planes > 1) {
      if (c) same_line_if_fits(k.w * cell + (k.w - 1) * 2.0f);
      ImGui::BeginGroup();
      ImGui::Text("%s plane", plane_names[c]);
    }
    for (int y = 0; y < k.h; ++y)
      for (int x = 0; x < k.w; ++x) {
        if (x) ImGui::SameLine(0, 2);
        ImGui::PushID((c * 64 + y) * 64 + x);
        float v = k.at(y, x);
        const std::size_t index = std::size_t(c) * k.h * k.w + std::size_t(y) * k.w + x;
        if (g_paint.on) {  // a button: pressing starts a stroke, the value is set by paint_cells
          char label[32];
          std::snprintf(label, sizeof label, "%.3g##cell", double(v));
          ImGui::Button(label, ImVec2(cell, 0));
          if (ImGui::IsItemActivated()) {
            g_paint.dragging = true;
            g_paint.last = ImGui::GetIO().MousePos;
          }
          paint_cells_drawn.push_back({ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()), index});
        } else {
          ImGui::SetNextItemWidth(cell);
          if (ImGui::DragFloat("##cell", &v, 0.01f, -100.0f, 100.0f, "%.3g")) {
            make_custom(s, channels);
            s.values[index] = v;
            changed = true;
          }
        }
        if (c == 0 && y <= 1 && x <= 1) {  // the first cell's centre and the pitch to the next ones
          const ImVec2 centre((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2,
                              (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2);
          if (y == 0 && x == 0) grid_origin = centre;
          if (y == 0 && x == 1) grid_pitch.x = centre.x - grid_origin.x;
          if (y == 1 && x == 0) grid_pitch.y = centre.y - grid_origin.y;
        }
        ImGui::PopID();
      }
    if (planes > 1) ImGui::EndGroup();
  }
  ImGui::PopFont();
  if (g_paint.on && paint_cells(s, channels, paint_cells_drawn)) changed = true;
  if (!g_paint.on) g_paint.dragging = false;
  if (ctx)
    ctx->publish("kernel_grid", std::to_string(int(grid_origin.x)) + "," + std::to_string(int(grid_origin.y)) + "," +
                                    std::to_string(int(grid_pitch.x)) + "," + std::to_string(int(grid_pitch.y)));

  if (ImGui::Button("Normalise")) {
    make_custom(s, channels);
    const std::size_t plane = std::size_t(s.kh) * s.kw;
    for (std::size_t off = 0; off < s.values.size(); off += plane) {
      const cl::Kernel2D n = cl::normalise(cl::Kernel2D(s.kh, s.kw, std::vector<float>(s.values.begin() + off, s.values.begin() + off + plane)));
      std::copy(n.data.begin(), n.data.end(), s.values.begin() + off);
    }
    changed = true;
  }
  tip("Divide by the sum so the kernel keeps the image's brightness (by the sum of |values| when the sum is 0).");
  ImGui::SameLine();
  if (ImGui::Button("Flip 180")) {
    make_custom(s, channels);
    const std::size_t plane = std::size_t(s.kh) * s.kw;
    for (std::size_t off = 0; off < s.values.size(); off += plane) std::reverse(s.values.begin() + off, s.values.begin() + off + plane);
    changed = true;
  }
  tip("Rotate by 180 degrees. Deep learning's 'convolution' is cross-correlation; flipping the kernel turns it into a true convolution.");
  ImGui::SameLine();
  if (ImGui::Button("Randomise")) {
    make_custom(s, channels);
    static std::mt19937 rng(7);
    std::normal_distribution<float> dist(0.0f, 1.0f / float(s.kh * s.kw));
    for (float& v : s.values) v = dist(rng);
    changed = true;
  }
  tip("Random values, as an untrained network's kernel would have.");
  ImGui::PopID();
  return changed;
}
