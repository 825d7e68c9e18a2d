// Hostile inputs to every public core function: each must throw convlab::Error with the right code and a
// message naming the parameter and its value — never crash, never another exception — and the next
// valid call must still be right.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "conv2d.h"
#include "conv_transpose.h"
#include "cost.h"
#include "erf.h"
#include "error.h"
#include "geometry.h"
#include "image.h"
#include "kernels.h"
#include "padding.h"
#include "pool.h"
#include "receptive_field.h"
#include "reference.h"
#include "separable.h"

namespace convlab {
namespace {

struct HostileCase {
  const char* name;
  std::function<void()> call;
  ErrorCode code;
  const char* message_part;  // must appear in the message
};

Conv2dParams conv(std::function<void(Conv2dParams&)> edit) {
  Conv2dParams p;
  edit(p);
  return p;
}

Tensor bad_length_tensor() {  // a header that lies about its data
  Tensor t(1, 4, 4);
  t.data.resize(3);
  return t;
}

const Tensor kImage = reference::random_tensor(3, 8, 8, 11);
const Weights kKernel = reference::random_weights(2, 3, 3, 3, 12);

std::vector<HostileCase> cases() {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  (void)nan;
  return {
      {"stride_zero", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.stride = {0, 1}; })); }, ErrorCode::InvalidStride, "stride must be >= 1, got 0x1"},
      {"stride_negative", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.stride = {-2, -2}; })); }, ErrorCode::InvalidStride, "got -2x-2"},
      {"dilation_zero", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.dilation = {1, 0}; })); }, ErrorCode::InvalidDilation, "dilation must be >= 1, got 1x0"},
      {"padding_negative", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.padding = {0, -1, 0, 0}; })); }, ErrorCode::InvalidPadding, "padding bottom must be >= 0, got -1"},
      {"reflect_pad_equal_size", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.padding = {8, 8, 0, 0}; p.padding_mode = PadMode::Reflect; })); }, ErrorCode::InvalidPadding, "must be < input size 8 for reflect padding, got 8"},
      {"circular_pad_over_size", [] { pad(kImage, {0, 0, 9, 0}, PadMode::Circular); }, ErrorCode::InvalidPadding, "padding left must be <= input size 8 for circular padding, got 9"},
      {"symmetric_pad_over_size", [] { pad(kImage, {0, 0, 0, 9}, PadMode::Symmetric); }, ErrorCode::InvalidPadding, "for symmetric padding, got 9"},
      {"kernel_bigger_than_padded_input", [] { conv2d(kImage, reference::random_weights(1, 3, 11, 3, 1)); }, ErrorCode::KernelTooLarge, "kernel height 11"},
      {"dilated_kernel_bigger_than_input", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.dilation = {4, 4}; })); }, ErrorCode::KernelTooLarge, "dilated span 9"},
      {"groups_zero", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.groups = 0; })); }, ErrorCode::InvalidGroups, "groups must be >= 1, got 0"},
      {"groups_not_dividing", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.groups = 2; })); }, ErrorCode::InvalidGroups, "got 2"},
      {"weight_depth_mismatch", [] { conv2d(kImage, reference::random_weights(2, 2, 3, 3, 1)); }, ErrorCode::ShapeMismatch, "weight dimension 1"},
      {"bias_length", [] { conv2d(kImage, kKernel, {}, {1.0f}); }, ErrorCode::ShapeMismatch, "bias length must be the output channels 2, got 1"},
      {"input_data_length", [] { conv2d(bad_length_tensor(), Weights(1, 1, 1, 1)); }, ErrorCode::InvalidShape, "input data length must be 16 to match its shape, got 3"},
      {"weight_data_length", [] { Weights w(1, 3, 3, 3); w.data.resize(5); conv2d(kImage, w); }, ErrorCode::InvalidShape, "weight data length must be 27 to match its shape, got 5"},
      {"transposed_weight_data_length", [] { Weights w(3, 1, 3, 3); w.data.clear(); conv_transpose2d(kImage, w); }, ErrorCode::InvalidShape, "weight data length must be 27 to match its shape, got 0"},
      {"tensor_zero_dim", [] { Tensor(0, 4, 4); }, ErrorCode::InvalidShape, "tensor dimensions must be >= 1, got 0x4x4"},
      {"tensor_negative_dim", [] { Tensor(1, -4, 4); }, ErrorCode::InvalidShape, "got 1x-4x4"},
      {"tensor_overflowing", [] { Tensor(1, 100000, 100000); }, ErrorCode::TooLarge, "tensor 1x100000x100000 has more than"},
      {"tensor_int_max", [] { Tensor(2147483647, 2147483647, 2147483647); }, ErrorCode::TooLarge, "has more than"},
      {"weights_overflowing", [] { Weights(65536, 65536, 3, 3); }, ErrorCode::TooLarge, "weight 65536x65536x3x3"},
      {"tensor_values_length", [] { Tensor(1, 2, 2, std::vector<float>(3)); }, ErrorCode::InvalidShape, "data length must be 4 to match its shape, got 3"},
      {"transposed_output_padding", [] { ConvTranspose2dParams p; p.stride = {2, 2}; p.output_padding = {2, 0};
                                          conv_transpose2d(kImage, reference::random_weights(3, 1, 3, 3, 1), p); }, ErrorCode::InvalidPadding, "output padding"},
      {"transposed_stride_zero", [] { ConvTranspose2dParams p; p.stride = {0, 0};
                                       conv_transpose2d(kImage, reference::random_weights(3, 1, 3, 3, 1), p); }, ErrorCode::InvalidStride, "stride must be >= 1"},
      {"transposed_padding_eats_output", [] { ConvTranspose2dParams p; p.padding = {9, 9};
                                               conv_transpose2d(kImage, reference::random_weights(3, 1, 3, 3, 1), p); }, ErrorCode::KernelTooLarge, "must be >= 1"},
      {"transposed_weight_mismatch", [] { conv_transpose2d(kImage, reference::random_weights(2, 1, 3, 3, 1)); }, ErrorCode::ShapeMismatch, "weight dimension 0 must be the input channels 3, got 2"},
      {"transposed_enormous_output", [] { ConvTranspose2dParams p; p.stride = {30000, 30000};
                                           conv_transpose2d(Tensor(1, 100, 100), Weights(1, 1, 1, 1), p); }, ErrorCode::TooLarge, ""},
      {"pool_kernel_zero", [] { Pool2dParams p; p.kernel = {0, 2}; pool2d(kImage, p); }, ErrorCode::InvalidKernel, "kernel must be >= 1, got 0x2"},
      {"pool_padding_over_half", [] { Pool2dParams p; p.kernel = {2, 2}; p.padding = {2, 2}; pool2d(kImage, p); }, ErrorCode::InvalidPadding, "half the kernel"},
      {"pool_mean_dilation", [] { Pool2dParams p; p.mode = PoolMode::Mean; p.dilation = {2, 1}; pool2d(kImage, p); }, ErrorCode::InvalidArgument, "dilation must be 1x1 for mean pooling, got 2x1"},
      {"pool_window_too_big", [] { Pool2dParams p; p.kernel = {9, 9}; pool2d(kImage, p); }, ErrorCode::KernelTooLarge, ""},
      {"pool_stride_negative", [] { Pool2dParams p; p.stride = {-1, 1}; pool2d(kImage, p); }, ErrorCode::InvalidStride, ""},
      // Found through the JS API: int sums of huge pads must not overflow into nonsense.
      {"pad_sum_overflow", [] { pad(Tensor(1, 1, 1), {1 << 30, 1 << 30, 0, 0}, PadMode::Zeros); }, ErrorCode::TooLarge, "padding top must be <= 268435456, got 1073741824"},
      {"conv_pad_sum_overflow", [] { conv2d(kImage, kKernel, conv([](auto& p) { p.padding = {0, 0, 1 << 30, 1 << 30}; })); }, ErrorCode::TooLarge, "padding left must be <="},
      {"same_padding_overflow", [] { same_padding(3, 3, {1 << 30, 1 << 30}); }, ErrorCode::TooLarge, "'same' padding for kernel 3x3 with dilation 1073741824x1073741824 is too large"},
      {"pool_pad_overflow", [] { pool_output_size(5, 1 << 30, 1, 1 << 30, 1, false); }, ErrorCode::InvalidPadding, "must be between 0 and half the kernel"},
      {"output_size_stride_zero", [] { conv_output_size(9, 3, 0, 0, 1); }, ErrorCode::InvalidStride, "stride size must be >= 1, got 0"},
      {"output_size_below_one", [] { conv_output_size(2, 5, 1, 0, 1); }, ErrorCode::KernelTooLarge, "got output size < 1"},
      {"receptive_field_stride_zero", [] { Layer l; l.stride = {0, 1}; receptive_field({l}); }, ErrorCode::InvalidStride, "layer 0: stride must be >= 1, got 0x1"},
      {"receptive_field_negative_padding", [] { Layer a, b; b.padding = {-1, 0}; receptive_field({a, b}); }, ErrorCode::InvalidPadding, "layer 1"},
      {"erf_too_small_input", [] { Layer l; l.kernel = {9, 9}; effective_receptive_field(1, 4, 4, {l}, {}); }, ErrorCode::KernelTooLarge, ""},
      {"cost_overflow", [] { CostLayer l; l.kind = LayerKind::Standard; l.out_channels = 1 << 20; l.kernel = {15, 15};
                              cost(l, 1 << 20, 1 << 14, 1 << 14); }, ErrorCode::TooLarge, "overflow"},
      {"unknown_preset", [] { kernel_preset("blurry"); }, ErrorCode::InvalidArgument, "kernel preset \"blurry\" is unknown"},
      {"preset_size_zero", [] { kernel_preset("mean", 0); }, ErrorCode::InvalidKernel, "kernel size must be >= 1, got 0"},
      {"sobel_even_size", [] { kernel_preset("sobel_x", 4); }, ErrorCode::InvalidKernel, "sobel kernel size must be odd and between 3 and 31, got 4"},
      {"gaussian_nan_sigma", [] { kernel_preset("gaussian", 5, std::numeric_limits<float>::quiet_NaN()); }, ErrorCode::InvalidArgument, "sigma"},
      {"separable_bad_factor", [] { separable_conv2d(kImage, {}, {1, 2, 1}); }, ErrorCode::InvalidKernel, ""},
      {"image_null_pixels", [] { from_rgba8(nullptr, 4, 4, 3); }, ErrorCode::InvalidArgument, ""},
      {"image_two_channels", [] { std::vector<std::uint8_t> px(64); from_rgba8(px.data(), 4, 4, 2); }, ErrorCode::InvalidArgument, "channels"},
      {"display_channel_out_of_range", [] { to_rgba8(kImage, 3, DisplayMode::Clamp); }, ErrorCode::InvalidArgument, "channel must be -1 or within 0..2, got 3"},
      {"downscale_max_side_zero", [] { std::vector<std::uint8_t> px(64); downscale_rgba8(px.data(), 4, 4, 0, nullptr, nullptr); }, ErrorCode::InvalidShape, "max side must be >= 1, got 0"},
  };
}

TEST(Hostile, EveryCaseThrowsANamedErrorAndTheCoreKeepsWorking) {
  const Tensor want = reference::conv2d(kImage, kKernel, {});
  const auto all = cases();
  EXPECT_GE(all.size(), 40u);
  for (const HostileCase& c : all) {
    SCOPED_TRACE(c.name);
    try {
      c.call();
      ADD_FAILURE() << c.name << ": expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(error_code_name(e.code()), std::string(error_code_name(c.code))) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << "message: " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.name << ": threw something other than convlab::Error: " << e.what();
    }
    const Tensor got = conv2d(kImage, kKernel);  // the next valid call is still right
    ASSERT_EQ(got.data.size(), want.data.size());
    for (std::size_t i = 0; i < got.data.size(); ++i) ASSERT_NEAR(got.data[i], want.data[i], 1e-5f);
  }
}

TEST(Hostile, NaNAndInfinityPropagateLikePyTorch) {
  Tensor x(1, 3, 3, 1.0f);
  x.at(0, 1, 1) = std::numeric_limits<float>::quiet_NaN();
  const Tensor y = conv2d(x, Weights(1, 1, 3, 3, 1.0f), conv([](auto& p) { p.padding = {1, 1, 1, 1}; }));
  for (float v : y.data) EXPECT_TRUE(std::isnan(v)) << "every window holds the NaN";
  Weights w(1, 1, 1, 1, std::numeric_limits<float>::infinity());
  const Tensor z = conv2d(Tensor(1, 2, 2, 0.0f), w);
  for (float v : z.data) EXPECT_TRUE(std::isnan(v)) << "0 * inf is NaN, as in PyTorch";
  Pool2dParams p;
  p.kernel = {2, 2};
  const Tensor m = pool2d(x, p);
  EXPECT_TRUE(std::isnan(m.at(0, 0, 0))) << "max pooling propagates NaN as torch.max_pool2d does";
}

}  // namespace
}  // namespace convlab
