// convlab_cli: the core behind a tiny batch protocol, so tests/reference/torch_reference.py can check
// it against PyTorch. Reads requests from stdin until EOF; answers each on stdout, in order.
//
// Request:  one text line "<op> <integers...>", then the op's float32 arrays, raw little-endian,
//           in the order listed below (their lengths follow from the header).
// Answer:   "ok <n>\n" then n arrays, each "<ndims> <d0> <d1> ...\n" + raw float32 data,
//           or "error <ErrorCode name> <message>\n" when the core throws convlab::Error.
//
// Ops (mode numbers: pad 0 zeros 1 reflect 2 symmetric 3 replicate 4 circular; pool 0 max 1 mean 2 min):
//   pad c h w top bottom left right mode                           | input          -> padded
//   conv2d c h w a b kh kw sh sw dh dw pt pb pl pr mode groups nbias  | input weight bias -> output
//   conv_transpose2d c h w a b kh kw sh sw ph pw oph opw dh dw groups nbias | input weight bias -> output
//   conv_transpose2d_steps (same)          -> zero_inserted, padded, rotated, output, padding[4]
//   pool2d c h w mode kh kw sh sw ph pw dh dw ceil count_include_pad | input -> output
//   pool2d_argmax (same)                                           -> indices (as floats)
//   erf c h w relu nlayers {t kh kw sh sw ph pw dh dw}...         | input, conv weights [c,c,kh,kw]
//                                                                  -> unit[2], gradient
//      (t: 0 conv, 1 pool)
//   rf h w layer_index out_y out_x nlayers {layer}...              -> output sizes [n,2], input_rect_clipped[4]
//   separable c h w kh kw sh sw dh dw pt pb pl pr mode groups      | input column row -> output
//   separate kh kw tolerance_e12                                   | kernel -> [separable, residual], column, row
//      (tolerance = tolerance_e12 * 1e-12)
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv_transpose.h"
#include "erf.h"
#include "error.h"
#include "padding.h"
#include "pool.h"
#include "receptive_field.h"
#include "separable.h"
#include "tensor.h"

using namespace convlab;

namespace {

struct Array {
  std::vector<long long> dims;
  std::vector<float> data;
};

std::vector<float> read_floats(long long n) {
  if (n < 0) n = 0;
  std::vector<float> v(static_cast<std::size_t>(n));
  if (n > 0 && !std::cin.read(reinterpret_cast<char*>(v.data()), std::streamsize(n * sizeof(float))))
    throw std::runtime_error("unexpected end of input while reading " + std::to_string(n) + " floats");
  return v;
}

// Builds tensors without the validating constructors, so malformed shapes reach the core's checks.
Tensor make_tensor(int c, int h, int w, std::vector<float> data) {
  Tensor t;
  t.c = c, t.h = h, t.w = w;
  t.data.assign(data.begin(), data.end());
  return t;
}
Weights make_weights(int a, int b, int kh, int kw, std::vector<float> data) {
  Weights t;
  t.a = a, t.b = b, t.kh = kh, t.kw = kw;
  t.data = std::move(data);
  return t;
}
long long count(std::initializer_list<long long> dims) {
  long long n = 1;
  for (long long d : dims) n *= d > 0 ? d : 0;
  return n;
}

Array of(const Tensor& t) { return Array{{t.c, t.h, t.w}, {t.data.begin(), t.data.end()}}; }
Array of(const Weights& t) { return Array{{t.a, t.b, t.kh, t.kw}, t.data}; }
Array of(std::vector<float> v) { return Array{{(long long)v.size()}, std::move(v)}; }

void write_ok(const std::vector<Array>& arrays) {
  std::string head = "ok " + std::to_string(arrays.size()) + "\n";
  std::fwrite(head.data(), 1, head.size(), stdout);
  for (const Array& a : arrays) {
    std::string line = std::to_string(a.dims.size());
    for (long long d : a.dims) line += " " + std::to_string(d);
    line += "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    if (!a.data.empty()) std::fwrite(a.data.data(), sizeof(float), a.data.size(), stdout);
  }
}

void write_error(const std::string& code, std::string message) {
  for (char& ch : message)
    if (ch == '\n') ch = ' ';
  std::string line = "error " + code + " " + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
}

PadMode pad_mode(int m) {
  if (m < 0 || m > 4) throw std::runtime_error("bad pad mode number " + std::to_string(m));
  return static_cast<PadMode>(m);
}

std::vector<Layer> read_layers(std::istringstream& in, int n) {
  std::vector<Layer> layers(static_cast<std::size_t>(n));
  for (Layer& l : layers) {
    int t;
    in >> t >> l.kernel.h >> l.kernel.w >> l.stride.h >> l.stride.w >> l.padding.h >> l.padding.w >> l.dilation.h >>
        l.dilation.w;
    l.type = t == 0 ? Layer::Type::Conv : Layer::Type::Pool;
  }
  return layers;
}

// Reads the op's arrays, calls the core, returns the answer. The arrays are always read in full
// before the core is called, so an error never desynchronises the stream.
std::vector<Array> run(const std::string& op, std::istringstream& in) {
  if (op == "pad") {
    int c, h, w, mode;
    Pad4 p;
    in >> c >> h >> w >> p.top >> p.bottom >> p.left >> p.right >> mode;
    Tensor x = make_tensor(c, h, w, read_floats(count({c, h, w})));
    return {of(pad(x, p, pad_mode(mode)))};
  }
  if (op == "conv2d") {
    int c, h, w, a, b, kh, kw, mode, nbias;
    Conv2dParams p;
    in >> c >> h >> w >> a >> b >> kh >> kw >> p.stride.h >> p.stride.w >> p.dilation.h >> p.dilation.w >>
        p.padding.top >> p.padding.bottom >> p.padding.left >> p.padding.right >> mode >> p.groups >> nbias;
    p.padding_mode = pad_mode(mode);
    Tensor x = make_tensor(c, h, w, read_floats(count({c, h, w})));
    Weights wt = make_weights(a, b, kh, kw, read_floats(count({a, b, kh, kw})));
    std::vector<float> bias = read_floats(nbias);
    return {of(conv2d(x, wt, p, bias))};
  }
  if (op == "conv_transpose2d" || op == "conv_transpose2d_steps") {
    int c, h, w, a, b, kh, kw, nbias;
    ConvTranspose2dParams p;
    in >> c >> h >> w >> a >> b >> kh >> kw >> p.stride.h >> p.stride.w >> p.padding.h >> p.padding.w >>
        p.output_padding.h >> p.output_padding.w >> p.dilation.h >> p.dilation.w >> p.groups >> nbias;
    Tensor x = make_tensor(c, h, w, read_floats(count({c, h, w})));
    Weights wt = make_weights(a, b, kh, kw, read_floats(count({a, b, kh, kw})));
    std::vector<float> bias = read_floats(nbias);
    if (op == "conv_transpose2d") return {of(conv_transpose2d(x, wt, p, bias))};
    TransposedSteps s = conv_transpose2d_steps(x, wt, p, bias);
    return {of(s.zero_inserted), of(s.padded), of(s.rotated), of(s.output),
            of(std::vector<float>{float(s.padding.top), float(s.padding.bottom), float(s.padding.left),
                                  float(s.padding.right)})};
  }
  if (op == "pool2d" || op == "pool2d_argmax") {
    int c, h, w, mode, ceil, cip;
    Pool2dParams p;
    in >> c >> h >> w >> mode >> p.kernel.h >> p.kernel.w >> p.stride.h >> p.stride.w >> p.padding.h >>
        p.padding.w >> p.dilation.h >> p.dilation.w >> ceil >> cip;
    p.mode = static_cast<PoolMode>(mode);
    p.ceil_mode = ceil != 0;
    p.count_include_pad = cip != 0;
    Tensor x = make_tensor(c, h, w, read_floats(count({c, h, w})));
    if (op == "pool2d") return {of(pool2d(x, p))};
    const Tensor shape = pool2d_output_shape(x, p);
    std::vector<int> idx = pool2d_argmax(x, p);
    Array out{{shape.c, shape.h, shape.w}, std::vector<float>(idx.begin(), idx.end())};
    return {out};
  }
  if (op == "erf") {
    int c, h, w, relu, n;
    in >> c >> h >> w >> relu >> n;
    const std::vector<Layer> layers = read_layers(in, n);
    ErfNetwork net;
    net.input = make_tensor(c, h, w, read_floats(count({c, h, w})));
    for (const Layer& l : layers) {
      if (l.type == Layer::Type::Conv)
        net.weights.push_back(make_weights(c, c, l.kernel.h, l.kernel.w, read_floats(count({c, c, l.kernel.h, l.kernel.w}))));
      else
        net.weights.push_back(Weights{});
    }
    net.unit = erf_output_unit(h, w, layers);
    Tensor g = erf_gradient(net, layers, relu != 0);
    return {of(std::vector<float>{float(net.unit.h), float(net.unit.w)}), of(g)};
  }
  if (op == "rf") {
    int h, w, index, oy, ox, n;
    in >> h >> w >> index >> oy >> ox >> n;
    const std::vector<Layer> layers = read_layers(in, n);
    const std::vector<Pair> sizes = layer_output_sizes(layers, h, w);
    Array s{{(long long)sizes.size(), 2}, {}};
    for (Pair p : sizes) s.data.insert(s.data.end(), {float(p.h), float(p.w)});
    const Rect r = input_rect_clipped(layers, index, oy, ox, h, w);
    return {s, of(std::vector<float>{float(r.y0), float(r.x0), float(r.y1), float(r.x1)})};
  }
  if (op == "separable") {
    int c, h, w, kh, kw, mode;
    Conv2dParams p;
    in >> c >> h >> w >> kh >> kw >> p.stride.h >> p.stride.w >> p.dilation.h >> p.dilation.w >> p.padding.top >>
        p.padding.bottom >> p.padding.left >> p.padding.right >> mode >> p.groups;
    p.padding_mode = pad_mode(mode);
    Tensor x = make_tensor(c, h, w, read_floats(count({c, h, w})));
    std::vector<float> column = read_floats(kh), row = read_floats(kw);
    return {of(separable_conv2d(x, column, row, p))};
  }
  if (op == "separate") {
    int kh, kw;
    double tol_e12;
    in >> kh >> kw >> tol_e12;
    Kernel2D k;
    k.h = kh, k.w = kw;
    k.data = read_floats(count({kh, kw}));
    Separation s = separate(k, tol_e12 * 1e-12);
    return {of(std::vector<float>{s.separable ? 1.0f : 0.0f, float(s.residual)}), of(s.column), of(s.row)};
  }
  throw std::runtime_error("unknown op '" + op + "'");
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string op;
    in >> op;
    try {
      write_ok(run(op, in));
    } catch (const Error& e) {
      write_error(error_code_name(e.code()), e.what());
    } catch (const std::exception& e) {
      // Not a core error: a protocol problem (or std::bad_alloc). The stream may be out of step, so stop.
      write_error("Protocol", e.what());
      std::fflush(stdout);
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}
