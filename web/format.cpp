#include "format.h"

std::string shape_text(const LazyTensor::Shape& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

std::string shape_text(const convlab::Tensor& t) { return shape_text(LazyTensor::Shape{t.c, t.h, t.w}); }

std::string grouped(long long v) {
  const std::string digits = std::to_string(v < 0 ? -(v + 1) + 1ULL : static_cast<unsigned long long>(v));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}
