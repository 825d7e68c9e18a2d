#include "tensor.h"

#include <string>
#include <utility>

#include "error.h"

namespace convlab {

std::size_t checked_count(const char* what, std::initializer_list<std::int64_t> dims) {
  std::int64_t count = 1;
  std::string shape;
  for (std::int64_t d : dims) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  for (std::int64_t d : dims) {
    if (d < 1) fail(ErrorCode::InvalidShape, std::string(what) + " dimensions must be >= 1, got " + shape);
    if (count > kMaxElements / d)
      fail(ErrorCode::TooLarge, std::string(what) + " " + shape + " has more than " +
                                    std::to_string(kMaxElements) + " elements");
    count *= d;
  }
  return std::size_t(count);
}

static void check_length(const char* what, std::size_t want, std::size_t got) {
  if (want != got)
    fail(ErrorCode::InvalidShape, std::string(what) + " data length must be " + std::to_string(want) +
                                      " to match its shape, got " + std::to_string(got));
}

void check_tensor(const char* what, const Tensor& t) {
  check_length(what, checked_count(what, {t.c, t.h, t.w}), t.data.size());
}

void check_weights(const char* what, const Weights& w) {
  check_length(what, checked_count(what, {w.a, w.b, w.kh, w.kw}), w.data.size());
}

Tensor::Tensor(int channels, int height, int width, float fill)
    : c(channels), h(height), w(width), data(checked_count("tensor", {channels, height, width}), fill) {}

Tensor::Tensor(int channels, int height, int width, FloatBuffer values)
    : c(channels), h(height), w(width), data(std::move(values)) {
  check_length("tensor", checked_count("tensor", {channels, height, width}), data.size());
}

Tensor::Tensor(int channels, int height, int width, const std::vector<float>& values)
    : Tensor(channels, height, width, FloatBuffer(values.begin(), values.end())) {}

Tensor::Tensor(int channels, int height, int width, std::initializer_list<float> values)
    : Tensor(channels, height, width, FloatBuffer(values)) {}

Tensor Tensor::uninitialized(int channels, int height, int width) {
  Tensor t;
  t.data.resize(checked_count("tensor", {channels, height, width}));  // FloatBuffer: no fill
  t.c = channels;
  t.h = height;
  t.w = width;
  return t;
}

Weights::Weights(int a_, int b_, int kh_, int kw_, float fill)
    : a(a_), b(b_), kh(kh_), kw(kw_), data(checked_count("weight", {a_, b_, kh_, kw_}), fill) {}

Weights::Weights(int a_, int b_, int kh_, int kw_, std::vector<float> values)
    : a(a_), b(b_), kh(kh_), kw(kw_), data(std::move(values)) {
  check_length("weight", checked_count("weight", {a_, b_, kh_, kw_}), data.size());
}

Kernel2D::Kernel2D(int height, int width, float fill)
    : h(height), w(width), data(checked_count("kernel", {height, width}), fill) {}

Kernel2D::Kernel2D(int height, int width, std::vector<float> values)
    : h(height), w(width), data(std::move(values)) {
  check_length("kernel", checked_count("kernel", {height, width}), data.size());
}

Weights depthwise_weights(const Kernel2D& k, int channels) {
  Weights wt(channels, 1, k.h, k.w);
  for (int c = 0; c < channels; ++c)
    for (int i = 0; i < k.h * k.w; ++i) wt.data[std::size_t(c) * k.h * k.w + i] = k.data[i];
  return wt;
}

Weights full_depth_weights(const Kernel2D& k, int channels) {
  Weights wt(1, channels, k.h, k.w);
  for (int c = 0; c < channels; ++c)
    for (int i = 0; i < k.h * k.w; ++i) wt.data[std::size_t(c) * k.h * k.w + i] = k.data[i];
  return wt;
}

}  // namespace convlab
