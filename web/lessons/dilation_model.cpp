#include "dilation_model.h"

#include <algorithm>

#include "geometry.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("dilation", "Dilation",
                     "A kernel with holes: wider view, same weights; exponential receptive-field growth.",
                     60,
                     {},
                     {"settings", "dilation", "padding", "kernel-editor", "stack"});

bool DilationModel::update(const cl::Tensor& input, int generation, const cl::Weights& depthwise, const cl::Conv2dParams& params,
                           const std::string& display) {
  cl::Conv2dParams p = params;
  p.stride = cl::Pair{1, 1};
  p.groups = input.c;
  CacheKey key;
  key.with(generation, depthwise.a, depthwise.b, depthwise.kh, depthwise.kw, depthwise.data);
  key.with(p.dilation.h, p.dilation.w, p.padding.top, p.padding.bottom, p.padding.left, p.padding.right, int(p.padding_mode));
  key.with(display);
  conv_.ask(key, input, generation, [&] {
    cl::conv2d_output_shape(input, depthwise, p);  // first: its message names a bad argument
    DilationResult r;
    r.kernel = cl::Kernel2D(depthwise.kh, depthwise.kw,
                            std::vector<float>(depthwise.data.begin(), depthwise.data.begin() + depthwise.kh * depthwise.kw));
    r.params = p;
    r.span_h = cl::effective_kernel(depthwise.kh, p.dilation.h);
    r.span_w = cl::effective_kernel(depthwise.kw, p.dilation.w);
    return std::pair{conv_job(depthwise, p, display), std::move(r)};
  });
  auto landed = conv_.take();
  if (!landed) return false;
  shown_ = std::move(landed->result.output);
  result_ = std::move(landed->meta);
  result_.out = shown_.tensor;
  ++version_;
  return true;
}

bool Footprint::tap(int ty, int tx, int* i, int* j) const {
  if (ty < 0 || tx < 0 || ty >= span_h() || tx >= span_w() || ty % dilation.h || tx % dilation.w) return false;
  *i = ty / dilation.h;
  *j = tx / dilation.w;
  return true;
}

int Footprint::taps_inside(int in_h, int in_w) const {
  int n = 0;
  for (int i = 0; i < kh; ++i)
    for (int j = 0; j < kw; ++j) {
      const int y = y0 + i * dilation.h, x = x0 + j * dilation.w;
      n += y >= 0 && x >= 0 && y < in_h && x < in_w;
    }
  return n;
}

Footprint footprint_of(const DilationResult& r, int oy, int ox) {
  return Footprint{oy - r.params.padding.top, ox - r.params.padding.left, r.kernel.h, r.kernel.w, r.params.dilation};
}

cl::Pair output_centred_on(const DilationResult& r, int iy, int ix) {
  return cl::Pair{std::clamp(iy + r.params.padding.top - (r.span_h - 1) / 2, 0, std::max(0, r.out.shape().h - 1)),
                  std::clamp(ix + r.params.padding.left - (r.span_w - 1) / 2, 0, std::max(0, r.out.shape().w - 1))};
}

DilatedStack dilated_stack(int k) {
  DilatedStack s;
  std::vector<cl::Layer> plain;
  for (int d : {1, 2, 4, 8}) {
    cl::Layer l;
    l.kernel = cl::Pair{k, k};
    l.dilation = cl::Pair{d, d};
    l.padding = cl::Pair{d * (k - 1) / 2, d * (k - 1) / 2};
    s.dilated.push_back(l);
    l.dilation = cl::Pair{1, 1};
    l.padding = cl::Pair{(k - 1) / 2, (k - 1) / 2};
    plain.push_back(l);
  }
  const std::vector<cl::FieldInfo> fd = cl::receptive_field(s.dilated), fp = cl::receptive_field(plain);
  for (std::size_t i = 0; i < fd.size(); ++i)
    s.rows.push_back(StackRow{s.dilated[i].dilation.h, cl::effective_kernel(k, s.dilated[i].dilation.h), fd[i].size.h, fp[i].size.h});
  return s;
}

std::string DilatedStack::fields_text() const {
  std::string text;
  for (const StackRow& r : rows) text += (text.empty() ? "" : ",") + std::to_string(r.field);
  return text;
}

std::vector<cl::Layer> DilatedStack::link_layers() const {
  std::vector<cl::Layer> layers = dilated;
  for (cl::Layer& l : layers) l.padding = cl::Pair{std::min(l.padding.h, 8), std::min(l.padding.w, 8)};
  return layers;
}
