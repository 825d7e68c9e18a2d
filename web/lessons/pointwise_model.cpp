#include "pointwise_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("pointwise", "Pointwise (1x1) convolution",
                     "1x1xC kernels mix channels: RGB to grey, RGB to 8 feature maps.",
                     100,
                     {url::choice_field<PointwiseParams>("mix", &PointwiseParams::mix, [] { return std::vector<std::string>{"gray", "features"}; }),
                      url::floats_field<PointwiseParams>("mixv", &PointwiseParams::values, 24, {3, 24})},
                     {"mix", "matrix"});
