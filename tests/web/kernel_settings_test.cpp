// The shared kernel settings (web/kernel_settings.h): what the size sliders and quick buttons do.
#include "kernel_settings.h"

#include <gtest/gtest.h>

#include "kernels.h"

namespace cl = convlab;

namespace {

TEST(KernelSettings, KernelSizeKeepsOnlyPresetsThatHaveThatSize) {
  State s;
  s.preset = "custom";
  s.values = std::vector<float>(9, 0.5f);
  set_kernel_size(s, 5);
  EXPECT_EQ(s.preset, "mean");  // custom values are for the old size
  EXPECT_TRUE(s.values.empty());
  EXPECT_EQ(s.kh, 5);
  EXPECT_EQ(s.kw, 5);
  s.preset = "sobel_x";
  set_kernel_size(s, 7);
  EXPECT_EQ(s.preset, "sobel_x");
  set_kernel_size(s, 4);
  EXPECT_EQ(s.preset, "mean");  // Sobel comes in odd sizes only
  s.preset = "sharpen";  // 3 x 3 only
  s.depth = true;
  set_kernel_size(s, 3);
  EXPECT_EQ(s.preset, "mean");
  EXPECT_FALSE(s.depth);
  // Whatever the preset and size, the core then makes a kernel of that size.
  for (const cl::PresetInfo& p : cl::kernel_presets())
    for (int k = 1; k <= 9; ++k) {
      State t;
      t.preset = p.name;
      set_kernel_size(t, k);
      EXPECT_EQ(cl::kernel_preset(t.preset, k, t.sigma).h, k) << p.name << " " << k;
    }
}

}  // namespace
