// Kite Connect v3, domain to wire: the form-encoded bodies of the order calls (brokers.md §1).
// Pure.
#pragma once

#include <string>

#include "domain/events.h"

namespace tandem::brokers::kite {

// POST /orders/{variety}: tag carries our client tag; MARKET and SL-M carry
// market_protection (mandatory since April 2026; -1 lets Kite choose).
// `autoslice` asks Kite to split the order above the exchange freeze quantity.
[[nodiscard]] std::string place_order_form(const domain::OrderTerms& order,
                                           const domain::ClientTag& tag, int market_protection = -1,
                                           bool autoslice = false);
// PUT /orders/{variety}/{order_id}.
[[nodiscard]] std::string modify_order_form(const domain::OrderTerms& order,
                                            int market_protection = -1);

}  // namespace tandem::brokers::kite
