#include "activation.h"

namespace convlab {

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Abs: return "abs";
  }
  return "none";
}

std::optional<Activation> parse_activation(const std::string& name) {
  for (Activation a : {Activation::None, Activation::Relu, Activation::Abs})
    if (name == activation_name(a)) return a;
  return std::nullopt;
}

void activate_in_place(Tensor& t, Activation a) {
  if (a == Activation::None) return;
  for (float& v : t.data) v = activate(v, a);
}

Tensor activate(const Tensor& t, Activation a) {
  Tensor out = t;
  activate_in_place(out, a);
  return out;
}

}  // namespace convlab
