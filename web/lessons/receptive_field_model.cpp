#include "receptive_field_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "conv2d.h"
#include "error.h"
#include "geometry.h"
#include "lesson_info.h"
#include "pool.h"

namespace {

// pixel=ROW,COL (0-based), or pixel=centre for the image's centre. Whether it is inside the image is
// the model's to check: the link does not know the image.
UrlField pixel_field() {
  return {"pixel",
          [](const State& s) {
            const ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(s);
            if (p.pixel_y == -1 && p.pixel_x == -1) return std::string("centre");
            return std::to_string(p.pixel_y) + "," + std::to_string(p.pixel_x);
          },
          [](State& s, const std::string& v) {
            ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(s);
            if (v == "centre") {
              p.pixel_y = p.pixel_x = -1;
              return;
            }
            const std::vector<std::string> parts = url::split(v, ',');
            if (parts.size() != 2) url::bad("pixel", "expected ROW,COL or centre, got " + url::quoted(v));
            const int y = url::parse_int("pixel", parts[0], 0, 1 << 16), x = url::parse_int("pixel", parts[1], 0, 1 << 16);
            p.pixel_y = y, p.pixel_x = x;
          }};
}

}  // namespace

REGISTER_LESSON_INFO("receptive-field", "Receptive field",
                     "Which input pixels one unit of a layer stack can see, by how many paths, and which units one pixel reaches.",
                     40,
                     {url::choice_field<ReceptiveFieldParams>("field", &ReceptiveFieldParams::field, [] { return rf_field_choices(); }),
                      pixel_field()},
                     {"layers", "layer", "projective"});

namespace cl = convlab;
using Layer = cl::Layer;

namespace {

std::string pair_text(cl::Pair p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

std::string rect_text(const cl::Rect& r) {
  return std::to_string(r.y0) + "," + std::to_string(r.x0) + "," + std::to_string(r.y1) + "," + std::to_string(r.x1);
}

std::string g9(double v) {  // as LessonContext::publish(double) writes numbers
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// Rows x columns of a rectangle (0x0 when empty).
cl::Pair extent(const cl::Rect& r) { return rect_empty(r) ? cl::Pair{0, 0} : cl::Pair{r.y1 - r.y0, r.x1 - r.x0}; }

// floor(a / 2), also for negative a.
long long half_down(long long a) { return a >= 0 ? a / 2 : -((-a + 1) / 2); }

// The field of unit (y, x) of a layer from its FieldInfo; the unit may lie in a layer's padding.
cl::Rect field_rect(const cl::FieldInfo& f, long long y, long long x) {
  const int y0 = int(std::lround(f.start_h + double(y) * f.jump.h - (f.size.h - 1) / 2.0));
  const int x0 = int(std::lround(f.start_w + double(x) * f.jump.w - (f.size.w - 1) / 2.0));
  return cl::Rect{y0, x0, y0 + f.size.h, x0 + f.size.w};
}

std::vector<cl::Rect> nested_rects(const std::vector<Layer>& layers, const std::vector<cl::FieldInfo>& fields, int L,
                                   cl::Pair unit, const cl::Rect& rect) {
  std::vector<cl::Rect> nested(std::size_t(L + 1));
  long long a0 = unit.h, a1 = unit.h, b0 = unit.w, b1 = unit.w;  // the units of layer l the chosen one reads
  for (int l = L; l >= 0; --l) {
    nested[std::size_t(l)] = field_rect(fields[std::size_t(l)], half_down(a0 + a1), half_down(b0 + b1));
    const Layer& ly = layers[std::size_t(l)];
    a0 = a0 * ly.stride.h - ly.padding.h;
    a1 = a1 * ly.stride.h - ly.padding.h + (long long)(ly.kernel.h - 1) * ly.dilation.h;
    b0 = b0 * ly.stride.w - ly.padding.w;
    b1 = b1 * ly.stride.w - ly.padding.w + (long long)(ly.kernel.w - 1) * ly.dilation.w;
  }
  nested[std::size_t(L)] = rect;
  return nested;
}

CacheKey stack_key(const std::vector<Layer>& layers, int in_h, int in_w) {
  CacheKey k;
  k.with(layers_to_text(layers), in_h, in_w);
  return k;
}

}  // namespace

const std::vector<std::string>& rf_field_choices() {
  static const std::vector<std::string> choices{"receptive", "projective", "both"};
  return choices;
}

bool shows_projective(const State& s) { return lesson_params<ReceptiveFieldParams>(s).field != "receptive"; }
bool shows_receptive(const State& s) { return lesson_params<ReceptiveFieldParams>(s).field != "projective"; }

std::string rf_number(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

cl::Tensor layer_grid_picture(const cl::Tensor& input, const std::vector<Layer>& layers, int layer_index) {
  cl::Tensor t(1, input.h, input.w);
  for (int y = 0; y < t.h; ++y)
    for (int x = 0; x < t.w; ++x) {
      float sum = 0;
      for (int c = 0; c < input.c; ++c) sum += input.at(c, y, x);
      t.at(0, y, x) = sum / float(input.c);
    }
  for (int l = 0; l <= layer_index; ++l) {
    const Layer& ly = layers[std::size_t(l)];
    if (ly.type == Layer::Type::Pool) {
      cl::Pool2dParams p;
      p.kernel = ly.kernel, p.stride = ly.stride, p.padding = ly.padding, p.dilation = ly.dilation;
      t = cl::pool2d(t, p);
      for (float& v : t.data)
        if (!std::isfinite(v)) v = 0.0f;  // a window of padding alone: -inf
    } else {
      cl::Weights w(1, 1, ly.kernel.h, ly.kernel.w, 1.0f / float(ly.kernel.h * ly.kernel.w));
      cl::Conv2dParams p;
      p.stride = ly.stride, p.dilation = ly.dilation;
      p.padding = cl::Pad4{ly.padding.h, ly.padding.h, ly.padding.w, ly.padding.w};
      t = cl::conv2d(t, w, p);
    }
  }
  return t;
}

void ReceptiveFieldModel::update(const State& s, const cl::Tensor& input, int input_generation,
                                 const RfPointer& pointer) {
  geometry_(stack_key(s.layers, input.h, input.w), [&] {
    std::vector<cl::FieldInfo> fields = cl::receptive_field(s.layers);
    std::vector<cl::Pair> sizes = cl::layer_output_sizes(s.layers, input.h, input.w);
    layers_ = s.layers, in_h_ = input.h, in_w_ = input.w;
    fields_ = std::move(fields), sizes_ = std::move(sizes);
  });
  if (!ok()) return;
  const int n = int(layers_.size());
  layer_ = s.rf_layer >= 0 && s.rf_layer < n ? s.rf_layer : n - 1;
  unit_ = choose_unit(s, pointer);
  CacheKey unit_key = stack_key(layers_, in_h_, in_w_);
  unit_key.with(layer_, unit_.h, unit_.w);
  unit_recompute_(unit_key, [&] {
    const cl::Rect rect = cl::input_rect(layers_, layer_, unit_.h, unit_.w);
    const cl::Rect clipped = cl::input_rect_clipped(layers_, layer_, unit_.h, unit_.w, in_h_, in_w_);
    cl::PathCounts paths = cl::path_counts(layers_, layer_, unit_.h, unit_.w, in_h_, in_w_);
    nested_ = nested_rects(layers_, fields_, layer_, unit_, rect);
    rect_ = rect, clipped_ = clipped, paths_ = std::move(paths);
  });
  const cl::Pair pixel = choose_pixel(s, pointer);
  CacheKey pixel_key = stack_key(layers_, in_h_, in_w_);
  pixel_key.with(pixel.h, pixel.w);
  projective_recompute_(pixel_key, [&] {
    std::vector<cl::ProjectiveField> projective = cl::projective_field(layers_, in_h_, in_w_, pixel.h, pixel.w);
    projective_ = std::move(projective), pixel_ = pixel;
  });
  CacheKey grid_key = stack_key(layers_, in_h_, in_w_);
  grid_key.with(layer_, input_generation);
  grid_recompute_(grid_key, [&] {
    grid_ = layer_grid_picture(input, layers_, layer_);
    ++grid_generation_;
  });
}

std::string ReceptiveFieldModel::error() const {
  for (const Recompute* r : {&geometry_, &unit_recompute_, &grid_recompute_, &projective_recompute_})
    if (!r->error().empty()) return r->error();
  return pixel_error_;
}

cl::Pair ReceptiveFieldModel::unit_near_pixel(int layer, int y, int x) const {
  const cl::FieldInfo& f = fields_[std::size_t(layer)];
  const cl::Pair out = sizes_[std::size_t(layer)];
  return cl::Pair{std::clamp(int(std::lround((y - f.start_h) / f.jump.h)), 0, out.h - 1),
                  std::clamp(int(std::lround((x - f.start_w) / f.jump.w)), 0, out.w - 1)};
}

// The pointer first (a unit of the grid, or the unit nearest an input pixel), then a clicked unit
// (State::step, its index in the layer's output), else the centre of the output.
cl::Pair ReceptiveFieldModel::choose_unit(const State& s, const RfPointer& pointer) const {
  const cl::Pair out = sizes_[std::size_t(layer_)];
  if (pointer.over == RfPointer::Over::Grid && pointer.y >= 0 && pointer.x >= 0 && pointer.y < out.h && pointer.x < out.w)
    return cl::Pair{pointer.y, pointer.x};
  // Over the input the pointer picks a pixel instead when the projective field is shown.
  if (pointer.over == RfPointer::Over::Input && !shows_projective(s)) return unit_near_pixel(layer_, pointer.y, pointer.x);
  if (s.step >= 0 && s.step < out.h * out.w) return cl::Pair{s.step / out.w, s.step % out.w};
  return cl::Pair{out.h / 2, out.w / 2};
}

// The pointer over the input when the projective field is shown, else the setting (the image's centre
// by default). A setting outside the image is refused: the previous pixel stays, moved inside the image
// should the image have shrunk, and the setting to go back to is the last one that fitted.
cl::Pair ReceptiveFieldModel::choose_pixel(const State& s, const RfPointer& pointer) {
  const ReceptiveFieldParams& p = lesson_params<ReceptiveFieldParams>(s);
  const cl::Pair centre{in_h_ / 2, in_w_ / 2};
  const auto inside = [&](cl::Pair q) { return q.h >= 0 && q.w >= 0 && q.h < in_h_ && q.w < in_w_; };
  const bool asks_centre = p.pixel_y == -1 && p.pixel_x == -1;
  cl::Pair pixel = asks_centre ? centre : cl::Pair{p.pixel_y, p.pixel_x};
  pixel_error_.clear();
  try {
    cl::check_input_pixel(in_h_, in_w_, pixel.h, pixel.w);
    kept_setting_ = cl::Pair{p.pixel_y, p.pixel_x};
  } catch (const cl::Error& e) {
    pixel_error_ = e.what();
    pixel = pixel_.h < 0 ? centre : cl::Pair{std::clamp(pixel_.h, 0, in_h_ - 1), std::clamp(pixel_.w, 0, in_w_ - 1)};
    const bool kept_fits = (kept_setting_.h == -1 && kept_setting_.w == -1) || inside(kept_setting_);
    if (!kept_fits) kept_setting_ = pixel;
  }
  if (pointer.over == RfPointer::Over::Input && shows_projective(s) && inside(cl::Pair{pointer.y, pointer.x}))
    pixel = cl::Pair{pointer.y, pointer.x};
  return pixel;
}

RfRule ReceptiveFieldModel::rule() const {
  const Layer& l = layers_[std::size_t(layer_)];
  RfRule r;
  if (layer_ > 0) {
    r.below_size = fields_[std::size_t(layer_ - 1)].size.w;
    r.below_jump = fields_[std::size_t(layer_ - 1)].jump.w;
  }
  r.span = cl::effective_kernel(l.kernel.w, l.dilation.w);
  r.size = fields_[std::size_t(layer_)].size.w;
  return r;
}

double ReceptiveFieldModel::interior_paths() const {
  double product = 1;
  for (int l = 0; l <= layer_; ++l) product *= double(layers_[std::size_t(l)].kernel.h) * layers_[std::size_t(l)].kernel.w;
  return product;
}

std::string ReceptiveFieldModel::interior_paths_text() const {
  std::string t;
  for (int l = 0; l <= layer_; ++l)
    t += (l ? " x " : "") + std::to_string(layers_[std::size_t(l)].kernel.h * layers_[std::size_t(l)].kernel.w);
  return t;
}

std::vector<std::pair<std::string, std::string>> ReceptiveFieldModel::readout() const {
  std::vector<std::pair<std::string, std::string>> r;
  if (!ok()) return r;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const std::string k = std::to_string(i + 1);
    const cl::FieldInfo& f = fields_[i];
    r.emplace_back("size_" + k, pair_text(f.size));
    r.emplace_back("jump_" + k, pair_text(f.jump));
    r.emplace_back("start_" + k, rf_number(f.start_h) + "," + rf_number(f.start_w));
    r.emplace_back("out_" + k, pair_text(sizes_[i]));
  }
  const cl::FieldInfo& f = fields_[std::size_t(layer_)];
  r.emplace_back("layers", g9(double(fields_.size())));
  r.emplace_back("layer", g9(layer_ + 1));
  r.emplace_back("unit", std::to_string(unit_.h) + "," + std::to_string(unit_.w));
  r.emplace_back("field", pair_text(f.size));
  r.emplace_back("field_pixels", g9(double(f.size.h) * f.size.w));
  r.emplace_back("rect", rect_text(rect_));
  r.emplace_back("rect_clipped", rect_text(clipped_));
  r.emplace_back("paths_total", g9(paths_.total()));
  r.emplace_back("paths_support", g9(double(paths_.support())));
  for (std::size_t i = 0; i < projective_.size(); ++i) {
    const std::string k = std::to_string(i + 1);
    const cl::ProjectiveField& p = projective_[i];
    r.emplace_back("pf_box_" + k, rect_text(p.box));
    r.emplace_back("pf_extent_" + k, pair_text(extent(p.box)));
    r.emplace_back("pf_units_" + k, g9(double(p.units())));
    r.emplace_back("pf_paths_" + k, g9(p.total()));
  }
  const cl::ProjectiveField& p = projective_at_layer();
  r.emplace_back("pixel", std::to_string(pixel_.h) + "," + std::to_string(pixel_.w));
  r.emplace_back("pf_extent", pair_text(extent(p.box)));
  r.emplace_back("pf_units", g9(double(p.units())));
  r.emplace_back("pf_unit_paths", g9(pixel_to_unit_paths()));
  return r;
}
