#include "separable_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("separable", "Separable kernels",
                     "Rank-1 kernels as a column pass and a row pass: kh + kw instead of kh x kw, measured.",
                     110,
                     {},
                     {"kernel-editor", "presets", "size"});
