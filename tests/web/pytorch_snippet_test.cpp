// The "Copy as PyTorch" text: exact weights, every conv2d argument, and the right pad call per mode.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "pytorch_snippet.h"

namespace cl = convlab;

namespace {

PytorchConv depthwise_mean3(int channels, int h, int w) {
  PytorchConv c;
  c.in_c = channels, c.in_h = h, c.in_w = w;
  c.weight = cl::Weights(channels, 1, 3, 3, 1.0f / 9.0f);
  c.params.groups = channels;
  return c;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(PythonFloat, ShortestTextThatReadsBackAsTheSameFloat) {
  for (float v : {1.0f / 9.0f, -1.0f / 3.0f, 0.25f, 1e-7f, 123456.78f, 0.1f, -2.0f, 3.0e30f}) {
    const std::string t = python_float(v);
    EXPECT_EQ(std::strtof(t.c_str(), nullptr), v) << t;
  }
  EXPECT_EQ(python_float(1.0f), "1.0");
  EXPECT_EQ(python_float(-2.0f), "-2.0");
  EXPECT_EQ(python_float(0.25f), "0.25");
  EXPECT_EQ(python_float(0.0f), "0.0");
  EXPECT_EQ(python_float(1.0f / 9.0f), "0.11111111");  // 8 digits already read back as float(1/9)
}

TEST(PytorchSnippet, SameZerosOddKernelUsesConvPadding) {
  PytorchConv c = depthwise_mean3(3, 300, 451);
  c.params.padding = cl::same_padding(3, 3, {1, 1});
  const std::string s = pytorch_conv2d_snippet(c);
  EXPECT_TRUE(has(s, "import torch.nn.functional as F")) << s;
  EXPECT_TRUE(has(s, "x = torch.rand(1, 3, 300, 451)")) << s;
  EXPECT_TRUE(has(s, "[0.11111111, 0.11111111, 0.11111111],")) << s;
  EXPECT_TRUE(has(s, "= [3, 1, 3, 3]")) << s;
  EXPECT_TRUE(has(s, "F.conv2d(x, weight, bias=None, stride=(1, 1), padding=(1, 1), dilation=(1, 1), groups=3)")) << s;
  EXPECT_TRUE(has(s, "depthwise")) << s;
  EXPECT_FALSE(has(s, "F.pad")) << s;
  EXPECT_TRUE(has(s, "torch.Size([1, 3, 300, 451])")) << s;
}

TEST(PytorchSnippet, EvenKernelSamePaddingPadsExplicitlyBottomRight) {
  PytorchConv c;
  c.in_c = 1, c.in_h = 10, c.in_w = 12;
  c.weight = cl::Weights(1, 1, 4, 4, 0.0625f);
  c.params.padding = cl::same_padding(4, 4, {1, 1});  // top 1, bottom 2, left 1, right 2
  const std::string s = pytorch_conv2d_snippet(c);
  EXPECT_TRUE(has(s, "x = F.pad(x, (1, 2, 1, 2), mode='constant', value=0.0)")) << s;
  EXPECT_TRUE(has(s, "padding=0,")) << s;
  EXPECT_TRUE(has(s, "torch.Size([1, 1, 10, 12])")) << s;
}

TEST(PytorchSnippet, ReflectReplicateCircularAreFPadModes) {
  for (cl::PadMode m : {cl::PadMode::Reflect, cl::PadMode::Replicate, cl::PadMode::Circular}) {
    PytorchConv c = depthwise_mean3(3, 9, 9);
    c.params.padding = {2, 2, 1, 1};
    c.params.padding_mode = m;
    c.params.stride = {2, 3};
    c.params.dilation = {2, 1};
    const std::string s = pytorch_conv2d_snippet(c);
    const std::string mode = cl::pad_mode_name(m);
    EXPECT_TRUE(has(s, "x = F.pad(x, (1, 1, 2, 2), mode='" + mode + "')")) << s;
    EXPECT_TRUE(has(s, "stride=(2, 3), padding=0, dilation=(2, 1), groups=3")) << s;
    EXPECT_FALSE(has(s, "numpy")) << s;
    // floor((9 + 4 - 5) / 2) + 1 = 5 rows, floor((9 + 2 - 3) / 3) + 1 = 3 columns
    EXPECT_TRUE(has(s, "torch.Size([1, 3, 5, 3])")) << s;
  }
}

TEST(PytorchSnippet, SymmetricSaysTorchHasNoModeAndUsesNumpy) {
  PytorchConv c = depthwise_mean3(1, 6, 6);
  c.params.padding = {1, 1, 1, 1};
  c.params.padding_mode = cl::PadMode::Symmetric;
  const std::string s = pytorch_conv2d_snippet(c);
  EXPECT_TRUE(has(s, "import numpy as np")) << s;
  EXPECT_TRUE(has(s, "PyTorch has no 'symmetric' padding mode")) << s;
  EXPECT_TRUE(has(s, "np.pad(x.numpy(), ((0, 0), (0, 0), (1, 1), (1, 1)), mode='symmetric')")) << s;
  EXPECT_FALSE(has(s, "F.pad(x")) << s;
}

TEST(PytorchSnippet, FullDepthFilterBiasAndNegativeWeights) {
  PytorchConv c;
  c.in_c = 3, c.in_h = 5, c.in_w = 5;
  c.weight = cl::Weights(1, 3, 1, 2, std::vector<float>{-1, 1, 0.5f, -0.5f, 2, -2});
  c.bias = {0.25f};
  const std::string s = pytorch_conv2d_snippet(c);
  EXPECT_TRUE(has(s, "[-1.0, 1.0],")) << s;
  EXPECT_TRUE(has(s, "[0.5, -0.5],")) << s;
  EXPECT_TRUE(has(s, "[2.0, -2.0],")) << s;
  EXPECT_TRUE(has(s, "bias=torch.tensor([0.25])")) << s;
  EXPECT_TRUE(has(s, "groups=1)")) << s;
  EXPECT_FALSE(has(s, "depthwise")) << s;
  EXPECT_TRUE(has(s, "torch.Size([1, 1, 5, 4])")) << s;
}

TEST(PytorchSnippet, RejectedSettingsAreNamedNotPrinted) {
  PytorchConv c = depthwise_mean3(1, 4, 4);
  c.params.padding = {4, 4, 4, 4};
  c.params.padding_mode = cl::PadMode::Reflect;  // reflect needs pad < size
  const std::string s = pytorch_conv2d_snippet(c);
  EXPECT_TRUE(has(s, "# ConvLab rejects these settings: ")) << s;
  EXPECT_FALSE(has(s, "torch.Size")) << s;
}
