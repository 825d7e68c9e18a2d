#include "kernel_model.h"

#include <chrono>

#include "kernels.h"
#include "lesson_info.h"
#include "pytorch_snippet.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("kernel", "The kernel",
                     "A kernel slides over the image; kernel depth = channels.",
                     10,
                     {url::bool_field<KernelParams>("one", &KernelParams::one_filter)},
                     {"kernel-editor", "presets", "depth", "conv-options", "display", "export", "step"});

bool KernelModel::update(const State& s, const cl::Tensor& input, int input_generation, const cl::Weights& filter,
                         const cl::Conv2dParams& conv) {
  const bool one = lesson_params<KernelParams>(s).one_filter;  // for one channel both layouts are [1, 1, k, k]
  const cl::Pad4& p = conv.padding;
  CacheKey key;
  key.with(input_generation, filter.a, filter.b, filter.kh, filter.kw, filter.data, one)
      .with(p.top, p.bottom, p.left, p.right, int(conv.padding_mode), conv.stride.h, conv.stride.w, conv.dilation.h,
            conv.dilation.w)
      .with(s.preset, s.image);  // named in the snippet's first line
  return recompute_(key, [&] {
    cl::Weights w = filter;
    cl::Conv2dParams c = conv;
    if (one) {
      c.groups = 1;
    } else {  // the same planes as C filters of depth 1
      w.a = filter.b;
      w.b = 1;
      c.groups = input.c;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto out = std::make_shared<const cl::Tensor>(cl::conv2d(input, w, c));  // first: its message names a bad argument
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    FormulaText fh = conv_size_formula(input.h, w.kh, c.stride.h, p.top, p.bottom, c.dilation.h);
    FormulaText fw = conv_size_formula(input.w, w.kw, c.stride.w, p.left, p.right, c.dilation.w);
    snippet = pytorch_conv2d_snippet({input.c, input.h, input.w, w, c, {},
                                      "ConvLab, lesson 'kernel': " + s.preset + " " + std::to_string(w.kh) + "x" +
                                          std::to_string(w.kw) + " on the '" + s.image + "' image"});
    output = std::move(out);
    weights = std::move(w);
    params = c;
    formula_h = std::move(fh);
    formula_w = std::move(fw);
    compute_ms = ms;
    ++version;
  });
}

std::string KernelModel::kernel_text() const { return std::to_string(weights.kh) + "x" + std::to_string(weights.kw); }

std::string KernelModel::weight_shape_text() const {
  return std::to_string(weights.a) + "x" + std::to_string(weights.b) + "x" + kernel_text();
}

std::string KernelModel::padding_text() const {
  const cl::Pad4& p = params.padding;
  return std::to_string(p.top) + "," + std::to_string(p.bottom) + "," + std::to_string(p.left) + "," +
         std::to_string(p.right);
}

EdgeAxis edge_axis(const std::string& preset) {
  if (preset == "sobel_y" || preset == "prewitt_y") return EdgeAxis::Horizontal;
  if (preset == "sobel_x" || preset == "prewitt_x") return EdgeAxis::Vertical;
  return EdgeAxis::None;
}
