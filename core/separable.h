// Separable kernels: a 2-D kernel that is the outer product of a column and a row vector can be
// applied as two 1-D passes, O(kh + kw) per pixel instead of O(kh * kw).
#pragma once
#include <vector>

#include "conv2d.h"
#include "tensor.h"

namespace convlab {

struct Separation {
  bool separable = false;     // residual <= tolerance
  std::vector<float> column;  // kh values
  std::vector<float> row;     // kw values
  double residual = 0.0;      // ||K - column row^T||_F / ||K||_F of the best rank-1 approximation
};

// Best rank-1 approximation of k (Eckart-Young): column * row^T = sigma1 u1 v1^T, from an exact
// one-sided Jacobi SVD in double. The scale is split evenly (column = sqrt(sigma1) u1,
// row = sqrt(sigma1) v1) and the sign is chosen so the largest-|.| entry of column is positive
// (the first such entry on ties). residual is computed in double from the double-precision factors,
// so it equals sqrt(sigma2^2 + sigma3^2 + ...) / ||K||_F; it is 0 for the zero kernel (separable,
// with all-zero factors). Throws InvalidShape for a malformed kernel, InvalidKernel for a non-finite
// value ("kernel value at (0, 1) must be finite, got nan") and InvalidArgument for a negative or NaN
// tolerance.
Separation separate(const Kernel2D& k, double tolerance = 1e-6);

// outer(column, row): the kh x kw kernel column[y] * row[x] (in float).
Kernel2D outer(const std::vector<float>& column, const std::vector<float>& row);

// The depthwise convolution of every channel with outer(column, row), done as a column pass then a
// row pass: pad once with p.padding / p.padding_mode, run the column kernel down the padded rows
// (only the rows the strided output needs), then the row kernel along them. Equal, to float
// rounding, to conv2d(input, depthwise_weights(outer(column, row), C), p) with p.groups = C,
// borders included. p.groups must be 1 (the default, read as "per channel") or C.
Tensor separable_conv2d(const Tensor& input, const std::vector<float>& column, const std::vector<float>& row,
                        const Conv2dParams& p = {});

}  // namespace convlab
