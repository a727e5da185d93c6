// Exchange quantity freeze limits: the most one order may carry in a derivative contract
// (data/nse/freeze_quantities.txt, by underlying, from NSE's and BSE's circulars). A broker's
// instrument list does not say (Kite's has no such column), so without this table a large copy
// would be refused by the exchange. Pure: the shell reads the file and hands its text here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "domain/base/status.h"
#include "domain/instruments/instrument.h"

namespace tandem::domain {

using FreezeLimits = std::map<std::string, int64_t>;  // underlying → units

// One "UNDERLYING UNITS" per line; '#' comments and blank lines ignored. Errors name the line.
[[nodiscard]] Result<FreezeLimits> parse_freeze_limits(std::string_view text);

// The instrument's freeze quantity in whole lots: its own when its broker gave one, else the
// table's for its underlying (derivatives only), rounded down to a lot multiple; 0 when none
// is known (an equity, or a stock derivative the table does not list).
[[nodiscard]] int64_t freeze_units(const FreezeLimits& limits, const Instrument& instrument);

}  // namespace tandem::domain
