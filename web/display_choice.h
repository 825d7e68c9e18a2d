// How a view turns a tensor into colours, decided in one place for the view and for "Export PNG", so
// the file is exactly what the view shows. No ImGui: tested natively.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "image.h"
#include "lazy_tensor.h"
#include "tensor.h"

struct DisplayChoice {
  convlab::DisplayMode mode = convlab::DisplayMode::Clamp;      // what the pixels are mapped with
  convlab::DisplayMode resolved = convlab::DisplayMode::Clamp;  // what `display` resolved to (readouts name it)
  int channel = -1;                                             // -1 all (RGB or grey), else one channel
};

class PooledRgba;  // conv_client.h

// An output with its colours worked out, as a view shows it (ImageView::set_displayed): rgba is
// displayed_rgba(*tensor, display, channel, &choice, &range), computed where the output was (a worker).
struct ShownOutput {
  LazyTensor tensor;  // a worker's values are copied here when first read
  std::vector<std::uint8_t> rgba;
  // Instead of rgba, for a worker's output: the bytes stay in the buffers the workers transferred, and the
  // view uploads them to its texture from there (4 MB less to copy per 1024x1024 result).
  std::shared_ptr<const PooledRgba> pooled_rgba;
  DisplayChoice choice;
  convlab::DisplayRange range{0, 1};
  std::string display = "auto";
  int channel = -1;
};

// t with its colours worked out here (displayed_rgba).
ShownOutput shown_output(std::shared_ptr<const convlab::Tensor> t, const std::string& display, int channel = -1);

// The mode `display` names ("clamp", "minmax", "abs", "diverging"), or for "auto" the one the values ask
// for: clamp within [0, 1], diverging when any is negative, else min-max. r: the finite range shown.
convlab::DisplayMode resolve_display(const std::string& display, const convlab::FiniteRange& r);
convlab::DisplayMode resolve_display(const std::string& display, const convlab::Tensor& t, int channel = -1);

// A diverging map shows one signed quantity. Chosen automatically for a signed colour image it would
// hide two channels, so auto shows |value| of all three instead; asked for by name, it shows channel 0.
// `range` is finite_range(t, channel).
DisplayChoice choose_display(const std::string& display, const convlab::Tensor& t, int channel, const convlab::FiniteRange& range);

// The RGBA bytes of t as a view with this display and channel shows them (and Export PNG writes them);
// the choice made and the range mapped are stored where asked.
std::vector<std::uint8_t> displayed_rgba(const convlab::Tensor& t, const std::string& display, int channel = -1,
                                         DisplayChoice* choice = nullptr, convlab::DisplayRange* range_used = nullptr);
