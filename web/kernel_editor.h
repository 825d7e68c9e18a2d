// The common kernel editor: presets, size, a grid of editable cells (per input channel when the kernel
// has depth), normalise, flip, randomise. Editing any cell turns the kernel into a custom one whose
// values the URL keeps. In paint mode, pressing and dragging over the cells (mouse, or a finger: a drag
// there paints instead of scrolling) sets every cell the pointer crosses to the paint value.
#pragma once
#include <string>

#include "kernel_settings.h"
#include "state.h"

struct LessonContext;

// Draws the editor; returns true when the kernel changed. `channels` is the input's channel count.
// With `ctx`, publishes where the paint controls and the cells are (kernel_paint, kernel_paint_toggle,
// kernel_paint_<value>, kernel_grid: first cell's centre and the pitch), for tests.
bool kernel_editor(State& s, int channels, int max_size = 11, LessonContext* ctx = nullptr);
