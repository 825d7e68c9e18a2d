// embind bindings of the core: the C++ edge of the JS API, and with the core the one place that checks
// option VALUES. wasm/convlab.mjs only checks JS types (a number where a number goes, integers, strings
// for names, arrays of the right length) and fills defaults; it passes each option in the caller's own
// form (a number or an [h, w] pair, padding as a number, a pair, four sides, 'valid' or 'same', a mode
// by name). Here those forms become the core's Pair / Pad4 / enums: names and integer ranges are
// checked here (messages name the parameter as the caller wrote it: "stride must be <= 536870912, got
// 2147483648", "layers[0].type must be one of conv, pool, got \"dense\""), every other rule by the core
// with its own message ("stride must be >= 1, got 0x0"). Every function returns a plain object and never
// lets a C++ exception reach JS: errors come back as {error, code} and the wrapper throws them as JS
// Errors. Every JS value is type-checked before it is converted (val::as on a wrong type would throw a JS
// exception through C++ frames and leak them), so a bad value that slips past the wrapper is an error
// too, never a crash. Plain inputs are copied into std::vectors and results copied out
// (typed_memory_view(...).slice()), so nothing allocated for them outlives a call. A HeapTensor (a
// cl::Tensor owned by JS through embind) is read in place, and an op on one returns a new HeapTensor:
// no copies at all, for callers that run many ops on the same image.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "activation.h"
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
#include "separable.h"
#include "tensor.h"

using emscripten::val;
namespace cl = convlab;

namespace {

val error_result(const std::string& message, const char* code) {
  val r = val::object();
  r.set("error", message);
  r.set("code", std::string(code));
  return r;
}

// Runs f and turns any C++ exception into an {error, code} value: the runtime never aborts.
template <class F>
val guarded(F&& f) {
  try {
    return f();
  } catch (const cl::Error& e) {
    return error_result(e.what(), cl::error_code_name(e.code()));
  } catch (const std::bad_alloc&) {
    return error_result("out of memory: the result does not fit in the wasm heap", "TooLarge");
  } catch (const std::exception& e) {
    return error_result(e.what(), "InvalidArgument");
  }
}

[[noreturn]] void invalid(const std::string& message) { cl::fail(cl::ErrorCode::InvalidArgument, message); }

// ---- arguments: the caller's JS values -> the core's types ----------------------------------------------

// Integer options stay within 2^29 so sums and doublings in the core's int arithmetic (2 * padding,
// H + top + bottom, a padded row plus a stride) cannot overflow.
constexpr int kMaxInt = 1 << 29;

// A number as JS's String() writes the integers that reach here: 2147483648, -1, 1e+300, NaN.
std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  std::snprintf(buf, sizeof buf, std::fabs(v) < 1e21 ? "%.0f" : "%g", v);
  return buf;
}

// A JS value in a message: 2, [1, 0], "same" (for the few values that are not one number).
std::string value_text(const val& v) {
  if (v.isNumber()) return number_text(v.as<double>());
  if (v.isString()) return "\"" + v.as<std::string>() + "\"";
  if (v.isArray()) {
    std::string out = "[";
    const int n = v["length"].as<int>();
    for (int i = 0; i < n; ++i) out += (i ? ", " : "") + value_text(v[i]);
    return out + "]";
  }
  if (v.isTrue() || v.isFalse()) return v.isTrue() ? "true" : "false";
  if (v.isNull()) return "null";
  if (v.isUndefined()) return "undefined";
  return "a " + v.typeOf().as<std::string>();
}

// The error code of a parameter, from its last name: 'layers[2].stride' -> InvalidStride.
cl::ErrorCode code_of(const std::string& name) {
  std::string last = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
  last = last.substr(0, last.find('['));
  if (last == "stride") return cl::ErrorCode::InvalidStride;
  if (last == "dilation") return cl::ErrorCode::InvalidDilation;
  if (last == "padding" || last == "outputPadding") return cl::ErrorCode::InvalidPadding;
  if (last == "groups") return cl::ErrorCode::InvalidGroups;
  if (last == "kernel") return cl::ErrorCode::InvalidKernel;
  if (last == "size" || last == "inputSize" || last == "outChannels" || last == "width" || last == "height")
    return cl::ErrorCode::InvalidShape;
  return cl::ErrorCode::InvalidArgument;
}

// A JS number; anything else is refused before val::as could throw through C++.
double number_of(const val& v, const std::string& name) {
  if (!v.isNumber()) invalid(name + " must be a number, got " + value_text(v));
  return v.as<double>();
}

// An integer option: an integer within +-2^29.
int int_of(const val& v, const std::string& name, cl::ErrorCode code) {
  const double d = number_of(v, name);
  if (d != std::floor(d)) cl::fail(code, name + " must be an integer, got " + number_text(d));
  if (d > kMaxInt) cl::fail(code, name + " must be <= " + std::to_string(kMaxInt) + ", got " + number_text(d));
  if (d < -kMaxInt) cl::fail(code, name + " must be >= -" + std::to_string(kMaxInt) + ", got " + number_text(d));
  return int(d);
}
int int_of(const val& v, const std::string& name) { return int_of(v, name, code_of(name)); }

bool bool_of(const val& v, const std::string& name) {
  if (!v.isTrue() && !v.isFalse()) invalid(name + " must be true or false, got " + value_text(v));
  return v.isTrue();
}

std::string string_of(const val& v, const std::string& name) {
  if (!v.isString()) invalid(name + " must be a string, got " + value_text(v));
  return v.as<std::string>();
}

// A name from a list: `parse` maps it, `names` lists them for the message.
template <class Parse>
auto named(const val& v, const std::string& name, const char* names, Parse parse) {
  const std::string s = string_of(v, name);
  const auto parsed = parse(s);
  if (!parsed) invalid(name + " must be one of " + names + ", got \"" + s + "\"");
  return *parsed;
}

// A number for both axes or an [h, w] pair.
cl::Pair pair_of(const val& v, const std::string& name) {
  if (v.isNumber()) {
    const int n = int_of(v, name);
    return cl::Pair{n, n};
  }
  if (!v.isArray() || v["length"].as<int>() != 2)
    cl::fail(code_of(name), name + " must be a number or an [h, w] pair, got " + value_text(v));
  return cl::Pair{int_of(v[0], name + "[0]", code_of(name)), int_of(v[1], name + "[1]", code_of(name))};
}

// Four-sided padding: a number, [h, w] or [top, bottom, left, right].
cl::Pad4 pad4_of(const val& v, const std::string& name) {
  if (v.isArray() && v["length"].as<int>() == 4) {
    int p[4];
    for (int i = 0; i < 4; ++i) p[i] = int_of(v[i], name + "[" + std::to_string(i) + "]", cl::ErrorCode::InvalidPadding);
    return cl::Pad4{p[0], p[1], p[2], p[3]};
  }
  if (v.isNumber() || v.isArray()) {
    if (v.isArray() && v["length"].as<int>() != 2)
      cl::fail(cl::ErrorCode::InvalidPadding,
               name + " must be a number, [h, w] or [top, bottom, left, right], got " + value_text(v));
    const cl::Pair p = pair_of(v, name);
    return cl::Pad4{p.h, p.h, p.w, p.w};
  }
  cl::fail(cl::ErrorCode::InvalidPadding, name + " must be a number, [h, w] or [top, bottom, left, right], got " + value_text(v));
}

// A convolution's padding: pad4_of, 'valid' (none) or 'same' (PyTorch's: stride 1, the extra pixel
// on the bottom/right) for a kernel of `kernel` taps dilated by `dilation`.
cl::Pad4 conv_padding_of(const val& v, cl::Pair kernel, cl::Pair dilation, cl::Pair stride) {
  if (!v.isString()) return pad4_of(v, "padding");
  const std::string s = v.as<std::string>();
  if (s == "valid") return cl::Pad4{};
  if (s != "same")
    cl::fail(cl::ErrorCode::InvalidPadding,
             "padding must be a number, [h, w], [top, bottom, left, right], 'valid' or 'same', got \"" + s + "\"");
  if (!(stride == cl::Pair{1, 1}))
    cl::fail(cl::ErrorCode::InvalidPadding, "padding 'same' needs stride 1, got stride [" + std::to_string(stride.h) + ", " +
                                                std::to_string(stride.w) + "]");
  return cl::same_padding(kernel.h, kernel.w, dilation);
}

// The dimensions of a shape array, for the core's checked_count (int64: a huge one is TooLarge there).
std::vector<std::int64_t> dims_of(const val& shape, const std::string& name, int rank) {
  if (!shape.isArray() || shape["length"].as<int>() != rank)
    cl::fail(cl::ErrorCode::InvalidShape,
             name + " must be an array of " + std::to_string(rank) + " dimensions, got " + value_text(shape));
  std::vector<std::int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    const std::string di = name + "[" + std::to_string(i) + "]";
    const double d = number_of(shape[i], di);
    if (d != std::floor(d)) cl::fail(cl::ErrorCode::InvalidShape, di + " must be an integer, got " + number_text(d));
    if (d > 4e18) cl::fail(cl::ErrorCode::TooLarge, di + " must be <= " + std::to_string(cl::kMaxElements) + ", got " + number_text(d));
    if (d < -4e18) cl::fail(cl::ErrorCode::InvalidShape, di + " must be >= 1, got " + number_text(d));
    dims.push_back(std::int64_t(d));
  }
  return dims;
}

// Integer dimensions handed to the core as ints (cost's and the ERF's input shape): within 2^29.
std::vector<int> int_dims_of(const val& shape, const std::string& name, int rank) {
  std::vector<int> out;
  for (std::int64_t d : dims_of(shape, name, rank)) {
    const std::string di = name + "[" + std::to_string(out.size()) + "]";
    if (d > kMaxInt) cl::fail(cl::ErrorCode::TooLarge, di + " must be <= " + std::to_string(kMaxInt) + ", got " + std::to_string(d));
    if (d < -kMaxInt) cl::fail(cl::ErrorCode::InvalidShape, di + " must be >= -" + std::to_string(kMaxInt) + ", got " + std::to_string(d));
    out.push_back(int(d));
  }
  return out;
}

std::vector<float> floats(const val& typed_array) { return emscripten::convertJSArrayToNumberVector<float>(typed_array); }

// The same copy straight into a tensor's storage (TypedArray.set over a view of it).
cl::FloatBuffer tensor_floats(const val& typed_array) {
  cl::FloatBuffer v(typed_array["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(v.size(), v.data())).call<void>("set", typed_array);
  return v;
}

// The data of a tensor argument: a Float32Array (the wrapper converts plain arrays).
val data_of(const val& t, const std::string& name) {
  val data = t["data"];
  if (!data.instanceof(val::global("Float32Array")))
    invalid(name + ".data must be a Float32Array or an array of numbers, got " + value_text(data));
  return data;
}

// An argument whose fields are read must be a JS object first (reading a field of undefined would throw
// through C++ frames).
void check_object(const val& t, const std::string& name, const char* form = "{shape, data}") {
  if (t.isNull() || t.isArray() || t.typeOf().as<std::string>() != "object")
    invalid(name + " must be an object " + form + ", got " + value_text(t));
}
void check_options(const val& o) { check_object(o, "options", "{...}"); }

// {shape: [C, H, W], data}: the core checks the shape ("input dimensions must be >= 1, got 1x0x3") and
// the length, with `name` naming the tensor.
cl::Tensor tensor_arg(const val& t, const char* name) {
  check_object(t, name);
  const std::vector<std::int64_t> d = dims_of(t["shape"], std::string(name) + ".shape", 3);
  cl::checked_count(name, {d[0], d[1], d[2]});
  cl::Tensor x;
  x.c = int(d[0]), x.h = int(d[1]), x.w = int(d[2]);
  x.data = tensor_floats(data_of(t, name));
  cl::check_tensor(name, x);
  return x;
}

// An input tensor: {handle: HeapTensor} is read in place, {shape, data} is copied in.
class TensorIn {
 public:
  TensorIn(const val& t, const char* name) : heap_((check_object(t, name), t.hasOwnProperty("handle"))) {
    if (heap_) {
      ptr_ = t["handle"].as<cl::Tensor*>(emscripten::allow_raw_pointers());
    } else {
      copy_ = tensor_arg(t, name);
      ptr_ = &copy_;
    }
  }
  const cl::Tensor& get() const { return *ptr_; }
  bool heap() const { return heap_; }  // results of ops on a heap tensor stay in the heap

 private:
  bool heap_;
  cl::Tensor copy_;
  const cl::Tensor* ptr_ = nullptr;
};

cl::Weights weights_arg(const val& t, const char* name) {
  check_object(t, name);
  const std::vector<std::int64_t> d = dims_of(t["shape"], std::string(name) + ".shape", 4);
  cl::checked_count(name, {d[0], d[1], d[2], d[3]});
  cl::Weights w;
  w.a = int(d[0]), w.b = int(d[1]), w.kh = int(d[2]), w.kw = int(d[3]);
  w.data = floats(data_of(t, name));
  cl::check_weights(name, w);
  return w;
}

// A 2-D kernel {shape: [kh, kw], data}: Kernel2D's constructor checks it as "kernel".
cl::Kernel2D kernel_arg(const val& t) {
  check_object(t, "kernel");
  const std::vector<std::int64_t> d = dims_of(t["shape"], "kernel.shape", 2);
  cl::checked_count("kernel", {d[0], d[1]});
  return cl::Kernel2D(int(d[0]), int(d[1]), floats(data_of(t, "kernel")));
}

// A 1-D factor (separableConv2d's column and row): a Float32Array.
std::vector<float> factor_arg(const val& v, const std::string& name) {
  if (!v.instanceof(val::global("Float32Array")))
    invalid(name + " must be a Float32Array or an array of numbers, got " + value_text(v));
  return floats(v);
}

std::vector<float> bias_field(const val& o) {
  const val b = o["bias"];
  if (b.isNull() || b.isUndefined()) return {};
  if (!b.instanceof(val::global("Float32Array"))) invalid("bias must be a Float32Array or an array of numbers, got " + value_text(b));
  return floats(b);
}

cl::PadMode pad_mode_of(const val& v) {
  return named(v, "paddingMode", "zeros, reflect, symmetric, replicate, circular", cl::parse_pad_mode);
}

// layers: [{type: 'conv' | 'pool', kernel, stride, padding, dilation}], each a number or an [h, w] pair
// (the wrapper fills the defaults); the core checks the values ("layer 1: stride must be >= 1, got 1x0").
std::vector<cl::Layer> layers_arg(const val& layers) {
  if (!layers.isArray()) invalid("layers must be an array, got " + value_text(layers));
  std::vector<cl::Layer> out;
  const int n = layers["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const val l = layers[i];
    const std::string name = "layers[" + std::to_string(i) + "]";
    if (l.isNull() || l.isArray() || l.typeOf().as<std::string>() != "object") invalid(name + " must be an object, got " + value_text(l));
    cl::Layer layer;
    const std::string type = string_of(l["type"], name + ".type");
    if (type != "conv" && type != "pool") invalid(name + ".type must be one of conv, pool, got \"" + type + "\"");
    layer.type = type == "pool" ? cl::Layer::Type::Pool : cl::Layer::Type::Conv;
    layer.kernel = pair_of(l["kernel"], name + ".kernel");
    layer.stride = pair_of(l["stride"], name + ".stride");
    layer.padding = pair_of(l["padding"], name + ".padding");
    layer.dilation = pair_of(l["dilation"], name + ".dilation");
    out.push_back(layer);
  }
  return out;
}

// ---- results -----------------------------------------------------------------------------------------

template <class Floats>
val float_array(const Floats& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

val int_array(std::initializer_list<int> values) {
  val a = val::array();
  for (int v : values) a.call<void>("push", v);
  return a;
}

val tensor_result(const cl::Tensor& t) {
  val r = val::object();
  r.set("shape", int_array({t.c, t.h, t.w}));
  r.set("data", float_array(t.data));
  return r;
}

// {shape, handle}: the tensor moves into a new embind-owned cl::Tensor; JS deletes it.
val heap_result(cl::Tensor&& t) {
  val r = val::object();
  r.set("shape", int_array({t.c, t.h, t.w}));
  r.set("handle", val(std::move(t)));
  return r;
}

// The result of an op whose input was `in`: in the heap when the input was.
val result_for(const TensorIn& in, cl::Tensor&& t) { return in.heap() ? heap_result(std::move(t)) : tensor_result(t); }

val weights_result(const cl::Weights& w) {
  val r = val::object();
  r.set("shape", int_array({w.a, w.b, w.kh, w.kw}));
  r.set("data", float_array(w.data));
  return r;
}

val kernel_result(const cl::Kernel2D& k) {
  val r = val::object();
  r.set("shape", int_array({k.h, k.w}));
  r.set("data", float_array(k.data));
  return r;
}

// ---- convolution, padding ----------------------------------------------------------------------------

// opts: {bias, stride, padding, dilation, groups, paddingMode}; kernel: the [kh, kw] 'same' pads for.
cl::Conv2dParams conv_params(const val& opts, cl::Pair kernel) {
  cl::Conv2dParams p;
  p.stride = pair_of(opts["stride"], "stride");
  p.dilation = pair_of(opts["dilation"], "dilation");
  p.padding = conv_padding_of(opts["padding"], kernel, p.dilation, p.stride);
  p.padding_mode = pad_mode_of(opts["paddingMode"]);
  return p;
}

val conv2d(val input, val weight, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    const cl::Weights w = weights_arg(weight, "weight");
    cl::Conv2dParams p = conv_params(opts, cl::Pair{w.kh, w.kw});
    p.groups = int_of(opts["groups"], "groups");
    return result_for(x, cl::conv2d(x.get(), w, p, bias_field(opts)));
  });
}

cl::ConvTranspose2dParams transpose_params(const val& opts) {
  cl::ConvTranspose2dParams p;
  p.stride = pair_of(opts["stride"], "stride");
  p.padding = pair_of(opts["padding"], "padding");
  p.output_padding = pair_of(opts["outputPadding"], "outputPadding");
  p.dilation = pair_of(opts["dilation"], "dilation");
  p.groups = int_of(opts["groups"], "groups");
  return p;
}

val conv_transpose2d(val input, val weight, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    const cl::Weights w = weights_arg(weight, "weight");
    return result_for(x, cl::conv_transpose2d(x.get(), w, transpose_params(opts), bias_field(opts)));
  });
}

val conv_transpose2d_steps(val input, val weight, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    const cl::Weights w = weights_arg(weight, "weight");
    const cl::TransposedSteps s = cl::conv_transpose2d_steps(x.get(), w, transpose_params(opts), bias_field(opts));
    val r = val::object();
    r.set("zeroInserted", tensor_result(s.zero_inserted));
    r.set("padded", tensor_result(s.padded));
    r.set("rotated", weights_result(s.rotated));
    r.set("output", tensor_result(s.output));
    r.set("padding", int_array({s.padding.top, s.padding.bottom, s.padding.left, s.padding.right}));
    return r;
  });
}

// opts: {padding: number | [h, w] | [top, bottom, left, right], paddingMode}
val pad(val input, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    const cl::Pad4 p = pad4_of(opts["padding"], "padding");
    return result_for(x, cl::pad(x.get(), p, pad_mode_of(opts["paddingMode"])));
  });
}

// opts: {activation: 'none' | 'relu' | 'abs'}
val activate(val input, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    const cl::Activation a = named(opts["activation"], "activation", "none, relu, abs", cl::parse_activation);
    return result_for(x, cl::activate(x.get(), a));
  });
}

// ---- pooling -----------------------------------------------------------------------------------------

// opts: {mode, kernel, stride, padding, dilation, ceilMode, countIncludePad, returnIndices}
val pool2d(val input, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    cl::Pool2dParams p;
    p.mode = named(opts["mode"], "mode", "max, mean, min", cl::parse_pool_mode);
    p.kernel = pair_of(opts["kernel"], "kernel");
    p.stride = pair_of(opts["stride"], "stride");
    cl::check_stride(p.stride);  // the core reads a 0 as "the kernel"; here it is the caller's 0
    p.padding = pair_of(opts["padding"], "padding");
    p.dilation = pair_of(opts["dilation"], "dilation");
    p.ceil_mode = bool_of(opts["ceilMode"], "ceilMode");
    p.count_include_pad = bool_of(opts["countIncludePad"], "countIncludePad");
    // The indices first: the core refuses them for mean pooling before any output (maybe a HeapTensor) exists.
    const bool with_indices = bool_of(opts["returnIndices"], "returnIndices");
    const std::vector<int> idx = with_indices ? cl::pool2d_argmax(x.get(), p) : std::vector<int>{};
    val r = val::object();
    r.set("output", result_for(x, cl::pool2d(x.get(), p)));
    if (with_indices) r.set("indices", val(emscripten::typed_memory_view(idx.size(), idx.data())).call<val>("slice"));
    return r;
  });
}

// ---- separable kernels -------------------------------------------------------------------------------

val separate(val kernel, val tolerance) {
  return guarded([&] {
    const cl::Separation s = cl::separate(kernel_arg(kernel), number_of(tolerance, "tolerance"));
    val r = val::object();
    r.set("separable", s.separable);
    r.set("column", float_array(s.column));
    r.set("row", float_array(s.row));
    r.set("residual", s.residual);
    return r;
  });
}

// opts: {stride, padding, dilation, paddingMode}
val separable_conv2d(val input, val column, val row, val opts) {
  return guarded([&] {
    check_options(opts);
    const TensorIn x(input, "input");
    const std::vector<float> col = factor_arg(column, "column"), r = factor_arg(row, "row");
    const cl::Pair kernel{int(std::min<std::size_t>(col.size(), kMaxInt)), int(std::min<std::size_t>(r.size(), kMaxInt))};
    return result_for(x, cl::separable_conv2d(x.get(), col, r, conv_params(opts, kernel)));
  });
}

// ---- geometry ----------------------------------------------------------------------------------------

// opts: {size, kernel, stride, padding, dilation, transposed, outputPadding, ceilMode, pool}, each as the
// caller gave it (undefined or null: not given). A number, or [h, w] when any size option is a pair.
val output_size(val o) {
  return guarded([&] {
    check_options(o);
    const auto given = [&](const char* key) { return !o[key].isUndefined() && !o[key].isNull(); };
    const bool transposed = given("transposed") && bool_of(o["transposed"], "transposed");
    const bool has_ceil = given("ceilMode");
    const bool pool = given("pool") ? bool_of(o["pool"], "pool") : has_ceil;
    const bool ceil_mode = has_ceil && bool_of(o["ceilMode"], "ceilMode");
    if (transposed && pool) invalid("outputSize: transposed and pool (or ceilMode) cannot be combined");
    if (has_ceil && !pool) invalid("ceilMode applies to pooling only, got pool " + value_text(o["pool"]));
    if (given("outputPadding") && !transposed)
      cl::fail(cl::ErrorCode::InvalidPadding,
               "outputPadding applies to transposed convolution only, got " + value_text(o["outputPadding"]));
    const val one(1), zero(0);
    const auto option = [&](const char* key, const val& fallback) { return given(key) ? o[key] : fallback; };
    const cl::Pair size = pair_of(o["size"], "size"), kernel = pair_of(o["kernel"], "kernel");
    const cl::Pair stride = pair_of(option("stride", pool ? o["kernel"] : one), "stride");
    const cl::Pair dilation = pair_of(option("dilation", one), "dilation");
    const cl::Pair output_padding = pair_of(option("outputPadding", zero), "outputPadding");
    bool pairs = false;
    for (const char* key : {"size", "kernel", "stride", "padding", "dilation", "outputPadding"}) pairs |= o[key].isArray();
    const char* axes[2] = {pairs ? "height" : "size", pairs ? "width" : "size"};
    int out[2];
    if (!pool && !transposed) {
      const cl::Pad4 p = given("padding") ? conv_padding_of(o["padding"], kernel, dilation, stride) : cl::Pad4{};
      cl::check_padding(p, cl::PadMode::Zeros, size.h, size.w);
      out[0] = cl::conv_output_size(size.h, kernel.h, stride.h, p.top + p.bottom, dilation.h, axes[0]);
      out[1] = cl::conv_output_size(size.w, kernel.w, stride.w, p.left + p.right, dilation.w, axes[1]);
    } else {
      const cl::Pair p = pair_of(option("padding", zero), "padding");
      if (transposed) {
        out[0] = cl::conv_transpose_output_size(size.h, kernel.h, stride.h, p.h, output_padding.h, dilation.h, axes[0]);
        out[1] = cl::conv_transpose_output_size(size.w, kernel.w, stride.w, p.w, output_padding.w, dilation.w, axes[1]);
      } else {
        out[0] = cl::pool_output_size(size.h, kernel.h, stride.h, p.h, dilation.h, ceil_mode, axes[0]);
        out[1] = cl::pool_output_size(size.w, kernel.w, stride.w, p.w, dilation.w, ceil_mode, axes[1]);
      }
    }
    return pairs ? int_array({out[0], out[1]}) : val(out[0]);
  });
}

val receptive_field(val layers) {
  return guarded([&] {
    val r = val::array();
    for (const cl::FieldInfo& f : cl::receptive_field(layers_arg(layers))) {
      val e = val::object();
      e.set("size", int_array({f.size.h, f.size.w}));
      e.set("jump", int_array({f.jump.h, f.jump.w}));
      val start = val::array();
      start.call<void>("push", f.start_h, f.start_w);
      e.set("start", start);
      r.call<void>("push", e);
    }
    return r;
  });
}

// input_size: undefined or null for the whole span, else a number or [H, W]: only the pixels that actually
// influence the unit (input_rect_clipped).
val input_rect(val layers, val layer_index, val y, val x, val input_size) {
  return guarded([&] {
    const std::vector<cl::Layer> l = layers_arg(layers);
    const int index = int_of(layer_index, "layerIndex"), oy = int_of(y, "y"), ox = int_of(x, "x");
    const bool clipped = !input_size.isUndefined() && !input_size.isNull();
    const cl::Pair in = clipped ? pair_of(input_size, "inputSize") : cl::Pair{};
    const cl::Rect rect = clipped ? cl::input_rect_clipped(l, index, oy, ox, in.h, in.w) : cl::input_rect(l, index, oy, ox);
    val r = val::object();
    r.set("y0", rect.y0);
    r.set("x0", rect.x0);
    r.set("y1", rect.y1);
    r.set("x1", rect.x1);
    return r;
  });
}

// opts: {weights: 'uniform' | 'random', seed, relu}
val effective_receptive_field(val input_shape, val layers, val opts) {
  return guarded([&] {
    check_options(opts);
    const std::vector<int> d = int_dims_of(input_shape, "inputShape", 3);
    const std::vector<cl::Layer> l = layers_arg(layers);
    cl::ErfOptions o;
    const std::string weights = string_of(opts["weights"], "weights");
    if (weights != "uniform" && weights != "random") invalid("weights must be one of uniform, random, got \"" + weights + "\"");
    o.weights = weights == "random" ? cl::ErfOptions::Weights::Random : cl::ErfOptions::Weights::Uniform;
    const double seed = number_of(opts["seed"], "seed");
    if (!(seed >= 0 && seed <= 4294967295.0 && seed == std::floor(seed)))
      invalid("seed must be an integer within 0..4294967295, got " + number_text(seed));
    o.seed = std::uint32_t(seed);
    o.relu = bool_of(opts["relu"], "relu");
    return tensor_result(cl::effective_receptive_field(d[0], d[1], d[2], l, o));
  });
}

// ---- cost --------------------------------------------------------------------------------------------

// layer: {kind, outChannels (undefined or null: the input channels), kernel, stride, padding, dilation,
// groups, bias, outputPadding}. MACs and parameters are int64: they cross as decimal strings and the
// wrapper picks Number or BigInt.
val cost(val l, val input_shape) {
  return guarded([&] {
    check_options(l);
    const std::vector<int> d = int_dims_of(input_shape, "inputShape", 3);
    cl::CostLayer layer;
    const std::string kind = string_of(l["kind"], "kind");
    bool found = false;
    std::string names;
    for (cl::LayerKind k : {cl::LayerKind::Standard, cl::LayerKind::Grouped, cl::LayerKind::Depthwise, cl::LayerKind::Pointwise,
                            cl::LayerKind::SpatiallySeparable, cl::LayerKind::DepthwiseSeparable, cl::LayerKind::Transposed,
                            cl::LayerKind::Pool}) {
      std::string name = cl::layer_kind_name(k);
      for (char& ch : name)
        if (ch == ' ') ch = '-';
      names += (names.empty() ? "" : ", ") + name;
      if (name == kind) layer.kind = k, found = true;
    }
    if (!found) invalid("kind must be one of " + names + ", got \"" + kind + "\"");
    const val out_channels = l["outChannels"];
    if (!out_channels.isUndefined() && !out_channels.isNull()) {
      // The core reads 0 as "the input channels"; a caller's 0 is an error.
      layer.out_channels = int_of(out_channels, "outChannels");
      if (layer.out_channels < 1)
        cl::fail(cl::ErrorCode::InvalidShape, "outChannels must be >= 1, got " + std::to_string(layer.out_channels));
    }
    layer.kernel = pair_of(l["kernel"], "kernel");
    layer.stride = pair_of(l["stride"], "stride");
    layer.padding = pair_of(l["padding"], "padding");
    layer.dilation = pair_of(l["dilation"], "dilation");
    layer.groups = int_of(l["groups"], "groups");
    layer.bias = bool_of(l["bias"], "bias");
    layer.output_padding = pair_of(l["outputPadding"], "outputPadding");
    const cl::LayerCost r = cl::cost(layer, d[0], d[1], d[2]);
    val out = val::object();
    out.set("macs", std::to_string(r.macs));
    out.set("params", std::to_string(r.params));
    out.set("outputShape", int_array({r.out_c, r.out_h, r.out_w}));
    return out;
  });
}

// ---- kernels -----------------------------------------------------------------------------------------

val kernel_presets() {
  val r = val::array();
  for (const cl::PresetInfo& p : cl::kernel_presets()) {
    val e = val::object();
    e.set("name", std::string(p.name));
    e.set("description", std::string(p.description));
    e.set("hasSize", p.has_size);
    e.set("hasSigma", p.has_sigma);
    r.call<void>("push", e);
  }
  return r;
}

val kernel_preset(val name, val size, val sigma) {
  return guarded([&] {
    const std::string n = string_of(name, "name");
    const int k = int_of(size, "size", cl::ErrorCode::InvalidKernel);
    return kernel_result(cl::kernel_preset(n, k, float(number_of(sigma, "sigma"))));
  });
}

// op: 'flip' | 'transpose' | 'normalise'
val kernel_op(val kernel, std::string op) {
  return guarded([&] {
    const cl::Kernel2D k = kernel_arg(kernel);
    if (op == "flip") return kernel_result(cl::flip(k));
    if (op == "transpose") return kernel_result(cl::transpose(k));
    if (op == "normalise") return kernel_result(cl::normalise(k));
    invalid("kernel operation must be flip, transpose or normalise, got " + op);
  });
}

// ---- images ------------------------------------------------------------------------------------------

// image: {width, height, data: Uint8ClampedArray | Uint8Array}
val from_rgba(val image, val channels) {
  return guarded([&] {
    check_object(image, "image", "{width, height, data}");
    const int width = int_of(image["width"], "image.width"), height = int_of(image["height"], "image.height");
    const int c = int_of(channels, "channels");
    cl::checked_count("image", {height, width, 4});
    const val bytes = image["data"];
    if (!bytes.instanceof(val::global("Uint8ClampedArray")) && !bytes.instanceof(val::global("Uint8Array")))
      invalid("image.data must be a Uint8ClampedArray or Uint8Array, got " + value_text(bytes));
    const std::int64_t want = std::int64_t(width) * height * 4, got = bytes["length"].as<double>();
    if (got != want)
      cl::fail(cl::ErrorCode::InvalidShape, "image.data length must be width * height * 4 = " + std::to_string(want) +
                                                ", got " + std::to_string(got));
    const std::vector<std::uint8_t> rgba = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
    return tensor_result(cl::from_rgba8(rgba.data(), width, height, c));
  });
}

val to_rgba(val tensor, val channel, val mode) {
  return guarded([&] {
    const TensorIn in(tensor, "tensor");
    const int ch = int_of(channel, "channel");
    const cl::DisplayMode m = named(mode, "mode", "clamp, minmax, abs, diverging", cl::parse_display_mode);
    const cl::Tensor& t = in.get();
    cl::DisplayRange range{0, 0};
    const std::vector<std::uint8_t> rgba = cl::to_rgba8(t, ch, m, &range);
    val r = val::object();
    r.set("width", t.w);
    r.set("height", t.h);
    r.set("data", val(emscripten::typed_memory_view(rgba.size(), rgba.data())).call<val>("slice"));
    val lohi = val::array();
    lohi.call<void>("push", range.lo, range.hi);
    r.set("range", lohi);
    return r;
  });
}

// ---- heap tensors ------------------------------------------------------------------------------------

// {shape, data} copied once into a new heap tensor.
val heap_tensor(val t) {
  return guarded([&] { return heap_result(tensor_arg(t, "tensor")); });
}

// A Float32Array over the tensor's storage in the wasm heap: no copy, valid until the heap grows or the
// tensor is deleted (the wrapper hands out a fresh view on every access).
val heap_tensor_view(const cl::Tensor& t) { return val(emscripten::typed_memory_view(t.data.size(), t.data.data())); }

// ---- debugging -----------------------------------------------------------------------------------------

// Bytes malloc has handed out and not taken back, and the size of the wasm heap: a leak check for tests.
val heap_info() {
  const struct mallinfo mi = mallinfo();
  val r = val::object();
  r.set("inUse", double(mi.uordblks));
  r.set("heapSize", double(emscripten_get_heap_size()));
  return r;
}

}  // namespace

EMSCRIPTEN_BINDINGS(convlab_core) {
  emscripten::class_<cl::Tensor>("HeapTensor");
  emscripten::function("heapTensor", &heap_tensor);
  emscripten::function("heapTensorView", &heap_tensor_view);
  emscripten::function("conv2d", &conv2d);
  emscripten::function("convTranspose2d", &conv_transpose2d);
  emscripten::function("convTranspose2dSteps", &conv_transpose2d_steps);
  emscripten::function("pad", &pad);
  emscripten::function("activate", &activate);
  emscripten::function("pool2d", &pool2d);
  emscripten::function("separate", &separate);
  emscripten::function("separableConv2d", &separable_conv2d);
  emscripten::function("outputSize", &output_size);
  emscripten::function("receptiveField", &receptive_field);
  emscripten::function("inputRect", &input_rect);
  emscripten::function("effectiveReceptiveField", &effective_receptive_field);
  emscripten::function("cost", &cost);
  emscripten::function("kernelPresets", &kernel_presets);
  emscripten::function("kernelPreset", &kernel_preset);
  emscripten::function("kernelOp", &kernel_op);
  emscripten::function("fromRGBA", &from_rgba);
  emscripten::function("toRGBA", &to_rgba);
  emscripten::function("heapInfo", &heap_info);
}
