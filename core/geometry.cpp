#include "geometry.h"

#include <string>

#include "error.h"

namespace convlab {

static std::string pair_text(Pair p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

void check_stride(Pair s) {
  if (s.h < 1 || s.w < 1) fail(ErrorCode::InvalidStride, "stride must be >= 1, got " + pair_text(s));
}

void check_dilation(Pair d) {
  if (d.h < 1 || d.w < 1) fail(ErrorCode::InvalidDilation, "dilation must be >= 1, got " + pair_text(d));
}

void check_groups(int groups, int in_c, int out_c) {
  if (groups < 1) fail(ErrorCode::InvalidGroups, "groups must be >= 1, got " + std::to_string(groups));
  if (in_c % groups != 0)
    fail(ErrorCode::InvalidGroups, "groups must divide the input channels " + std::to_string(in_c) + ", got " +
                                       std::to_string(groups));
  if (out_c % groups != 0)
    fail(ErrorCode::InvalidGroups, "groups must divide the output channels " + std::to_string(out_c) + ", got " +
                                       std::to_string(groups));
}

void check_bias(std::size_t bias_length, std::int64_t out_channels) {
  if (bias_length != 0 && std::int64_t(bias_length) != out_channels)
    fail(ErrorCode::ShapeMismatch, "bias length must be the output channels " + std::to_string(out_channels) + ", got " +
                                       std::to_string(bias_length));
}

static void check_positive(ErrorCode code, const char* what, const char* axis, int value) {
  if (value < 1)
    fail(code, std::string(what) + " " + axis + " must be >= 1, got " + std::to_string(value));
}

int conv_output_size(int in, int kernel, int stride, int pad_total, int dilation, const char* axis) {
  check_positive(ErrorCode::InvalidShape, "input", axis, in);
  check_positive(ErrorCode::InvalidKernel, "kernel", axis, kernel);
  check_positive(ErrorCode::InvalidStride, "stride", axis, stride);
  check_positive(ErrorCode::InvalidDilation, "dilation", axis, dilation);
  if (pad_total < 0) fail(ErrorCode::InvalidPadding, std::string("padding ") + axis + " must be >= 0, got " + std::to_string(pad_total));
  const long long span = (long long)(kernel - 1) * dilation + 1;
  const long long padded = (long long)in + pad_total;
  if (span > padded)
    fail(ErrorCode::KernelTooLarge, std::string("kernel ") + axis + " " + std::to_string(kernel) + " (dilated span " +
                                        std::to_string(span) + ") must fit the padded input " + axis + " " +
                                        std::to_string(padded) + ", got output " + axis + " < 1");
  return int((padded - span) / stride + 1);
}

int pool_output_size(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode, const char* axis) {
  check_positive(ErrorCode::InvalidShape, "input", axis, in);
  check_positive(ErrorCode::InvalidKernel, "kernel", axis, kernel);
  check_positive(ErrorCode::InvalidStride, "stride", axis, stride);
  check_positive(ErrorCode::InvalidDilation, "dilation", axis, dilation);
  if (pad < 0 || 2LL * pad > kernel)  // 64-bit: 2 * pad must not overflow
    fail(ErrorCode::InvalidPadding, std::string("padding ") + axis + " must be between 0 and half the kernel (" +
                                        std::to_string(kernel / 2) + "), got " + std::to_string(pad));
  const long long span = (long long)(kernel - 1) * dilation + 1;
  const long long room = (long long)in + 2LL * pad - span;
  // PyTorch divides rounding toward negative infinity: in ceil mode a window may overhang the
  // padded input (room < 0), e.g. in 2, kernel 3, stride 2 gives 1, not an error.
  const long long num = room + (ceil_mode ? stride - 1 : 0);
  long long out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= (long long)in + pad) --out;
  if (out < 1)
    fail(ErrorCode::KernelTooLarge, std::string("pooling window ") + axis + " " + std::to_string(kernel) +
                                        " (dilated span " + std::to_string(span) + ") must fit the padded input " +
                                        axis + " " + std::to_string(in + 2LL * pad) + ", got output " + axis + " < 1");
  return int(out);
}

int conv_transpose_output_size(int in, int kernel, int stride, int pad, int output_padding, int dilation,
                               const char* axis) {
  check_positive(ErrorCode::InvalidShape, "input", axis, in);
  check_positive(ErrorCode::InvalidKernel, "kernel", axis, kernel);
  check_positive(ErrorCode::InvalidStride, "stride", axis, stride);
  check_positive(ErrorCode::InvalidDilation, "dilation", axis, dilation);
  if (pad < 0) fail(ErrorCode::InvalidPadding, std::string("padding ") + axis + " must be >= 0, got " + std::to_string(pad));
  if (output_padding < 0 || (output_padding >= stride && output_padding >= dilation))
    fail(ErrorCode::InvalidPadding, std::string("output padding ") + axis + " must be >= 0 and smaller than stride or dilation, got " +
                                        std::to_string(output_padding));
  const long long out = (long long)(in - 1) * stride - 2LL * pad + (long long)dilation * (kernel - 1) + output_padding + 1;
  if (out < 1)
    fail(ErrorCode::KernelTooLarge, std::string("transposed output ") + axis + " must be >= 1, got " + std::to_string(out));
  if (out > kMaxElements) fail(ErrorCode::TooLarge, std::string("transposed output ") + axis + " is too large: " + std::to_string(out));
  return int(out);
}

}  // namespace convlab
