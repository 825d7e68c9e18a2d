// "Copy as PyTorch": the Python text that reproduces a lesson's convolution with
// torch.nn.functional.conv2d, with the exact weight values, stride, padding, dilation and groups.
// No ImGui here: tested natively (tests/web/pytorch_snippet_test.cpp).
//
// Padding: zeros with equal sides becomes conv2d's own padding=(h, w); anything else is an explicit pad
// first. reflect, replicate and circular are F.pad modes of the same names ('constant' for unequal
// zeros); symmetric (edge repeated) has no PyTorch mode, so the snippet says so and uses numpy.pad's
// mode='symmetric'.
#pragma once
#include <string>
#include <vector>

#include "activation.h"
#include "conv2d.h"
#include "tensor.h"

struct PytorchConv {
  int in_c = 1, in_h = 1, in_w = 1;  // the input the lesson convolves (the snippet makes a random one)
  convlab::Weights weight;           // [Cout, Cin/groups, kh, kw]
  convlab::Conv2dParams params;
  std::vector<float> bias;           // empty = no bias
  std::string comment;               // one line at the top, e.g. "ConvLab, lesson 'kernel': gaussian 5x5"
  convlab::Activation activation = convlab::Activation::None;  // after the conv: F.relu / torch.abs
  int repeats = 1;                   // > 1: pad, conv and activation in a loop, each output the next input
};

// Shortest decimal text that reads back as the same float32 ("0.111111112", "-1", "0.25").
std::string python_float(float v);

// The whole snippet: imports, input, weight tensor, padding, the F.conv2d call (and the activation, in a
// loop when repeated) and the expected shape.
std::string pytorch_conv2d_snippet(const PytorchConv& conv);
