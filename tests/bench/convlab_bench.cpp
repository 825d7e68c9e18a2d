// ConvLab vs OpenCV, side by side in one process: `BM_<case>/convlab` and `BM_<case>/opencv` pairs on
// 1920x1080 float32 images, OpenCV pinned to one thread. See tests/bench/README.md for how to read them.
//
//   build/native/convlab_bench                                  all cases
//   build/native/convlab_bench --benchmark_filter=conv3x3       one family
//   build/native/convlab_bench --benchmark_format=json          for tests/bench/wasm_bench.mjs
//
// `/convlab_baseline` runs the same core with the AVX2 kernels switched off (the SSE2 build every
// x86-64 CPU runs; the same vector width as wasm SIMD128). Before running, main() checks on a crop
// that every pair computes the same thing (same borders, same kernel) and refuses to run otherwise.
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "conv2d.h"
#include "conv2d_rows.h"
#include "tensor.h"
#if __has_include("separable.h")
#include "separable.h"
#define CONVLAB_BENCH_SEPARABLE 1
#endif
#if __has_include("pool.h")
#include "pool.h"
#define CONVLAB_BENCH_POOL 1
#endif
#if __has_include("conv_transpose.h")
#include "conv_transpose.h"
#define CONVLAB_BENCH_TRANSPOSED 1
#endif

namespace {

using convlab::Tensor;
using convlab::Weights;

constexpr int kH = 1080, kW = 1920;

Tensor random_tensor(int c, int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  Tensor t(c, h, w);
  for (float& v : t.data) v = dist(rng);
  return t;
}

std::vector<float> random_values(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Planar [C, H, W] tensor -> one CV_32FC(C) interleaved Mat (OpenCV's own layout for colour images).
cv::Mat to_interleaved(const Tensor& t) {
  std::vector<cv::Mat> planes;
  for (int c = 0; c < t.c; ++c) planes.emplace_back(t.h, t.w, CV_32F, const_cast<float*>(t.plane(c)));
  cv::Mat m;
  cv::merge(planes, m);
  return m;
}

std::vector<cv::Mat> to_planes(const Tensor& t) {
  std::vector<cv::Mat> planes;
  for (int c = 0; c < t.c; ++c) planes.push_back(cv::Mat(t.h, t.w, CV_32F, const_cast<float*>(t.plane(c))).clone());
  return planes;
}

// One benchmark case: how convlab computes it, how OpenCV computes it, and how to compare the two
// results (both as a planar [C, H, W] tensor).
struct Case {
  std::string name;
  int channels, height, width;
  // Builds the two callables for an input; each returns its result as a planar tensor when asked.
  std::function<std::function<Tensor(bool)>(const Tensor&)> convlab, opencv;
  bool baseline_variant = true;  // also run /convlab_baseline (conv2d cases only)
  int check_h = 61, check_w = 83;  // the small image both sides are compared on before timing
  // Optional: a conv2d with the same multiply-adds (or compares) as the case, on its own input,
  // registered as BM_<case>/conv_same_macs (the "no more than 2x a conv2d of equal MACs" rule).
  std::function<std::function<Tensor(bool)>()> same_macs = nullptr;
};

Tensor from_planes(const std::vector<cv::Mat>& planes) {
  Tensor t(int(planes.size()), planes[0].rows, planes[0].cols);
  for (int c = 0; c < t.c; ++c) std::memcpy(t.plane(c), planes[c].ptr<float>(), sizeof(float) * t.h * t.w);
  return t;
}

Tensor from_mat(const cv::Mat& m) {
  std::vector<cv::Mat> planes;
  cv::split(m, planes);
  for (auto& p : planes) p = p.clone();
  return from_planes(planes);
}

convlab::Conv2dParams same_reflect(int kh, int kw, int groups, convlab::Pair dilation = {1, 1}) {
  convlab::Conv2dParams p;
  p.dilation = dilation;
  p.padding = convlab::same_padding(kh, kw, dilation);
  p.padding_mode = convlab::PadMode::Reflect;
  p.groups = groups;
  return p;
}

// The k x k kernel dilated by d as OpenCV sees it: zeros between the taps.
cv::Mat dilated_kernel(const std::vector<float>& k, int ksize, int d) {
  const int span = (ksize - 1) * d + 1;
  cv::Mat m = cv::Mat::zeros(span, span, CV_32F);
  for (int y = 0; y < ksize; ++y)
    for (int x = 0; x < ksize; ++x) m.at<float>(y * d, x * d) = k[y * ksize + x];
  return m;
}

// conv2d with one k x k kernel on every channel (groups = C), reflect 'same' padding;
// OpenCV: filter2D on the interleaved image with BORDER_REFLECT_101 (the same reflection).
Case depthwise_case(const std::string& name, int k, int channels, int dilation = 1) {
  Case c{name, channels, kH, kW, nullptr, nullptr};
  const std::vector<float> kv = random_values(k * k, 7 + k);
  c.convlab = [=](const Tensor& in) {
    Weights wt(channels, 1, k, k);
    for (int ch = 0; ch < channels; ++ch) std::copy(kv.begin(), kv.end(), wt.data.begin() + ch * k * k);
    const convlab::Conv2dParams p = same_reflect(k, k, channels, {dilation, dilation});
    return std::function<Tensor(bool)>([&in, wt, p](bool) { return convlab::conv2d(in, wt, p); });
  };
  c.opencv = [=](const Tensor& in) {
    auto src = std::make_shared<cv::Mat>(to_interleaved(in));
    auto dst = std::make_shared<cv::Mat>();
    const cv::Mat kernel = dilated_kernel(kv, k, dilation);
    return std::function<Tensor(bool)>([src, dst, kernel](bool want) {
      cv::filter2D(*src, *dst, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
      return want ? from_mat(*dst) : Tensor();
    });
  };
  return c;
}

// conv2d with a [1, C, k, k] weight (the same kernel over every channel, summed into one output);
// OpenCV: filter2D on each plane, accumulated.
Case full_depth_case(const std::string& name, int k, int channels) {
  Case c{name, channels, kH, kW, nullptr, nullptr};
  const std::vector<float> kv = random_values(k * k, 11 + k);
  c.convlab = [=](const Tensor& in) {
    Weights wt(1, channels, k, k);
    for (int ch = 0; ch < channels; ++ch) std::copy(kv.begin(), kv.end(), wt.data.begin() + ch * k * k);
    const convlab::Conv2dParams p = same_reflect(k, k, 1);
    return std::function<Tensor(bool)>([&in, wt, p](bool) { return convlab::conv2d(in, wt, p); });
  };
  c.opencv = [=](const Tensor& in) {
    auto planes = std::make_shared<std::vector<cv::Mat>>(to_planes(in));
    auto dst = std::make_shared<cv::Mat>(), tmp = std::make_shared<cv::Mat>();
    const cv::Mat kernel(k, k, CV_32F, const_cast<float*>(kv.data()));
    const cv::Mat kcopy = kernel.clone();
    return std::function<Tensor(bool)>([planes, dst, tmp, kcopy](bool want) {
      cv::filter2D((*planes)[0], *dst, -1, kcopy, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
      for (std::size_t i = 1; i < planes->size(); ++i) {
        cv::filter2D((*planes)[i], *tmp, -1, kcopy, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
        *dst += *tmp;
      }
      return want ? from_planes({*dst}) : Tensor();
    });
  };
  return c;
}

// A 1x1 convolution Cin -> Cout (a CNN's pointwise layer); OpenCV: the same matrix product with
// cv::gemm, weights [Cout, Cin] times the image as [Cin, H * W].
Case pointwise_case(const std::string& name, int cin, int cout, int h, int w) {
  Case c{name, cin, h, w, nullptr, nullptr};
  const std::vector<float> wv = random_values(cin * cout, 5);
  c.convlab = [=](const Tensor& in) {
    Weights wt(cout, cin, 1, 1, wv);
    return std::function<Tensor(bool)>([&in, wt](bool) { return convlab::conv2d(in, wt, {}); });
  };
  c.opencv = [=](const Tensor& in) {
    auto src = std::make_shared<cv::Mat>(cin, h * w, CV_32F, const_cast<float*>(in.data.data()));
    auto weights = std::make_shared<cv::Mat>(cv::Mat(cout, cin, CV_32F, const_cast<float*>(wv.data())).clone());
    auto dst = std::make_shared<cv::Mat>();
    return std::function<Tensor(bool)>([src, weights, dst, cout, h, w](bool want) {
      cv::gemm(*weights, *src, 1.0, cv::noArray(), 0.0, *dst);
      if (!want) return Tensor();
      Tensor t(cout, h, w);
      std::memcpy(t.data.data(), dst->ptr<float>(), sizeof(float) * t.size());
      return t;
    });
  };
  return c;
}

// conv2d on its own random [c, h, w] input with weight [cout, cin/groups, kh, kw], stride s, zero
// 'same'-style padding for stride 1: the reference cost for the same-MAC rule.
std::function<std::function<Tensor(bool)>()> same_macs_conv(int c, int h, int w, int cout, int groups, int kh, int kw,
                                                            int stride) {
  return [=]() {
    auto in = std::make_shared<Tensor>(random_tensor(c, h, w, 31));
    const Weights wt(cout, c / groups, kh, kw, random_values(cout * (c / groups) * kh * kw, 32));
    convlab::Conv2dParams p;
    p.groups = groups;
    p.stride = {stride, stride};
    if (stride == 1) p.padding = convlab::same_padding(kh, kw, {1, 1});
    return std::function<Tensor(bool)>([in, wt, p](bool) { return convlab::conv2d(*in, wt, p); });
  };
}

std::vector<Case> make_cases() {
  std::vector<Case> cases;
  for (int k : {3, 5, 7}) cases.push_back(depthwise_case("conv" + std::to_string(k) + "x" + std::to_string(k) + "_c1_1080p", k, 1));
  for (int k : {3, 5, 7}) {
    // Depthwise (groups 3) against the full-depth [1, 3, k, k] conv: both k * k * 3 MACs per pixel.
    cases.push_back(depthwise_case("conv" + std::to_string(k) + "x" + std::to_string(k) + "_c3_1080p", k, 3));
    cases.back().same_macs = same_macs_conv(3, kH, kW, 1, 1, k, k, 1);
  }
  for (int k : {3, 7}) cases.push_back(full_depth_case("conv" + std::to_string(k) + "x" + std::to_string(k) + "_c3full_1080p", k, 3));
  cases.push_back(depthwise_case("conv3x3_d2_c1_1080p", 3, 1, 2));  // dilation 2: the general pass path
  cases.push_back(pointwise_case("pointwise_c16to16_270x480", 16, 16, 270, 480));
  // 16 * 16 MACs per pixel, as one spatial filter [1, 16, 4, 4] over the same pixels.
  cases.back().same_macs = same_macs_conv(16, 270, 480, 1, 1, 4, 4, 1);
#ifdef CONVLAB_BENCH_SEPARABLE
  {
    Case c{"sep7_c1_1080p", 1, kH, kW, nullptr, nullptr, false};
    const std::vector<float> col = random_values(7, 21), row = random_values(7, 22);
    c.convlab = [=](const Tensor& in) {
      const convlab::Conv2dParams p = same_reflect(7, 7, 1);
      return std::function<Tensor(bool)>([&in, col, row, p](bool) { return convlab::separable_conv2d(in, col, row, p); });
    };
    c.opencv = [=](const Tensor& in) {
      auto src = std::make_shared<cv::Mat>(to_interleaved(in));
      auto dst = std::make_shared<cv::Mat>();
      const cv::Mat kx = cv::Mat(row).clone(), ky = cv::Mat(col).clone();
      return std::function<Tensor(bool)>([src, dst, kx, ky](bool want) {
        cv::sepFilter2D(*src, *dst, -1, kx, ky, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
        return want ? from_mat(*dst) : Tensor();
      });
    };
    cases.push_back(c);
  }
#endif
#ifdef CONVLAB_BENCH_POOL
  {
    // Max pool 3x3, stride 1, padding 1 (-inf): OpenCV's dilate with a 3x3 box (its default border
    // is the neutral value for max, so the borders agree too).
    Case c{"maxpool3x3_s1_c1_1080p", 1, kH, kW, nullptr, nullptr, false};
    c.convlab = [](const Tensor& in) {
      convlab::Pool2dParams p;
      p.mode = convlab::PoolMode::Max;
      p.kernel = {3, 3};
      p.stride = {1, 1};
      p.padding = {1, 1};
      return std::function<Tensor(bool)>([&in, p](bool) { return convlab::pool2d(in, p); });
    };
    c.opencv = [](const Tensor& in) {
      auto src = std::make_shared<cv::Mat>(to_interleaved(in));
      auto dst = std::make_shared<cv::Mat>();
      return std::function<Tensor(bool)>([src, dst](bool want) {
        cv::dilate(*src, *dst, cv::Mat::ones(3, 3, CV_8U));
        return want ? from_mat(*dst) : Tensor();
      });
    };
    c.same_macs = same_macs_conv(1, kH, kW, 1, 1, 3, 3, 1);  // 9 compares vs 9 MACs per pixel
    cases.push_back(c);
  }
  {
    // Mean pool 2x2, stride 2: exactly OpenCV's INTER_AREA halving.
    Case c{"avgpool2x2_s2_c3_1080p", 3, kH, kW, nullptr, nullptr, false, 62, 84};  // INTER_AREA: even sizes
    c.convlab = [](const Tensor& in) {
      convlab::Pool2dParams p;
      p.mode = convlab::PoolMode::Mean;
      p.kernel = {2, 2};
      return std::function<Tensor(bool)>([&in, p](bool) { return convlab::pool2d(in, p); });
    };
    c.opencv = [](const Tensor& in) {
      auto src = std::make_shared<cv::Mat>(to_interleaved(in));
      auto dst = std::make_shared<cv::Mat>();
      return std::function<Tensor(bool)>([src, dst](bool want) {
        cv::resize(*src, *dst, cv::Size(src->cols / 2, src->rows / 2), 0, 0, cv::INTER_AREA);
        return want ? from_mat(*dst) : Tensor();
      });
    };
    c.same_macs = same_macs_conv(3, kH, kW, 3, 3, 2, 2, 2);  // depthwise 2x2, stride 2
    cases.push_back(c);
  }
#endif
#ifdef CONVLAB_BENCH_TRANSPOSED
  {
    // 2x upsampling: conv_transpose2d of [3, 540, 960] with a depthwise 4x4 kernel, stride 2, padding 1
    // -> [3, 1080, 1920]: 4 MACs per output pixel, like a depthwise 2x2 conv on the output size.
    // OpenCV has no transposed convolution: only the same-MAC pair.
    Case c{"transposed4x4_s2_c3_to1080p", 3, kH / 2, kW / 2, nullptr, nullptr, false};
    std::vector<float> kv;
    for (int ch = 0; ch < 3; ++ch) {
      const std::vector<float> k = random_values(16, 41);
      kv.insert(kv.end(), k.begin(), k.end());
    }
    c.convlab = [=](const Tensor& in) {
      const Weights wt(3, 1, 4, 4, kv);
      convlab::ConvTranspose2dParams p;
      p.stride = {2, 2};
      p.padding = {1, 1};
      p.groups = 3;
      return std::function<Tensor(bool)>([&in, wt, p](bool) { return convlab::conv_transpose2d(in, wt, p); });
    };
    c.same_macs = same_macs_conv(3, kH, kW, 3, 3, 2, 2, 1);
    cases.push_back(c);
  }
#endif
  return cases;
}

// Largest |a - b| relative to max(1, |b|), or infinity when the shapes differ.
double max_rel_diff(const Tensor& a, const Tensor& b) {
  if (a.c != b.c || a.h != b.h || a.w != b.w) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(double(a.data[i]) - b.data[i]) / std::max(1.0, std::abs(double(b.data[i]))));
  return worst;
}

// Runs fn once per iteration; bytes = the input image read once (for GB/s in the report).
void run(benchmark::State& state, const std::function<Tensor(bool)>& fn, std::size_t bytes, bool baseline) {
  convlab::rows::force_baseline(baseline);
  state.SetLabel(baseline ? convlab::rows::pass_table().isa : "");
  for (auto _ : state) {
    Tensor out = fn(false);
    benchmark::DoNotOptimize(out.data.data());
    benchmark::ClobberMemory();
  }
  convlab::rows::force_baseline(false);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(bytes));
}

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  static std::vector<Case> cases = make_cases();
  bool ok = true;
  for (const Case& c : cases) {
    if (!c.opencv) continue;  // nothing to compare against (the same-MAC conv is different work)
    // The pair must agree, borders included: checked on a small odd-sized image first (cases with
    // their own shape at that shape).
    const Tensor in = c.height == kH ? random_tensor(c.channels, c.check_h, c.check_w, 3) : random_tensor(c.channels, c.height, c.width, 3);
    const double diff = max_rel_diff(c.convlab(in)(true), c.opencv(in)(true));
    if (!(diff < 1e-4)) {
      std::fprintf(stderr, "convlab_bench: %s: convlab and OpenCV disagree (max relative difference %g)\n",
                   c.name.c_str(), diff);
      ok = false;
    }
  }
  if (!ok) return 1;

  static std::deque<Tensor> inputs;  // stable addresses: the registered callables keep references
  static const Tensor& rgb = inputs.emplace_back(random_tensor(3, kH, kW, 1));
  const Tensor& grey = inputs.emplace_back(random_tensor(1, kH, kW, 2));
  for (const Case& c : cases) {
    const Tensor& in = c.height != kH ? inputs.emplace_back(random_tensor(c.channels, c.height, c.width, 4))
                                      : (c.channels == 3 ? rgb : grey);
    const std::size_t bytes = sizeof(float) * in.size();
    auto mine = c.convlab(in);
    benchmark::RegisterBenchmark(("BM_" + c.name + "/convlab").c_str(),
                                 [mine, bytes](benchmark::State& s) { run(s, mine, bytes, false); })
        ->Unit(benchmark::kMillisecond);
    if (c.opencv) {
      auto theirs = c.opencv(in);
      benchmark::RegisterBenchmark(("BM_" + c.name + "/opencv").c_str(),
                                   [theirs, bytes](benchmark::State& s) { run(s, theirs, bytes, false); })
          ->Unit(benchmark::kMillisecond);
    }
    if (c.same_macs) {
      auto conv = c.same_macs();
      benchmark::RegisterBenchmark(("BM_" + c.name + "/conv_same_macs").c_str(),
                                   [conv, bytes](benchmark::State& s) { run(s, conv, bytes, false); })
          ->Unit(benchmark::kMillisecond);
    }
    if (c.baseline_variant)
      benchmark::RegisterBenchmark(("BM_" + c.name + "/convlab_baseline").c_str(),
                                   [mine, bytes](benchmark::State& s) { run(s, mine, bytes, true); })
          ->Unit(benchmark::kMillisecond);
  }
  // The floor for a 3-channel pass over memory: copy the image into a buffer allocated once.
  benchmark::RegisterBenchmark("BM_memcpy_c3_1080p", [](benchmark::State& s) {
    const Tensor& src = rgb;
    std::vector<float> dst(src.size());
    for (auto _ : s) {
      std::memcpy(dst.data(), src.data.data(), sizeof(float) * src.size());
      benchmark::DoNotOptimize(dst.data());
      benchmark::ClobberMemory();
    }
    s.SetBytesProcessed(std::int64_t(s.iterations()) * std::int64_t(sizeof(float) * src.size()));
  })->Unit(benchmark::kMillisecond);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
