#include "state.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>

#include "kernels.h"
#include "lesson_info.h"
#include "url_fields.h"

namespace {

using convlab::Layer;
using convlab::Pair;
using namespace url;

constexpr std::size_t kMaxHashLength = 8192;  // a hash longer than this is not ours
constexpr int kMaxKernel = 15;

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += char(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];  // '+' stays '+': a hash is not a form body, and exponents use it
    }
  }
  return out;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& p : convlab::kernel_presets()) names.push_back(p.name);
  names.push_back("custom");
  return names;
}

std::vector<std::string> image_names() {
  std::vector<std::string> names = sample_image_ids();
  for (const auto& p : pattern_image_ids()) names.push_back(p);
  names.push_back("upload");
  names.push_back("webcam");
  return names;
}

// The keys State itself holds; each lesson adds its own (lesson_info.h).
const std::vector<UrlField>& shared_fields() {
  static const std::vector<UrlField> table = {
      choice_field<State>("lesson", &State::lesson, [] { return lesson_ids(); }),
      choice_field<State>("img", &State::image, image_names),
      bool_field<State>("gray", &State::gray),
      choice_field<State>("kp", &State::preset, preset_names),
      {"k",
       [](const State& s) {
         return s.kh == s.kw ? std::to_string(s.kh) : std::to_string(s.kh) + "x" + std::to_string(s.kw);
       },
       [](State& s, const std::string& v) {
         const auto parts = split(v, 'x');
         if (parts.size() > 2) bad("k", "expected N or HxW, got " + quoted(v));
         s.kh = parse_int("k", parts[0], 1, kMaxKernel);
         s.kw = parts.size() == 2 ? parse_int("k", parts[1], 1, kMaxKernel) : s.kh;
       }},
      float_field<State>("sigma", &State::sigma, 0.0f, 100.0f),
      floats_field<State>("kv", &State::values, std::size_t(3 * kMaxKernel * kMaxKernel)),
      bool_field<State>("depth", &State::depth),
      {"p",
       [](const State& s) {
         return s.pad < 0 ? std::string("same") : s.pad == 0 ? std::string("valid") : std::to_string(s.pad);
       },
       [](State& s, const std::string& v) {
         s.pad = v == "same" ? -1 : v == "valid" ? 0 : parse_int("p", v, 0, 64);
       }},
      choice_field<State>("pad", &State::pad_mode, [] { return std::vector<std::string>{"zeros", "reflect", "symmetric", "replicate", "circular"}; }),
      int_field<State>("s", &State::stride, 1, 16),
      int_field<State>("d", &State::dilation, 1, 16),
      {"layers",
       [](const State& s) {
         return layers_to_text(s.layers);
       },
       [](State& s, const std::string& v) {
         try {
           s.layers = layers_from_text(v);
         } catch (const std::invalid_argument& e) {
           bad("layers", e.what());
         }
       }},
      int_field<State>("rfl", &State::rf_layer, -1, 15),
      int_field<State>("seed", &State::seed, 0, 1000000),
      choice_field<State>("disp", &State::display, [] { return std::vector<std::string>{"auto", "clamp", "minmax", "abs", "diverging"}; }),
      float_field<State>("zoom", &State::zoom, 0.0f, 64.0f),
      float_field<State>("cx", &State::cx, 0.0f, 1.0f),
      float_field<State>("cy", &State::cy, 0.0f, 1.0f),
      int_field<State>("step", &State::step, -1, 1 << 24),
      int_field<State>("rate", &State::step_rate, 1, 60),
      bool_field<State>("embed", &State::embed),
      choice_field<State>("show", &State::show, [] { return std::vector<std::string>{"all", "visual"}; }),
      bool_field<State>("autoheight", &State::autoheight),
      {"hide", [](const State& s) { return join(s.hide, ','); },
       [](State& s, const std::string& v) {
         s.hide.clear();
         if (v.empty()) return;
         for (const auto& id : split(v, ',')) {
           if (id.empty() || id.size() > 24 || !std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }))
             bad("hide", "control ids are lower-case words, got " + quoted(id));
           s.hide.push_back(id);
         }
       }},
      bool_field<State>("autoplay", &State::autoplay),
      {"play",
       [](const State& s) {
         return std::to_string(s.play_from) + "-" + (s.play_to < 0 ? std::string() : std::to_string(s.play_to));
       },
       [](State& s, const std::string& v) {
         const std::size_t dash = v.find('-');
         if (dash == std::string::npos) bad("play", "expected FROM-TO, got " + quoted(v));
         s.play_from = parse_int("play", v.substr(0, dash), 0, 1 << 24);
         const std::string to = v.substr(dash + 1);
         s.play_to = to.empty() ? -1 : parse_int("play", to, 0, 1 << 24);
       }},
  };
  return table;
}

// Cross-key rules that single keys cannot check.
void check_consistency(const State& s) {
  if (!s.values.empty()) {
    const std::size_t plane = std::size_t(s.kh) * s.kw;
    const std::size_t channels = s.depth ? (s.gray ? 1 : 3) : 1;
    if (s.values.size() != plane * channels)
      bad("kv", "kernel " + std::to_string(s.kh) + "x" + std::to_string(s.kw) + (channels > 1 ? "x3" : "") + " needs " +
                    std::to_string(plane * channels) + " values, got " + std::to_string(s.values.size()));
  }
  if (s.preset == "custom" && s.values.empty()) bad("kv", "a custom kernel needs its values");
}

}  // namespace

std::vector<Layer> State::default_layers() {
  Layer c3;
  return {c3, c3};
}

const std::vector<std::string>& lesson_ids() {
  // Built on first use, after every lesson's static registration has run.
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const LessonInfo& l : lesson_infos()) out.push_back(l.id);
    return out;
  }();
  return ids;
}

const std::vector<std::string>& sample_image_ids() {
  static const std::vector<std::string> ids = {"chelsea", "coffee", "astronaut", "camera", "rocket", "brick"};
  return ids;
}

const std::vector<std::string>& pattern_image_ids() {
  static const std::vector<std::string> ids = {"checker", "square", "stripes", "dot"};
  return ids;
}

std::string layers_to_text(const std::vector<Layer>& layers) {
  std::vector<std::string> parts;
  for (const Layer& l : layers) {
    std::string t = l.type == Layer::Type::Pool ? "p" : "c";
    t += std::to_string(l.kernel.h);
    if (l.kernel.w != l.kernel.h) t += "x" + std::to_string(l.kernel.w);
    const int default_stride = l.type == Layer::Type::Pool ? l.kernel.h : 1;  // pooling's stride defaults to its kernel
    if (l.stride.h != default_stride || l.stride.w != (l.type == Layer::Type::Pool ? l.kernel.w : 1))
      t += "s" + std::to_string(l.stride.h);
    if (l.dilation.h != 1) t += "d" + std::to_string(l.dilation.h);
    if (l.padding.h != 0) t += "p" + std::to_string(l.padding.h);
    parts.push_back(t);
  }
  return join(parts, ',');
}

std::vector<Layer> layers_from_text(const std::string& text) {
  std::vector<Layer> layers;
  const auto parts = split(text, ',');
  if (parts.size() > 16) throw std::invalid_argument("at most 16 layers, got " + std::to_string(parts.size()));
  for (const std::string& part : parts) {
    const std::string what = "layer " + quoted(part);
    if (part.size() < 2 || (part[0] != 'c' && part[0] != 'p'))
      throw std::invalid_argument(what + " must look like c3, c5x3, p2s2 or c3d2p1");
    Layer l;
    l.type = part[0] == 'p' ? Layer::Type::Pool : Layer::Type::Conv;
    // After the type letter: the kernel (N or NxM), then any of s<N>, d<N>, p<N>.
    std::size_t i = 1;
    auto number = [&](int lo, int hi) {
      std::size_t j = i;
      while (j < part.size() && part[j] >= '0' && part[j] <= '9') ++j;
      if (j == i || j - i > 3) throw std::invalid_argument(what + " has a missing or oversized number");
      const int n = std::atoi(part.substr(i, j - i).c_str());
      if (n < lo || n > hi) throw std::invalid_argument(what + ": " + std::to_string(n) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
      i = j;
      return n;
    };
    l.kernel.h = l.kernel.w = number(1, kMaxKernel);
    if (i < part.size() && part[i] == 'x') {
      ++i;
      l.kernel.w = number(1, kMaxKernel);
    }
    if (l.type == Layer::Type::Pool) l.stride = l.kernel;  // pooling's default stride is its kernel
    while (i < part.size()) {
      const char tag = part[i++];
      if (tag == 's') l.stride.h = l.stride.w = number(1, kMaxKernel);
      else if (tag == 'd') l.dilation.h = l.dilation.w = number(1, 8);
      else if (tag == 'p') l.padding.h = l.padding.w = number(0, 8);
      else throw std::invalid_argument(what + " has an unknown part '" + std::string(1, tag) + "'");
    }
    layers.push_back(l);
  }
  return layers;
}

namespace {

// Every key in hash order: the shared ones, then each lesson's in menu order.
const std::vector<const UrlField*>& all_fields() {
  static const std::vector<const UrlField*> table = [] {
    std::vector<const UrlField*> out;
    for (const UrlField& f : shared_fields()) out.push_back(&f);
    for (const LessonInfo& l : lesson_infos())
      for (const UrlField& f : l.fields) out.push_back(&f);
    return out;
  }();
  return table;
}

const UrlField* find_field(const std::string& key) {
  for (const UrlField* f : all_fields())
    if (f->key == key) return f;
  return nullptr;
}

// The defaults' text of every key, in the order of all_fields().
const std::vector<std::string>& default_texts() {
  static const std::vector<std::string> texts = [] {
    const State d;
    std::vector<std::string> out;
    for (const UrlField* f : all_fields()) out.push_back(f->write(d));
    return out;
  }();
  return texts;
}

// Explicit values make the kernel custom; choosing a preset without values drops stale ones.
void settle_kernel(State& s, bool values_given) {
  if (values_given && !s.values.empty()) s.preset = "custom";
  else if (s.preset != "custom") s.values.clear();
}

struct KeyValue {
  std::string key, value;
};

std::vector<KeyValue> split_hash(std::string hash) {
  if (!hash.empty() && (hash[0] == '#' || hash[0] == '?')) hash.erase(0, 1);
  if (hash.size() > kMaxHashLength)
    bad("link", "is " + std::to_string(hash.size()) + " characters long; at most " + std::to_string(kMaxHashLength));
  std::vector<KeyValue> pairs;
  if (hash.empty()) return pairs;
  for (const std::string& pair : split(hash, '&')) {
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    pairs.push_back({percent_decode(pair.substr(0, eq)), eq == std::string::npos ? "1" : percent_decode(pair.substr(eq + 1))});
  }
  return pairs;
}

void read_pair(State& s, const KeyValue& kv) {
  const UrlField* f = find_field(kv.key);
  if (!f) bad(quoted(kv.key), "is not a setting ConvLab knows");
  f->read(s, kv.value);
}

}  // namespace

std::string to_hash(const State& s) {
  std::vector<std::string> parts;
  const auto& fields = all_fields();
  const auto& defaults = default_texts();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string v = fields[i]->write(s);
    if (v != defaults[i]) parts.push_back(fields[i]->key + "=" + v);
  }
  return join(parts, '&');
}

std::vector<std::pair<std::string, std::string>> full_state(const State& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const UrlField* f : all_fields()) out.emplace_back(f->key, f->write(s));
  return out;
}

ParseResult apply_hash(const State& base, const std::string& hash) {
  ParseResult result{base, ""};
  try {
    State s = base;
    bool values_given = false;
    for (const KeyValue& kv : split_hash(hash)) {
      read_pair(s, kv);
      values_given = values_given || kv.key == "kv";
    }
    settle_kernel(s, values_given);
    check_consistency(s);
    result.state = s;
  } catch (const std::invalid_argument& e) {
    result.error = e.what();
  }
  return result;
}

ParseResult from_hash(const std::string& hash) {
  ParseResult result{State{}, ""};
  std::vector<std::string> errors;
  try {
    bool values_given = false;
    for (const KeyValue& kv : split_hash(hash)) {
      try {
        read_pair(result.state, kv);  // a read either sets its key or throws before changing it
        values_given = values_given || kv.key == "kv";
      } catch (const std::invalid_argument& e) {
        errors.push_back(e.what());
      }
    }
    settle_kernel(result.state, values_given);
    try {
      check_consistency(result.state);
    } catch (const std::invalid_argument& e) {  // the kernel keys disagree: the default kernel instead
      errors.push_back(e.what());
      const State d;
      result.state.preset = d.preset, result.state.kh = d.kh, result.state.kw = d.kw;
      result.state.values = d.values, result.state.depth = d.depth, result.state.sigma = d.sigma;
    }
  } catch (const std::invalid_argument& e) {  // not a hash at all (too long): the defaults
    result.state = State{};
    errors.push_back(e.what());
  }
  for (const std::string& e : errors) result.error += (result.error.empty() ? "" : "; ") + e;
  return result;
}
