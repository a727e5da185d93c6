// Dhan's scrip master (the compact CSV, brokers.md §2.7) and the security ids it gives: Dhan
// names every instrument by an exchange segment and a securityId, Kite and the journal by
// exchange and trading symbol. A SecurityMap translates both ways, and finds the Dhan
// contract that is the same as a Kite one (a Kite leader with Dhan followers): equities by
// exchange and symbol, derivatives by underlying, expiry, strike and option type.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"
#include "domain/instruments/instrument.h"

namespace tandem::brokers::dhan {

// Reads the compact scrip master by its header's column names (their order is known only
// from third-party captures). Index rows and rows of segments we do not trade are skipped;
// a row that cannot be read is an error naming its line and column.
[[nodiscard]] Result<std::vector<domain::Instrument>> parse_scrip_master(std::string_view csv);

// The scrip master the simulator serves: parse_scrip_master reads back what it writes.
[[nodiscard]] std::string scrip_master_csv(const std::vector<domain::Instrument>& instruments);

// "NSE_FNO" and the like (brokers.md §2.5) ↔ exchanges.
[[nodiscard]] std::optional<domain::Exchange> exchange_of_segment(std::string_view segment);
[[nodiscard]] std::string_view segment_of(domain::Exchange exchange);

class SecurityMap {
 public:
  SecurityMap() = default;
  explicit SecurityMap(const std::vector<domain::Instrument>& dhan_instruments);

  // The instrument Dhan calls `security_id` on `exchange`; nullopt when unknown.
  [[nodiscard]] const domain::Instrument* by_security(domain::Exchange exchange,
                                                      std::string_view security_id) const;
  // Dhan's own instrument with this key (its trading symbol); nullptr when unknown.
  [[nodiscard]] const domain::Instrument* by_key(const domain::InstrumentKey& key) const;
  // The Dhan contract that is `other` (an instrument of another broker): the same key, or
  // for derivatives the same underlying, expiry, strike and option type on the exchange.
  [[nodiscard]] const domain::Instrument* same_contract(const domain::Instrument& other) const;
  // A map keyed by `ours` (another broker's instruments, as the engine names them) carrying
  // Dhan's security ids: what a Dhan follower of a Kite leader trades with. Instruments
  // with no Dhan contract are left out.
  [[nodiscard]] SecurityMap for_instruments(const std::vector<domain::Instrument>& ours) const;
  size_t size() const { return instruments_.size(); }
  const std::vector<domain::Instrument>& instruments() const { return instruments_; }

 private:
  std::vector<domain::Instrument> instruments_;
  std::map<std::pair<domain::Exchange, std::string>, size_t> by_security_;
  std::map<domain::InstrumentKey, size_t> by_key_;
};

}  // namespace tandem::brokers::dhan
