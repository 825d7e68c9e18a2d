// Small shared UI pieces: fonts, one-sentence tooltips, the output-size formula line, and buttons that
// reach the page (copy text, download PNG).
#pragma once
#include <functional>
#include <string>

#include "imgui.h"
#include "formula.h"
#include "tensor.h"

ImFont* mono_font();           // JetBrains Mono, for numbers
void set_mono_font(ImFont* f);

// A one-sentence tooltip on the last item.
void tip(const char* text);
// A "(?)" marker with a tooltip.
void help(const char* text);
// SameLine() when an item `width` wide still fits after the last one; otherwise the next item starts a new
// line. Rows of controls then wrap in a narrow column instead of running off its edge.
void same_line_if_fits(float width);
// The width of a button with this label, and of a slider or combo of `field` pixels with this label.
float button_width(const char* label);
float labelled_width(float field, const char* label);

// A remark in the dim text colour, wrapped to the column (printf format).
void note(const char* fmt, ...) IM_FMTARGS(1);
// A ring in `colour` with a dark outline, readable on any image: marks a spot too small to see.
// A small "computing" mark with its top-right corner at `top_right`: the picture under it is the last
// result, and a newer setting's is on its way (from the compute workers).
void busy_badge(ImVec2 top_right);
void draw_ring(ImDrawList* dl, ImVec2 centre, ImU32 colour, float radius = 16.0f);

// A lesson's one-sentence summary, in a softer colour, wrapped; and the heading: title, summary, a rule.
void lesson_summary(const char* summary);
void lesson_header(const char* title, const char* summary);

// n equal image views (height/width = aspect, each with a caption line above) in a box: the column
// count that makes each view biggest. cell is one view's size without its caption.
struct ViewGrid {
  int cols = 1, rows = 1;
  ImVec2 cell;
};
ViewGrid view_grid(int n, ImVec2 box, float aspect, float caption_h);

// Copies text() to the clipboard through the page (navigator.clipboard); returns true when asked. text is
// called only then.
bool copy_button(const char* label, const std::function<std::string()>& text);
// Downloads what the view shows as PNG (through the page): the same colours, channel and range.
class ImageView;
void export_png_button(const char* filename, const ImageView& view);
