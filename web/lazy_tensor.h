// A tensor whose values may not be in this module's heap yet: a compute worker's output stays in the
// buffers the worker transferred (web/conv_client.cpp) and is copied over only when something first reads
// a value (hovering a pixel, the step-through, the numbers of a zoomed view, Export PNG). While a slider
// moves over a megapixel image nothing reads them, so a new output every frame costs no 4-12 MB copy.
// The tensor is allocated when the output arrives, so running out of memory still shows then, as an
// error, and never later in the middle of a frame; only the copy waits.
#pragma once
#include <functional>
#include <memory>

#include "tensor.h"

class LazyTensor {
 public:
  struct Shape {
    int c = 0, h = 0, w = 0;
    bool empty() const { return c == 0 || h == 0 || w == 0; }
  };
  // Fills the allocated tensor with the values; called once, at the first read of them all.
  using Fill = std::function<void(convlab::Tensor&)>;
  // Reads one value (channel, y, x) where the values are, without filling.
  using Peek = std::function<float(int, int, int)>;

  LazyTensor() = default;
  LazyTensor(std::shared_ptr<const convlab::Tensor> values);  // NOLINT(google-explicit-constructor): here already
  LazyTensor(convlab::Tensor allocated, Fill fill, Peek peek = nullptr);
  // A tensor someone else keeps alive for as long as this is used (one frame's step-through).
  static LazyTensor borrow(const convlab::Tensor& t);

  explicit operator bool() const { return state_ != nullptr; }
  Shape shape() const;  // without reading the values
  bool empty() const { return shape().empty(); }
  // The values (filled now if they were not yet). Null for a default-constructed one.
  const std::shared_ptr<const convlab::Tensor>& shared() const;
  const convlab::Tensor& operator*() const { return *shared(); }
  const convlab::Tensor* operator->() const { return shared().get(); }
  // One value, read where it is (a hover's tooltip, a readout of one pixel): fills nothing.
  float value(int c, int y, int x) const;
  // The tensor if its values are here, without filling it; null otherwise.
  const convlab::Tensor* if_filled() const;
  // The same tensor (not equal values): one LazyTensor copied, or the same values (without filling).
  friend bool operator==(const LazyTensor& a, const LazyTensor& b) {
    return a.state_ == b.state_ || (a.if_filled() && a.if_filled() == b.if_filled());
  }

 private:
  struct Lazy {
    std::shared_ptr<convlab::Tensor> tensor;
    std::shared_ptr<const convlab::Tensor> values;  // set once filled
    Fill fill;
    Peek peek;
  };
  std::shared_ptr<Lazy> state_;
};
