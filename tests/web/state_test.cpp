#include "state.h"

#include "kernel_model.h"
#include "pointwise_model.h"
#include "pooling_model.h"
#include "transposed_model.h"

#include <gtest/gtest.h>

#include <map>

#include "lesson_info.h"

namespace {

TEST(StateHash, DefaultsGiveAnEmptyHash) { EXPECT_EQ(to_hash(State{}), ""); }

TEST(StateHash, ReadableKeysRoundTrip) {
  const ParseResult r = from_hash("#lesson=padding&k=5&pad=reflect&s=2&img=rocket");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.state.lesson, "padding");
  EXPECT_EQ(r.state.kh, 5);
  EXPECT_EQ(r.state.kw, 5);
  EXPECT_EQ(r.state.pad_mode, "reflect");
  EXPECT_EQ(r.state.stride, 2);
  EXPECT_EQ(r.state.image, "rocket");
  EXPECT_EQ(to_hash(r.state), "lesson=padding&img=rocket&k=5&pad=reflect&s=2");
}

TEST(StateHash, EveryFieldRoundTripsExactly) {
  State s;
  s.lesson = "transposed";
  s.image = "dot";
  s.gray = true;
  s.kh = 3;
  s.kw = 2;
  s.values = {0.1f, -1.0f / 3.0f, 2.5e-7f, 1e6f, -0.0f, 7.0f};
  s.preset = "custom";
  s.pad = 0;
  s.pad_mode = "circular";
  s.dilation = 3;
  lesson_params<PoolingParams>(s).mode = "min";
  lesson_params<PoolingParams>(s).ceil_mode = true;
  s.layers = layers_from_text("c3,c5x3s2d2p1,p2s2");
  s.rf_layer = 1;
  lesson_params<TransposedParams>(s).op = 0;
  lesson_params<TransposedParams>(s).from = 5;
  lesson_params<TransposedParams>(s).to = 11;
  lesson_params<PointwiseParams>(s).mix = "features";
  auto& mix = lesson_params<PointwiseParams>(s).values;
  mix = std::vector<float>(24, 0.25f);
  mix[3] = -1.0f / 3.0f;
  s.display = "diverging";
  s.zoom = 12.5f;
  s.cx = 0.25f;
  s.step = 17;
  s.step_rate = 12;
  lesson_params<KernelParams>(s).one_filter = true;
  s.embed = true;
  s.hide = {"kernel-editor", "image"};
  s.play_from = 3;
  s.play_to = 9;
  const std::string hash = to_hash(s);
  const ParseResult r = from_hash(hash);
  ASSERT_EQ(r.error, "") << hash;
  EXPECT_EQ(to_hash(r.state), hash);
  EXPECT_EQ(r.state.values, s.values);  // bit-exact floats through the shortest text
  EXPECT_EQ(layers_to_text(r.state.layers), "c3,c5x3s2d2p1,p2");  // a pool's stride defaults to its kernel
}

TEST(StateHash, KernelValuesMakeTheKernelCustom) {
  const ParseResult r = from_hash("k=1x3&kv=-1,0,1");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.state.preset, "custom");
  EXPECT_EQ(r.state.values, (std::vector<float>{-1, 0, 1}));
}

TEST(StateHash, AGarbledKeyIsNamedAndTheRestOfTheLinkApplies) {
  const struct { const char* hash; const char* error; } cases[] = {
      {"s=0", "s: must be from 1 to 16, got 0"},
      {"s=abc", "s: expected a whole number, got \"abc\""},
      {"lesson=<script>alert(1)</script>", "lesson: must be one of kernel,conv1d,padding,stride,receptive-field,pooling,dilation,erf,transposed,depthwise,pointwise,separable,depthwise-separable, got \"<script>alert(1)</script>\""},
      {"bogus=1", "\"bogus\": is not a setting ConvLab knows"},
      {"k=3&kv=1,2", "kv: kernel 3x3 needs 9 values, got 2"},
      {"kv=1,nan,3", "kv: expected a number, got \"nan\""},
      {"kv=1e999", "kv: expected a finite number, got \"1e999\""},
      {"layers=c3,q2", "layers: layer \"q2\" must look like c3, c5x3, p2s2 or c3d2p1"},
      {"k=99", "k: must be from 1 to 15, got 99"},
      {"zoom=%ZZ", "zoom: expected a number, got \"%ZZ\""},
  };
  for (const auto& c : cases) {
    const ParseResult r = from_hash(c.hash);
    EXPECT_EQ(r.error, c.error) << c.hash;
    EXPECT_EQ(to_hash(r.state), "") << "the bad key alone must be left out: " << c.hash;
    // The same bad key in a link with good ones: they apply, it is named.
    const ParseResult mixed = from_hash(std::string("lesson=pooling&") + c.hash + "&pk=3&img=rocket");
    EXPECT_EQ(mixed.error, c.error) << c.hash;
    EXPECT_EQ(to_hash(mixed.state), "lesson=pooling&img=rocket&pk=3") << c.hash;
  }
}

TEST(StateHash, EveryBadKeyOfALinkIsNamed) {
  const ParseResult r = from_hash("s=0&d=2&bogus=1");
  EXPECT_EQ(r.error, "s: must be from 1 to 16, got 0; \"bogus\": is not a setting ConvLab knows");
  EXPECT_EQ(r.state.dilation, 2);
  EXPECT_EQ(r.state.stride, 1);
}

TEST(StateHash, FullStateListsEveryKeyWithItsDefault) {
  State s;
  lesson_params<PoolingParams>(s).k = 3;
  const auto all = full_state(s);
  std::map<std::string, std::string> by_key(all.begin(), all.end());
  EXPECT_EQ(by_key.size(), all.size()) << "a key registered twice";
  EXPECT_EQ(by_key["lesson"], "kernel");
  EXPECT_EQ(by_key["pk"], "3");
  EXPECT_EQ(by_key["ps"], "2");
  EXPECT_EQ(by_key["pool"], "max");
  EXPECT_EQ(by_key["tin"], "4");
  EXPECT_EQ(by_key["mixv"], "");
  EXPECT_EQ(by_key["p"], "same");
  EXPECT_EQ(by_key["show"], "all");
  EXPECT_EQ(by_key["autoheight"], "0");
  EXPECT_EQ(to_hash(s), "pk=3") << "the hash stays short";
  // Reading every key back gives the same state.
  std::string hash;
  for (const auto& [k, v] : all) hash += (hash.empty() ? "" : "&") + k + "=" + v;
  const ParseResult r = apply_hash(State{}, hash);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(to_hash(r.state), "pk=3");
}

TEST(StateHash, EachLessonsKeysComeFromItsOwnRegistration) {
  // The pooling lesson's keys live in pooling_model.cpp, not in State.
  const LessonInfo* pooling = find_lesson_info("pooling");
  ASSERT_NE(pooling, nullptr);
  std::vector<std::string> keys;
  for (const UrlField& f : pooling->fields) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"pool", "pk", "ps", "pp", "ceil", "cip"}));
  EXPECT_EQ(lesson_ids().front(), "kernel");
  EXPECT_EQ(lesson_ids().size(), 13u);
}

TEST(StateHash, MessagesNeverCarryControlCharacters) {
  const ParseResult r = from_hash(std::string("img=a%0Ab%00c"));
  EXPECT_EQ(r.error, "img: must be one of chelsea,coffee,astronaut,camera,rocket,brick,checker,square,stripes,dot,upload,webcam, got \"a?b?c\"");
}

TEST(StateHash, OverlongHashIsRefused) {
  const ParseResult r = from_hash(std::string(9000, 'a'));
  EXPECT_EQ(r.error, "link: is 9000 characters long; at most 8192");
}

TEST(StateHash, ApplyHashKeepsTheBaseOnError) {
  State base;
  base.stride = 3;
  const ParseResult bad = apply_hash(base, "d=2&s=-1");
  EXPECT_NE(bad.error, "");
  EXPECT_EQ(bad.state.stride, 3);
  EXPECT_EQ(bad.state.dilation, 1);
  const ParseResult good = apply_hash(base, "d=2");
  EXPECT_EQ(good.error, "");
  EXPECT_EQ(good.state.stride, 3);
  EXPECT_EQ(good.state.dilation, 2);
}

TEST(StateHash, PoolLayersKeepTheirDefaultStrideThroughText) {
  // Found by fuzz_state: "p9" means stride 9, which must read back.
  EXPECT_EQ(layers_to_text(layers_from_text("p9")), "p9");
  EXPECT_EQ(layers_to_text(layers_from_text("p3s2,c3s2,p5x3")), "p3s2,c3s2,p5x3");
  const auto layers = layers_from_text("p5x3");
  EXPECT_EQ(layers[0].stride.h, 5);
  EXPECT_EQ(layers[0].stride.w, 3);
  EXPECT_EQ(from_hash("layers=p9").error, "");
}

TEST(StateHash, PaddingKeywords) {
  EXPECT_EQ(from_hash("p=valid").state.pad, 0);
  EXPECT_EQ(from_hash("p=same").state.pad, -1);
  EXPECT_EQ(from_hash("p=2").state.pad, 2);
  State s;
  s.pad = 0;
  EXPECT_EQ(to_hash(s), "p=valid");
}

}  // namespace
