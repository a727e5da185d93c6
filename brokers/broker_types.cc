#include "brokers/broker_types.h"

#include <array>

#include "domain/base/enum_names.h"

namespace tandem::brokers {

std::string_view to_string(ErrorClass c) {
  return domain::enum_name(
      std::array<std::string_view, 6>{"rate_limited", "unauthenticated", "rejected", "input",
                                      "network", "broker_down"},
      c);
}

Status to_status(const BrokerError& e, std::string_view broker) {
  StatusCode code = StatusCode::unavailable;
  switch (e.error_class) {
    case ErrorClass::rate_limited:
      code = StatusCode::rate_limited;
      break;
    case ErrorClass::unauthenticated:
      code = StatusCode::unauthenticated;
      break;
    case ErrorClass::rejected:
      code = StatusCode::rejected;
      break;
    case ErrorClass::input:
      code = StatusCode::invalid_argument;
      break;
    case ErrorClass::network:
      code = StatusCode::disconnected;
      break;
    case ErrorClass::broker_down:
      code = StatusCode::unavailable;
      break;
  }
  return Status(code, std::string(broker) + " " + e.type + " (HTTP " +
                          std::to_string(e.http_status) + "): " + e.message);
}

domain::LeaderOrderUpdate to_leader_update(const BrokerOrder& o, domain::TimeNs received_time_ns,
                                           std::string raw_digest) {
  domain::LeaderOrderUpdate u;
  u.order_id = domain::LeaderOrderId{o.order_id.value};
  u.status = o.status;
  u.instrument = o.instrument;
  u.side = o.side;
  u.order_type = o.order_type;
  u.product = o.product;
  u.validity = o.validity;
  u.quantity_units = o.quantity_units;
  u.filled_units = o.filled_units;
  u.price_paise = o.price_paise;
  u.trigger_price_paise = o.trigger_price_paise;
  u.average_price_paise = o.average_price_paise;
  u.exchange_time_ns = o.exchange_time_ns != 0 ? o.exchange_time_ns : o.order_time_ns;
  u.received_time_ns = received_time_ns;
  u.raw_digest = std::move(raw_digest);
  return u;
}

}  // namespace tandem::brokers
