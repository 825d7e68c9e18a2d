// The common kernel editor: presets, size, a grid of editable cells (per input channel when the kernel
// has depth), normalise, flip, randomise. Editing any cell turns the kernel into a custom one whose
// values the URL keeps.
#pragma once
#include <string>

#include "kernel_settings.h"
#include "state.h"

// Draws the editor; returns true when the kernel changed. `channels` is the input's channel count.
bool kernel_editor(State& s, int channels, int max_size = 11);
