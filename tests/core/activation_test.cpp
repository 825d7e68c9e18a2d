#include "activation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "reference.h"

namespace convlab {
namespace {

// The rules written out case by case, as torch.relu and torch.abs give them (NaN propagates; ReLU(-0)
// and |-0| are +0).
float naive(float x, Activation a) {
  if (a == Activation::None) return x;
  if (std::isnan(x)) return x;
  if (a == Activation::Relu) {
    if (x > 0.0f) return x;
    return 0.0f;
  }
  if (x < 0.0f) return -x;
  return x == 0.0f ? 0.0f : x;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

const Activation kAll[] = {Activation::None, Activation::Relu, Activation::Abs};

TEST(Activation, NamesReadBack) {
  for (Activation a : kAll) EXPECT_EQ(parse_activation(activation_name(a)), a);
  EXPECT_STREQ(activation_name(Activation::Relu), "relu");
  EXPECT_FALSE(parse_activation("ReLU").has_value());
  EXPECT_FALSE(parse_activation("").has_value());
}

TEST(Activation, RandomTensorsEqualTheNaiveRuleBitForBit) {
  for (int seed = 1; seed <= 5; ++seed) {
    const Tensor t = reference::random_tensor(3, 7 + seed, 11, seed);
    for (Activation a : kAll) {
      const Tensor got = activate(t, a);
      ASSERT_EQ(got.c, t.c);
      ASSERT_EQ(got.h, t.h);
      ASSERT_EQ(got.w, t.w);
      for (std::size_t i = 0; i < t.data.size(); ++i)
        ASSERT_TRUE(same_bits(got.data[i], naive(t.data[i], a))) << activation_name(a) << " at i=" << i << " x=" << t.data[i];
    }
  }
}

TEST(Activation, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(activate(nan, Activation::Relu)));  // as torch.relu: NaN is not clipped to 0
  EXPECT_TRUE(std::isnan(activate(nan, Activation::Abs)));
  EXPECT_EQ(activate(inf, Activation::Relu), inf);
  EXPECT_EQ(activate(-inf, Activation::Relu), 0.0f);
  EXPECT_EQ(activate(-inf, Activation::Abs), inf);
  EXPECT_FALSE(std::signbit(activate(-0.0f, Activation::Relu)));  // +0, never "-0" on screen
  EXPECT_FALSE(std::signbit(activate(-0.0f, Activation::Abs)));
  EXPECT_TRUE(std::signbit(activate(-0.0f, Activation::None)));
  EXPECT_EQ(activate(-2.5f, Activation::Relu), 0.0f);
  EXPECT_EQ(activate(-2.5f, Activation::Abs), 2.5f);
  EXPECT_EQ(activate(std::numeric_limits<float>::denorm_min(), Activation::Relu), std::numeric_limits<float>::denorm_min());
  for (float x : {nan, inf, -inf, -0.0f, 0.0f, -1e-30f, 3.0f})
    for (Activation a : kAll) {
      const float got = activate(x, a), want = naive(x, a);
      EXPECT_TRUE(same_bits(got, want) || (std::isnan(got) && std::isnan(want))) << activation_name(a) << "(" << x << ")";
    }
}

TEST(Activation, InPlaceEqualsACopy) {
  Tensor t = reference::random_tensor(2, 5, 6, 9);
  const Tensor want = activate(t, Activation::Relu);
  activate_in_place(t, Activation::Relu);
  for (std::size_t i = 0; i < t.data.size(); ++i) ASSERT_TRUE(same_bits(t.data[i], want.data[i])) << "at i=" << i;
}

}  // namespace
}  // namespace convlab
