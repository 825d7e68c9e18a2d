// Assertions shared by the core's tests.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "error.h"
#include "tensor.h"

namespace convlab {

// f() must throw convlab::Error with exactly this code and message.
template <typename F>
void expect_error(F f, ErrorCode code, const std::string& message) {
  try {
    f();
    FAIL() << "expected an error: " << message;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << error_code_name(e.code()) << ": " << e.what();
    EXPECT_EQ(std::string(e.what()), message);
  }
}

// Same shape, and every element within tol; the first miss names its position.
inline void expect_tensor_near(const Tensor& got, const Tensor& want, float tol) {
  ASSERT_EQ(got.c, want.c);
  ASSERT_EQ(got.h, want.h);
  ASSERT_EQ(got.w, want.w);
  for (int c = 0; c < got.c; ++c)
    for (int y = 0; y < got.h; ++y)
      for (int x = 0; x < got.w; ++x)
        ASSERT_NEAR(got.at(c, y, x), want.at(c, y, x), tol) << "at c=" << c << " y=" << y << " x=" << x;
}

}  // namespace convlab
