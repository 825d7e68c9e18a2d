#include "depthwise_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("depthwise", "Depthwise convolution",
                     "One kernel per channel (groups = channels): depth kept, cost divided by C.",
                     90,
                     {},
                     {"kernel-editor"});
