#include "kernel_model.h"


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
      .with(s.preset, s.image)  // named in the snippet's first line
      .with(s.display);         // the workers colour the output too
  if (conv_.new_key(key)) {
    try {
      Asked a;
      a.weights = filter;
      a.params = conv;
      if (one) {
        a.params.groups = 1;
      } else {  // the same planes as C filters of depth 1
        a.weights.a = filter.b;
        a.weights.b = 1;
        a.params.groups = input.c;
      }
      cl::conv2d_output_shape(input, a.weights, a.params);  // first: its message names a bad argument
      a.formula_h = conv_size_formula(input.h, a.weights.kh, a.params.stride.h, p.top, p.bottom, a.params.dilation.h);
      a.formula_w = conv_size_formula(input.w, a.weights.kw, a.params.stride.w, p.left, p.right, a.params.dilation.w);
      a.snippet = pytorch_conv2d_snippet({input.c, input.h, input.w, a.weights, a.params, {},
                                          "ConvLab, lesson 'kernel': " + s.preset + " " + std::to_string(a.weights.kh) +
                                              "x" + std::to_string(a.weights.kw) + " on the '" + s.image + "' image"});
      const ConvJob job{a.weights, a.params, s.display, -1};
      conv_.submit(input, input_generation, job, std::move(a));
    } catch (const std::exception& e) {
      conv_.refuse(e.what());
    }
  }
  auto landed = conv_.take();
  if (!landed) return false;
  ConvResult& r = landed->result;
  Asked& a = landed->meta;
  shown = std::move(r.output);
  output = shown.tensor;
  weights = std::move(a.weights);
  params = a.params;
  formula_h = std::move(a.formula_h);
  formula_w = std::move(a.formula_w);
  snippet = std::move(a.snippet);
  compute_ms = r.compute_ms;
  workers = r.workers;
  ++version;
  return true;
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
