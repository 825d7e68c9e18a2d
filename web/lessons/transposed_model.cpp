#include "transposed_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("transposed", "Transposed convolution",
                     "Zeros between pixels, padding, a rotated kernel: how a transposed convolution upsamples, and its checkerboard.",
                     80,
                     {url::int_field<TransposedParams>("tin", &TransposedParams::in, 1, 64),
                      url::int_field<TransposedParams>("tk", &TransposedParams::k, 1, 9),
                      url::int_field<TransposedParams>("ts", &TransposedParams::s, 1, 8),
                      url::int_field<TransposedParams>("tp", &TransposedParams::p, 0, 16),
                      url::int_field<TransposedParams>("top", &TransposedParams::op, 0, 7),
                      url::int_field<TransposedParams>("tfrom", &TransposedParams::from, 1, 4096),
                      url::int_field<TransposedParams>("tto", &TransposedParams::to, 1, 4096)},
                     {"input", "kernel", "stride", "padding", "output-padding", "seed", "step"});
