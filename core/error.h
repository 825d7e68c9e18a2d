// Errors of the core: a named code plus a message that names the parameter and its value,
// e.g. "stride must be >= 1, got 0". Thrown as convlab::Error; caught at the binding edge.
#pragma once
#include <stdexcept>
#include <string>

namespace convlab {

enum class ErrorCode {
  InvalidShape,      // a dimension <= 0, or data length not matching the shape
  InvalidStride,     // stride < 1
  InvalidDilation,   // dilation < 1
  InvalidPadding,    // negative, or too large for the padding mode
  InvalidGroups,     // groups < 1 or not dividing the channels
  InvalidKernel,     // kernel dimension < 1
  ShapeMismatch,     // weight/bias shape does not fit the input
  KernelTooLarge,    // effective kernel larger than the padded input (output size < 1)
  TooLarge,          // element count above the core's limit (or overflowing)
  InvalidArgument,   // anything else: unknown mode name, bad option combination
};

const char* error_code_name(ErrorCode code);

class Error : public std::invalid_argument {
 public:
  Error(ErrorCode code, const std::string& message) : std::invalid_argument(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Throws Error(code, "<what> must be <rule>, got <value>").
[[noreturn]] void fail(ErrorCode code, const std::string& message);

}  // namespace convlab
