// Padding modes and the padded tensor itself. Index remapping follows PyTorch / OpenCV exactly:
//   zeros      outside reads 0
//   reflect    edge not repeated   (2 1 | 0 1 2)  = torch 'reflect',  OpenCV BORDER_REFLECT_101
//   symmetric  edge repeated       (1 0 | 0 1 2)  = numpy 'symmetric', OpenCV BORDER_REFLECT
//   replicate  edge pixel copied   (0 0 | 0 1 2)  = torch 'replicate', OpenCV BORDER_REPLICATE
//   circular   wraps around        (n-2 n-1 | 0 1 2) = torch 'circular', OpenCV BORDER_WRAP
#pragma once
#include <optional>
#include <string>

#include "tensor.h"

namespace convlab {

enum class PadMode { Zeros, Reflect, Symmetric, Replicate, Circular };

// Largest padding on one side (2^28, as kMaxElements): sums of pads and sizes then stay within int.
constexpr int kMaxPadding = 1 << 28;

struct Pad4 {
  int top = 0, bottom = 0, left = 0, right = 0;
};

const char* pad_mode_name(PadMode mode);                   // "zeros", "reflect", ...
std::optional<PadMode> parse_pad_mode(const std::string& name);

// Source index that padded position i (may be < 0 or >= n) reads along an axis of length n,
// or -1 where zeros padding reads 0. Valid only for pads that check_padding accepts.
inline int pad_source_index(int i, int n, PadMode mode) {
  if (i >= 0 && i < n) return i;  // in-bounds fast path
  switch (mode) {
    case PadMode::Zeros: return -1;
    case PadMode::Replicate: return i < 0 ? 0 : n - 1;
    case PadMode::Reflect:
      if (n == 1) return 0;
      return i < 0 ? -i : 2 * (n - 1) - i;
    case PadMode::Symmetric: return i < 0 ? -i - 1 : 2 * n - 1 - i;
    case PadMode::Circular: return i < 0 ? i + n : i - n;
  }
  return -1;
}

// Rejects negative pads, pads over kMaxPadding (TooLarge), and pads the mode cannot fill with one reflection/wrap (as PyTorch does):
// reflect needs pad < size, symmetric and circular need pad <= size. `height`/`width` are the input's.
void check_padding(const Pad4& pad, PadMode mode, int height, int width);

// One padded row, dst[0, left + w + right), from source row src of width w (nullptr: a row that zeros
// padding adds). The w columns of the row are one copy; only the border columns look up their source.
// noexcept: conv2d calls it once per padded row, and under Emscripten's exception emulation a call that
// may throw from a function with cleanups goes out through a JS trampoline.
void pad_row(const float* src, int w, int left, int right, PadMode mode, float* dst) noexcept;
// The same for a row whose own w columns are already in place at row[left, left + w): fills the borders.
void pad_borders(float* row, int w, int left, int right, PadMode mode) noexcept;

// The padded tensor: [C, H + top + bottom, W + left + right].
Tensor pad(const Tensor& input, const Pad4& pad, PadMode mode);

}  // namespace convlab
