// The 1-D convolution lesson's model against a naive 1-D cross-correlation written out here (its own
// padding rules, signed indices), on random signals and kernels from a fixed seed: every padding amount
// and mode, strides, dilations, lengths from 1. Causality is checked by changing later samples.
#include "conv1d_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "state.h"

namespace {

const char* const kModes[] = {"zeros", "reflect", "symmetric", "replicate", "circular"};
const char* const kPaddings[] = {"valid", "same", "causal", "custom"};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// What padded position i of a signal of n samples holds, or nothing (zeros padding): one reflection.
bool source_of(int i, int n, const std::string& mode, int& src) {
  if (i >= 0 && i < n) {
    src = i;
    return true;
  }
  if (mode == "zeros") return false;
  if (mode == "replicate") src = i < 0 ? 0 : n - 1;
  else if (mode == "reflect") src = i < 0 ? -i : 2 * (n - 1) - i;
  else if (mode == "symmetric") src = i < 0 ? -i - 1 : 2 * n - 1 - i;
  else src = i < 0 ? n + i : i - n;  // circular
  return true;
}

struct Expected {
  bool ok = false;
  int left = 0, right = 0;
  std::vector<double> y;
};

// The padding the lesson's words describe, and the cross-correlation y[t] = sum_j w[j] * x[t*s - left + j*d].
Expected naive_conv1d(const std::vector<float>& x, const std::vector<float>& w, const std::string& padding, int custom_left,
                      int custom_right, const std::string& mode, int s, int d) {
  Expected e;
  const int n = int(x.size()), k = int(w.size()), span = d * (k - 1) + 1;
  if (padding == "same") e.left = (span - 1) / 2, e.right = span - 1 - e.left;
  if (padding == "causal") e.left = span - 1;
  if (padding == "custom") e.left = custom_left, e.right = custom_right;
  if (mode == std::string("reflect") && (e.left >= n || e.right >= n)) return e;
  if ((mode == std::string("symmetric") || mode == std::string("circular")) && (e.left > n || e.right > n)) return e;
  const int padded = n + e.left + e.right;
  if (padded < span) return e;
  for (int t = 0; t * s + span <= padded; ++t) {
    double sum = 0;
    for (int j = 0; j < k; ++j) {
      int src = 0;
      if (source_of(t * s - e.left + j * d, n, mode, src)) sum += double(w[std::size_t(j)]) * double(x[std::size_t(src)]);
    }
    e.y.push_back(sum);
  }
  e.ok = true;
  return e;
}

std::vector<float> random_values(std::mt19937& rng, int n) {
  std::uniform_int_distribution<int> cents(-200, 200);
  std::vector<float> v;
  for (int i = 0; i < n; ++i) v.push_back(float(cents(rng)) / 100.0f);
  return v;
}

Conv1dParams custom(const std::vector<float>& x, const std::vector<float>& w) {
  Conv1dParams p;
  p.signal = "custom";
  p.signal_values = x;
  p.kernel = "custom";
  p.kernel_values = w;
  return p;
}

}  // namespace

TEST(Conv1dModel, EveryPaddingModeStrideAndDilationMatchesTheNaiveLoop) {
  std::mt19937 rng(2026);
  int computed = 0, refused = 0;
  for (int n = 1; n <= 12; ++n)
    for (int k = 1; k <= 5; ++k)
      for (const char* padding : kPaddings)
        for (const char* mode : kModes)
          for (int s = 1; s <= 3; ++s)
            for (int d = 1; d <= 3; ++d) {
              Conv1dParams p = custom(random_values(rng, n), random_values(rng, k));
              p.padding = padding, p.pad_mode = mode, p.stride = s, p.dilation = d;
              p.pad_left = int(rng() % 4), p.pad_right = int(rng() % 4);
              const Expected want = naive_conv1d(p.signal_values, p.kernel_values, padding, p.pad_left, p.pad_right, mode, s, d);
              const std::string what = "n=" + std::to_string(n) + " k=" + std::to_string(k) + " " + padding + " " + mode +
                                       " s=" + std::to_string(s) + " d=" + std::to_string(d);
              Conv1dModel m;
              const bool ok = m.update(p);
              ASSERT_EQ(ok, want.ok) << what << ": " << m.error();
              if (!ok) {
                EXPECT_FALSE(m.error().empty()) << what;
                ++refused;
                continue;
              }
              ++computed;
              const Conv1dResult& r = m.result();
              EXPECT_EQ(r.pads.left, want.left) << what;
              EXPECT_EQ(r.pads.right, want.right) << what;
              ASSERT_EQ(r.output.size(), want.y.size()) << what;
              EXPECT_EQ(r.formula.value, int(want.y.size())) << what;
              for (std::size_t t = 0; t < want.y.size(); ++t) EXPECT_NEAR(r.output[t], want.y[t], 1e-5) << what << " at t=" << t;
              // The padded signal the plot draws: every position holds what the padding rule says.
              ASSERT_EQ(int(r.padded.size()), n + want.left + want.right) << what;
              for (int i = -want.left; i < n + want.right; ++i) {
                int src = 0;
                const float expect = source_of(i, n, mode, src) ? p.signal_values[std::size_t(src)] : 0.0f;
                EXPECT_EQ(r.padded[std::size_t(i + want.left)], expect) << what << " at position " << i;
              }
            }
  EXPECT_GT(computed, 5000);
  EXPECT_GT(refused, 100);  // kernels longer than the padded signal, reflect as long as the signal
}

TEST(Conv1dModel, EachWindowsSumOfProductsIsTheOutput) {
  std::mt19937 rng(11);
  for (const char* mode : kModes)
    for (int s : {1, 2, 3}) {
      Conv1dParams p = custom(random_values(rng, 17), random_values(rng, 4));
      p.padding = "custom", p.pad_left = 3, p.pad_right = 2, p.pad_mode = mode, p.stride = s, p.dilation = 2;
      Conv1dModel m;
      ASSERT_TRUE(m.update(p)) << m.error();
      const Conv1dResult& r = m.result();
      for (int t = 0; t < int(r.output.size()); ++t) {
        const Conv1dWindow w = conv1d_window(r, t);
        ASSERT_EQ(w.taps.size(), 4u);
        EXPECT_EQ(w.index, t);
        double sum = 0;
        for (int j = 0; j < 4; ++j) {
          const Conv1dTap& tap = w.taps[std::size_t(j)];
          EXPECT_EQ(tap.position, t * s - 3 + 2 * j);
          int src = 0;
          const bool reads = source_of(tap.position, 17, mode, src);
          EXPECT_EQ(tap.source, reads ? src : -1) << mode << " t=" << t << " j=" << j;
          EXPECT_EQ(tap.x, reads ? p.signal_values[std::size_t(src)] : 0.0f);
          EXPECT_EQ(tap.w, p.kernel_values[std::size_t(j)]);
          sum += double(tap.w) * double(tap.x);
        }
        EXPECT_NEAR(w.sum, sum, 1e-12);
        EXPECT_NEAR(w.sum, r.output[std::size_t(t)], 1e-5) << mode << " t=" << t;
        EXPECT_EQ(w.output, r.output[std::size_t(t)]);
        EXPECT_TRUE(has(w.text, " = ")) << w.text;
      }
      EXPECT_EQ(conv1d_window(r, 1000).index, int(r.output.size()) - 1);  // clamped
      EXPECT_EQ(conv1d_window(r, -5).index, 0);
    }
}

TEST(Conv1dModel, CausalPaddingPutsOutputTUnderInputTAndLaterSamplesNeverChangeIt) {
  std::mt19937 rng(5);
  for (const char* mode : {"zeros", "replicate"})
    for (int k : {1, 2, 3, 5})
      for (int d : {1, 2, 3})
        for (int s : {1, 2}) {
          Conv1dParams p = custom(random_values(rng, 20), random_values(rng, k));
          p.padding = "causal", p.pad_mode = mode, p.stride = s, p.dilation = d;
          Conv1dModel m;
          ASSERT_TRUE(m.update(p)) << m.error();
          const Conv1dResult r = m.result();
          EXPECT_EQ(r.pads.left, d * (k - 1));
          EXPECT_EQ(r.pads.right, 0);
          ASSERT_EQ(int(r.output.size()), (20 - 1) / s + 1);
          EXPECT_TRUE(conv1d_outputs_reading_later(r).empty());
          for (int t = 0; t < int(r.output.size()); ++t) {
            EXPECT_EQ(r.window_end(t), t * s);
            EXPECT_EQ(conv1d_output_position(r, "auto", t), double(t * s));
            // Every sample after t*s changed: output t stays the same.
            Conv1dParams later = p;
            for (int i = t * s + 1; i < 20; ++i) later.signal_values[std::size_t(i)] += 1.5f;
            Conv1dModel m2;
            ASSERT_TRUE(m2.update(later));
            EXPECT_EQ(m2.result().output[std::size_t(t)], r.output[std::size_t(t)]) << mode << " k=" << k << " t=" << t;
          }
        }
}

TEST(Conv1dModel, ReflectingIntoTheCausalPaddingReadsLaterSamples) {
  Conv1dParams p = custom({0, 1, 2, 3, 4, 5, 6, 7}, {1, 1, 1});
  p.padding = "causal";
  for (const char* mode : {"reflect", "symmetric", "circular"}) {
    p.pad_mode = mode;
    Conv1dModel m;
    ASSERT_TRUE(m.update(p)) << m.error();
    const std::vector<int> later = conv1d_outputs_reading_later(m.result());
    ASSERT_FALSE(later.empty()) << mode;
    EXPECT_EQ(later.front(), 0) << mode;  // output 0's padding copies x[1], x[2] (reflect) or x[6], x[7] (circular)
    EXPECT_TRUE(conv1d_window(m.result(), 0).reads_later());
    EXPECT_FALSE(conv1d_window(m.result(), 5).reads_later());
  }
}

TEST(Conv1dModel, SameKeepsTheLengthAtStrideOneAndPutsTheExtraSampleOnTheRight) {
  for (int k = 1; k <= 8; ++k)
    for (int d = 1; d <= 3; ++d) {
      Conv1dParams p;
      p.signal = "step", p.kernel = "mean", p.k = k, p.dilation = d, p.padding = "same";
      Conv1dModel m;
      ASSERT_TRUE(m.update(p)) << m.error();
      EXPECT_EQ(int(m.result().output.size()), p.length);
      EXPECT_EQ(m.result().pads.left + m.result().pads.right, d * (k - 1));
      EXPECT_EQ(m.result().pads.right - m.result().pads.left, (d * (k - 1)) % 2);
      // Centred: output t sits over input t (half a sample right of it for an even span).
      EXPECT_NEAR(conv1d_output_position(m.result(), "auto", 3), 3 + (d * (k - 1) % 2) / 2.0, 1e-12);
    }
}

TEST(Conv1dModel, OutputPositionsAndTheSelectedSample) {
  Conv1dParams p = custom(std::vector<float>(10, 1.0f), {1, 2, 3});
  p.padding = "custom", p.pad_left = 2, p.pad_right = 0, p.stride = 2, p.dilation = 2;
  Conv1dModel m;
  ASSERT_TRUE(m.update(p));
  const Conv1dResult& r = m.result();
  ASSERT_EQ(r.output.size(), 4u);  // floor((10 + 2 - 5) / 2) + 1
  EXPECT_EQ(conv1d_output_position(r, "start", 1), 0.0);
  EXPECT_EQ(conv1d_output_position(r, "centre", 1), 2.0);
  EXPECT_EQ(conv1d_output_position(r, "end", 1), 4.0);
  EXPECT_EQ(conv1d_output_position(r, "auto", 1), 2.0);
  EXPECT_EQ(conv1d_selected(r, -1), 2);
  EXPECT_EQ(conv1d_selected(r, 3), 3);
  EXPECT_EQ(conv1d_selected(r, 4), 2);
  EXPECT_EQ(r.formula.text, "floor((10 + 2 + 0 - (2*(3 - 1) + 1)) / 2) + 1 = floor(7 / 2) + 1 = 4");
}

TEST(Conv1dModel, PresetSignalsHaveTwoDecimalsAndTheImpulseGivesTheKernelReversed) {
  for (const Conv1dChoice& c : conv1d_signals()) {
    if (c.id == std::string("custom")) continue;
    for (int n : {1, 2, 7, 32, kConv1dMaxLength}) {
      Conv1dParams p;
      p.signal = c.id, p.length = n;
      const std::vector<float> x = conv1d_signal(p);
      ASSERT_EQ(int(x.size()), n) << c.id;
      for (float v : x) EXPECT_EQ(v, float(std::round(double(v) * 100) / 100)) << c.id;
    }
  }
  Conv1dParams sine;
  sine.signal = "sine";
  EXPECT_EQ(conv1d_signal(sine), conv1d_signal(sine));  // a fixed seed
  Conv1dParams p;
  p.signal = "impulse", p.length = 15, p.kernel = "custom", p.kernel_values = {1, 2, 3}, p.padding = "valid";
  Conv1dModel m;
  ASSERT_TRUE(m.update(p));
  // y[t] = sum_j w[j] x[t + j]: the 1 at x[7] meets w[2] at t = 5, w[0] at t = 7.
  const std::vector<float> want = {0, 0, 0, 0, 0, 3, 2, 1, 0, 0, 0, 0, 0};
  EXPECT_EQ(m.result().output, want);
}

TEST(Conv1dModel, PresetKernels) {
  Conv1dParams p;
  p.kernel = "diff";
  EXPECT_EQ(conv1d_kernel(p), (std::vector<float>{-1, 1}));
  EXPECT_EQ(conv1d_fixed_kernel_size("diff"), 2);
  p.kernel = "central";
  EXPECT_EQ(conv1d_kernel(p), (std::vector<float>{1, 0, -1}));
  EXPECT_EQ(conv1d_fixed_kernel_size("central"), 3);
  EXPECT_EQ(conv1d_fixed_kernel_size("mean"), 0);
  for (int k = 1; k <= kConv1dMaxKernel; ++k)
    for (const char* name : {"mean", "gauss", "recent"}) {
      p.kernel = name, p.k = k;
      const std::vector<float> w = conv1d_kernel(p);
      ASSERT_EQ(int(w.size()), k) << name;
      double sum = 0;
      for (float v : w) sum += v;
      EXPECT_NEAR(sum, 1.0, 1e-6) << name << " k=" << k;  // averages keep a flat signal's level
      if (name == std::string("recent") && k > 1) EXPECT_NEAR(w[std::size_t(k - 1)], 2 * w[std::size_t(k - 2)], 1e-7);
      if (name == std::string("gauss")) EXPECT_NEAR(w.front(), w.back(), 1e-7);
    }
}

TEST(Conv1dModel, AFailureKeepsThePreviousResultAndSaysWhy) {
  Conv1dParams p;
  p.signal = "custom", p.signal_values = {1, 2, 3, 4}, p.kernel = "mean", p.k = 3, p.padding = "valid";
  Conv1dModel m;
  ASSERT_TRUE(m.update(p));
  const Conv1dResult before = m.result();
  ASSERT_EQ(before.output.size(), 2u);

  p.k = 9;  // longer than the 4 samples
  EXPECT_FALSE(m.update(p));
  EXPECT_TRUE(has(m.error(), "must fit the padded input size 4")) << m.error();
  EXPECT_EQ(m.result().output, before.output);
  EXPECT_EQ(m.result().generation, before.generation);
  EXPECT_FALSE(m.update(p));  // the same failing setting is not retried

  p.k = 3, p.padding = "custom", p.pad_left = 4, p.pad_mode = "reflect";  // reflect needs padding < 4
  EXPECT_FALSE(m.update(p));
  EXPECT_TRUE(has(m.error(), "reflect padding, got 4")) << m.error();
  EXPECT_EQ(m.result().output, before.output);

  p.padding = "valid", p.signal_values.clear();
  EXPECT_FALSE(m.update(p));
  EXPECT_TRUE(has(m.error(), "custom signal has no values")) << m.error();
  p.signal_values = {5, 6, 7}, p.kernel = "custom";
  EXPECT_FALSE(m.update(p));
  EXPECT_TRUE(has(m.error(), "custom kernel has no values")) << m.error();

  p.kernel = "mean";
  EXPECT_TRUE(m.update(p));
  EXPECT_TRUE(m.error().empty());
  EXPECT_EQ(m.result().generation, before.generation + 1);
}

TEST(Conv1dModel, TypedValuesAreParsedOrRefusedWithTheReason) {
  EXPECT_EQ(parse_conv1d_values("1, 2 3;-4.5\n1e-2", 8, "signal"), (std::vector<float>{1, 2, 3, -4.5f, 0.01f}));
  EXPECT_EQ(parse_conv1d_values(" ,, 7 ", 8, "signal"), (std::vector<float>{7}));
  auto error = [](const std::string& text, std::size_t max) {
    try {
      parse_conv1d_values(text, max, "kernel");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error("1, two, 3", 8), "kernel: expected a number, got \"two\"");
  EXPECT_EQ(error("  ", 8), "kernel: type at least one number");
  EXPECT_EQ(error("1 2 3", 2), "kernel: at most 2 values");
  EXPECT_EQ(error("1e9", 2), "kernel: expected a finite number, got \"1e9\"");
  EXPECT_EQ(conv1d_values_text({0.1f, -2, 1.0f / 3}), "0.1,-2,0.33333334");
}

TEST(Conv1dModel, UrlKeysReadAndRefuse) {
  const ParseResult r = from_hash("lesson=conv1d&c1sig=custom&c1x=1,2,3&c1ker=gauss&c1k=7&c1pad=causal&c1mode=replicate&c1s=2&c1d=3&c1o=4");
  ASSERT_EQ(r.error, "");
  const Conv1dParams& p = lesson_params<Conv1dParams>(r.state);
  EXPECT_EQ(p.signal, "custom");
  EXPECT_EQ(p.signal_values, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(p.kernel, "gauss");
  EXPECT_EQ(p.k, 7);
  EXPECT_EQ(p.padding, "causal");
  EXPECT_EQ(p.pad_mode, "replicate");
  EXPECT_EQ(p.stride, 2);
  EXPECT_EQ(p.dilation, 3);
  EXPECT_EQ(p.selected, 4);
  EXPECT_TRUE(has(to_hash(r.state), "c1pad=causal"));
  EXPECT_TRUE(has(from_hash("lesson=conv1d&c1s=0").error, "c1s: must be from 1 to 8, got 0"));
  EXPECT_TRUE(has(from_hash("lesson=conv1d&c1mode=mirror").error, "c1mode: must be one of zeros,reflect"));
  const ParseResult bad = apply_hash(r.state, "c1s=0");
  EXPECT_FALSE(bad.error.empty());
  EXPECT_EQ(lesson_params<Conv1dParams>(bad.state).stride, 2);  // all or nothing: the state stays
}
