#include "padding_model.h"

#include <algorithm>

#include "kernels.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("padding", "Padding",
                     "Valid, same and the five ways to fill the border.",
                     20,
                     {},
                     {"amount", "kernel-size", "mode", "corner", "step"});

const std::vector<PadModeInfo>& pad_mode_infos() {
  static const std::vector<PadModeInfo> modes = {
      {cl::PadMode::Zeros, "0 0 | a b c",
       "Outside reads 0 (PyTorch's default). A blur darkens the border: the window averages in black."},
      {cl::PadMode::Reflect, "c b | a b c",
       "Mirror WITHOUT repeating the edge pixel (torch 'reflect', OpenCV BORDER_REFLECT_101). Needs padding < image size."},
      {cl::PadMode::Symmetric, "b a | a b c",
       "Mirror WITH the edge pixel repeated (numpy 'symmetric', OpenCV BORDER_REFLECT). PyTorch has no such mode."},
      {cl::PadMode::Replicate, "a a | a b c",
       "The edge pixel copied outwards, again and again (torch 'replicate', OpenCV BORDER_REPLICATE). Not a mirror."},
      {cl::PadMode::Circular, "b c | a b c",
       "Wraps around: the last rows/columns pad the first side, as if the image were tiled (torch 'circular', OpenCV "
       "BORDER_WRAP)."},
  };
  return modes;
}

bool PaddingModel::update(const cl::Tensor& input, int input_generation, const cl::Weights& depthwise,
                          const cl::Conv2dParams& conv, const std::string& display) {
  const cl::Pad4& p = conv.padding;
  CacheKey key;
  key.with(input_generation, depthwise.a, depthwise.b, depthwise.kh, depthwise.kw, depthwise.data)
      .with(p.top, p.bottom, p.left, p.right, int(conv.padding_mode), conv.dilation.h, conv.dilation.w, display);
  conv_.ask(key, input, input_generation, [&] {
    Asked a;
    a.params = conv;
    a.params.stride = cl::Pair{1, 1};
    a.params.groups = input.c;
    // pad() first: its message names what the mode cannot fill ("reflect padding, got 40"). A new kernel
    // on the same padding reuses the last padded image (12 MB to fill again, and its view to recolour).
    CacheKey pad_key;
    pad_key.with(input_generation, p.top, p.bottom, p.left, p.right, int(conv.padding_mode));
    if (!last_padded_ || pad_key != last_pad_key_) {
      last_padded_ = std::make_shared<const cl::Tensor>(cl::pad(input, p, a.params.padding_mode));
      last_pad_key_ = pad_key;
    }
    a.padded = last_padded_;
    a.weights = depthwise;
    a.formula_h = conv_size_formula(input.h, depthwise.kh, 1, p.top, p.bottom, a.params.dilation.h);
    a.formula_w = conv_size_formula(input.w, depthwise.kw, 1, p.left, p.right, a.params.dilation.w);
    a.in_h = input.h;
    a.in_w = input.w;
    const ImageJob job = conv_job(depthwise, a.params, display);
    return std::pair{job, std::move(a)};
  });
  auto landed = conv_.take();
  if (!landed) return false;
  Asked& a = landed->meta;
  shown = std::move(landed->result.output);
  output = shown.tensor;
  padded = std::move(a.padded);
  weights = std::move(a.weights);
  params = a.params;
  formula_h = std::move(a.formula_h);
  formula_w = std::move(a.formula_w);
  in_h = a.in_h;
  in_w = a.in_w;
  ++version;
  return true;
}

std::string PaddingModel::padding_text() const {
  const cl::Pad4& p = params.padding;
  return std::to_string(p.top) + "," + std::to_string(p.bottom) + "," + std::to_string(p.left) + "," +
         std::to_string(p.right);
}

PadSource PaddingModel::source(int y, int x) const {
  const int sy = cl::pad_source_index(y, in_h, params.padding_mode), sx = cl::pad_source_index(x, in_w, params.padding_mode);
  if (sy < 0 || sx < 0) return {};
  return {sy, sx};
}

std::string PaddingModel::source_text(int y, int x) const {
  const PadSource s = source(y, x);
  return s.zero() ? "zero" : std::to_string(s.y) + "," + std::to_string(s.x);
}

std::string PaddingModel::amount_note(int pad) const {
  if (pad > 0 || weights.kh == 0) return "";
  const int d = params.dilation.h, kh = weights.kh, kw = weights.kw;
  const int total_h = d * (kh - 1), total_w = params.dilation.w * (kw - 1);
  const std::string k = std::to_string(kh) + "x" + std::to_string(kw);
  const std::string axis = kh == kw ? std::to_string(total_h) + " per axis"
                                    : std::to_string(total_h) + " rows, " + std::to_string(total_w) + " columns";
  if (pad == 0)
    return "valid: no padding, so the output is d*(k-1) = " + axis + " smaller than the input (" + k + " kernel, d = " +
           std::to_string(d) + ").";
  const cl::Pad4& p = params.padding;
  std::string note = "same for a " + k + " kernel: d*(k-1) = " + std::to_string(d) + "*(" + std::to_string(kh) + "-1) = " +
                     axis + " -> top " + std::to_string(p.top) + ", bottom " + std::to_string(p.bottom) + ", left " +
                     std::to_string(p.left) + ", right " + std::to_string(p.right);
  if (p.top != p.bottom || p.left != p.right) note += " (odd total: the extra pixel goes bottom/right, as in PyTorch)";
  return note;
}

CornerGrid corner_grid(const PaddingModel& m, int image_cells, int pad_cells) {
  CornerGrid g;
  if (!m.padded) return g;
  const cl::Tensor& padded = *m.padded;
  const cl::Pad4& p = m.params.padding;
  g.pad_rows = std::min(p.top, pad_cells);
  g.pad_cols = std::min(p.left, pad_cells);
  g.rows = g.pad_rows + std::min(image_cells, m.in_h);
  g.cols = g.pad_cols + std::min(image_cells, m.in_w);
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      CornerCell cell;
      cell.y = r - g.pad_rows;
      cell.x = c - g.pad_cols;
      cell.src = m.source(cell.y, cell.x);
      cell.padding = cell.y < 0 || cell.x < 0;
      for (int k = 0; k < 3; ++k) cell.rgb[k] = padded.at(std::min(k, padded.c - 1), cell.y + p.top, cell.x + p.left);
      g.cells.push_back(cell);
    }
  return g;
}

