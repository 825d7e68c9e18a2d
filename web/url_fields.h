// URL keys: how one setting is written to the hash and read back. The shared settings (state.cpp) and
// each lesson's own (its model file, with its LessonInfo) are tables of UrlField; the hash lists the
// shared keys first, then each lesson's in lesson order. No ImGui here: parsed and tested natively.
#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "state.h"

struct UrlField {
  std::string key;
  // The value as URL text, defaults included (to_hash leaves out a value equal to the default's text).
  std::function<std::string(const State&)> write;
  // Reads the text into the state; throws std::invalid_argument("key: why") when it is not a valid value.
  std::function<void(State&, const std::string&)> read;
};

namespace url {

[[noreturn]] void bad(const std::string& key, const std::string& why);
// A value quoted for a message: shortened and stripped to printable ASCII (the UI shows it as text).
std::string quoted(const std::string& v);
int parse_int(const std::string& key, const std::string& v, int lo, int hi);
float parse_float(const std::string& key, const std::string& v);  // finite, |v| <= 1e6
std::string format_float(float f);                                // shortest text that reads back the same
std::vector<std::string> split(const std::string& s, char sep);
std::string join(const std::vector<std::string>& parts, char sep);
void check_choice(const std::string& key, const std::string& v, const std::vector<std::string>& choices);

// The settings struct a field lives in: the State itself, or a lesson's parameters (lesson_params<P>).
template <class P>
P& owner(State& s) {
  if constexpr (std::is_same_v<P, State>) return s;
  else return lesson_params<P>(s);
}
template <class P>
const P& owner(const State& s) {
  if constexpr (std::is_same_v<P, State>) return s;
  else return lesson_params<P>(s);
}

template <class P>
UrlField int_field(const char* key, int P::*m, int lo, int hi) {
  return {key, [=](const State& s) { return std::to_string(owner<P>(s).*m); },
          [=](State& s, const std::string& v) { owner<P>(s).*m = parse_int(key, v, lo, hi); }};
}

template <class P>
UrlField bool_field(const char* key, bool P::*m) {
  return {key, [=](const State& s) { return std::string(owner<P>(s).*m ? "1" : "0"); },
          [=](State& s, const std::string& v) {
            if (v != "0" && v != "1") bad(key, "must be 0 or 1, got " + quoted(v));
            owner<P>(s).*m = v == "1";
          }};
}

template <class P>
UrlField float_field(const char* key, float P::*m, float lo, float hi) {
  return {key, [=](const State& s) { return format_float(owner<P>(s).*m); },
          [=](State& s, const std::string& v) {
            const float f = parse_float(key, v);
            if (f < lo || f > hi) bad(key, "must be from " + format_float(lo) + " to " + format_float(hi) + ", got " + v);
            owner<P>(s).*m = f;
          }};
}

// One of a fixed list of words (choices() is called when a value is read, so it may come from a registry).
template <class P>
UrlField choice_field(const char* key, std::string P::*m, std::function<std::vector<std::string>()> choices) {
  return {key, [=](const State& s) { return owner<P>(s).*m; },
          [=](State& s, const std::string& v) {
            check_choice(key, v, choices());
            owner<P>(s).*m = v;
          }};
}

// A list of numbers joined by commas; `counts` lists the lengths allowed (empty = any up to max_count).
template <class P>
UrlField floats_field(const char* key, std::vector<float> P::*m, std::size_t max_count, std::vector<std::size_t> counts = {}) {
  return {key,
          [=](const State& s) {
            std::vector<std::string> parts;
            for (float f : owner<P>(s).*m) parts.push_back(format_float(f));
            return join(parts, ',');
          },
          [=](State& s, const std::string& v) {
            std::vector<float> out;
            if (!v.empty()) {
              const auto parts = split(v, ',');
              if (parts.size() > max_count) bad(key, "too many values: " + std::to_string(parts.size()));
              bool allowed = counts.empty();
              for (std::size_t n : counts) allowed = allowed || n == parts.size();
              if (!allowed) {
                std::string list;
                for (std::size_t n : counts) list += (list.empty() ? "" : " or ") + std::to_string(n);
                bad(key, "expected " + list + " values, got " + std::to_string(parts.size()));
              }
              for (const auto& p : parts) out.push_back(parse_float(key, p));
            }
            owner<P>(s).*m = std::move(out);
          }};
}

}  // namespace url
