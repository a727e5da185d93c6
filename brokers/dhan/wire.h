// DhanHQ v2's vocabulary (brokers.md §2): each wire name beside its domain value, REST's and
// the order-update socket's, read and written through the same tables; and the readers both
// sides of the wire share. Pure.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <string>
#include <string_view>

#include "brokers/json_reader.h"
#include "brokers/wire_names.h"
#include "domain/orders/order_types.h"

namespace tandem::brokers::dhan {

inline constexpr std::array<Name<domain::Side>, 2> kSides{
    {{"BUY", domain::Side::buy}, {"SELL", domain::Side::sell}}};
inline constexpr std::array<Name<domain::Side>, 2> kWsSides{
    {{"B", domain::Side::buy}, {"S", domain::Side::sell}}};
inline constexpr std::array<Name<domain::OrderType>, 4> kOrderTypes{
    {{"MARKET", domain::OrderType::market},
     {"LIMIT", domain::OrderType::limit},
     {"STOP_LOSS", domain::OrderType::stop_loss},
     {"STOP_LOSS_MARKET", domain::OrderType::stop_loss_market}}};
inline constexpr std::array<Name<domain::OrderType>, 4> kWsOrderTypes{
    {{"MKT", domain::OrderType::market},
     {"LMT", domain::OrderType::limit},
     {"SL", domain::OrderType::stop_loss},
     {"SLM", domain::OrderType::stop_loss_market}}};
// CO and BO are intraday-only products (brokers.md §2.5).
inline constexpr std::array<Name<domain::Product>, 6> kProducts{
    {{"INTRADAY", domain::Product::intraday},
     {"CNC", domain::Product::delivery},
     {"MARGIN", domain::Product::carry_forward},
     {"MTF", domain::Product::mtf},
     {"CO", domain::Product::intraday},
     {"BO", domain::Product::intraday}}};
inline constexpr std::array<Name<domain::Product>, 6> kWsProducts{
    {{"I", domain::Product::intraday},
     {"C", domain::Product::delivery},
     {"M", domain::Product::carry_forward},
     {"F", domain::Product::mtf},
     {"V", domain::Product::intraday},
     {"B", domain::Product::intraday}}};
inline constexpr std::array<Name<domain::Validity>, 2> kValidities{
    {{"DAY", domain::Validity::day}, {"IOC", domain::Validity::ioc}}};

[[nodiscard]] domain::OrderStatus status_from_wire(std::string_view status);  // any case
[[nodiscard]] std::string_view status_wire(domain::OrderStatus status, int64_t filled_units);

// `s` in upper case (Dhan's statuses and validities come in either case).
[[nodiscard]] std::string upper(std::string_view s);

// An exchange segment field ("NSE_EQ", "NSE_FNO", …), recording an error for one we do not know.
domain::Exchange read_segment(ObjectReader& r, std::string_view key);

// Applies `read` (a JSON object → Result<T>) to a body that must be one object.
template <class T, class Read>
Result<T> read_object(std::string_view body, std::string_view what, Read read) {
  auto v = parse_json(body, what);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::invalid_argument(std::string(what) + ": not a JSON object");
  return read(v->get_object());
}

}  // namespace tandem::brokers::dhan
