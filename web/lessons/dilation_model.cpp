#include "dilation_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("dilation", "Dilation",
                     "A kernel with holes: wider view, same weights; exponential receptive-field growth.",
                     60,
                     {},
                     {"kernel-editor", "dilation", "padding"});
