#include "pytorch_snippet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "geometry.h"
#include "padding.h"

namespace cl = convlab;

namespace {

std::string num(int v) { return std::to_string(v); }
std::string pair_text(int a, int b) { return "(" + num(a) + ", " + num(b) + ")"; }

// The weight as a nested Python list, one kernel row per line.
std::string weight_list(const cl::Weights& w) {
  std::string out = "[\n";
  for (int i = 0; i < w.a; ++i) {
    out += "    [  # output channel " + num(i) + "\n";
    for (int j = 0; j < w.b; ++j) {
      out += "        [\n";
      for (int y = 0; y < w.kh; ++y) {
        out += "            [";
        for (int x = 0; x < w.kw; ++x) out += (x ? ", " : "") + python_float(w.at(i, j, y, x));
        out += "],\n";
      }
      out += "        ],\n";
    }
    out += "    ],\n";
  }
  return out + "]";
}

}  // namespace

std::string python_float(float v) {
  if (std::isnan(v)) return "float('nan')";
  if (std::isinf(v)) return v > 0 ? "float('inf')" : "float('-inf')";
  if (v == 0.0f) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[32];
  for (int precision = 1; precision <= 9; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, double(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // "3" -> "3.0": visibly a float
  return s;
}

std::string pytorch_conv2d_snippet(const PytorchConv& c) {
  const cl::Conv2dParams& p = c.params;
  const cl::Pad4& pad = p.padding;
  const bool any_pad = pad.top || pad.bottom || pad.left || pad.right;
  const bool equal_sides = pad.top == pad.bottom && pad.left == pad.right;
  const bool zeros = p.padding_mode == cl::PadMode::Zeros;
  const bool symmetric = p.padding_mode == cl::PadMode::Symmetric && any_pad;

  std::string s;
  if (!c.comment.empty()) s += "# " + c.comment + "\n";
  s += "import torch\nimport torch.nn.functional as F\n";
  if (symmetric) s += "import numpy as np\n";
  s += "\n";
  s += "x = torch.rand(1, " + num(c.in_c) + ", " + num(c.in_h) + ", " + num(c.in_w) +
       ")  # your image here: [N, C, H, W], float32, values in [0, 1]\n";
  s += "weight = torch.tensor(" + weight_list(c.weight) + ", dtype=torch.float32)  # [out_channels, in_channels/groups, kh, kw] = [" +
       num(c.weight.a) + ", " + num(c.weight.b) + ", " + num(c.weight.kh) + ", " + num(c.weight.kw) + "]\n";
  std::string bias = "None";
  if (!c.bias.empty()) {
    bias = "torch.tensor([";
    for (std::size_t i = 0; i < c.bias.size(); ++i) bias += (i ? ", " : "") + python_float(c.bias[i]);
    bias += "])";
  }

  // The body: padding, conv2d and the activation; a loop runs it again on its own output.
  const std::string head = s;
  s.clear();
  const bool loop = c.repeats > 1;
  const std::string out = loop ? "x" : "y";
  // Padding: conv2d's own (zeros, equal sides) or an explicit pad before it.
  std::string conv_padding = "0";
  // F.pad's tuple is (left, right, top, bottom): the last dimension first.
  const std::string fpad = "(" + num(pad.left) + ", " + num(pad.right) + ", " + num(pad.top) + ", " + num(pad.bottom) + ")";
  if (any_pad) {
    if (zeros && equal_sides) {
      conv_padding = pair_text(pad.top, pad.left);
    } else if (zeros) {
      s += "# Unequal sides (PyTorch's 'same' puts the extra pixel bottom/right), so pad explicitly.\n";
      s += "x = F.pad(x, " + fpad + ", mode='constant', value=0.0)  # (left, right, top, bottom)\n";
    } else if (symmetric) {
      s += "# PyTorch has no 'symmetric' padding mode (edge repeated: 1 0 | 0 1 2, OpenCV BORDER_REFLECT);\n";
      s += "# numpy.pad's mode='symmetric' is exactly it. (F.pad's 'reflect' would NOT repeat the edge.)\n";
      s += "x = torch.from_numpy(np.pad(x.numpy(), ((0, 0), (0, 0), " + pair_text(pad.top, pad.bottom) + ", " +
           pair_text(pad.left, pad.right) + "), mode='symmetric'))\n";
    } else {
      const std::string mode = cl::pad_mode_name(p.padding_mode);  // reflect, replicate, circular: F.pad's names
      const std::string what = p.padding_mode == cl::PadMode::Reflect     ? "edge not repeated: 2 1 | 0 1 2"
                               : p.padding_mode == cl::PadMode::Replicate ? "edge pixel copied: 0 0 | 0 1 2"
                                                                          : "wraps around: n-2 n-1 | 0 1 2";
      s += "# padding_mode '" + mode + "' (" + what + ") is F.pad's mode '" + mode + "'; as\n";
      s += "# torch.nn.Conv2d(padding_mode='" + mode + "') does, pad first, then convolve with padding=0.\n";
      s += "x = F.pad(x, " + fpad + ", mode='" + mode + "')  # (left, right, top, bottom)\n";
    }
  }
  s += out + " = F.conv2d(x, weight, bias=" + bias + ", stride=" + pair_text(p.stride.h, p.stride.w) + ", padding=" + conv_padding +
       ", dilation=" + pair_text(p.dilation.h, p.dilation.w) + ", groups=" + num(p.groups) + ")\n";
  if (p.groups > 1 && p.groups == c.in_c && c.weight.b == 1)
    s += "# groups=" + num(p.groups) + ": depthwise, each input channel filtered on its own.\n";
  if (c.activation == cl::Activation::Relu) s += out + " = F.relu(" + out + ")\n";
  if (c.activation == cl::Activation::Abs) s += out + " = torch.abs(" + out + ")\n";
  if (loop) {
    std::string body;
    for (std::size_t at = 0; at < s.size();) {  // indent every line into the loop
      const std::size_t end = s.find('\n', at);
      body += "    " + s.substr(at, end - at + 1);
      at = end + 1;
    }
    s = "for application in range(" + num(c.repeats) + "):  # each output is the next input\n" + body + "y = x\n";
  }
  s = head + s;
  try {
    int oh = c.in_h, ow = c.in_w;
    for (int i = 0; i < std::max(1, c.repeats); ++i) {
      cl::check_padding(pad, p.padding_mode, oh, ow);
      oh = cl::conv_output_size(oh, c.weight.kh, p.stride.h, pad.top + pad.bottom, p.dilation.h, "height");
      ow = cl::conv_output_size(ow, c.weight.kw, p.stride.w, pad.left + pad.right, p.dilation.w, "width");
    }
    s += "print(y.shape)  # torch.Size([1, " + num(c.weight.a) + ", " + num(oh) + ", " + num(ow) + "])\n";
  } catch (const std::exception& e) {
    s += "# ConvLab rejects these settings: " + std::string(e.what()) + "\n";
  }
  return s;
}
