// Reads fuzzer bytes as small integers: a tiny, deterministic decoder shared by the fuzz targets.
#pragma once
#include <cstddef>
#include <cstdint>

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  // An integer in [lo, hi] (lo when the bytes run out).
  int range(int lo, int hi) {
    if (pos_ >= size_ || hi <= lo) return lo;
    return lo + int(data_[pos_++] % unsigned(hi - lo + 1));
  }
  bool flag() { return range(0, 1) == 1; }
  // A float from a byte: mostly ordinary values, sometimes NaN, infinities, zero or huge.
  float value() {
    const int b = range(0, 255);
    if (b == 255) return __builtin_nanf("");
    if (b == 254) return __builtin_inff();
    if (b == 253) return -__builtin_inff();
    if (b == 252) return 1e30f;
    return float(b - 126) / 32.0f;
  }
  std::size_t remaining() const { return pos_ < size_ ? size_ - pos_ : 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};
