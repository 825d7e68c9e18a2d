#include "padding_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("padding", "Padding",
                     "Valid, same and the five ways to fill the border.",
                     20,
                     {},
                     {"kernel-editor", "amount", "mode", "display", "step"});
