// embind bindings of the core: the thin C++ edge of the JS API. Every function takes plain JS objects
// that wasm/convlab.mjs has already normalised, returns a plain object, and never lets a C++ exception
// reach JS: errors come back as {error, code} and the wrapper throws them as JS Errors.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <new>
#include <string>
#include <vector>

#include "conv2d.h"
#include "error.h"
#include "geometry.h"
#include "padding.h"
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

std::vector<float> floats(const val& typed_array) { return emscripten::convertJSArrayToNumberVector<float>(typed_array); }

int int_field(const val& o, const char* key) { return o[key].as<int>(); }

cl::Pair pair_field(const val& o, const char* key) {
  const val v = o[key];
  return cl::Pair{v[0].as<int>(), v[1].as<int>()};
}

cl::Tensor tensor_arg(const val& t) {
  return cl::Tensor(int_field(t, "c"), int_field(t, "h"), int_field(t, "w"), floats(t["data"]));
}

cl::Weights weights_arg(const val& t) {
  return cl::Weights(int_field(t, "a"), int_field(t, "b"), int_field(t, "kh"), int_field(t, "kw"), floats(t["data"]));
}

cl::Pad4 pad4_field(const val& o, const char* key) {
  const val v = o[key];
  return cl::Pad4{v[0].as<int>(), v[1].as<int>(), v[2].as<int>(), v[3].as<int>()};
}

cl::PadMode pad_mode_field(const val& o, const char* key) {
  const std::string name = o[key].as<std::string>();
  const auto mode = cl::parse_pad_mode(name);
  if (!mode) cl::fail(cl::ErrorCode::InvalidArgument, "paddingMode must be one of zeros, reflect, symmetric, replicate, circular, got " + name);
  return *mode;
}

val float_array(const std::vector<float>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

val tensor_result(const cl::Tensor& t) {
  val r = val::object();
  val shape = val::array();
  shape.call<void>("push", t.c, t.h, t.w);
  r.set("shape", shape);
  r.set("data", float_array(t.data));
  return r;
}

val conv2d(val input, val weight, val opts) {
  return guarded([&] {
    cl::Conv2dParams p;
    p.stride = pair_field(opts, "stride");
    p.dilation = pair_field(opts, "dilation");
    p.padding = pad4_field(opts, "padding");
    p.padding_mode = pad_mode_field(opts, "paddingMode");
    p.groups = int_field(opts, "groups");
    const std::vector<float> bias = opts["bias"].isNull() ? std::vector<float>{} : floats(opts["bias"]);
    return tensor_result(cl::conv2d(tensor_arg(input), weights_arg(weight), p, bias));
  });
}

val pad(val input, val opts) {
  return guarded([&] { return tensor_result(cl::pad(tensor_arg(input), pad4_field(opts, "padding"), pad_mode_field(opts, "paddingMode"))); });
}

val same_padding(int kh, int kw, int dh, int dw) {
  return guarded([&] {
    const cl::Pad4 p = cl::same_padding(kh, kw, cl::Pair{dh, dw});
    val r = val::array();
    r.call<void>("push", p.top, p.bottom, p.left, p.right);
    return r;
  });
}

// opts: {kind: 'conv'|'pool'|'transposed', size, kernel, stride, padTotal (conv) or pad, dilation, outputPadding, ceilMode}
val output_size(val o) {
  return guarded([&] {
    const std::string kind = o["kind"].as<std::string>();
    const int size = int_field(o, "size"), k = int_field(o, "kernel"), s = int_field(o, "stride"), d = int_field(o, "dilation");
    if (kind == "transposed")
      return val(cl::conv_transpose_output_size(size, k, s, int_field(o, "pad"), int_field(o, "outputPadding"), d));
    if (kind == "pool") return val(cl::pool_output_size(size, k, s, int_field(o, "pad"), d, o["ceilMode"].as<bool>()));
    return val(cl::conv_output_size(size, k, s, int_field(o, "padTotal"), d));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(convlab_core) {
  emscripten::function("conv2d", &conv2d);
  emscripten::function("pad", &pad);
  emscripten::function("samePadding", &same_padding);
  emscripten::function("outputSize", &output_size);
}
