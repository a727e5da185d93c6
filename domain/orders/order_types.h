// The domain's order vocabulary: one enum each for what both brokers express differently.
// Adapters map Kite (CNC/MIS/NRML, SL-M, …) and Dhan (CNC/INTRADAY/MARGIN, STOP_LOSS_MARKET,
// …) to and from these. Enumerators are snake_case because they reach logs and exports
// verbatim (STYLE.md §5). Numeric values are part of the journal schema: append only.
#pragma once

#include <cstdint>
#include <string_view>

namespace tandem::domain {

enum class Broker : uint8_t { kite = 0, dhan = 1, paper = 2 };
enum class Side : uint8_t { buy = 0, sell = 1 };
enum class OrderType : uint8_t { market = 0, limit = 1, stop_loss = 2, stop_loss_market = 3 };
// delivery = Kite CNC / Dhan CNC; intraday = MIS / INTRADAY; carry_forward = NRML / MARGIN.
enum class Product : uint8_t { delivery = 0, intraday = 1, carry_forward = 2, mtf = 3 };
enum class Validity : uint8_t { day = 0, ioc = 1, ttl = 2 };
enum class Exchange : uint8_t { nse = 0, bse = 1, nfo = 2, bfo = 3, cds = 4, bcd = 5, mcx = 6 };
enum class Segment : uint8_t {
  equity = 0,
  derivatives = 1,
  currency = 2,
  commodity = 3,
  index = 4
};
enum class OptionType : uint8_t { none = 0, call = 1, put = 2 };
// Kite has no partial state (filled quantity tells); Dhan PART_TRADED maps to open.
enum class OrderStatus : uint8_t {
  pending = 0,  // accepted by the broker, not yet at the exchange (TRANSIT, VALIDATION PENDING)
  open = 1,
  trigger_pending = 2,
  complete = 3,
  cancelled = 4,
  rejected = 5,
  expired = 6,
};

std::string_view to_string(Broker v);
std::string_view to_string(Side v);
std::string_view to_string(OrderType v);
std::string_view to_string(Product v);
std::string_view to_string(Validity v);
std::string_view to_string(Exchange v);
std::string_view to_string(Segment v);
std::string_view to_string(OptionType v);
std::string_view to_string(OrderStatus v);

[[nodiscard]] inline bool is_final(OrderStatus s) {
  return s == OrderStatus::complete || s == OrderStatus::cancelled || s == OrderStatus::rejected ||
         s == OrderStatus::expired;
}

}  // namespace tandem::domain
