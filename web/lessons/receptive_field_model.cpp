#include "receptive_field_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("receptive-field", "Receptive field",
                     "Which input pixels one unit of a layer stack can see, and by how many paths.",
                     40,
                     {},
                     {"layers", "layer"});
