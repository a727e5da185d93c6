#include "domain/orders/order_types.h"

#include <array>

#include "domain/base/enum_names.h"

namespace tandem::domain {

std::string_view to_string(Broker v) {
  return enum_name(std::array<std::string_view, 3>{"kite", "dhan", "paper"}, v);
}
std::string_view to_string(Side v) {
  return enum_name(std::array<std::string_view, 2>{"buy", "sell"}, v);
}
std::string_view to_string(OrderType v) {
  return enum_name(
      std::array<std::string_view, 4>{"market", "limit", "stop_loss", "stop_loss_market"}, v);
}
std::string_view to_string(Product v) {
  return enum_name(std::array<std::string_view, 4>{"delivery", "intraday", "carry_forward", "mtf"},
                   v);
}
std::string_view to_string(Validity v) {
  return enum_name(std::array<std::string_view, 3>{"day", "ioc", "ttl"}, v);
}
std::string_view to_string(Exchange v) {
  return enum_name(std::array<std::string_view, 7>{"nse", "bse", "nfo", "bfo", "cds", "bcd", "mcx"},
                   v);
}
std::string_view to_string(Segment v) {
  return enum_name(
      std::array<std::string_view, 5>{"equity", "derivatives", "currency", "commodity", "index"},
      v);
}
std::string_view to_string(OptionType v) {
  return enum_name(std::array<std::string_view, 3>{"none", "call", "put"}, v);
}
std::string_view to_string(OrderStatus v) {
  return enum_name(std::array<std::string_view, 7>{"pending", "open", "trigger_pending", "complete",
                                                   "cancelled", "rejected", "expired"},
                   v);
}

}  // namespace tandem::domain
