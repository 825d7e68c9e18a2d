// A nonlinearity applied to every value of a tensor, as a CNN applies one after each convolution.
//   none   x
//   relu   max(0, x) as torch.relu: NaN stays NaN, -0 becomes +0, -inf becomes 0, +inf stays
//   abs    |x| as torch.abs: NaN stays NaN, both infinities become +inf
#pragma once
#include <cmath>
#include <optional>
#include <string>

#include "tensor.h"

namespace convlab {

enum class Activation { None, Relu, Abs };

const char* activation_name(Activation a);  // "none", "relu", "abs"
std::optional<Activation> parse_activation(const std::string& name);

inline float activate(float x, Activation a) {
  switch (a) {
    case Activation::None: return x;
    case Activation::Relu: return x > 0.0f || std::isnan(x) ? x : 0.0f;
    case Activation::Abs: return std::fabs(x);
  }
  return x;
}

// Every value of t replaced by activate(value, a).
void activate_in_place(Tensor& t, Activation a);
Tensor activate(const Tensor& t, Activation a);

}  // namespace convlab
