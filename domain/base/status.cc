#include "domain/base/status.h"

namespace tandem {

std::string_view to_string(StatusCode code) {
  switch (code) {
    case StatusCode::ok:
      return "ok";
    case StatusCode::invalid_argument:
      return "invalid_argument";
    case StatusCode::not_found:
      return "not_found";
    case StatusCode::corruption:
      return "corruption";
    case StatusCode::io_error:
      return "io_error";
    case StatusCode::unsupported:
      return "unsupported";
    case StatusCode::disconnected:
      return "disconnected";
    case StatusCode::rate_limited:
      return "rate_limited";
    case StatusCode::unauthenticated:
      return "unauthenticated";
    case StatusCode::rejected:
      return "rejected";
    case StatusCode::failed_precondition:
      return "failed_precondition";
    case StatusCode::unavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out(tandem::to_string(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace tandem
