// The int32 words a worker job crosses JavaScript as (image_job.h, multi_job.h): floats by their bits, and
// a reader that refuses words running short instead of reading past them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

inline std::int32_t float_bits(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i;
}
inline float bits_float(std::int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}

// Reads words in order; `what` names the job in the messages ("image job: truncated").
class JobWordReader {
 public:
  JobWordReader(const std::int32_t* w, std::size_t n, const char* what) : w_(w), n_(n), what_(what) {}
  std::int32_t next() {
    if (i_ >= n_) throw std::invalid_argument(std::string(what_) + ": truncated");
    return w_[i_++];
  }
  // A count of things each at least one word long: more than the words left is malformed.
  std::size_t count() {
    const std::int32_t n = next();
    if (n < 0 || std::size_t(n) > n_ - i_) throw std::invalid_argument(std::string(what_) + ": bad count");
    return std::size_t(n);
  }
  const std::int32_t* here() const { return w_ + i_; }
  void skip(std::size_t n) { i_ += n; }
  bool done() const { return i_ == n_; }

 private:
  const std::int32_t* w_;
  std::size_t n_, i_ = 0;
  const char* what_;
};
