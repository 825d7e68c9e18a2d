#include "padding.h"

#include <algorithm>

#include "error.h"

namespace convlab {

const char* pad_mode_name(PadMode mode) {
  switch (mode) {
    case PadMode::Zeros: return "zeros";
    case PadMode::Reflect: return "reflect";
    case PadMode::Symmetric: return "symmetric";
    case PadMode::Replicate: return "replicate";
    case PadMode::Circular: return "circular";
  }
  return "zeros";
}

std::optional<PadMode> parse_pad_mode(const std::string& name) {
  for (PadMode m : {PadMode::Zeros, PadMode::Reflect, PadMode::Symmetric, PadMode::Replicate, PadMode::Circular})
    if (name == pad_mode_name(m)) return m;
  return std::nullopt;
}

void check_padding(const Pad4& pad, PadMode mode, int height, int width) {
  const struct { const char* side; int value; int size; } sides[] = {
      {"top", pad.top, height}, {"bottom", pad.bottom, height}, {"left", pad.left, width}, {"right", pad.right, width}};
  for (const auto& s : sides) {
    const std::string what = std::string("padding ") + s.side;
    if (s.value < 0) fail(ErrorCode::InvalidPadding, what + " must be >= 0, got " + std::to_string(s.value));
    if (s.value > kMaxPadding)
      fail(ErrorCode::TooLarge, what + " must be <= " + std::to_string(kMaxPadding) + ", got " + std::to_string(s.value));
    if (mode == PadMode::Reflect && s.value >= s.size)
      fail(ErrorCode::InvalidPadding, what + " must be < input size " + std::to_string(s.size) +
                                          " for reflect padding, got " + std::to_string(s.value));
    if ((mode == PadMode::Symmetric || mode == PadMode::Circular) && s.value > s.size)
      fail(ErrorCode::InvalidPadding, what + " must be <= input size " + std::to_string(s.size) + " for " +
                                          pad_mode_name(mode) + " padding, got " + std::to_string(s.value));
  }
}

void pad_borders(float* row, int w, int left, int right, PadMode mode) noexcept {
  const float* own = row + left;
  const auto border = [&](int x0, int x1) {
    for (int x = x0; x < x1; ++x) {
      const int sx = pad_source_index(x - left, w, mode);
      row[x] = sx < 0 ? 0.0f : own[sx];
    }
  };
  border(0, left);
  border(left + w, left + w + right);
}

void pad_row(const float* src, int w, int left, int right, PadMode mode, float* dst) noexcept {
  if (!src) {
    std::fill(dst, dst + left + w + right, 0.0f);
    return;
  }
  std::copy(src, src + w, dst + left);
  pad_borders(dst, w, left, right, mode);
}

Tensor pad(const Tensor& input, const Pad4& p, PadMode mode) {
  checked_count("input", {input.c, input.h, input.w});
  check_padding(p, mode, input.h, input.w);
  Tensor out = Tensor::uninitialized(input.c, input.h + p.top + p.bottom, input.w + p.left + p.right);
  for (int c = 0; c < input.c; ++c)
    for (int y = 0; y < out.h; ++y) {
      const int sy = pad_source_index(y - p.top, input.h, mode);
      const float* src = sy < 0 ? nullptr : input.plane(c) + std::size_t(sy) * input.w;
      pad_row(src, input.w, p.left, p.right, mode, out.plane(c) + std::size_t(y) * out.w);
    }
  return out;
}

}  // namespace convlab
