// The kernel lesson's model: its two layouts of one kernel against per-channel convolutions written out
// independently, its size formula against the output it produced, and when it computes again.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "error.h"
#include "kernel_model.h"
#include "kernels.h"
#include "lesson_info.h"
#include "reference.h"

namespace cl = convlab;
namespace ref = convlab::reference;

namespace {

cl::Conv2dParams same_params(int kh, int kw) {
  cl::Conv2dParams p;
  p.padding = cl::same_padding(kh, kw, {1, 1});
  return p;
}

cl::Tensor channel(const cl::Tensor& t, int c) {
  cl::Tensor one(1, t.h, t.w);
  for (int y = 0; y < t.h; ++y)
    for (int x = 0; x < t.w; ++x) one.at(0, y, x) = t.at(c, y, x);
  return one;
}

// Channel c of the input convolved alone with plane c of a [1, C, kh, kw] filter.
cl::Tensor plane_conv(const cl::Tensor& in, const cl::Weights& filter, int c, const cl::Conv2dParams& p) {
  cl::Weights plane(1, 1, filter.kh, filter.kw);
  for (int y = 0; y < filter.kh; ++y)
    for (int x = 0; x < filter.kw; ++x) plane.at(0, 0, y, x) = filter.at(0, c, y, x);
  return ref::conv2d(channel(in, c), plane, p);
}

State with_one_filter(bool one) {
  State s;
  lesson_params<KernelParams>(s).one_filter = one;
  return s;
}

}  // namespace

TEST(KernelModel, DepthwiseFiltersEachChannelWithItsOwnPlane) {
  const cl::Tensor in = ref::random_tensor(3, 11, 17, 1);
  const cl::Weights filter = ref::random_weights(1, 3, 3, 5, 2);  // three different planes
  const cl::Conv2dParams p = same_params(3, 5);
  KernelModel m;
  ASSERT_TRUE(m.update(with_one_filter(false), in, 1, filter, p)) << m.error();
  EXPECT_EQ(m.params.groups, 3);
  EXPECT_EQ(m.weight_shape_text(), "3x1x3x5");
  const cl::Tensor& out = *m.output;
  ASSERT_EQ(out.c, 3);
  for (int c = 0; c < 3; ++c) {
    const cl::Tensor want = plane_conv(in, filter, c, p);
    ASSERT_EQ(want.h, out.h);
    ASSERT_EQ(want.w, out.w);
    for (int y = 0; y < out.h; ++y)
      for (int x = 0; x < out.w; ++x) EXPECT_NEAR(out.at(c, y, x), want.at(0, y, x), 1e-5) << c << " " << y << " " << x;
  }
}

TEST(KernelModel, OneFilterSumsThePlanesIntoOneMap) {
  const cl::Tensor in = ref::random_tensor(3, 9, 13, 3);
  const cl::Weights filter = ref::random_weights(1, 3, 3, 3, 4);
  const cl::Conv2dParams p = same_params(3, 3);
  KernelModel m;
  ASSERT_TRUE(m.update(with_one_filter(true), in, 1, filter, p)) << m.error();
  EXPECT_EQ(m.params.groups, 1);
  EXPECT_EQ(m.weight_shape_text(), "1x3x3x3");
  const cl::Tensor& out = *m.output;
  ASSERT_EQ(out.c, 1);
  const cl::Tensor r = plane_conv(in, filter, 0, p), g = plane_conv(in, filter, 1, p), b = plane_conv(in, filter, 2, p);
  for (int y = 0; y < out.h; ++y)
    for (int x = 0; x < out.w; ++x) EXPECT_NEAR(out.at(0, y, x), r.at(0, y, x) + g.at(0, y, x) + b.at(0, y, x), 1e-5);
}

TEST(KernelModel, GreyImageHasOneFilterOfDepthOne) {
  KernelModel m;
  ASSERT_TRUE(m.update(with_one_filter(false), ref::random_tensor(1, 8, 8, 5), 1, ref::random_weights(1, 1, 3, 3, 6),
                       same_params(3, 3)));
  EXPECT_EQ(m.params.groups, 1);
  EXPECT_EQ(m.output->c, 1);
}

TEST(KernelModel, FormulaAndReadoutsDescribeTheOutput) {
  const cl::Tensor in = ref::random_tensor(3, 30, 41, 7);
  const cl::Weights filter = ref::random_weights(1, 3, 5, 3, 8);
  KernelModel m;
  int generation = 0;
  for (int stride : {1, 2, 3})
    for (int dilation : {1, 2})
      for (int pad : {0, 1, 4}) {
        cl::Conv2dParams p;
        p.stride = {stride, stride};
        p.dilation = {dilation, dilation};
        p.padding = {pad, pad + 1, pad, pad};
        ASSERT_TRUE(m.update(with_one_filter(false), in, ++generation, filter, p)) << m.error();
        const int span_h = dilation * 4 + 1, span_w = dilation * 2 + 1;  // d*(k-1)+1
        EXPECT_EQ(m.output->h, (30 + 2 * pad + 1 - span_h) / stride + 1);
        EXPECT_EQ(m.output->w, (41 + 2 * pad - span_w) / stride + 1);
        EXPECT_EQ(m.formula_h.value, m.output->h);
        EXPECT_EQ(m.formula_w.value, m.output->w);
        EXPECT_EQ(m.padding_text(), std::to_string(pad) + "," + std::to_string(pad + 1) + "," + std::to_string(pad) + "," +
                                        std::to_string(pad));
      }
  EXPECT_EQ(m.kernel_text(), "5x3");
}

TEST(KernelModel, SnippetNamesTheKernelAndTheImage) {
  State s = with_one_filter(false);
  s.preset = "gaussian";
  s.image = "rocket";
  KernelModel m;
  ASSERT_TRUE(m.update(s, ref::random_tensor(3, 8, 8, 9), 1, cl::Weights(1, 3, 5, 5, 0.04f), same_params(5, 5)));
  EXPECT_NE(m.snippet().find("gaussian 5x5 on the 'rocket' image"), std::string::npos) << m.snippet();
  EXPECT_NE(m.snippet().find("groups=3"), std::string::npos) << m.snippet();
  s.image = "chelsea";  // the same numbers from another picture's name: a new first line
  EXPECT_TRUE(m.update(s, ref::random_tensor(3, 8, 8, 9), 1, cl::Weights(1, 3, 5, 5, 0.04f), same_params(5, 5)));
  EXPECT_NE(m.snippet().find("on the 'chelsea' image"), std::string::npos);
}

TEST(KernelModel, ComputesAgainOnlyWhenSomethingItDependsOnChanges) {
  const cl::Tensor in = ref::random_tensor(3, 8, 8, 10);
  const cl::Weights filter = ref::random_weights(1, 3, 3, 3, 11);
  const State s = with_one_filter(false);
  KernelModel m;
  EXPECT_TRUE(m.update(s, in, 1, filter, same_params(3, 3)));
  EXPECT_FALSE(m.update(s, in, 1, filter, same_params(3, 3)));
  EXPECT_EQ(m.version, 1);
  EXPECT_TRUE(m.update(s, in, 2, filter, same_params(3, 3)));  // a new image
  cl::Conv2dParams reflect = same_params(3, 3);
  reflect.padding_mode = cl::PadMode::Reflect;
  EXPECT_TRUE(m.update(s, in, 2, filter, reflect));
  EXPECT_TRUE(m.update(with_one_filter(true), in, 2, filter, reflect));
  EXPECT_EQ(m.version, 4);
}

// Kernels that differ below 1e-6 are two kernels (a key of six decimals took them for one).
TEST(KernelModel, KernelsDifferingInTheLastBitGiveDifferentOutputs) {
  const cl::Tensor ones(1, 4, 4, 1.0f);
  const float a = 0.1f, b = std::nextafter(0.1f, 1.0f);
  KernelModel m;
  ASSERT_TRUE(m.update(State{}, ones, 1, cl::Weights(1, 1, 1, 1, a), {}));
  EXPECT_EQ(m.output->at(0, 2, 2), a);
  ASSERT_TRUE(m.update(State{}, ones, 1, cl::Weights(1, 1, 1, 1, b), {}));
  EXPECT_EQ(m.output->at(0, 2, 2), b);
}

TEST(KernelModel, AFailureKeepsThePreviousResultsAndSaysWhy) {
  const cl::Tensor dot(3, 9, 9, 0.5f);
  KernelModel m;
  ASSERT_TRUE(m.update(State{}, dot, 1, cl::Weights(1, 3, 3, 3, 0.1f), same_params(3, 3)));
  const auto before = m.output;
  EXPECT_FALSE(m.update(State{}, dot, 1, cl::Weights(1, 3, 11, 11, 0.1f), {}));  // valid: larger than the image
  EXPECT_NE(m.error().find("kernel"), std::string::npos) << m.error();
  EXPECT_EQ(m.output, before);
  EXPECT_EQ(m.kernel_text(), "3x3");
  EXPECT_EQ(m.version, 1);
  EXPECT_TRUE(m.update(State{}, dot, 1, cl::Weights(1, 3, 5, 5, 0.1f), {}));
  EXPECT_TRUE(m.error().empty());
}

TEST(KernelPresets, UsePresetDropsCustomValuesAndTakesASizeOnlyWhereThePresetHasOne) {
  State s;
  s.preset = "custom";
  s.values = {1, 2, 3, 4};
  s.kh = s.kw = 2;
  s.depth = true;
  use_preset(s, "gaussian", 5);
  EXPECT_EQ(s.preset, "gaussian");
  EXPECT_EQ(s.kh, 5);
  EXPECT_EQ(s.kw, 5);
  EXPECT_TRUE(s.values.empty());
  EXPECT_FALSE(s.depth);
  use_preset(s, "sharpen", 7);  // always 3x3
  EXPECT_EQ(s.kh, 3);
  EXPECT_EQ(cl::kernel_preset("sharpen", s.kh).h, 3);
}

// The edge note's claim, checked by convolving: the axis a kernel is said to find is the only one it sees.
TEST(KernelPresets, EdgeAxisIsTheEdgeTheKernelResponds) {
  cl::Tensor rows(1, 12, 12, 0.0f), cols(1, 12, 12, 0.0f);  // a horizontal edge, a vertical edge
  for (int y = 0; y < 12; ++y)
    for (int x = 0; x < 12; ++x) rows.at(0, y, x) = y >= 6, cols.at(0, y, x) = x >= 6;
  auto response = [](const cl::Tensor& img, const cl::Kernel2D& k) {
    const cl::Tensor out = ref::conv2d(img, cl::Weights(1, 1, k.h, k.w, k.data), {});
    float most = 0;
    for (float v : out.data) most = std::max(most, std::fabs(v));
    return most;
  };
  int axes = 0;
  for (const auto& info : cl::kernel_presets()) {
    const EdgeAxis axis = edge_axis(info.name);
    if (axis == EdgeAxis::None) continue;
    ++axes;
    const cl::Kernel2D k = cl::kernel_preset(info.name, 3);
    const float h = response(rows, k), v = response(cols, k);
    if (axis == EdgeAxis::Horizontal) EXPECT_TRUE(h > 0.5f && v == 0.0f) << info.name << " " << h << " " << v;
    else EXPECT_TRUE(v > 0.5f && h == 0.0f) << info.name << " " << h << " " << v;
  }
  EXPECT_EQ(axes, 4);  // sobel and prewitt, x and y
}

// ---- after the filter: an activation, and the filter applied again to its own output -----------------

namespace {

bool same_bits(const cl::Tensor& a, const cl::Tensor& b) {
  if (a.c != b.c || a.h != b.h || a.w != b.w) return false;
  return std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

// repeats explicit core calls: conv2d, then the activation written out as a loop.
cl::Tensor applied(cl::Tensor x, const cl::Weights& w, const cl::Conv2dParams& p, cl::Activation a, int repeats) {
  for (int i = 0; i < repeats; ++i) {
    x = cl::conv2d(x, w, p);
    for (float& v : x.data) {
      if (a == cl::Activation::Relu && !(v > 0.0f) && !std::isnan(v)) v = 0.0f;
      if (a == cl::Activation::Abs) v = std::fabs(v);
    }
  }
  return x;
}

State with(bool one, cl::Activation a, int repeats) {
  State s = with_one_filter(one);
  lesson_params<KernelParams>(s).activation = a;
  lesson_params<KernelParams>(s).repeats = repeats;
  return s;
}

}  // namespace

TEST(KernelModelAgain, RepeatsEqualExplicitConvAndActivationCallsBitForBit) {
  const cl::Activation acts[] = {cl::Activation::None, cl::Activation::Relu, cl::Activation::Abs};
  int seed = 100;
  for (int channels : {1, 3})
    for (cl::Activation a : acts)
      for (int repeats : {1, 2, 5, kMaxRepeats}) {
        const cl::Tensor in = ref::random_tensor(channels, 13, 17, ++seed);
        const cl::Weights filter = ref::random_weights(1, channels, 3, 3, ++seed);
        cl::Conv2dParams conv = same_params(3, 3);
        conv.padding_mode = seed % 2 ? cl::PadMode::Reflect : cl::PadMode::Zeros;
        const KernelLayout l = kernel_layout(filter, conv, false);
        const KernelResult r = compute_kernel_output(in, l.weights, l.params, a, repeats);
        const cl::Tensor want = applied(in, l.weights, l.params, a, repeats);
        const std::string what = std::string(cl::activation_name(a)) + " x" + std::to_string(repeats) + " c" + std::to_string(channels);
        EXPECT_TRUE(same_bits(*r.output, want)) << what;
        // The last application: its input is the output of the ones before, its conv2d before the activation.
        const cl::Tensor before_last = applied(in, l.weights, l.params, a, repeats - 1);
        if (repeats == 1) EXPECT_EQ(r.last_input, nullptr) << what;
        else EXPECT_TRUE(same_bits(*r.last_input, before_last)) << what;
        EXPECT_TRUE(same_bits(*r.last_conv, cl::conv2d(before_last, l.weights, l.params))) << what;
        ASSERT_EQ(r.shapes.size(), std::size_t(repeats + 1)) << what;
        for (const auto& sh : r.shapes) EXPECT_EQ(sh, (std::array<int, 3>{channels, 13, 17})) << what;
      }
}

TEST(KernelModelAgain, AMeanBlurAppliedThreeTimesReachesThreePixelsOut) {
  // A dot blurred 3 times by a 3x3 mean reaches 3 pixels out, and no further.
  cl::Tensor dot(1, 15, 15, 0.0f);
  dot.at(0, 7, 7) = 1.0f;
  const cl::Weights mean(1, 1, 3, 3, 1.0f / 9.0f);
  const KernelResult r = compute_kernel_output(dot, mean, same_params(3, 3), cl::Activation::Relu, 3);
  EXPECT_GT(r.output->at(0, 7, 10), 0.0f);
  EXPECT_EQ(r.output->at(0, 7, 11), 0.0f);
  EXPECT_EQ(r.output->at(0, 3, 7), 0.0f);
}

TEST(KernelModelAgain, ShrinkingApplicationsListEverySizeAndTheFormulaIsTheLastOnes) {
  const cl::Tensor in = ref::random_tensor(3, 40, 31, 7);
  const cl::Weights filter = ref::random_weights(1, 3, 3, 3, 8);
  cl::Conv2dParams valid_s2;
  valid_s2.stride = {2, 2};
  const KernelLayout l = kernel_layout(filter, valid_s2, false);
  const KernelResult r = compute_kernel_output(in, l.weights, l.params, cl::Activation::Abs, 3);
  // (40 - 3) / 2 + 1 = 19, then 9, then 4; (31 - 3) / 2 + 1 = 15, then 7, then 3.
  const std::vector<std::array<int, 3>> want = {{3, 40, 31}, {3, 19, 15}, {3, 9, 7}, {3, 4, 3}};
  EXPECT_EQ(r.shapes, want);
  EXPECT_EQ(r.output->h, 4);
  EXPECT_EQ(r.output->w, 3);
  EXPECT_EQ(r.formula_h.value, 4);
  EXPECT_EQ(r.formula_w.value, 3);
  EXPECT_NE(r.formula_h.text.find("(9 "), std::string::npos) << r.formula_h.text;  // from the last input, 9 rows
  EXPECT_TRUE(same_bits(*r.output, applied(in, l.weights, l.params, cl::Activation::Abs, 3)));
}

TEST(KernelModelAgain, RefusesWhatCannotBeFedBackWithTheFix) {
  const cl::Tensor in = ref::random_tensor(3, 12, 12, 9);
  const cl::Weights filter = ref::random_weights(1, 3, 3, 3, 10);
  const KernelLayout one = kernel_layout(filter, same_params(3, 3), true);
  try {
    compute_kernel_output(in, one.weights, one.params, cl::Activation::Relu, 2);
    FAIL() << "one filter of depth 3 gives 1 channel: it cannot be fed back";
  } catch (const cl::Error& e) {
    EXPECT_EQ(e.code(), cl::ErrorCode::ShapeMismatch);
    EXPECT_EQ(std::string(e.what()),
              "apply again feeds the output back as the input, so it needs as many output channels as input channels: "
              "this filter sums 3 channels into 1. Choose 'each channel on its own (depthwise)', or apply it once.");
  }
  EXPECT_NO_THROW(compute_kernel_output(in, one.weights, one.params, cl::Activation::Relu, 1));
  // 12 -> 8 -> 4 -> a 5x5 kernel no longer fits: the core's message, naming the application.
  const KernelLayout dw = kernel_layout(ref::random_weights(1, 3, 5, 5, 11), cl::Conv2dParams{}, false);
  try {
    compute_kernel_output(in, dw.weights, dw.params, cl::Activation::None, 4);
    FAIL() << "the third application has a 4x4 input";
  } catch (const cl::Error& e) {
    EXPECT_EQ(e.code(), cl::ErrorCode::KernelTooLarge);
    EXPECT_EQ(std::string(e.what()).rfind("application 3 of 4 (input 4x4): ", 0), 0u) << e.what();
  }
  for (int bad : {0, -1, kMaxRepeats + 1})
    EXPECT_THROW(compute_kernel_output(in, dw.weights, dw.params, cl::Activation::None, bad), cl::Error) << bad;
}

TEST(KernelModelAgain, TheModelKeepsItsOutputWhenAnApplicationIsRefused) {
  const cl::Tensor in = ref::random_tensor(3, 12, 12, 12);
  const cl::Weights filter = ref::random_weights(1, 3, 3, 3, 13);
  KernelModel m;
  ASSERT_TRUE(m.update(with(false, cl::Activation::Relu, 3), in, 1, filter, same_params(3, 3))) << m.error();
  EXPECT_EQ(m.repeats, 3);
  EXPECT_EQ(m.activation, cl::Activation::Relu);
  EXPECT_EQ(m.shapes_text(), "3x12x12,3x12x12,3x12x12,3x12x12");
  const auto before = m.output;
  EXPECT_FALSE(m.update(with(true, cl::Activation::Relu, 3), in, 1, filter, same_params(3, 3)));
  EXPECT_NE(m.error().find("each channel on its own"), std::string::npos) << m.error();
  EXPECT_EQ(m.output, before);
  EXPECT_EQ(m.repeats, 3);
  EXPECT_TRUE(m.update(with(true, cl::Activation::Relu, 1), in, 1, filter, same_params(3, 3)));
  EXPECT_EQ(m.output->c, 1);
  EXPECT_TRUE(m.update(with(true, cl::Activation::Abs, 1), in, 1, filter, same_params(3, 3)));  // the activation is in the key
}

// One application with an activation is a job for the workers (conv2d, then the activation, per band):
// the output equals the explicit calls bit for bit, and the step-through's conv2d values, recomputed one
// row at a time, equal conv2d's at every cell.
TEST(KernelModelAgain, OneActivatedApplicationGivesTheConvValuesBeforeItsActivation) {
  int seed = 300;
  for (bool one : {false, true})
    for (cl::Activation a : {cl::Activation::Relu, cl::Activation::Abs}) {
      const cl::Tensor in = ref::random_tensor(3, 11, 14, ++seed);
      const cl::Weights filter = ref::random_weights(1, 3, 5, 5, ++seed);  // signed: the activation changes values
      cl::Conv2dParams conv = same_params(5, 5);
      conv.stride = {2, 1};
      KernelModel m;
      ASSERT_TRUE(m.update(with(one, a, 1), in, 7, filter, conv)) << m.error();
      const KernelLayout l = kernel_layout(filter, conv, one);
      const cl::Tensor before = cl::conv2d(in, l.weights, l.params);
      const std::string what = std::string(cl::activation_name(a)) + (one ? " one filter" : " depthwise");
      EXPECT_TRUE(same_bits(*m.output, applied(in, l.weights, l.params, a, 1))) << what;
      EXPECT_EQ(m.shown.rgba, displayed_rgba(*m.output, "auto")) << what;
      EXPECT_FALSE(m.last_conv) << what << ": no full conv2d kept on this thread";
      EXPECT_EQ(m.input_generation, 7);
      int changed = 0;
      for (int c = 0; c < before.c; ++c)
        for (int y = 0; y < before.h; ++y)
          for (int x = 0; x < before.w; ++x) {
            const float want = before.at(c, y, x), got = m.conv_before_activation(in, c, y, x);
            ASSERT_EQ(std::memcmp(&got, &want, sizeof got), 0) << what << " at " << c << "," << y << "," << x;
            changed += want != m.output->at(c, y, x);
          }
      EXPECT_GT(changed, 0) << what << ": the activation changed some values, so the two differ";
    }
  // Without an activation the output is the conv2d itself.
  const cl::Tensor in = ref::random_tensor(3, 9, 9, 5);
  KernelModel m;
  ASSERT_TRUE(m.update(with(false, cl::Activation::None, 1), in, 1, ref::random_weights(1, 3, 3, 3, 6), same_params(3, 3)));
  EXPECT_EQ(m.last_conv, m.output);
}

TEST(KernelModelAgain, SnippetLoopsOverTheApplications) {
  KernelModel m;
  ASSERT_TRUE(m.update(with(false, cl::Activation::Relu, 4), ref::random_tensor(3, 10, 12, 14), 1,
                       cl::Weights(1, 3, 3, 3, 0.1f), cl::Conv2dParams{}));
  EXPECT_NE(m.snippet().find("for application in range(4):  # each output is the next input\n    x = F.conv2d(x, weight"),
            std::string::npos) << m.snippet();
  EXPECT_NE(m.snippet().find("\n    x = F.relu(x)\ny = x\n"), std::string::npos) << m.snippet();
  EXPECT_NE(m.snippet().find("torch.Size([1, 3, 2, 4])"), std::string::npos) << m.snippet();  // 10 -> 8 -> 6 -> 4 -> 2
  ASSERT_TRUE(m.update(with(false, cl::Activation::Abs, 1), ref::random_tensor(3, 10, 12, 14), 1,
                       cl::Weights(1, 3, 3, 3, 0.1f), cl::Conv2dParams{}));
  EXPECT_NE(m.snippet().find("\ny = torch.abs(y)\n"), std::string::npos) << m.snippet();
  EXPECT_EQ(m.snippet().find("for "), std::string::npos) << m.snippet();
}

TEST(KernelModelAgain, UrlKeysReadAndRefuse) {
  State s;
  const LessonInfo* info = find_lesson_info("kernel");
  ASSERT_NE(info, nullptr);
  auto field = [&](const std::string& key) -> const UrlField& {
    for (const UrlField& f : info->fields)
      if (f.key == key) return f;
    throw std::runtime_error("no key " + key);
  };
  field("act").read(s, "relu");
  field("again").read(s, "7");
  EXPECT_EQ(lesson_params<KernelParams>(s).activation, cl::Activation::Relu);
  EXPECT_EQ(lesson_params<KernelParams>(s).repeats, 7);
  EXPECT_EQ(field("act").write(s), "relu");
  EXPECT_EQ(field("again").write(s), "7");
  EXPECT_THROW(field("act").read(s, "sigmoid"), std::invalid_argument);
  EXPECT_THROW(field("again").read(s, "21"), std::invalid_argument);
  EXPECT_THROW(field("again").read(s, "0"), std::invalid_argument);
  EXPECT_EQ(lesson_params<KernelParams>(s).repeats, 7);
}
