// Value types of the core: a CHW float32 image tensor, a 4-D weight tensor in PyTorch's layout,
// and a 2-D kernel. Plain structs with explicit shapes; constructors validate the shape.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace convlab {

// Largest element count of any tensor the core makes (256 Mi floats = 1 GiB): a guard against
// sizes whose byte count would overflow or exhaust a wasm heap.
constexpr std::int64_t kMaxElements = std::int64_t(1) << 28;

// Checks that every dimension is >= 1 and that the product stays under kMaxElements;
// returns the product. `what` names the tensor in the error message.
std::size_t checked_count(const char* what, std::initializer_list<std::int64_t> dims);

// A (height, width) pair of sizes: stride, dilation, kernel size, symmetric padding.
struct Pair {
  int h = 0, w = 0;
};
inline bool operator==(Pair a, Pair b) { return a.h == b.h && a.w == b.w; }

// std::allocator, except that an element made without a value is default-initialised: a float is left
// as it is. Ops allocate their output unset (Tensor::uninitialized) and write every element once; with
// the standard allocator it was zero-filled first, a store to every element that cost half as much as a
// 3x3 convolution's arithmetic (profiled natively: memset 22% of conv2d's time, the pass kernel 43%).
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
// A tensor's storage: resize(n) leaves new elements unset; every constructor below still fills.
using FloatBuffer = std::vector<float, DefaultInitAllocator<float>>;

struct Tensor {  // [C, H, W], row-major
  int c = 0, h = 0, w = 0;
  FloatBuffer data;

  Tensor() = default;
  Tensor(int channels, int height, int width, float fill = 0.0f);
  Tensor(int channels, int height, int width, FloatBuffer values);                // checks the length
  Tensor(int channels, int height, int width, const std::vector<float>& values);  // copies; checks the length
  Tensor(int channels, int height, int width, std::initializer_list<float> values);
  // A tensor of this shape whose elements are not set: for an op that writes every one of them.
  static Tensor uninitialized(int channels, int height, int width);

  std::size_t size() const { return data.size(); }
  bool empty() const { return data.empty(); }
  float& at(int ch, int y, int x) { return data[(std::size_t(ch) * h + y) * w + x]; }
  float at(int ch, int y, int x) const { return data[(std::size_t(ch) * h + y) * w + x]; }
  float* plane(int ch) { return data.data() + std::size_t(ch) * h * w; }
  const float* plane(int ch) const { return data.data() + std::size_t(ch) * h * w; }
};

struct Weights {  // [a, b, kh, kw]: [Cout, Cin/groups, kh, kw] for conv2d, [Cin, Cout/groups, kh, kw] transposed
  int a = 0, b = 0, kh = 0, kw = 0;
  std::vector<float> data;

  Weights() = default;
  Weights(int a_, int b_, int kh_, int kw_, float fill = 0.0f);
  Weights(int a_, int b_, int kh_, int kw_, std::vector<float> values);

  float& at(int i, int j, int y, int x) { return data[((std::size_t(i) * b + j) * kh + y) * kw + x]; }
  float at(int i, int j, int y, int x) const { return data[((std::size_t(i) * b + j) * kh + y) * kw + x]; }
  const float* kernel(int i, int j) const { return data.data() + (std::size_t(i) * b + j) * kh * kw; }
};

struct Kernel2D {  // [kh, kw]
  int h = 0, w = 0;
  std::vector<float> data;

  Kernel2D() = default;
  Kernel2D(int height, int width, float fill = 0.0f);
  Kernel2D(int height, int width, std::vector<float> values);

  float& at(int y, int x) { return data[std::size_t(y) * w + x]; }
  float at(int y, int x) const { return data[std::size_t(y) * w + x]; }
};

// Checks that every dimension is >= 1, the count is within kMaxElements and the data length matches the
// shape ("input data length must be 48 to match its shape, got 47"). `what` names the argument.
void check_tensor(const char* what, const Tensor& t);
void check_weights(const char* what, const Weights& w);

// A [C, ...] weight that applies the same 2-D kernel to each channel on its own (groups = C).
Weights depthwise_weights(const Kernel2D& k, int channels);
// A [1, C, kh, kw] weight: the same 2-D kernel over every input channel summed into one output
// (kernel depth = channels, as a single filter of a CNN layer sees an RGB image).
Weights full_depth_weights(const Kernel2D& k, int channels);

}  // namespace convlab
