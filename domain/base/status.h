// Status and Result<T>: expected failures as values (STYLE.md §3, after LevelDB's Status).
// A Status is a code plus a message; codes keep the retryable/final split that callers act on.
// Thread-safety: values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tandem {

enum class StatusCode : uint8_t {
  ok = 0,
  invalid_argument,  // bad input from a user or a file: final
  not_found,
  corruption,       // stored bytes that do not decode or do not chain: final
  io_error,         // the disk or OS failed: the journal stops accepting writes
  unsupported,      // e.g. a schema version newer than this binary
  disconnected,     // retryable
  rate_limited,     // retryable after a wait
  unauthenticated,  // token expired: stop the account
  rejected,         // the broker said no: final
  failed_precondition,
  unavailable,  // the other side failed on its own (a broker's 5xx): retry later
};

std::string_view to_string(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }
  static Status invalid_argument(std::string m) {
    return {StatusCode::invalid_argument, std::move(m)};
  }
  static Status not_found(std::string m) { return {StatusCode::not_found, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::corruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::io_error, std::move(m)}; }
  static Status unsupported(std::string m) { return {StatusCode::unsupported, std::move(m)}; }
  static Status failed_precondition(std::string m) {
    return {StatusCode::failed_precondition, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::ok; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "corruption: record 17 does not chain" — for logs and error output.
  std::string to_string() const;

  bool operator==(const Status&) const = default;

 private:
  StatusCode code_ = StatusCode::ok;
  std::string message_;
};

// Value or Status; std::expected<T, Status> once we are on C++23.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like std::expected
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tandem

// Returns early with the Status of a failed expression.
#define TANDEM_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::tandem::Status tandem_status_ = (expr);        \
    if (!tandem_status_.ok()) return tandem_status_; \
  } while (0)
