#include "separable.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "error.h"
#include "geometry.h"
#include "conv2d_rows.h"
#include "padding.h"

namespace convlab {

static void check_kernel(const Kernel2D& k) {
  checked_count("kernel", {k.h, k.w});
  if (k.data.size() != std::size_t(k.h) * k.w)
    fail(ErrorCode::InvalidKernel, "kernel data length must be " + std::to_string(std::size_t(k.h) * k.w) +
                                       " to match its shape, got " + std::to_string(k.data.size()));
  for (int y = 0; y < k.h; ++y)
    for (int x = 0; x < k.w; ++x)
      if (!std::isfinite(k.at(y, x)))
        fail(ErrorCode::InvalidKernel, "kernel value at (" + std::to_string(y) + ", " + std::to_string(x) +
                                           ") must be finite, got " + std::to_string(k.at(y, x)));
}

// One-sided Jacobi (Hestenes) SVD of the m x n matrix a (row-major), in place: on return the
// columns of a are mutually orthogonal, a = U * diag(sigma), and v (n x n, row-major) holds V,
// so that the input equals a * v^T. Rotations are applied until no pair of columns is
// non-orthogonal beyond rounding; kernels are tiny, so this converges in a handful of sweeps.
static void jacobi_svd(std::vector<double>& a, int m, int n, std::vector<double>& v) {
  v.assign(std::size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i) v[std::size_t(i) * n + i] = 1.0;
  const double eps = 1e-15;
  for (int sweep = 0; sweep < 100; ++sweep) {
    bool rotated = false;
    for (int i = 0; i < n - 1; ++i)
      for (int j = i + 1; j < n; ++j) {
        double alpha = 0, beta = 0, gamma = 0;
        for (int r = 0; r < m; ++r) {
          const double ai = a[std::size_t(r) * n + i], aj = a[std::size_t(r) * n + j];
          alpha += ai * ai;
          beta += aj * aj;
          gamma += ai * aj;
        }
        if (gamma == 0.0 || std::abs(gamma) <= eps * std::sqrt(alpha * beta)) continue;
        rotated = true;
        const double zeta = (beta - alpha) / (2.0 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::sqrt(1.0 + zeta * zeta));
        const double c = 1.0 / std::sqrt(1.0 + t * t), s = c * t;
        auto rotate = [&](std::vector<double>& x, int rows) {
          for (int r = 0; r < rows; ++r) {
            double& xi = x[std::size_t(r) * n + i];
            double& xj = x[std::size_t(r) * n + j];
            const double ti = xi, tj = xj;
            xi = c * ti - s * tj;
            xj = s * ti + c * tj;
          }
        };
        rotate(a, m);
        rotate(v, n);
      }
    if (!rotated) break;
  }
}

Separation separate(const Kernel2D& k, double tolerance) {
  check_kernel(k);
  if (!(tolerance >= 0))
    fail(ErrorCode::InvalidArgument, "tolerance must be >= 0, got " + std::to_string(tolerance));
  const int m = k.h, n = k.w;
  std::vector<double> a(k.data.begin(), k.data.end()), v;
  double norm2 = 0;
  for (double x : a) norm2 += x * x;

  Separation out;
  out.column.assign(m, 0.0f);
  out.row.assign(n, 0.0f);
  if (norm2 == 0.0) {  // the zero kernel: 0 * 0^T, exactly separable
    out.separable = true;
    return out;
  }
  jacobi_svd(a, m, n, v);

  // The largest singular value is the longest column of the rotated matrix.
  int best = 0;
  double sigma2 = -1;
  for (int j = 0; j < n; ++j) {
    double s2 = 0;
    for (int r = 0; r < m; ++r) s2 += a[std::size_t(r) * n + j] * a[std::size_t(r) * n + j];
    if (s2 > sigma2) sigma2 = s2, best = j;
  }
  const double sigma = std::sqrt(sigma2), root = std::sqrt(sigma);
  std::vector<double> col(m), row(n);
  for (int r = 0; r < m; ++r) col[r] = a[std::size_t(r) * n + best] / sigma * root;
  for (int c = 0; c < n; ++c) row[c] = v[std::size_t(c) * n + best] * root;
  int big = 0;
  for (int r = 1; r < m; ++r)
    if (std::abs(col[r]) > std::abs(col[big])) big = r;
  if (col[big] < 0) {
    for (double& x : col) x = -x;
    for (double& x : row) x = -x;
  }

  double err2 = 0;
  for (int y = 0; y < m; ++y)
    for (int x = 0; x < n; ++x) {
      const double d = double(k.at(y, x)) - col[y] * row[x];
      err2 += d * d;
    }
  out.residual = std::sqrt(err2 / norm2);
  out.separable = out.residual <= tolerance;
  for (int r = 0; r < m; ++r) out.column[r] = float(col[r]);
  for (int c = 0; c < n; ++c) out.row[c] = float(row[c]);
  return out;
}

Kernel2D outer(const std::vector<float>& column, const std::vector<float>& row) {
  Kernel2D k(int(column.size()), int(row.size()));
  for (int y = 0; y < k.h; ++y)
    for (int x = 0; x < k.w; ++x) k.at(y, x) = column[y] * row[x];
  return k;
}

Tensor separable_conv2d(const Tensor& input, const std::vector<float>& column, const std::vector<float>& row,
                        const Conv2dParams& p) {
  check_tensor("input", input);
  if (column.empty()) fail(ErrorCode::InvalidKernel, "column length must be >= 1, got 0");
  if (row.empty()) fail(ErrorCode::InvalidKernel, "row length must be >= 1, got 0");
  checked_count("kernel", {std::int64_t(column.size()), std::int64_t(row.size())});
  check_stride(p.stride);
  check_dilation(p.dilation);
  if (p.groups != 1 && p.groups != input.c)
    fail(ErrorCode::InvalidGroups, "groups must be 1 or the input channels " + std::to_string(input.c) +
                                       " for a separable (per-channel) convolution, got " + std::to_string(p.groups));
  check_padding(p.padding, p.padding_mode, input.h, input.w);
  const int kh = int(column.size()), kw = int(row.size());
  const int oh = conv_output_size(input.h, kh, p.stride.h, p.padding.top + p.padding.bottom, p.dilation.h, "height");
  const int ow = conv_output_size(input.w, kw, p.stride.w, p.padding.left + p.padding.right, p.dilation.w, "width");
  checked_count("output", {input.c, oh, ow});

  // Per output row: the column pass runs the column kernel down the input rows the row needs, read
  // in place (rows outside the input map to the row the padding mode names, or to a zero row),
  // into tmp's interior [left, left + W); tmp's border columns are then filled from it by the same
  // padding rule (padding along x commutes with filtering along y). The row pass runs the row
  // kernel along tmp (for stride > 1, along tmp split into stride phases so every tap is contiguous).
  // Both passes are the conv2d row-pass kernels (conv2d_rows.h), in chunks of at most kMaxTaps taps.
  const rows::PassTable& kernels = rows::pass_table();
  const int sh = p.stride.h, sw = p.stride.w, dh = p.dilation.h, dw = p.dilation.w;
  const int W = input.w, left = p.padding.left;
  const int padded_w = W + left + p.padding.right;
  const int phase_len = (padded_w + sw - 1) / sw;
  std::vector<float> tmp(padded_w), phases(sw > 1 ? std::size_t(phase_len) * sw : 0), zero_row(W, 0.0f);
  std::vector<const float*> col_ptr(kh), row_ptr(kw);
  auto run_taps = [&](float* dst, const float* const* ptrs, const float* w, int taps, int n) {
    for (int t = 0; t < taps; t += rows::kMaxTaps) {
      const int nt = std::min(rows::kMaxTaps, taps - t);
      (t == 0 ? kernels.init[nt] : kernels.accumulate[nt])(dst, ptrs + t, w + t, n, 0.0f);
    }
  };
  const float* row_src = sw == 1 ? tmp.data() : phases.data();
  for (int kx = 0; kx < kw; ++kx) {
    const int o = kx * dw;
    row_ptr[kx] = row_src + (sw == 1 ? std::size_t(o) : std::size_t(o % sw) * phase_len + std::size_t(o / sw));
  }

  Tensor out = Tensor::uninitialized(input.c, oh, ow);  // every row is written whole below
  for (int c = 0; c < input.c; ++c) {
    const float* src = input.plane(c);
    for (int oy = 0; oy < oh; ++oy) {
      for (int ky = 0; ky < kh; ++ky) {
        const int sy = pad_source_index(oy * sh + ky * dh - p.padding.top, input.h, p.padding_mode);
        col_ptr[ky] = sy < 0 ? zero_row.data() : src + std::size_t(sy) * W;
      }
      run_taps(tmp.data() + left, col_ptr.data(), column.data(), kh, W);
      pad_borders(tmp.data(), W, left, p.padding.right, p.padding_mode);
      if (sw > 1) rows::split_phases(tmp.data(), padded_w, sw, phase_len, phases.data());
      run_taps(out.plane(c) + std::size_t(oy) * ow, row_ptr.data(), row.data(), kw, ow);
    }
  }
  return out;
}

}  // namespace convlab
