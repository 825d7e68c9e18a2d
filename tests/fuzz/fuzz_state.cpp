// libFuzzer target: the URL hash parser (web/state.cpp) on arbitrary bytes. It must never crash, and
// whatever it accepts must serialise back to a hash that parses to the same serialisation.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string hash(reinterpret_cast<const char*>(data), size);
  const ParseResult first = from_hash(hash);
  const std::string text = to_hash(first.state);
  const ParseResult second = from_hash(text);
  if (!second.error.empty() || to_hash(second.state) != text) {
    std::fprintf(stderr, "round trip failed: %s -> %s (%s)\n", hash.c_str(), text.c_str(), second.error.c_str());
    std::abort();
  }
  // A partial update on top of any accepted state must also stay consistent.
  const ParseResult third = apply_hash(first.state, hash);
  if (third.error.empty() && !from_hash(to_hash(third.state)).error.empty()) std::abort();
  return 0;
}
