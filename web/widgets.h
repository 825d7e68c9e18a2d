// Small shared UI pieces: fonts, one-sentence tooltips, the output-size formula line, and buttons that
// reach the page (copy text, download PNG).
#pragma once
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
// A lesson's heading and summary.
void lesson_header(const char* title, const char* summary);

// "input 3 x 9 x 9 -> conv2d -> output 1 x 5 x 5" plus the formula of each axis (formula.h).
void shape_line(const char* op, const convlab::Tensor& in, const convlab::Tensor& out);

// Copies text to the clipboard through the page (navigator.clipboard); returns true when asked.
bool copy_button(const char* label, const std::string& text);
// Downloads a tensor as PNG (through the page) with the given display mapping.
void export_png_button(const char* filename, const convlab::Tensor& t, const std::string& display);
