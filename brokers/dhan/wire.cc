#include "brokers/dhan/wire.h"

#include <cctype>

#include "brokers/dhan/scrip_master.h"

namespace tandem::brokers::dhan {

namespace d = ::tandem::domain;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

d::Exchange read_segment(ObjectReader& r, std::string_view key) {
  const std::string wire = r.text(key);
  const auto e = exchange_of_segment(wire);
  if (!e && r.status().ok()) r.fail(key, "unknown exchange segment '" + wire + "'");
  return e.value_or(d::Exchange::nse);
}

d::OrderStatus status_from_wire(std::string_view status) {
  const std::string s = upper(status);
  if (s == "TRADED") return d::OrderStatus::complete;
  if (s == "CANCELLED") return d::OrderStatus::cancelled;
  if (s == "REJECTED") return d::OrderStatus::rejected;
  if (s == "EXPIRED") return d::OrderStatus::expired;
  if (s == "PENDING" || s == "PART_TRADED" || s == "TRIGGERED") return d::OrderStatus::open;
  // TRANSIT (not yet at the exchange), CONFIRM, and anything new: nothing acts on it.
  return d::OrderStatus::pending;
}

std::string_view status_wire(d::OrderStatus status, int64_t filled_units) {
  switch (status) {
    case d::OrderStatus::pending:
      return "TRANSIT";
    case d::OrderStatus::open:
    case d::OrderStatus::trigger_pending:
      return filled_units > 0 ? "PART_TRADED" : "PENDING";
    case d::OrderStatus::complete:
      return "TRADED";
    case d::OrderStatus::cancelled:
      return "CANCELLED";
    case d::OrderStatus::rejected:
      return "REJECTED";
    case d::OrderStatus::expired:
      return "EXPIRED";
  }
  return "TRANSIT";
}

}  // namespace tandem::brokers::dhan
