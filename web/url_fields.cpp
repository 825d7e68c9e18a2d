#include "url_fields.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace url {

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

void check_choice(const std::string& key, const std::string& v, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), v) == choices.end())
    bad(key, "must be one of " + join(choices, ',') + ", got " + quoted(v));
}

}  // namespace url
