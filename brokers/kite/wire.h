// Kite Connect v3's vocabulary (brokers.md §1): each wire name beside its domain value, in
// one table per kind, read and written through the same table; prices as Kite writes them.
// Shared by the client's parsing and requests and the simulator's bodies.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "brokers/wire_names.h"
#include "domain/orders/order_types.h"

namespace tandem::brokers::kite {

inline constexpr std::array<Name<domain::Exchange>, 7> kExchanges{{{"NSE", domain::Exchange::nse},
                                                                   {"BSE", domain::Exchange::bse},
                                                                   {"NFO", domain::Exchange::nfo},
                                                                   {"BFO", domain::Exchange::bfo},
                                                                   {"CDS", domain::Exchange::cds},
                                                                   {"BCD", domain::Exchange::bcd},
                                                                   {"MCX", domain::Exchange::mcx}}};
inline constexpr std::array<Name<domain::Side>, 2> kSides{
    {{"BUY", domain::Side::buy}, {"SELL", domain::Side::sell}}};
inline constexpr std::array<Name<domain::OrderType>, 4> kOrderTypes{
    {{"MARKET", domain::OrderType::market},
     {"LIMIT", domain::OrderType::limit},
     {"SL", domain::OrderType::stop_loss},
     {"SL-M", domain::OrderType::stop_loss_market}}};
// CO and BO appear only on old intraday orders; they are intraday products.
inline constexpr std::array<Name<domain::Product>, 6> kProducts{
    {{"CNC", domain::Product::delivery},
     {"MIS", domain::Product::intraday},
     {"NRML", domain::Product::carry_forward},
     {"MTF", domain::Product::mtf},
     {"CO", domain::Product::intraday},
     {"BO", domain::Product::intraday}}};
inline constexpr std::array<Name<domain::Validity>, 3> kValidities{
    {{"DAY", domain::Validity::day},
     {"IOC", domain::Validity::ioc},
     {"TTL", domain::Validity::ttl}}};

[[nodiscard]] std::string_view wire(domain::Exchange e);
[[nodiscard]] std::string_view wire(domain::Side s);
[[nodiscard]] std::string_view wire(domain::OrderType t);
[[nodiscard]] std::string_view wire(domain::Product p);
[[nodiscard]] std::string_view wire(domain::Validity v);
[[nodiscard]] domain::OrderStatus status_from_wire(std::string_view status);
[[nodiscard]] std::optional<domain::Exchange> exchange_from_wire(std::string_view exchange);

// A price in rupees as Kite's forms and CSV write it: "1500", "1500.5", "1500.05".
[[nodiscard]] std::string rupees(int64_t paise);

}  // namespace tandem::brokers::kite
