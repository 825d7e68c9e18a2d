#include "widgets.h"

#include <algorithm>
#include <cstdarg>

#include <emscripten.h>
#include <emscripten/val.h>

#include "image.h"
#include "image_view.h"
#include "touch_input.h"

static ImFont* g_mono = nullptr;
ImFont* mono_font() { return g_mono ? g_mono : ImGui::GetFont(); }
void set_mono_font(ImFont* f) { g_mono = f; }

void tip(const char* text) {
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void help(const char* text) {
  ImGui::SameLine();
  ImGui::PushID(text);
  // A finger does not hover: on a touch screen the marker is a button whose tap opens the text.
  const bool touch_screen = touch::in_use();
  const bool tapped = touch_screen ? ImGui::Button("?") : (ImGui::TextDisabled("(?)"), false);
  if (!touch_screen) tip(text);
  if (tapped) ImGui::OpenPopup("help");
  if (ImGui::BeginPopup("help")) {
    ImGui::PushTextWrapPos(std::min(ImGui::GetFontSize() * 24.0f, ImGui::GetIO().DisplaySize.x - 40.0f));
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndPopup();
  }
  ImGui::PopID();
}

void same_line_if_fits(float width) {
  const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
  if (x + width <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

float button_width(const char* label) { return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x; }

float labelled_width(float field, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return field + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}

void note(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrappedV(fmt, args);
  ImGui::PopStyleColor();
  va_end(args);
}

void draw_ring(ImDrawList* dl, ImVec2 centre, ImU32 colour, float radius) {
  dl->AddCircle(centre, radius, IM_COL32(0, 0, 0, 170), 32, 4.0f);
  dl->AddCircle(centre, radius, colour, 32, 2.0f);
}

void lesson_summary(const char* summary) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.72f, 0.75f, 0.80f, 1.0f));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(summary);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void lesson_header(const char* title, const char* summary) {
  ImGui::TextUnformatted(title);
  lesson_summary(summary);
  ImGui::Separator();
}


ViewGrid view_grid(int n, ImVec2 box, float aspect, float caption_h) {
  const float gap = ImGui::GetStyle().ItemSpacing.x, vgap = ImGui::GetStyle().ItemSpacing.y;
  ViewGrid best;
  float best_area = -1.0f;
  for (int cols = 1; cols <= std::max(1, n); ++cols) {
    const int rows = (n + cols - 1) / cols;
    const float w = (box.x - gap * float(cols - 1)) / float(cols);
    const float h = (box.y - float(rows) * caption_h - vgap * float(rows - 1)) / float(rows);
    if (w <= 0 || h <= 0) continue;
    const float shown_w = std::min(w, h / aspect);  // the image fitted in the cell
    const float area = shown_w * shown_w * aspect;
    if (area > best_area) best_area = area, best = ViewGrid{cols, rows, ImVec2(w, h)};
  }
  if (best_area < 0) best = ViewGrid{1, std::max(1, n), ImVec2(std::max(box.x, 32.0f), 32.0f)};
  return best;
}


bool copy_button(const char* label, const std::function<std::string()>& text) {
  if (!ImGui::Button(label)) return false;
  emscripten::val::global("window").call<void>("convlabCopyText", text());
  return true;
}

void export_png_button(const char* filename, const ImageView& view) {
  const bool clicked = ImGui::Button("Export PNG");
  tip("Download the output as a PNG image, exactly as the view shows it.");
  if (!clicked || view.empty()) return;
  const auto rgba = view.shown_rgba();
  emscripten::val bytes(emscripten::typed_memory_view(rgba.size(), rgba.data()));
  emscripten::val::global("window").call<void>("convlabDownloadPng", std::string(filename), view.tensor().w, view.tensor().h, bytes);
}

void busy_badge(ImVec2 top_right) {
  const char* text = "computing...";
  const ImVec2 pad(6.0f, 3.0f), text_size = ImGui::CalcTextSize(text);
  const ImVec2 lo(top_right.x - text_size.x - 2 * pad.x, top_right.y), hi(top_right.x, top_right.y + text_size.y + 2 * pad.y);
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  dl->AddRectFilled(lo, hi, IM_COL32(20, 20, 24, 220), 4.0f);
  dl->AddText(ImVec2(lo.x + pad.x, lo.y + pad.y), IM_COL32(255, 214, 102, 255), text);
}
