#include "formula.h"

#include "geometry.h"

namespace {

std::string num(int v) { return std::to_string(v); }

// "k" or "d*(k - 1) + 1" spelled with the numbers, and its value.
std::string span_text(int kernel, int dilation) {
  if (dilation == 1) return num(kernel);
  return "(" + num(dilation) + "*(" + num(kernel) + " - 1) + 1)";
}

std::string pad_text(int before, int after) {
  if (before == 0 && after == 0) return "";
  if (before == after) return " + 2*" + num(before);
  return " + " + num(before) + " + " + num(after);
}

}  // namespace

FormulaText conv_size_formula(int in, int kernel, int stride, int pad_before, int pad_after, int dilation) {
  FormulaText f;
  f.value = convlab::conv_output_size(in, kernel, stride, pad_before + pad_after, dilation);
  const int span = convlab::effective_kernel(kernel, dilation);
  const int room = in + pad_before + pad_after - span;
  const std::string inner = num(in) + pad_text(pad_before, pad_after) + " - " + span_text(kernel, dilation);
  if (stride == 1) {
    f.text = inner + " + 1 = " + num(f.value);
    return f;
  }
  f.text = "floor((" + inner + ") / " + num(stride) + ") + 1 = floor(" + num(room) + " / " + num(stride) + ") + 1 = " + num(f.value);
  if (room % stride != 0)
    f.note = num(room) + " / " + num(stride) + " is not whole: the floor drops it, so the last " + num(room % stride) +
             (room % stride == 1 ? " row/column of the padded input is" : " rows/columns of the padded input are") +
             " never covered by any window";
  return f;
}

FormulaText pool_size_formula(int in, int kernel, int stride, int pad, int dilation, bool ceil_mode) {
  FormulaText f;
  f.value = convlab::pool_output_size(in, kernel, stride, pad, dilation, ceil_mode);
  const int room = in + 2 * pad - convlab::effective_kernel(kernel, dilation);
  const std::string op = ceil_mode ? "ceil" : "floor";
  f.text = op + "((" + num(in) + pad_text(pad, pad) + " - " + span_text(kernel, dilation) + ") / " + num(stride) + ") + 1 = " +
           op + "(" + num(room) + " / " + num(stride) + ") + 1 = " + num(f.value);
  const int plain = (ceil_mode ? (room + stride - 1) / stride : room / stride) + 1;
  if (ceil_mode && plain != f.value)
    f.note = "ceil gives " + num(plain) + ", but a last window that would start in the right padding is dropped (PyTorch's rule)";
  else if (room % stride != 0)
    f.note = ceil_mode ? "ceil keeps a last, partial window that hangs over the edge"
                       : "floor drops the " + num(room % stride) + " leftover pixel(s) at the end";
  return f;
}

FormulaText transposed_size_formula(int in, int kernel, int stride, int pad, int output_padding, int dilation) {
  FormulaText f;
  f.value = convlab::conv_transpose_output_size(in, kernel, stride, pad, output_padding, dilation);
  f.text = "(" + num(in) + " - 1)*" + num(stride) + " - 2*" + num(pad) + " + " + num(dilation) + "*(" + num(kernel) +
           " - 1) + " + num(output_padding) + " + 1 = " + num(f.value);
  return f;
}
