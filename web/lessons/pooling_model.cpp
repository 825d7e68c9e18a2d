#include "pooling_model.h"

#include <algorithm>

#include "lesson_info.h"
#include "receptive_field.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("pooling", "Pooling",
                     "Max, mean and min pooling; ceil mode; how pooling grows the receptive field.",
                     50,
                     {url::choice_field<PoolingParams>("pool", &PoolingParams::mode,
                                                       [] {
                                                         std::vector<std::string> modes;
                                                         for (cl::PoolMode m : {cl::PoolMode::Max, cl::PoolMode::Mean, cl::PoolMode::Min})
                                                           modes.push_back(cl::pool_mode_name(m));
                                                         return modes;
                                                       }),
                      url::int_field<PoolingParams>("pk", &PoolingParams::k, 1, 15),
                      url::int_field<PoolingParams>("ps", &PoolingParams::s, 1, 15),
                      url::int_field<PoolingParams>("pp", &PoolingParams::p, 0, 7),
                      url::bool_field<PoolingParams>("ceil", &PoolingParams::ceil_mode),
                      url::bool_field<PoolingParams>("cip", &PoolingParams::count_include_pad)},
                     {"settings", "mode", "kernel", "stride", "padding", "ceil", "cip", "step", "formula", "field"});

cl::Pool2dParams pool_params(const PoolingParams& p) {
  cl::Pool2dParams q;
  q.mode = cl::parse_pool_mode(p.mode).value_or(cl::PoolMode::Max);
  q.kernel = cl::Pair{p.k, p.k};
  q.stride = cl::Pair{p.s, p.s};
  q.padding = cl::Pair{p.p, p.p};
  q.ceil_mode = p.ceil_mode;
  q.count_include_pad = p.count_include_pad;
  return q;
}

int field_after_conv3(int k, int s, int p) {
  cl::Layer pool, conv3;
  pool.type = cl::Layer::Type::Pool;
  pool.kernel = cl::Pair{k, k};
  pool.stride = cl::Pair{s, s};
  pool.padding = cl::Pair{p, p};
  return cl::receptive_field({pool, conv3})[1].size.h;
}

bool PoolingModel::update(const PoolingParams& p, const cl::Tensor& input, int input_generation, const std::string& display) {
  CacheKey key;
  key.with(input_generation, p.mode, p.k, p.s, p.p, p.ceil_mode, p.count_include_pad, display);
  pool_.ask(key, input, input_generation, [&] {
    const cl::Pool2dParams q = pool_params(p);
    PoolingResult r;
    r.params = p;
    r.formula_h = pool_size_formula(input.h, p.k, p.s, p.p, 1, p.ceil_mode);
    r.formula_w = pool_size_formula(input.w, p.k, p.s, p.p, 1, p.ceil_mode);
    if (crop_generation_ != input_generation) {
      crop_ = busiest_crop(input, kCrop, kCrop, kCrop);
      crop_generation_ = input_generation;
    }
    r.crop = crop_;
    try {
      r.crop_out = cl::pool2d(r.crop.grey, q);
    } catch (const std::exception&) {
      r.crop_out = cl::Tensor();  // a window larger than the padded crop: the grid says so, the image still pools
    }
    r.field = field_after_conv3(p.k, p.s, p.p);
    return std::pair{pool_job(q, display), std::move(r)};
  });
  auto landed = pool_.take();
  if (!landed) return false;
  PoolingResult& r = landed->meta;
  r.shown = std::move(landed->result.output);
  r.output = r.shown.tensor;
  r.compute_ms = landed->result.compute_ms;
  r.workers = landed->result.workers;
  r.generation = result_.generation + 1;
  result_ = std::move(r);
  return true;
}

PoolGridExtent crop_grid_extent(const PoolingResult& r, const PoolingParams& p) {
  const cl::Tensor& crop = r.crop.grey;
  PoolGridExtent g{-p.p, -p.p, crop.h + p.p, crop.w + p.p};
  if (!r.crop_out.empty()) {  // the last window may hang past the padding in ceil mode
    g.y1 = std::max(g.y1, (r.crop_out.h - 1) * p.s - p.p + p.k);
    g.x1 = std::max(g.x1, (r.crop_out.w - 1) * p.s - p.p + p.k);
  }
  return g;
}

PoolWindow pool_window(const PoolingResult& r, const PoolingParams& p, int cell) {
  const cl::Tensor& crop = r.crop.grey;
  const cl::Tensor& out = r.crop_out;
  if (cell < 0 || cell >= out.h * out.w) cell = 0;
  PoolWindow w;
  w.oy = cell / out.w, w.ox = cell % out.w;
  w.y0 = w.oy * p.s - p.p, w.x0 = w.ox * p.s - p.p;
  for (int y = w.y0; y < w.y0 + p.k; ++y)
    for (int x = w.x0; x < w.x0 + p.k; ++x) {
      if (y >= 0 && x >= 0 && y < crop.h && x < crop.w) {
        w.pixels.push_back(crop.at(0, y, x));
        w.sum += crop.at(0, y, x);
        ++w.in_input;
      } else if (y >= -p.p && x >= -p.p && y < crop.h + p.p && x < crop.w + p.p) {
        ++w.in_padding;
      } else {
        ++w.beyond;
      }
    }
  // PyTorch's avg_pool2d: the window clipped to the padded input, or to the input alone.
  w.divisor = p.count_include_pad ? w.in_input + w.in_padding : w.in_input;
  w.value = out.at(0, w.oy, w.ox);
  return w;
}
