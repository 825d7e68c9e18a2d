#include "kernel_model.h"

#include "lesson_info.h"

REGISTER_LESSON_INFO("kernel", "The kernel",
                     "A kernel slides over the image; kernel depth = channels.",
                     10,
                     {url::bool_field<KernelParams>("one", &KernelParams::one_filter)},
                     {"kernel-editor", "presets", "depth", "conv-options", "display", "export", "step"});
