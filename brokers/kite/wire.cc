#include "brokers/kite/wire.h"

namespace tandem::brokers::kite {

namespace d = ::tandem::domain;

std::string_view wire(d::Exchange e) { return to_wire(kExchanges, e); }
std::string_view wire(d::Side s) { return to_wire(kSides, s); }
std::string_view wire(d::OrderType t) { return to_wire(kOrderTypes, t); }
std::string_view wire(d::Product p) { return to_wire(kProducts, p); }
std::string_view wire(d::Validity v) { return to_wire(kValidities, v); }

std::optional<d::Exchange> exchange_from_wire(std::string_view e) {
  return from_wire(kExchanges, e);
}

d::OrderStatus status_from_wire(std::string_view s) {
  if (s == "COMPLETE") return d::OrderStatus::complete;
  if (s == "CANCELLED") return d::OrderStatus::cancelled;
  if (s == "REJECTED") return d::OrderStatus::rejected;
  if (s == "TRIGGER PENDING") return d::OrderStatus::trigger_pending;
  // Working: open, or open with a modification or cancellation on its way.
  if (s == "OPEN" || s == "MODIFIED" || s == "MODIFY PENDING" || s == "MODIFY VALIDATION PENDING" ||
      s == "CANCEL PENDING" || s == "UPDATE") {
    return d::OrderStatus::open;
  }
  // PUT ORDER REQ RECEIVED, VALIDATION PENDING, OPEN PENDING, AMO REQ RECEIVED, and
  // anything new: not working yet, so nothing is copied from it.
  return d::OrderStatus::pending;
}

std::string rupees(int64_t paise) {
  std::string out = std::to_string(paise / 100);
  const int64_t rest = (paise < 0 ? -paise : paise) % 100;
  if (rest != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + rest / 10));
    if (rest % 10 != 0) out.push_back(static_cast<char>('0' + rest % 10));
  }
  return out;
}

}  // namespace tandem::brokers::kite
