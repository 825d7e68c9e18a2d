#include "erf_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("erf", "Effective receptive field",
                     "The gradient of one unit: a small central bump inside the theoretical field.",
                     70,
                     {url::choice_field<ErfParams>("erfw", &ErfParams::weights, [] { return std::vector<std::string>{"uniform", "random"}; }),
                      url::bool_field<ErfParams>("relu", &ErfParams::relu)},
                     {"layers", "weights", "relu", "seed", "depth"});
