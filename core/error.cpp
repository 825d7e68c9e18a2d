#include "error.h"

namespace convlab {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidShape: return "InvalidShape";
    case ErrorCode::InvalidStride: return "InvalidStride";
    case ErrorCode::InvalidDilation: return "InvalidDilation";
    case ErrorCode::InvalidPadding: return "InvalidPadding";
    case ErrorCode::InvalidGroups: return "InvalidGroups";
    case ErrorCode::InvalidKernel: return "InvalidKernel";
    case ErrorCode::ShapeMismatch: return "ShapeMismatch";
    case ErrorCode::KernelTooLarge: return "KernelTooLarge";
    case ErrorCode::TooLarge: return "TooLarge";
    case ErrorCode::InvalidArgument: return "InvalidArgument";
  }
  return "Unknown";
}

void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace convlab
