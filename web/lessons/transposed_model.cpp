#include "transposed_model.h"

#include <algorithm>
#include <cmath>

#include "geometry.h"
#include "lesson_info.h"

namespace cl = convlab;

REGISTER_LESSON_INFO("transposed", "Transposed convolution",
                     "Zeros between pixels, padding, a rotated kernel: how a transposed convolution upsamples, and its checkerboard.",
                     80,
                     {url::int_field<TransposedParams>("tin", &TransposedParams::in, 1, 64),
                      url::int_field<TransposedParams>("tk", &TransposedParams::k, 1, 9),
                      url::int_field<TransposedParams>("ts", &TransposedParams::s, 1, 8),
                      url::int_field<TransposedParams>("tp", &TransposedParams::p, 0, 16),
                      url::int_field<TransposedParams>("top", &TransposedParams::op, 0, 7),
                      url::int_field<TransposedParams>("tfrom", &TransposedParams::from, 1, 4096),
                      url::int_field<TransposedParams>("tto", &TransposedParams::to, 1, 4096)},
                     {"settings", "input", "kernel", "stride", "padding", "output-padding", "step", "solver", "upsampling"});

cl::ConvTranspose2dParams transposed_params(const TransposedParams& p) {
  cl::ConvTranspose2dParams q;
  q.stride = cl::Pair{p.s, p.s};
  q.padding = cl::Pair{p.p, p.p};
  q.output_padding = cl::Pair{p.op, p.op};
  return q;
}

TransposedDemo make_demo(const TransposedParams& p) {
  TransposedDemo d;
  d.params = p;
  d.input = cl::Tensor(1, p.in, p.in);
  for (int y = 0; y < p.in; ++y)
    for (int x = 0; x < p.in; ++x) d.input.at(0, y, x) = float((y * p.in + x) % 9 + 1);
  d.kernel = cl::Weights(1, 1, p.k, p.k);
  for (int y = 0; y < p.k; ++y)
    for (int x = 0; x < p.k; ++x) d.kernel.at(0, 0, y, x) = float((y + 2 * x) % 3 + 1);
  const cl::ConvTranspose2dParams q = transposed_params(p);
  d.steps = cl::conv_transpose2d_steps(d.input, d.kernel, q);
  d.direct = cl::conv_transpose2d(d.input, d.kernel, q);
  float scale = 1;
  for (std::size_t i = 0; i < d.direct.size(); ++i) {
    d.max_diff = std::max(d.max_diff, std::fabs(d.direct.data[i] - d.steps.output.data[i]));
    scale = std::max(scale, std::fabs(d.direct.data[i]));
    d.sum_steps += d.steps.output.data[i];
    d.sum_direct += d.direct.data[i];
  }
  d.equal = d.max_diff <= 1e-4f * scale;
  return d;
}

CellKind zero_inserted_kind(const TransposedDemo& d, int y, int x) {
  return y % d.params.s == 0 && x % d.params.s == 0 ? CellKind::Value : CellKind::Inserted;
}

CellKind padded_kind(const TransposedDemo& d, int y, int x) {
  const int zy = y - d.steps.padding.top, zx = x - d.steps.padding.left;  // a negative pad crops: the shift reverses
  const cl::Tensor& zi = d.steps.zero_inserted;
  if (zy < 0 || zx < 0 || zy >= zi.h || zx >= zi.w) return CellKind::Padding;
  return zero_inserted_kind(d, zy, zx);
}

CellSum cell_sum(const TransposedDemo& d, int cell) {
  const cl::Tensor& out = d.steps.output;
  if (cell < 0 || cell >= out.h * out.w) cell = 0;
  CellSum c;
  c.oy = cell / out.w, c.ox = cell % out.w;
  for (int y = 0; y < d.steps.rotated.kh; ++y)
    for (int x = 0; x < d.steps.rotated.kw; ++x) {
      const float a = d.steps.padded.at(0, c.oy + y, c.ox + x);
      if (a != 0) c.taps.emplace_back(a, d.steps.rotated.at(0, 0, y, x));
    }
  c.value = out.at(0, c.oy, c.ox);
  return c;
}

std::vector<SizeSetting> solve_transposed_size(int from, int to) {
  std::vector<SizeSetting> found;
  // out = (in - 1)*s - 2p + (k - 1) + op + 1, so for each (s, k, op) at most one p fits.
  for (int s = 1; s <= kSolverMaxStride; ++s)
    for (int k = 1; k <= kSolverMaxKernel; ++k)
      for (int op = 0; op < s; ++op) {
        const long long twice_p = (long long)(from - 1) * s + (k - 1) + op + 1 - to;
        if (twice_p < 0 || twice_p % 2 != 0 || twice_p / 2 > kSolverMaxPadding) continue;
        const int p = int(twice_p / 2);
        try {  // the core has the last word on what is allowed
          if (cl::conv_transpose_output_size(from, k, s, p, op, 1) == to) found.push_back({k, s, p, op});
        } catch (const std::exception&) {
        }
      }
  std::stable_sort(found.begin(), found.end(), [](const SizeSetting& a, const SizeSetting& b) {
    if (a.s != b.s) return a.s < b.s;
    if (a.op != b.op) return a.op < b.op;
    return a.k < b.k;
  });
  return found;
}

Checkerboard checkerboard(const TransposedParams& p) {
  Checkerboard c;
  const cl::Weights ones(1, 1, p.k, p.k, 1.0f);
  try {
    c.counts = cl::conv_transpose2d(cl::Tensor(1, 4, 4, 1.0f), ones, transposed_params(p));
  } catch (const std::exception&) {
    return Checkerboard{};  // invalid settings: the demo's error says why
  }
  // Away from the border of a full (unpadded) output every pixel would get the same count if the copies
  // overlapped evenly: rows and columns k - 1 .. (n - 1)*s of an n x n input.
  const int n = 16;
  cl::ConvTranspose2dParams full;
  full.stride = cl::Pair{p.s, p.s};
  const cl::Tensor f = cl::conv_transpose2d(cl::Tensor(1, n, n, 1.0f), ones, full);
  c.min = 1e30f, c.max = -1e30f;
  for (int y = p.k - 1; y <= (n - 1) * p.s; ++y)
    for (int x = p.k - 1; x <= (n - 1) * p.s; ++x) c.min = std::min(c.min, f.at(0, y, x)), c.max = std::max(c.max, f.at(0, y, x));
  return c;
}

Upsampling upsample(const cl::Tensor& img) {
  const int n = kUpsamplingInput;
  const int m = std::min(img.h, img.w), y0 = (img.h - m) / 2, x0 = (img.w - m) / 2;
  Upsampling u;
  u.small = cl::Tensor(img.c, n, n);
  for (int c = 0; c < img.c; ++c)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        const int ya = y0 + y * m / n, yb = std::max(ya + 1, y0 + (y + 1) * m / n);
        const int xa = x0 + x * m / n, xb = std::max(xa + 1, x0 + (x + 1) * m / n);
        double sum = 0;
        for (int yy = ya; yy < yb; ++yy)
          for (int xx = xa; xx < xb; ++xx) sum += img.at(c, yy, xx);
        u.small.at(c, y, x) = float(sum / double((yb - ya) * (xb - xa)));
      }
  // Bilinear: the outer product of (1/4, 3/4, 3/4, 1/4) with itself, one kernel per channel.
  const float b1[4] = {0.25f, 0.75f, 0.75f, 0.25f};
  cl::Weights bilinear(img.c, 1, 4, 4);
  for (int c = 0; c < img.c; ++c)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 4; ++x) bilinear.at(c, 0, y, x) = b1[y] * b1[x];
  cl::ConvTranspose2dParams pb;
  pb.stride = {2, 2};
  pb.padding = {1, 1};
  pb.groups = img.c;
  // All ones, scaled by s^2 / k^2 = 4/9 so that the mean brightness stays.
  const cl::Weights ones(img.c, 1, 3, 3, 4.0f / 9.0f);
  cl::ConvTranspose2dParams po = pb;
  po.output_padding = {1, 1};
  u.bilinear = cl::conv_transpose2d(u.small, bilinear, pb);
  u.ones = cl::conv_transpose2d(u.small, ones, po);
  return u;
}

namespace {

// The cell size at which the rows of grids fit the box (0 if none does), and their places.
GridLayout place_rows(const std::vector<GridSize>& g, const std::vector<std::vector<int>>& rows, float box_w, float box_h,
                      float caption_h, float gap, float max_cell) {
  auto place = [&](float cell, GridLayout* out) {
    float y = 0;
    for (const auto& row : rows) {
      float x = 0, row_h = 0;
      for (int i : row) {
        const float w = float(g[i].w) * cell, h = float(g[i].h) * cell;
        if (out) out->grids[i] = PlacedGrid{x, y, w, h};
        x += std::max(w, g[i].caption_w) + gap;
        row_h = std::max(row_h, h);
      }
      if (x - gap > box_w) return false;
      y += caption_h + row_h + gap;
    }
    return y - gap <= box_h;
  };
  GridLayout best;
  best.grids.resize(g.size());
  for (float cell = max_cell; cell >= 0.1f; cell -= cell > 1.0f ? 0.25f : 0.05f)  // below a pixel: outlines only
    if (place(cell, &best)) {
      best.cell = cell;
      return best;
    }
  return best;
}

}  // namespace

GridLayout layout_step_grids(const std::vector<GridSize>& g, float box_w, float box_h, float caption_h, float gap, float max_cell) {
  const std::vector<std::vector<std::vector<int>>> arrangements = {
      {{0, 1, 2, 3, 4, 5}}, {{0, 1, 2}, {3, 4, 5}}, {{0, 3}, {1, 4}, {2, 5}}};
  GridLayout best;
  for (const auto& rows : arrangements) {
    GridLayout l = place_rows(g, rows, box_w, box_h, caption_h, gap, max_cell);
    if (best.grids.empty() || l.cell > best.cell) best = std::move(l);
  }
  if (best.cell == 0) best = place_rows(g, arrangements[1], 1e9f, 1e9f, caption_h, gap, 1.0f);  // not even the captions fit: 1 px cells
  return best;
}

void TransposedModel::update(const TransposedParams& p, const cl::Tensor& image, int image_generation) {
  CacheKey key;
  key.with(p.in, p.k, p.s, p.p, p.op);
  if (demo_rc_(key, [&] { demo_ = make_demo(p); })) ++demo_generation_;
  try {
    formula_ = transposed_size_formula(p.in, p.k, p.s, p.p, p.op, 1);
  } catch (const std::exception&) {
    formula_.reset();  // the demo's error names the rule
  }
  checker_rc_(key, [&] { checker_ = checkerboard(p); });
  solver_rc_(CacheKey().with(p.from, p.to), [&] { solutions_ = solve_transposed_size(p.from, p.to); });
  if (!image.empty() && upsampling_rc_(CacheKey().with(image_generation), [&] { upsampling_ = upsample(image); }))
    ++upsampling_generation_;
}

std::string TransposedModel::error() const {
  if (!demo_rc_.error().empty()) return "transposed convolution: " + demo_rc_.error();
  if (!upsampling_rc_.error().empty()) return "upsampling: " + upsampling_rc_.error();
  return "";
}
