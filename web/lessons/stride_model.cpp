#include "stride_model.h"

#include "geometry.h"
#include "kernels.h"
#include "padding.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("stride", "Stride",
                     "The window jumps s pixels: the output shrinks s times; the floor in the formula.",
                     30,
                     {},
                     {"settings", "stride", "kernel-size", "padding", "sizes", "step"});

int rows_read(int outputs, int stride, int span) { return (outputs - 1) * stride + span; }

float window_centre(int i, int stride, int span) { return float(i * stride) + float(span) * 0.5f; }

bool StrideModel::update(const cl::Tensor& input, int generation, const cl::Weights& depthwise, const cl::Conv2dParams& params,
                         const std::string& display) {
  const cl::Conv2dParams& p = params;
  CacheKey key;
  key.with(generation, depthwise.a, depthwise.b, depthwise.kh, depthwise.kw, depthwise.data);
  key.with(p.stride.h, p.stride.w, p.dilation.h, p.dilation.w, p.padding.top, p.padding.bottom, p.padding.left,
           p.padding.right, int(p.padding_mode), display);
  conv_.ask(key, input, generation, [&] {
    const bool new_image = crop_generation_ != generation;
    NumericCrop crop = new_image ? busiest_crop(input, kStrideCrop, kStrideCrop, kStrideCrop) : result_.crop;
    StrideResult r;
    r.params = p;
    r.params.groups = 1;
    r.crop_weight = cl::Weights(1, 1, depthwise.kh, depthwise.kw,
                                std::vector<float>(depthwise.data.begin(), depthwise.data.begin() + depthwise.kh * depthwise.kw));
    r.crop_out = cl::conv2d(crop.grey, r.crop_weight, r.params);  // the crop first: its errors are the lesson's
    r.padded = cl::pad(crop.grey, p.padding, p.padding_mode);
    r.crop_h = conv_size_formula(crop.grey.h, depthwise.kh, p.stride.h, p.padding.top, p.padding.bottom, p.dilation.h);
    r.crop_w = conv_size_formula(crop.grey.w, depthwise.kw, p.stride.w, p.padding.left, p.padding.right, p.dilation.w);
    cl::Conv2dParams whole = r.params;
    whole.groups = input.c;
    r.out_h = conv_size_formula(input.h, depthwise.kh, p.stride.h, p.padding.top, p.padding.bottom, p.dilation.h);
    r.out_w = conv_size_formula(input.w, depthwise.kw, p.stride.w, p.padding.left, p.padding.right, p.dilation.w);
    r.crop = std::move(crop);
    return std::pair{conv_job(depthwise, whole, display), std::move(r)};
  });
  auto landed = conv_.take();
  if (!landed) return false;
  shown_ = std::move(landed->result.output);
  result_ = std::move(landed->meta);
  result_.out = shown_.tensor;
  crop_generation_ = generation;
  ++version_;
  return true;
}

const std::vector<StrideExample>& stride_examples() {
  static const std::vector<StrideExample> examples = {
      {0, 1, "No padding, stride 1: (9 - 3) / 1 + 1 = 7."},
      {1, 1, "Padding 1 keeps the size: (9 + 2 - 3) / 1 + 1 = 9."},
      {1, 2, "Stride 2 roughly halves it: (9 + 2 - 3) / 2 + 1 = 5."},
      {0, 4, "Not whole: (9 - 3) / 4 = 1.5, the floor gives 1, so 2 outputs and the last 2 columns are never read."},
  };
  return examples;
}

std::string example_label(const StrideExample& e) {
  const int out = cl::conv_output_size(kStrideCrop, kExampleKernel, e.stride, 2 * e.pad, 1);
  return "p=" + std::to_string(e.pad) + (e.stride != 1 ? ", s=" + std::to_string(e.stride) : "") + " -> " + std::to_string(out);
}


bool shows_example(const State& s, const StrideExample& e) {
  return s.kh == kExampleKernel && s.kw == kExampleKernel && s.pad == e.pad && s.stride == e.stride && s.dilation == 1;
}

void apply_example(State& s, const StrideExample& e) {
  set_kernel_size(s, kExampleKernel);
  s.pad = e.pad;
  s.stride = e.stride;
  s.dilation = 1;
  s.pad_mode = "zeros";
  s.step = 0;
}

