#include "kernel_model.h"

#include <chrono>

#include "error.h"
#include "kernels.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("kernel", "The kernel",
                     "A kernel slides over the image; kernel depth = channels.",
                     10,
                     {url::bool_field<KernelParams>("one", &KernelParams::one_filter),
                      UrlField{"act",
                               [](const State& s) {
                                 return std::string(cl::activation_name(lesson_params<KernelParams>(s).activation));
                               },
                               [](State& s, const std::string& v) {
                                 url::check_choice("act", v, {"none", "relu", "abs"});
                                 lesson_params<KernelParams>(s).activation = *cl::parse_activation(v);
                               }},
                      url::int_field<KernelParams>("again", &KernelParams::repeats, 1, kMaxRepeats)},
                     {"kernel-editor", "presets", "depth", "after", "activation", "again", "conv-options", "display",
                      "export", "step"});

KernelLayout kernel_layout(const cl::Weights& filter, const cl::Conv2dParams& conv, bool one_filter) {
  KernelLayout l{filter, conv};
  if (one_filter) {
    l.params.groups = 1;
  } else {  // the same planes as C filters of depth 1
    l.weights.a = filter.b;
    l.weights.b = 1;
    l.params.groups = filter.b;
  }
  return l;
}

KernelResult compute_kernel_output(const cl::Tensor& input, const cl::Weights& weights, const cl::Conv2dParams& params,
                                   cl::Activation activation, int repeats) {
  if (repeats < 1 || repeats > kMaxRepeats)
    cl::fail(cl::ErrorCode::InvalidArgument,
             "applications must be from 1 to " + std::to_string(kMaxRepeats) + ", got " + std::to_string(repeats));
  if (repeats > 1 && weights.a != input.c)
    cl::fail(cl::ErrorCode::ShapeMismatch,
             "apply again feeds the output back as the input, so it needs as many output channels as input channels: "
             "this filter sums " + std::to_string(input.c) + " channels into " + std::to_string(weights.a) +
                 ". Choose 'each channel on its own (depthwise)', or apply it once.");
  KernelResult r;
  r.shapes.push_back({input.c, input.h, input.w});
  std::shared_ptr<const cl::Tensor> x;  // the current input; null: `input`
  for (int i = 1; i <= repeats; ++i) {
    const cl::Tensor& in = x ? *x : input;
    cl::Tensor conv;
    try {
      conv = cl::conv2d(in, weights, params);
    } catch (const cl::Error& e) {
      if (repeats == 1) throw;
      cl::fail(e.code(), "application " + std::to_string(i) + " of " + std::to_string(repeats) + " (input " +
                             std::to_string(in.h) + "x" + std::to_string(in.w) + "): " + e.what());
    }
    r.shapes.push_back({conv.c, conv.h, conv.w});
    if (i < repeats) {  // only the last application's conv2d is kept before its activation
      cl::activate_in_place(conv, activation);
      x = std::make_shared<const cl::Tensor>(std::move(conv));
      continue;
    }
    const cl::Pad4& p = params.padding;
    r.formula_h = conv_size_formula(in.h, weights.kh, params.stride.h, p.top, p.bottom, params.dilation.h);
    r.formula_w = conv_size_formula(in.w, weights.kw, params.stride.w, p.left, p.right, params.dilation.w);
    r.last_input = x;
    r.last_conv = std::make_shared<const cl::Tensor>(std::move(conv));
    r.output = activation == cl::Activation::None ? r.last_conv
                                                  : std::make_shared<const cl::Tensor>(cl::activate(*r.last_conv, activation));
  }
  return r;
}

bool KernelModel::update(const State& s, const cl::Tensor& input, int input_generation, const cl::Weights& filter,
                         const cl::Conv2dParams& conv) {
  const KernelParams& kp = lesson_params<KernelParams>(s);
  const cl::Pad4& p = conv.padding;
  CacheKey key;
  key.with(input_generation, filter.a, filter.b, filter.kh, filter.kw, filter.data, kp.one_filter, int(kp.activation),
           kp.repeats)
      .with(p.top, p.bottom, p.left, p.right, int(conv.padding_mode), conv.stride.h, conv.stride.w, conv.dilation.h,
            conv.dilation.w)
      .with(s.preset, s.image)  // named in the snippet's first line
      .with(s.display);         // the workers colour the output too
  bool computed_here = false;
  if (conv_.new_key(key)) {
    try {
      const KernelLayout l = kernel_layout(filter, conv, kp.one_filter);  // for one channel both layouts are [1, 1, k, k]
      Asked a;
      a.weights = l.weights;
      a.params = l.params;
      a.activation = kp.activation;
      a.repeats = kp.repeats;
      PytorchConv py{input.c, input.h, input.w, l.weights, l.params, {},
                     "ConvLab, lesson 'kernel': " + s.preset + " " + std::to_string(l.weights.kh) + "x" +
                         std::to_string(l.weights.kw) + " on the '" + s.image + "' image"};
      py.activation = kp.activation;
      py.repeats = kp.repeats;
      if (kp.repeats == 1) {
        const cl::Tensor out = cl::conv2d_output_shape(input, l.weights, l.params);  // first: its message names a bad argument
        a.shapes = {{input.c, input.h, input.w}, {out.c, out.h, out.w}};
        a.formula_h = conv_size_formula(input.h, l.weights.kh, l.params.stride.h, p.top, p.bottom, l.params.dilation.h);
        a.formula_w = conv_size_formula(input.w, l.weights.kw, l.params.stride.w, p.left, p.right, l.params.dilation.w);
        a.snippet = py;
        a.input_generation = input_generation;
        conv_.submit(input, input_generation, conv_job(l.weights, l.params, s.display, kp.activation), std::move(a));
      } else {
        // Applications feed each other, so they are not split into bands: computed here, at once. A job
        // still in the workers is for an older setting and is not shown.
        const auto t0 = std::chrono::steady_clock::now();
        KernelResult r = compute_kernel_output(input, l.weights, l.params, kp.activation, kp.repeats);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        a.snippet = py;
        a.shapes = std::move(r.shapes);
        a.formula_h = std::move(r.formula_h);
        a.formula_w = std::move(r.formula_w);
        a.input_generation = input_generation;
        conv_.drop_pending();
        shown = shown_output(std::move(r.output), s.display);
        output = shown.tensor;
        last_input = std::move(r.last_input);
        last_conv = std::move(r.last_conv);
        compute_ms = ms;
        workers = 0;
        adopt(std::move(a));
        computed_here = true;
      }
    } catch (const std::exception& e) {
      conv_.refuse(e.what());
    }
  }
  auto landed = conv_.take();
  if (!landed) return computed_here;
  shown = std::move(landed->result.output);
  output = shown.tensor;
  last_input = nullptr;  // one application: it read the image
  // The activation, if any, ran in the workers too: conv_before_activation() recomputes the row it needs.
  last_conv = landed->meta.activation == cl::Activation::None ? output : LazyTensor();
  compute_ms = landed->result.compute_ms;
  workers = landed->result.workers;
  adopt(std::move(landed->meta));
  return true;
}

void KernelModel::adopt(Asked&& a) {
  weights = std::move(a.weights);
  params = a.params;
  activation = a.activation;
  repeats = a.repeats;
  shapes = std::move(a.shapes);
  formula_h = std::move(a.formula_h);
  formula_w = std::move(a.formula_w);
  snippet_source_ = std::move(a.snippet);
  input_generation = a.input_generation;
  ++version;
}

float KernelModel::conv_before_activation(const cl::Tensor& input, int channel, int oy, int ox) {
  if (last_conv) return last_conv.value(channel, oy, ox);
  if (conv_row_version_ != version || conv_row_y_ != oy) {
    // conv2d_band's rows are conv2d's bit for bit: the value the workers activated.
    conv_row_ = cl::conv2d_band(last_input ? *last_input : input, weights, params, oy, oy + 1);
    conv_row_version_ = version;
    conv_row_y_ = oy;
  }
  return conv_row_.at(channel, 0, ox);
}

const std::string& KernelModel::snippet() {
  if (snippet_version_ != version) {
    snippet_ = pytorch_conv2d_snippet(snippet_source_);
    snippet_version_ = version;
  }
  return snippet_;
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

std::string KernelModel::shapes_text() const {
  std::string t;
  for (const auto& sh : shapes)
    t += (t.empty() ? "" : ",") + std::to_string(sh[0]) + "x" + std::to_string(sh[1]) + "x" + std::to_string(sh[2]);
  return t;
}

EdgeAxis edge_axis(const std::string& preset) {
  if (preset == "sobel_y" || preset == "prewitt_y") return EdgeAxis::Horizontal;
  if (preset == "sobel_x" || preset == "prewitt_x") return EdgeAxis::Vertical;
  return EdgeAxis::None;
}
