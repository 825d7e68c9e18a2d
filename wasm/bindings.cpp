// embind bindings of the core: the thin C++ edge of the JS API. Every function takes plain JS objects
// that wasm/convlab.mjs has already normalised (integers checked, names spelled out, pairs expanded),
// returns a plain object, and never lets a C++ exception reach JS: errors come back as {error, code}
// and the wrapper throws them as JS Errors. Plain inputs are copied into std::vectors and results copied
// out (typed_memory_view(...).slice()), so nothing allocated for them outlives a call. A HeapTensor (a
// cl::Tensor owned by JS through embind) is read in place, and an op on one returns a new HeapTensor:
// no copies at all, for callers that run many ops on the same image.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdint>
#include <new>
#include <string>
#include <vector>

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

// ---- arguments ---------------------------------------------------------------------------------------

std::vector<float> floats(const val& typed_array) { return emscripten::convertJSArrayToNumberVector<float>(typed_array); }

// The same copy straight into a tensor's storage (TypedArray.set over a view of it).
cl::FloatBuffer tensor_floats(const val& typed_array) {
  cl::FloatBuffer v(typed_array["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(v.size(), v.data())).call<void>("set", typed_array);
  return v;
}

int int_field(const val& o, const char* key) { return o[key].as<int>(); }
bool bool_field(const val& o, const char* key) { return o[key].as<bool>(); }

cl::Pair pair_field(const val& o, const char* key) {
  const val v = o[key];
  return cl::Pair{v[0].as<int>(), v[1].as<int>()};
}

cl::Pad4 pad4_field(const val& o, const char* key) {
  const val v = o[key];
  return cl::Pad4{v[0].as<int>(), v[1].as<int>(), v[2].as<int>(), v[3].as<int>()};
}

cl::Tensor tensor_arg(const val& t) {
  return cl::Tensor(int_field(t, "c"), int_field(t, "h"), int_field(t, "w"), tensor_floats(t["data"]));
}

// An input tensor: {handle: HeapTensor} is read in place, {c, h, w, data} is copied in.
class TensorIn {
 public:
  explicit TensorIn(const val& t) : heap_(t.hasOwnProperty("handle")) {
    if (heap_) {
      ptr_ = t["handle"].as<cl::Tensor*>(emscripten::allow_raw_pointers());
    } else {
      copy_ = tensor_arg(t);
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

cl::Weights weights_arg(const val& t) {
  return cl::Weights(int_field(t, "a"), int_field(t, "b"), int_field(t, "kh"), int_field(t, "kw"), floats(t["data"]));
}

cl::Kernel2D kernel_arg(const val& t) { return cl::Kernel2D(int_field(t, "h"), int_field(t, "w"), floats(t["data"])); }

std::vector<float> bias_field(const val& o) { return o["bias"].isNull() ? std::vector<float>{} : floats(o["bias"]); }

cl::PadMode pad_mode_field(const val& o, const char* key) {
  const std::string name = o[key].as<std::string>();
  const auto mode = cl::parse_pad_mode(name);
  if (!mode) invalid("paddingMode must be one of zeros, reflect, symmetric, replicate, circular, got " + name);
  return *mode;
}

// layers: [{pool: bool, kernel, stride, padding, dilation}] with every field an [h, w] pair.
std::vector<cl::Layer> layers_arg(const val& layers) {
  std::vector<cl::Layer> out;
  const int n = layers["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    const val l = layers[i];
    cl::Layer layer;
    layer.type = bool_field(l, "pool") ? cl::Layer::Type::Pool : cl::Layer::Type::Conv;
    layer.kernel = pair_field(l, "kernel");
    layer.stride = pair_field(l, "stride");
    layer.padding = pair_field(l, "padding");
    layer.dilation = pair_field(l, "dilation");
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

// Stride, dilation, four-sided padding and its mode: what conv2d and separableConv2d share.
cl::Conv2dParams conv_params(const val& opts) {
  cl::Conv2dParams p;
  p.stride = pair_field(opts, "stride");
  p.dilation = pair_field(opts, "dilation");
  p.padding = pad4_field(opts, "padding");
  p.padding_mode = pad_mode_field(opts, "paddingMode");
  return p;
}

val conv2d(val input, val weight, val opts) {
  return guarded([&] {
    cl::Conv2dParams p = conv_params(opts);
    p.groups = int_field(opts, "groups");
    const TensorIn x(input);
    return result_for(x, cl::conv2d(x.get(), weights_arg(weight), p, bias_field(opts)));
  });
}

cl::ConvTranspose2dParams transpose_params(const val& opts) {
  cl::ConvTranspose2dParams p;
  p.stride = pair_field(opts, "stride");
  p.padding = pair_field(opts, "padding");
  p.output_padding = pair_field(opts, "outputPadding");
  p.dilation = pair_field(opts, "dilation");
  p.groups = int_field(opts, "groups");
  return p;
}

val conv_transpose2d(val input, val weight, val opts) {
  return guarded([&] {
    const TensorIn x(input);
    return result_for(x, cl::conv_transpose2d(x.get(), weights_arg(weight), transpose_params(opts), bias_field(opts)));
  });
}

val conv_transpose2d_steps(val input, val weight, val opts) {
  return guarded([&] {
    const cl::TransposedSteps s =
        cl::conv_transpose2d_steps(TensorIn(input).get(), weights_arg(weight), transpose_params(opts), bias_field(opts));
    val r = val::object();
    r.set("zeroInserted", tensor_result(s.zero_inserted));
    r.set("padded", tensor_result(s.padded));
    r.set("rotated", weights_result(s.rotated));
    r.set("output", tensor_result(s.output));
    r.set("padding", int_array({s.padding.top, s.padding.bottom, s.padding.left, s.padding.right}));
    return r;
  });
}

val pad(val input, val opts) {
  return guarded([&] {
    const TensorIn x(input);
    return result_for(x, cl::pad(x.get(), pad4_field(opts, "padding"), pad_mode_field(opts, "paddingMode")));
  });
}

val same_padding(int kh, int kw, int dh, int dw) {
  return guarded([&] {
    const cl::Pad4 p = cl::same_padding(kh, kw, cl::Pair{dh, dw});
    return int_array({p.top, p.bottom, p.left, p.right});
  });
}

// ---- pooling -----------------------------------------------------------------------------------------

val pool2d(val input, val opts) {
  return guarded([&] {
    cl::Pool2dParams p;
    const std::string mode = opts["mode"].as<std::string>();
    const auto parsed = cl::parse_pool_mode(mode);
    if (!parsed) invalid("mode must be one of max, mean, min, got " + mode);
    p.mode = *parsed;
    p.kernel = pair_field(opts, "kernel");
    p.stride = pair_field(opts, "stride");
    p.padding = pair_field(opts, "padding");
    p.dilation = pair_field(opts, "dilation");
    p.ceil_mode = bool_field(opts, "ceilMode");
    p.count_include_pad = bool_field(opts, "countIncludePad");
    const TensorIn x(input);
    val r = val::object();
    r.set("output", result_for(x, cl::pool2d(x.get(), p)));
    if (bool_field(opts, "returnIndices")) {
      const std::vector<int> idx = cl::pool2d_argmax(x.get(), p);
      r.set("indices", val(emscripten::typed_memory_view(idx.size(), idx.data())).call<val>("slice"));
    }
    return r;
  });
}

// ---- separable kernels -------------------------------------------------------------------------------

val separate(val kernel, double tolerance) {
  return guarded([&] {
    const cl::Separation s = cl::separate(kernel_arg(kernel), tolerance);
    val r = val::object();
    r.set("separable", s.separable);
    r.set("column", float_array(s.column));
    r.set("row", float_array(s.row));
    r.set("residual", s.residual);
    return r;
  });
}

val separable_conv2d(val input, val column, val row, val opts) {
  return guarded([&] {
    const TensorIn x(input);
    return result_for(x, cl::separable_conv2d(x.get(), floats(column), floats(row), conv_params(opts)));
  });
}

// ---- geometry ----------------------------------------------------------------------------------------

// opts: {kind: 'conv'|'pool'|'transposed', size, kernel, stride, padTotal (conv) or pad, dilation, outputPadding, ceilMode}
val output_size(val o) {
  return guarded([&] {
    const std::string kind = o["kind"].as<std::string>();
    const int size = int_field(o, "size"), k = int_field(o, "kernel"), s = int_field(o, "stride"), d = int_field(o, "dilation");
    if (kind == "transposed")
      return val(cl::conv_transpose_output_size(size, k, s, int_field(o, "pad"), int_field(o, "outputPadding"), d));
    if (kind == "pool") return val(cl::pool_output_size(size, k, s, int_field(o, "pad"), d, bool_field(o, "ceilMode")));
    return val(cl::conv_output_size(size, k, s, int_field(o, "padTotal"), d));
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

// clipped: the pixels that actually influence the unit for an in_h x in_w input (input_rect_clipped).
val input_rect(val layers, int layer_index, int y, int x, bool clipped, int in_h, int in_w) {
  return guarded([&] {
    const std::vector<cl::Layer> l = layers_arg(layers);
    const cl::Rect rect = clipped ? cl::input_rect_clipped(l, layer_index, y, x, in_h, in_w) : cl::input_rect(l, layer_index, y, x);
    val r = val::object();
    r.set("y0", rect.y0);
    r.set("x0", rect.x0);
    r.set("y1", rect.y1);
    r.set("x1", rect.x1);
    return r;
  });
}

val effective_receptive_field(int c, int h, int w, val layers, val opts) {
  return guarded([&] {
    cl::ErfOptions o;
    o.weights = bool_field(opts, "random") ? cl::ErfOptions::Weights::Random : cl::ErfOptions::Weights::Uniform;
    o.seed = std::uint32_t(opts["seed"].as<double>());
    o.relu = bool_field(opts, "relu");
    return tensor_result(cl::effective_receptive_field(c, h, w, layers_arg(layers), o));
  });
}

// ---- cost --------------------------------------------------------------------------------------------

// MACs and parameters are int64: they cross as decimal strings and the wrapper picks Number or BigInt.
val cost(val l, int c, int h, int w) {
  return guarded([&] {
    cl::CostLayer layer;
    const std::string kind = l["kind"].as<std::string>();
    bool found = false;
    for (cl::LayerKind k : {cl::LayerKind::Standard, cl::LayerKind::Grouped, cl::LayerKind::Depthwise, cl::LayerKind::Pointwise,
                            cl::LayerKind::SpatiallySeparable, cl::LayerKind::DepthwiseSeparable, cl::LayerKind::Transposed,
                            cl::LayerKind::Pool}) {
      std::string name = cl::layer_kind_name(k);
      for (char& ch : name)
        if (ch == ' ') ch = '-';
      if (name == kind) layer.kind = k, found = true;
    }
    if (!found) invalid("kind is unknown, got " + kind);
    layer.out_channels = int_field(l, "outChannels");
    layer.kernel = pair_field(l, "kernel");
    layer.stride = pair_field(l, "stride");
    layer.padding = pair_field(l, "padding");
    layer.dilation = pair_field(l, "dilation");
    layer.groups = int_field(l, "groups");
    layer.bias = bool_field(l, "bias");
    layer.output_padding = pair_field(l, "outputPadding");
    const cl::LayerCost r = cl::cost(layer, c, h, w);
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

val kernel_preset(std::string name, int size, double sigma) {
  return guarded([&] { return kernel_result(cl::kernel_preset(name, size, float(sigma))); });
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

val from_rgba(val bytes, int width, int height, int channels) {
  return guarded([&] {
    const std::vector<std::uint8_t> rgba = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
    if (std::int64_t(rgba.size()) != std::int64_t(width) * height * 4)
      cl::fail(cl::ErrorCode::InvalidShape, "image data length must be width * height * 4 = " +
                                                std::to_string(std::int64_t(width) * height * 4) + ", got " +
                                                std::to_string(rgba.size()));
    return tensor_result(cl::from_rgba8(rgba.data(), width, height, channels));
  });
}

val to_rgba(val tensor, int channel, std::string mode) {
  return guarded([&] {
    const std::optional<cl::DisplayMode> parsed = cl::parse_display_mode(mode);
    if (!parsed) invalid("mode must be one of clamp, minmax, abs, diverging, got " + mode);
    const cl::DisplayMode m = *parsed;
    const TensorIn in(tensor);
    const cl::Tensor& t = in.get();
    cl::DisplayRange range{0, 0};
    const std::vector<std::uint8_t> rgba = cl::to_rgba8(t, channel, m, &range);
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

// {c, h, w, data} copied once into a new heap tensor.
val heap_tensor(val t) {
  return guarded([&] {
    cl::Tensor x = tensor_arg(t);
    cl::check_tensor("tensor", x);
    return heap_result(std::move(x));
  });
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
  emscripten::function("samePadding", &same_padding);
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
