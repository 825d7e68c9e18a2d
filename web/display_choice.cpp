#include "display_choice.h"

namespace cl = convlab;

cl::DisplayMode resolve_display(const std::string& display, const cl::FiniteRange& r) {
  if (const auto named = cl::parse_display_mode(display)) return *named;
  if (r.lo >= 0.0f && r.hi <= 1.0f) return cl::DisplayMode::Clamp;
  return r.lo < 0.0f ? cl::DisplayMode::Diverging : cl::DisplayMode::MinMax;
}

cl::DisplayMode resolve_display(const std::string& display, const cl::Tensor& t, int channel) {
  return resolve_display(display, cl::finite_range(t, channel));
}

DisplayChoice choose_display(const std::string& display, const cl::Tensor& t, int channel, const cl::FiniteRange& range) {
  DisplayChoice c;
  c.channel = channel >= t.c ? -1 : channel;
  c.mode = c.resolved = resolve_display(display, range);
  if (c.mode == cl::DisplayMode::Diverging && c.channel < 0 && t.c > 1) {
    if (display == "auto") c.mode = cl::DisplayMode::Absolute;
    else c.channel = 0;
  }
  return c;
}

ShownOutput shown_output(std::shared_ptr<const cl::Tensor> t, const std::string& display, int channel) {
  ShownOutput o;
  o.rgba = displayed_rgba(*t, display, channel, &o.choice, &o.range);
  o.tensor = std::move(t);
  o.display = display;
  o.channel = channel;
  return o;
}

std::vector<std::uint8_t> displayed_rgba(const cl::Tensor& t, const std::string& display, int channel, DisplayChoice* choice,
                                         cl::DisplayRange* range_used) {
  const int shown = channel >= t.c ? -1 : channel;
  const cl::FiniteRange range = cl::finite_range(t, shown);
  const DisplayChoice c = choose_display(display, t, shown, range);
  if (choice) *choice = c;
  // The range is reused when the choice kept the channel; channel 0 of a colour image has its own.
  return c.channel == shown ? cl::to_rgba8(t, c.channel, c.mode, range, range_used) : cl::to_rgba8(t, c.channel, c.mode, range_used);
}
