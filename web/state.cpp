#include "state.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>

#include "kernels.h"

namespace {

using convlab::Layer;
using convlab::Pair;

constexpr std::size_t kMaxHashLength = 8192;  // a hash longer than this is not ours
constexpr int kMaxKernel = 15;

[[noreturn]] void bad(const std::string& key, const std::string& why) { throw std::invalid_argument(key + ": " + why); }

// Quotes a value for a message, shortened and stripped to printable ASCII (the UI shows it as text).
std::string quoted(const std::string& v) {
  std::string out;
  for (char ch : v.substr(0, 40)) out += (ch >= 32 && ch < 127) ? ch : '?';
  return "\"" + out + (v.size() > 40 ? "...\"" : "\"");
}

int parse_int(const std::string& key, const std::string& v, int lo, int hi) {
  if (v.empty() || v.size() > 9) bad(key, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + quoted(v));
  std::size_t i = (v[0] == '-') ? 1 : 0;
  if (i == v.size()) bad(key, "expected a whole number, got " + quoted(v));
  for (std::size_t j = i; j < v.size(); ++j)
    if (v[j] < '0' || v[j] > '9') bad(key, "expected a whole number, got " + quoted(v));
  const long n = std::strtol(v.c_str(), nullptr, 10);
  if (n < lo || n > hi) bad(key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + v);
  return int(n);
}

float parse_float(const std::string& key, const std::string& v) {
  if (v.empty() || v.size() > 24) bad(key, "expected a number, got " + quoted(v));
  for (char ch : v)
    if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E'))
      bad(key, "expected a number, got " + quoted(v));
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end != v.c_str() + v.size() || !std::isfinite(d) || std::fabs(d) > 1e6) bad(key, "expected a finite number, got " + quoted(v));
  return float(d);
}

// Shortest text that reads back as the same float.
std::string format_float(float f) {
  char buf[32];
  for (int precision = 1; precision <= 9; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, double(f));
    if (std::strtof(buf, nullptr) == f) break;
  }
  return buf;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(1, sep) : "") + parts[i];
  return out;
}

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

void check_choice(const std::string& key, const std::string& v, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), v) == choices.end())
    bad(key, "must be one of " + join(choices, ',') + ", got " + quoted(v));
}

// One URL key: how to write it (empty = default, omitted) and how to read it.
struct Field {
  const char* key;
  std::function<std::string(const State&)> write;
  std::function<void(State&, const std::string&)> read;
};

template <class T>
std::string unless_default(const State& s, T State::*m, std::string text) {
  static const State defaults;
  return s.*m == defaults.*m ? std::string() : text;
}

Field int_field(const char* key, int State::*m, int lo, int hi) {
  return {key, [=](const State& s) { return unless_default(s, m, std::to_string(s.*m)); },
          [=](State& s, const std::string& v) { s.*m = parse_int(key, v, lo, hi); }};
}

Field bool_field(const char* key, bool State::*m) {
  return {key, [=](const State& s) { return unless_default(s, m, s.*m ? "1" : "0"); },
          [=](State& s, const std::string& v) {
            if (v != "0" && v != "1") bad(key, "must be 0 or 1, got " + quoted(v));
            s.*m = v == "1";
          }};
}

Field float_field(const char* key, float State::*m, float lo, float hi) {
  return {key, [=](const State& s) { return unless_default(s, m, format_float(s.*m)); },
          [=](State& s, const std::string& v) {
            const float f = parse_float(key, v);
            if (f < lo || f > hi) bad(key, "must be from " + format_float(lo) + " to " + format_float(hi) + ", got " + v);
            s.*m = f;
          }};
}

Field choice_field(const char* key, std::string State::*m, std::function<std::vector<std::string>()> choices) {
  return {key, [=](const State& s) { return unless_default(s, m, s.*m); },
          [=](State& s, const std::string& v) {
            check_choice(key, v, choices());
            s.*m = v;
          }};
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
  return names;
}

const std::vector<Field>& fields() {
  static const std::vector<Field> table = {
      choice_field("lesson", &State::lesson, [] { return lesson_ids(); }),
      choice_field("img", &State::image, image_names),
      bool_field("gray", &State::gray),
      choice_field("kp", &State::preset, preset_names),
      {"k",
       [](const State& s) {
         static const State d;
         if (s.kh == d.kh && s.kw == d.kw) return std::string();
         return s.kh == s.kw ? std::to_string(s.kh) : std::to_string(s.kh) + "x" + std::to_string(s.kw);
       },
       [](State& s, const std::string& v) {
         const auto parts = split(v, 'x');
         if (parts.size() > 2) bad("k", "expected N or HxW, got " + quoted(v));
         s.kh = parse_int("k", parts[0], 1, kMaxKernel);
         s.kw = parts.size() == 2 ? parse_int("k", parts[1], 1, kMaxKernel) : s.kh;
       }},
      float_field("sigma", &State::sigma, 0.0f, 100.0f),
      {"kv",
       [](const State& s) {
         std::vector<std::string> parts;
         for (float f : s.values) parts.push_back(format_float(f));
         return join(parts, ',');
       },
       [](State& s, const std::string& v) {
         s.values.clear();
         if (v.empty()) return;
         const auto parts = split(v, ',');
         if (parts.size() > std::size_t(3 * kMaxKernel * kMaxKernel)) bad("kv", "too many kernel values: " + std::to_string(parts.size()));
         for (const auto& p : parts) s.values.push_back(parse_float("kv", p));
       }},
      bool_field("depth", &State::depth),
      {"p",
       [](const State& s) {
         static const State d;
         if (s.pad == d.pad) return std::string();
         return s.pad < 0 ? std::string("same") : s.pad == 0 ? std::string("valid") : std::to_string(s.pad);
       },
       [](State& s, const std::string& v) {
         s.pad = v == "same" ? -1 : v == "valid" ? 0 : parse_int("p", v, 0, 64);
       }},
      choice_field("pad", &State::pad_mode, [] { return std::vector<std::string>{"zeros", "reflect", "symmetric", "replicate", "circular"}; }),
      int_field("s", &State::stride, 1, 16),
      int_field("d", &State::dilation, 1, 16),
      bool_field("one", &State::one_filter),
      choice_field("pool", &State::pool, [] { return std::vector<std::string>{"max", "mean", "min"}; }),
      int_field("pk", &State::pool_k, 1, 15),
      int_field("ps", &State::pool_s, 1, 15),
      int_field("pp", &State::pool_p, 0, 7),
      bool_field("ceil", &State::ceil_mode),
      bool_field("cip", &State::count_include_pad),
      {"layers",
       [](const State& s) {
         static const State d;
         const std::string text = layers_to_text(s.layers);
         return text == layers_to_text(d.layers) ? std::string() : text;
       },
       [](State& s, const std::string& v) {
         try {
           s.layers = layers_from_text(v);
         } catch (const std::invalid_argument& e) {
           bad("layers", e.what());
         }
       }},
      choice_field("erfw", &State::erf_weights, [] { return std::vector<std::string>{"uniform", "random"}; }),
      bool_field("relu", &State::relu),
      int_field("seed", &State::seed, 0, 1000000),
      int_field("rfl", &State::rf_layer, -1, 15),
      int_field("tin", &State::t_in, 1, 64),
      int_field("tk", &State::t_k, 1, 9),
      int_field("ts", &State::t_s, 1, 8),
      int_field("tp", &State::t_p, 0, 16),
      int_field("top", &State::t_op, 0, 7),
      int_field("tfrom", &State::t_from, 1, 4096),
      int_field("tto", &State::t_to, 1, 4096),
      choice_field("mix", &State::mix, [] { return std::vector<std::string>{"gray", "features"}; }),
      {"mixv",
       [](const State& s) {
         std::vector<std::string> parts;
         for (float f : s.mix_values) parts.push_back(format_float(f));
         return join(parts, ',');
       },
       [](State& s, const std::string& v) {
         s.mix_values.clear();
         if (v.empty()) return;
         const auto parts = split(v, ',');
         if (parts.size() != 3 && parts.size() != 24) bad("mixv", "expected 3 or 24 matrix values, got " + std::to_string(parts.size()));
         for (const auto& p : parts) s.mix_values.push_back(parse_float("mixv", p));
       }},
      int_field("cin", &State::cin, 1, 4096),
      int_field("cout", &State::cout, 1, 4096),
      int_field("hw", &State::hw, 1, 4096),
      choice_field("disp", &State::display, [] { return std::vector<std::string>{"auto", "clamp", "minmax", "abs", "diverging"}; }),
      float_field("zoom", &State::zoom, 0.0f, 64.0f),
      float_field("cx", &State::cx, 0.0f, 1.0f),
      float_field("cy", &State::cy, 0.0f, 1.0f),
      int_field("step", &State::step, -1, 1 << 24),
      int_field("rate", &State::step_rate, 1, 60),
      bool_field("embed", &State::embed),
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
      bool_field("autoplay", &State::autoplay),
      {"play",
       [](const State& s) {
         static const State d;
         if (s.play_from == d.play_from && s.play_to == d.play_to) return std::string();
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
  static const std::vector<std::string> ids = {"kernel",  "padding", "stride",     "receptive-field", "pooling",   "dilation",
                                               "erf",     "transposed", "depthwise", "pointwise",       "separable", "depthwise-separable"};
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

std::string to_hash(const State& s) {
  std::vector<std::string> parts;
  for (const Field& f : fields()) {
    const std::string v = f.write(s);
    if (!v.empty()) parts.push_back(std::string(f.key) + "=" + v);
  }
  return join(parts, '&');
}

ParseResult apply_hash(const State& base, const std::string& hash_in) {
  ParseResult result{base, ""};
  std::string hash = hash_in;
  if (!hash.empty() && (hash[0] == '#' || hash[0] == '?')) hash.erase(0, 1);
  if (hash.empty()) return result;
  try {
    if (hash.size() > kMaxHashLength) bad("link", "is " + std::to_string(hash.size()) + " characters long; at most " + std::to_string(kMaxHashLength));
    State s = base;
    for (const std::string& pair : split(hash, '&')) {
      if (pair.empty()) continue;
      const std::size_t eq = pair.find('=');
      const std::string key = percent_decode(pair.substr(0, eq));
      const std::string value = eq == std::string::npos ? "1" : percent_decode(pair.substr(eq + 1));
      const auto& table = fields();
      const auto it = std::find_if(table.begin(), table.end(), [&](const Field& f) { return key == f.key; });
      if (it == table.end()) bad(quoted(key), "is not a setting ConvLab knows");
      it->read(s, value);
    }
    // Explicit values make the kernel custom; choosing a preset without values drops stale ones.
    if (hash.find("kv=") != std::string::npos && !s.values.empty()) s.preset = "custom";
    else if (s.preset != "custom") s.values.clear();
    check_consistency(s);
    result.state = s;
  } catch (const std::invalid_argument& e) {
    result.error = e.what();
  }
  return result;
}

ParseResult from_hash(const std::string& hash) {
  ParseResult r = apply_hash(State{}, hash);
  if (!r.error.empty()) r.state = State{};
  return r;
}
