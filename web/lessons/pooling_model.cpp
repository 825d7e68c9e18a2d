#include "pooling_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("pooling", "Pooling",
                     "Max, mean and min pooling; ceil mode; how pooling grows the receptive field.",
                     50,
                     {url::choice_field<PoolingParams>("pool", &PoolingParams::mode, [] { return std::vector<std::string>{"max", "mean", "min"}; }),
                      url::int_field<PoolingParams>("pk", &PoolingParams::k, 1, 15),
                      url::int_field<PoolingParams>("ps", &PoolingParams::s, 1, 15),
                      url::int_field<PoolingParams>("pp", &PoolingParams::p, 0, 7),
                      url::bool_field<PoolingParams>("ceil", &PoolingParams::ceil_mode),
                      url::bool_field<PoolingParams>("cip", &PoolingParams::count_include_pad)},
                     {"mode", "kernel", "stride", "padding", "ceil", "cip", "step"});
