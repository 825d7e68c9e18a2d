#include "stride_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("stride", "Stride",
                     "The window jumps s pixels: the output shrinks s times; the floor in the formula.",
                     30,
                     {},
                     {"kernel-editor", "stride", "padding", "step"});
