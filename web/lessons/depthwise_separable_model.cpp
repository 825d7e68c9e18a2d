#include "depthwise_separable_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("depthwise-separable", "Depthwise-separable",
                     "Depthwise then pointwise: MACs, parameters and 1/Cout + 1/k^2, and what it cannot do.",
                     120,
                     {url::int_field<DepthwiseSeparableParams>("cin", &DepthwiseSeparableParams::cin, 1, 4096),
                      url::int_field<DepthwiseSeparableParams>("cout", &DepthwiseSeparableParams::cout, 1, 4096),
                      url::int_field<DepthwiseSeparableParams>("hw", &DepthwiseSeparableParams::hw, 1, 4096)},
                     {"cin", "cout", "kernel"});
