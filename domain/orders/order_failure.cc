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

}  // namespace

std::string_view to_string(OrderFailure failure) { return enum_name(kNames, failure); }

std::optional<OrderFailure> order_failure_named(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<OrderFailure>(i);
  }
  return std::nullopt;
}

OrderFailure failure_of(const Status& status) {
  switch (status.code()) {
    case StatusCode::rate_limited:
      return OrderFailure::rate_limited;
    case StatusCode::unauthenticated:
      return OrderFailure::unauthenticated;
    case StatusCode::rejected:
      return OrderFailure::rejected;
    case StatusCode::disconnected:
      return OrderFailure::network;
    case StatusCode::unavailable:
      return OrderFailure::broker_down;
    default:
      return OrderFailure::input;
  }
}

Status status_of(OrderFailure failure, std::string message) {
  StatusCode code = StatusCode::invalid_argument;
  switch (failure) {
    case OrderFailure::rate_limited:
      code = StatusCode::rate_limited;
      break;
    case OrderFailure::unauthenticated:
      code = StatusCode::unauthenticated;
      break;
    case OrderFailure::rejected:
      code = StatusCode::rejected;
      break;
    case OrderFailure::network:
      code = StatusCode::disconnected;
      break;
    case OrderFailure::broker_down:
      code = StatusCode::unavailable;
      break;
    case OrderFailure::input:
    case OrderFailure::unsent:
    case OrderFailure::queue_timeout:
      code = StatusCode::invalid_argument;
      break;
  }
  return Status(code, std::move(message));
}

}  // namespace tandem::domain
