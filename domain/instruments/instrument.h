// Instrument: what an order trades, as the journal's InstrumentSnapshot records it, so that
// replay sizes with the lot size in force that day. Keyed by exchange + trading symbol:
// Kite reuses tokens of expired derivatives (brokers.md §1.7).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "domain/base/time.h"
#include "domain/orders/order_types.h"

namespace tandem::domain {

struct InstrumentKey {
  Exchange exchange = Exchange::nse;
  std::string tradingsymbol;
  auto operator<=>(const InstrumentKey&) const = default;
};

// "NFO:NIFTY26N2423500CE": the exchange in capitals, as brokers and traders write it.
[[nodiscard]] std::string to_text(const InstrumentKey& key);

struct Instrument {
  InstrumentKey key;
  std::string underlying;  // "NIFTY" for NIFTY options; the symbol for equities
  Segment segment = Segment::equity;
  uint32_t kite_token = 0;       // Kite instrument_token; 0 when unknown
  std::string dhan_security_id;  // Dhan securityId; empty when unknown
  int64_t lot_size_units = 1;
  int64_t tick_size_paise = 5;
  TradingDay expiry_day = 0;  // 0 for instruments that do not expire
  int64_t strike_paise = 0;
  OptionType option_type = OptionType::none;
  int64_t freeze_qty_units = 0;  // exchange freeze quantity; 0 when none applies
  bool operator==(const Instrument&) const = default;
};

// Lots are the rounding unit of derivatives; equities round to shares: what an order's
// quantity must be a multiple of.
[[nodiscard]] int64_t lot_unit(const Instrument& instrument);

// True when `a` and `b` are the same contract as two brokers name it: the same key, or a
// derivative on the same exchange with the same underlying, expiry, strike and option type
// (Kite's NIFTY26N2423500CE is Dhan's NIFTY-Nov2026-23500-CE).
[[nodiscard]] bool same_contract(const Instrument& a, const Instrument& b);

}  // namespace tandem::domain
