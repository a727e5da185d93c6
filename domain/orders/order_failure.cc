#include "domain/orders/order_failure.h"

#include <array>
#include <string>
#include <utility>

#include "domain/base/enum_names.h"

namespace tandem::domain {

namespace {

constexpr std::array<std::string_view, 8> kNames{"rate_limited", "unauthenticated", "rejected",
                                                 "input",        "network",         "broker_down",
                                                 "unsent",       "queue_timeout"};

// The status code each failure of a broker call travels as; any other code is `input`.
constexpr std::array<std::pair<OrderFailure, StatusCode>, 5> kCodes{{
    {OrderFailure::rate_limited, StatusCode::rate_limited},
    {OrderFailure::unauthenticated, StatusCode::unauthenticated},
    {OrderFailure::rejected, StatusCode::rejected},
    {OrderFailure::network, StatusCode::disconnected},
    {OrderFailure::broker_down, StatusCode::unavailable},
}};

}  // namespace

std::string_view to_string(OrderFailure failure) { return enum_name(kNames, failure); }

std::optional<OrderFailure> order_failure_named(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<OrderFailure>(i);
  }
  return std::nullopt;
}

OrderFailure failure_of(const Status& status) {
  for (const auto& [failure, code] : kCodes) {
    if (status.code() == code) return failure;
  }
  return OrderFailure::input;
}

Status status_of(OrderFailure failure, std::string message) {
  for (const auto& [f, code] : kCodes) {
    if (f == failure) return Status(code, std::move(message));
  }
  return Status(StatusCode::invalid_argument, std::move(message));  // input, and the engine's own
}

bool change_may_not_have_taken(OrderFailure failure) {
  switch (failure) {
    case OrderFailure::rate_limited:
    case OrderFailure::network:
    case OrderFailure::broker_down:
    case OrderFailure::unsent:
    case OrderFailure::queue_timeout:
      return true;
    case OrderFailure::unauthenticated:
    case OrderFailure::rejected:
    case OrderFailure::input:
      return false;
  }
  return false;
}

}  // namespace tandem::domain
