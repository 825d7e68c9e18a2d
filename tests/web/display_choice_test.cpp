// The display choice shared by the image view and Export PNG (web/display_choice.h).
#include "display_choice.h"

#include <gtest/gtest.h>

#include <random>

namespace cl = convlab;

namespace {

cl::Tensor random_tensor(int c, int h, int w, float lo, float hi, unsigned seed) {
  cl::Tensor t(c, h, w);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  for (float& v : t.data) v = u(rng);
  return t;
}

TEST(DisplayChoice, AutoPicksFromTheShownValues) {
  EXPECT_EQ(resolve_display("auto", random_tensor(3, 5, 6, 0.0f, 1.0f, 1)), cl::DisplayMode::Clamp);
  EXPECT_EQ(resolve_display("auto", random_tensor(3, 5, 6, 0.0f, 4.0f, 2)), cl::DisplayMode::MinMax);
  EXPECT_EQ(resolve_display("auto", random_tensor(1, 5, 6, -1.0f, 1.0f, 3)), cl::DisplayMode::Diverging);
  EXPECT_EQ(resolve_display("abs", random_tensor(1, 5, 6, 0.0f, 1.0f, 4)), cl::DisplayMode::Absolute);
}

TEST(DisplayChoice, ASignedColourImageOnAutoShowsAbsoluteValuesOfAllChannels) {
  const cl::Tensor t = random_tensor(3, 7, 9, -2.0f, 2.0f, 5);
  const DisplayChoice c = choose_display("auto", t, -1, cl::finite_range(t, -1));
  EXPECT_EQ(c.resolved, cl::DisplayMode::Diverging);  // what the readout names
  EXPECT_EQ(c.mode, cl::DisplayMode::Absolute);
  EXPECT_EQ(c.channel, -1);
  EXPECT_EQ(displayed_rgba(t, "auto"), cl::to_rgba8(t, -1, cl::DisplayMode::Absolute));
}

TEST(DisplayChoice, ExportWritesWhatTheViewShowsNotChannelZeroDiverging) {
  // Export PNG used to map a signed colour output with the diverging map of channel 0 while the view
  // showed |value| of all three channels.
  const cl::Tensor t = random_tensor(3, 7, 9, -2.0f, 2.0f, 6);
  const auto exported = displayed_rgba(t, "auto");
  EXPECT_NE(exported, cl::to_rgba8(t, 0, cl::DisplayMode::Diverging));
}

TEST(DisplayChoice, DivergingAskedForOnColourShowsChannelZero) {
  const cl::Tensor t = random_tensor(3, 4, 4, -1.0f, 1.0f, 7);
  const DisplayChoice c = choose_display("diverging", t, -1, cl::finite_range(t, -1));
  EXPECT_EQ(c.mode, cl::DisplayMode::Diverging);
  EXPECT_EQ(c.channel, 0);
  EXPECT_EQ(displayed_rgba(t, "diverging"), cl::to_rgba8(t, 0, cl::DisplayMode::Diverging));
}

TEST(DisplayChoice, OneChannelOfSeveralIsShownOnItsOwnRange) {
  cl::Tensor t = random_tensor(3, 4, 4, 0.0f, 1.0f, 8);
  for (int i = 0; i < 16; ++i) t.data[16 + i] = -3.0f + 0.25f * float(i);  // channel 1 signed
  const DisplayChoice c = choose_display("auto", t, 1, cl::finite_range(t, 1));
  EXPECT_EQ(c.mode, cl::DisplayMode::Diverging);
  EXPECT_EQ(c.channel, 1);
  EXPECT_EQ(displayed_rgba(t, "auto", 1), cl::to_rgba8(t, 1, cl::DisplayMode::Diverging));
  EXPECT_EQ(displayed_rgba(t, "auto", 5), displayed_rgba(t, "auto", -1)) << "a channel past the end shows all";
}

}  // namespace
