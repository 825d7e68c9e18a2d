// What a lesson's cached result was computed from, and the one place that decides when to compute it
// again. No ImGui here: models use it and are tested natively.
//
// A CacheKey is a structured value compared exactly: numbers are kept as their bits, not as text, so two
// kernels that differ in the 7th digit are two keys (std::to_string(float) kept six decimals, and such
// kernels showed the first one's output for the second).
#pragma once
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

class CacheKey {
 public:
  CacheKey& add(int v) { return raw('i', &v, sizeof v); }
  CacheKey& add(bool v) { return add(int(v)); }
  CacheKey& add(float v) { return raw('f', &v, sizeof v); }
  CacheKey& add(double v) { return raw('d', &v, sizeof v); }
  CacheKey& add(const std::string& v) {
    const std::uint64_t n = v.size();
    raw('s', &n, sizeof n);
    bytes_.insert(bytes_.end(), v.begin(), v.end());
    return *this;
  }
  CacheKey& add(const char* v) { return add(std::string(v)); }
  template <class T>
  CacheKey& add(const std::vector<T>& v) {
    const std::uint64_t n = v.size();
    raw('v', &n, sizeof n);
    for (const T& x : v) add(x);
    return *this;
  }
  // Several values at once: key.with(a, b, c).
  template <class... T>
  CacheKey& with(const T&... v) {
    (add(v), ...);
    return *this;
  }
  bool operator==(const CacheKey& o) const { return bytes_ == o.bytes_; }
  bool operator!=(const CacheKey& o) const { return !(*this == o); }
  bool empty() const { return bytes_.empty(); }

 private:
  CacheKey& raw(char tag, const void* p, std::size_t n) {
    bytes_.push_back(tag);  // a tag per value: (int 1, float ...) never equals (float ..., int 1)
    const auto* b = static_cast<const char*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    return *this;
  }
  std::vector<char> bytes_;
};

// Runs a computation when its key changes. A computation that throws leaves the previous result in
// place (whatever fn had already assigned stays: assign results last) and its message becomes error()
// until the key changes again; the same failing key is not retried every frame.
class Recompute {
 public:
  // Returns true when fn ran and succeeded (the result is new).
  template <class Fn>
  bool operator()(const CacheKey& key, Fn&& fn) {
    if (!key_.empty() && key == key_) return false;
    key_ = key;
    error_.clear();
    try {
      fn();
      return true;
    } catch (const std::exception& e) {
      error_ = e.what();
      return false;
    }
  }
  const std::string& error() const { return error_; }
  // Forget the key: the next call computes whatever its key.
  void invalidate() { key_ = CacheKey(); }

 private:
  CacheKey key_;
  std::string error_;
};
