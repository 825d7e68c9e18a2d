// Images in and out of the core: 8-bit RGBA (as a browser canvas hands them over) to a [C, H, W]
// float tensor in [0, 1], and tensors back to RGBA for display, with a choice of value mapping.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tensor.h"

namespace convlab {

// rgba: width * height * 4 bytes, row-major, straight (not premultiplied) alpha, which is ignored.
// channels 3 -> [3, H, W] RGB, each byte / 255; channels 1 -> [1, H, W] Rec.601 luma
// (0.299 R + 0.587 G + 0.114 B) / 255. Errors: InvalidArgument for a null pointer or channels not
// 1 or 3, InvalidShape / TooLarge for the size.
Tensor from_rgba8(const std::uint8_t* rgba, int width, int height, int channels);

// How tensor values become bytes. Every mode shows NaN as kNanColour and clamps +-Inf to the ends of
// the range; ranges are taken over the finite values of the displayed channels only (jointly, so the
// colour balance of an RGB display is kept).
//   Clamp      [0, 1] -> 0..255, values outside clamped.
//   MinMax     [min, max] -> 0..255 linearly; a constant image (min == max) is mid-grey 128.
//   Absolute   |x| / max|x| -> 0..255 (0 is black); an all-zero image is black.
//   Diverging  [-m, m] with m = max|x| through the blue-white-red map below: -m blue, 0 white,
//              +m red; an all-zero image is white. Needs one displayed channel.
// Bytes are round-half-up of 255 * t for t in [0, 1].
enum class DisplayMode { Clamp, MinMax, Absolute, Diverging };
const char* display_mode_name(DisplayMode mode);  // "clamp", "minmax", "abs", "diverging"
std::optional<DisplayMode> parse_display_mode(const std::string& name);
struct DisplayRange {
  float lo, hi;  // the value shown at byte 0 / colour-map start and at 255 / colour-map end
};

// Magenta: never produced by the grey ramps or the blue-white-red map.
constexpr std::uint8_t kNanColour[3] = {255, 0, 255};

// The diverging colour map: stops at t = 0, 1/4, 1/2, 3/4, 1 with linear interpolation between them.
constexpr std::uint8_t kDivergingStops[5][3] = {
    {33, 102, 172},   // -m: blue
    {146, 197, 222},  // light blue
    {255, 255, 255},  //  0: white
    {244, 165, 130},  // light red
    {178, 24, 43},    // +m: red
};

// t.c x t.h x t.w -> t.w * t.h * 4 bytes RGBA, alpha 255. channel >= 0 shows that channel as grey
// (or through the colour map); channel -1 shows all: 1 channel -> grey, 2 channels -> R, G (B = 0),
// 3 or more -> the first three as RGB. If range_used is given it receives the range mapped to the
// ends: Clamp {0, 1}, MinMax {min, max}, Absolute {0, max|x|}, Diverging {-m, m}.
// Errors: InvalidArgument "channel must be -1 or within 0..2, got 3", and for Diverging with
// several displayed channels "diverging display needs one channel: pass a channel >= 0 for a
// 3-channel tensor, got -1"; InvalidShape for a malformed tensor.
std::vector<std::uint8_t> to_rgba8(const Tensor& t, int channel, DisplayMode mode, DisplayRange* range_used = nullptr);

// The range of the finite values (NaN and +-Inf left out) over the channels to_rgba8 shows for `channel`
// (-1: the first three). All zero when there is none. -0 is reported as 0.
struct FiniteRange {
  float lo = 0, hi = 0, max_abs = 0;
};
FiniteRange finite_range(const Tensor& t, int channel);

// to_rgba8 for a caller that already has the range (to choose a mode from it, say): `range` must be
// finite_range(t, channel) of this tensor; this saves a pass over it.
std::vector<std::uint8_t> to_rgba8(const Tensor& t, int channel, DisplayMode mode, const FiniteRange& range,
                                   DisplayRange* range_used = nullptr);

// A width x 1 RGBA strip for the UI's legend: pixel i shows the colour of t = i / (width - 1)
// (t = 0 for width 1) along the mode's range, lo on the left: a black-to-white ramp for Clamp,
// MinMax and Absolute, the blue-white-red map for Diverging. width >= 1.
std::vector<std::uint8_t> colormap_legend(DisplayMode mode, int width);

// Area-average downscale so that the longer side is at most max_side. The longer side becomes
// max_side, the shorter round(short * max_side / long) (at least 1). Each output pixel is the exact
// area-weighted mean of the source pixels it covers (fractional coverage at its edges), each of the
// four channels averaged on its own, rounded half up. An image already within max_side is copied
// unchanged. out_w / out_h (may be null) receive the new size. Errors: InvalidArgument for a null
// image, InvalidShape for sizes < 1, "max side must be >= 1, got 0".
std::vector<std::uint8_t> downscale_rgba8(const std::uint8_t* rgba, int width, int height, int max_side, int* out_w,
                                          int* out_h);

}  // namespace convlab
