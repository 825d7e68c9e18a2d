// Shared by the fast-path tests: run each test once per instruction set (the best for this CPU, then
// the SSE2 baseline build), and compare with the naive reference with the case named in the failure.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "conv2d_rows.h"
#include "padding.h"
#include "tensor.h"

namespace convlab {

inline constexpr PadMode kModes[] = {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate,
                                     PadMode::Circular};

// Largest pad the mode accepts for an axis of length n, capped at `want`.
inline int legal_pad(int want, int n, PadMode mode) { return std::min(want, mode == PadMode::Reflect ? n - 1 : n); }

// Derive a fixture and INSTANTIATE_TEST_SUITE_P(Isa, Fixture, ::testing::Values(false, true), isa_name).
class IsaTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { rows::force_baseline(GetParam()); }
  void TearDown() override { rows::force_baseline(false); }
};

inline std::string isa_name(const ::testing::TestParamInfo<bool>& info) { return info.param ? "baseline" : "best"; }

// Same shape, every element within tol; the first miss names the case and its position.
inline void expect_close(const Tensor& got, const Tensor& want, float tol, const std::string& what) {
  ASSERT_EQ(got.c, want.c) << what;
  ASSERT_EQ(got.h, want.h) << what;
  ASSERT_EQ(got.w, want.w) << what;
  ASSERT_EQ(got.data.size(), want.data.size()) << what;
  for (int c = 0; c < got.c; ++c)
    for (int y = 0; y < got.h; ++y)
      for (int x = 0; x < got.w; ++x)
        ASSERT_NEAR(got.at(c, y, x), want.at(c, y, x), tol) << what << " at c=" << c << " y=" << y << " x=" << x;
}

}  // namespace convlab
