#include "brokers/kite/parse.h"

#include <date/date.h>
#include <boost/json.hpp>

#include <charconv>
#include <chrono>

#include "brokers/csv_fields.h"
#include "brokers/json_reader.h"
#include "brokers/kite/wire.h"
#include "crypto/sha256.h"

namespace tandem::brokers::kite {

namespace json = boost::json;
namespace d = ::tandem::domain;

namespace {

Result<BrokerOrder> read_order(const json::object& o) {
  ObjectReader r(o, "kite order");
  BrokerOrder out;
  out.order_id = d::BrokerOrderId{r.text_or("order_id")};
  if (out.order_id.empty()) r.fail("order_id", "missing");
  out.exchange_order_id = r.text_or("exchange_order_id");
  out.broker_status = r.text("status");
  out.status = status_from_wire(out.broker_status);
  out.status_message = r.text_or("status_message");
  out.instrument.exchange = read_enum(r, "exchange", kExchanges);
  out.instrument.tradingsymbol = r.text("tradingsymbol");
  out.instrument_token = static_cast<uint32_t>(r.integer_or("instrument_token", 0));
  out.side = read_enum(r, "transaction_type", kSides);
  out.order_type = read_enum(r, "order_type", kOrderTypes);
  out.product = read_enum(r, "product", kProducts);
  out.validity = read_enum(r, "validity", kValidities);
  out.variety = r.text_or("variety", "regular");
  out.quantity_units = r.integer("quantity");
  out.filled_units = r.integer_or("filled_quantity", 0);
  out.pending_units = r.integer_or("pending_quantity", 0);
  out.cancelled_units = r.integer_or("cancelled_quantity", 0);
  out.price_paise = r.paise_or("price", 0);
  out.trigger_price_paise = r.paise_or("trigger_price", 0);
  out.average_price_paise = r.paise_or("average_price", 0);
  out.tag = r.text_or("tag");
  out.placed_by = r.text_or("placed_by");
  out.disclosed_units = r.integer_or("disclosed_quantity", 0);
  out.market_protection = static_cast<int>(r.integer_or("market_protection", 0));
  out.modified = r.boolean_or("modified", false);
  out.order_time_ns = r.ist_time_or("order_timestamp", 0);
  out.exchange_time_ns = r.ist_time_or("exchange_update_timestamp", 0);
  if (out.exchange_time_ns == 0) out.exchange_time_ns = r.ist_time_or("exchange_timestamp", 0);
  // Postbacks say UPDATE for a modification or a partial fill of a working order.
  if (out.broker_status == "UPDATE") out.status = d::OrderStatus::open;
  if (out.filled_units < 0 || out.filled_units > out.quantity_units) {
    r.fail("filled_quantity", "outside 0..quantity");
  }
  if (!r.status().ok()) return r.status();
  return out;
}

template <class T, class Read>
Result<std::vector<T>> read_list(const json::value& data, std::string_view what, Read read) {
  if (!data.is_array()) return Status::invalid_argument(std::string(what) + ": not a list");
  std::vector<T> out;
  for (const json::value& item : data.get_array()) {
    if (!item.is_object()) return Status::invalid_argument(std::string(what) + ": not objects");
    Result<T> one = read(item.get_object());
    if (!one.ok()) return one.status();
    out.push_back(std::move(one).value());
  }
  return out;
}

// The underlying of a contract: Kite's `name` column, or when it is empty (as in older
// dumps) the symbol's leading letters: BANKNIFTY18JAN23500CE → BANKNIFTY.
std::string underlying_of(std::string_view symbol, std::string_view name, bool derivative) {
  if (!derivative) return std::string(symbol);
  if (!name.empty()) return std::string(name);
  const size_t digit = symbol.find_first_of("0123456789");
  return std::string(digit == 0 || digit == std::string_view::npos ? symbol
                                                                   : symbol.substr(0, digit));
}

}  // namespace

Result<json::value> data_of(std::string_view body, std::string_view what) {
  Result<json::value> v = parse_json(body, what);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::invalid_argument(std::string(what) + ": not an object");
  const json::object& o = v->get_object();
  const json::value* status = o.if_contains("status");
  if (status == nullptr || !status->is_string() || status->get_string() != "success") {
    const BrokerError e = parse_error(200, body);
    return Status(StatusCode::rejected, std::string(what) + ": " + e.type + ": " + e.message);
  }
  const json::value* data = o.if_contains("data");
  if (data == nullptr) return Status::invalid_argument(std::string(what) + ": no 'data'");
  return *data;
}

Result<std::vector<BrokerOrder>> parse_orders(std::string_view body) {
  Result<json::value> data = data_of(body, "kite orders");
  if (!data.ok()) return data.status();
  Result<std::vector<BrokerOrder>> orders =
      read_list<BrokerOrder>(*data, "kite orders", read_order);
  if (orders.ok()) stamp_frame(*orders, body);
  return orders;
}

Result<std::vector<BrokerTrade>> parse_trades(std::string_view body) {
  Result<json::value> data = data_of(body, "kite trades");
  if (!data.ok()) return data.status();
  return read_list<BrokerTrade>(
      *data, "kite trades", [](const json::object& o) -> Result<BrokerTrade> {
        ObjectReader r(o, "kite trade");
        BrokerTrade t;
        t.trade_id = r.text_or("trade_id");
        t.order_id = d::BrokerOrderId{r.text("order_id")};
        t.instrument = {read_enum(r, "exchange", kExchanges), r.text("tradingsymbol")};
        t.side = read_enum(r, "transaction_type", kSides);
        t.product = read_enum(r, "product", kProducts);
        t.quantity_units = r.integer("quantity");
        t.price_paise = r.paise("average_price");
        t.fill_time_ns = r.ist_time_or("fill_timestamp", 0);
        t.instrument_token = static_cast<uint32_t>(r.integer_or("instrument_token", 0));
        t.exchange_order_id = r.text_or("exchange_order_id");
        // order_timestamp is a time of day without its date (trades.json): not read.
        if (!r.status().ok()) return r.status();
        return t;
      });
}

Result<std::vector<d::BrokerPosition>> parse_positions(std::string_view body) {
  Result<json::value> data = data_of(body, "kite positions");
  if (!data.ok()) return data.status();
  const json::value* net = data->is_object() ? data->get_object().if_contains("net") : nullptr;
  if (net == nullptr) return Status::invalid_argument("kite positions: no 'net' list");
  return read_list<d::BrokerPosition>(
      *net, "kite positions", [](const json::object& o) -> Result<d::BrokerPosition> {
        ObjectReader r(o, "kite position");
        d::BrokerPosition p;
        p.instrument = {read_enum(r, "exchange", kExchanges), r.text("tradingsymbol")};
        p.product = read_enum(r, "product", kProducts);
        p.net_qty_units = r.integer("quantity");
        p.average_price_paise = r.paise_or("average_price", 0);
        if (!r.status().ok()) return r.status();
        return p;
      });
}

Result<std::vector<std::string>> parse_profile_exchanges(std::string_view body) {
  Result<json::value> data = data_of(body, "kite profile");
  if (!data.ok()) return data.status();
  const json::value* exchanges =
      data->is_object() ? data->get_object().if_contains("exchanges") : nullptr;
  if (exchanges == nullptr || !exchanges->is_array()) {
    return Status::invalid_argument("kite profile 'exchanges': missing or not a list");
  }
  std::vector<std::string> out;
  for (const json::value& e : exchanges->get_array()) {
    if (!e.is_string()) return Status::invalid_argument("kite profile 'exchanges': not names");
    out.emplace_back(e.get_string());
  }
  return out;
}

Result<Funds> parse_margins(std::string_view body) {
  Result<json::value> data = data_of(body, "kite margins");
  if (!data.ok()) return data.status();
  if (!data->is_object()) return Status::invalid_argument("kite margins: not an object");
  // GET /user/margins has {equity, commodity}; GET /user/margins/equity is the segment itself.
  const json::value* segment = data->get_object().if_contains("equity");
  const json::object& equity =
      segment != nullptr && segment->is_object() ? segment->get_object() : data->get_object();
  const json::value* available = equity.if_contains("available");
  if (available == nullptr || !available->is_object()) {
    return Status::invalid_argument("kite margins 'available': missing");
  }
  ObjectReader r(available->get_object(), "kite margins available");
  // live_balance is what is free now, after today's usage; fall back to cash.
  Funds f{r.paise_or("live_balance", r.paise("cash"))};
  if (!r.status().ok()) return r.status();
  return f;
}

Result<d::BrokerOrderId> parse_order_id(std::string_view body) {
  Result<json::value> data = data_of(body, "kite order response");
  if (!data.ok()) return data.status();
  if (!data->is_object()) return Status::invalid_argument("kite order response: not an object");
  ObjectReader r(data->get_object(), "kite order response");
  d::BrokerOrderId id{r.text_or("order_id")};
  if (id.empty()) r.fail("order_id", "missing");
  if (!r.status().ok()) return r.status();
  return id;
}

BrokerError parse_error(int http_status, std::string_view body) {
  BrokerError e;
  e.http_status = http_status;
  Result<json::value> v = parse_json(body, "kite error");
  if (v.ok() && v->is_object()) {
    const json::object& o = v->get_object();
    if (const auto* t = o.if_contains("error_type"); t != nullptr && t->is_string()) {
      e.type = std::string(t->get_string());
    }
    if (const auto* m = o.if_contains("message"); m != nullptr && m->is_string()) {
      e.message = std::string(m->get_string());
    }
  }
  if (e.type.empty()) e.type = "GeneralException";  // as pykiteconnect does for unknown errors
  if (e.message.empty()) e.message = "HTTP " + std::to_string(http_status);
  if (http_status == 429) {
    e.error_class = domain::OrderFailure::rate_limited;
  } else if (e.type == "TokenException") {
    e.error_class = domain::OrderFailure::unauthenticated;
  } else if (e.type == "InputException") {
    e.error_class = domain::OrderFailure::input;
  } else if (e.type == "OrderException" || e.type == "MarginException" ||
             e.type == "HoldingException" || e.type == "UserException" ||
             e.type == "PermissionException" || e.type == "PermissionError" ||
             e.type == "TwoFAException") {
    e.error_class = domain::OrderFailure::rejected;
  } else if (e.type == "NetworkException" || e.type == "DataException") {
    // The OMS was unreachable or answered unintelligibly: the order may or may not exist.
    e.error_class = domain::OrderFailure::network;
  } else {
    e.error_class = domain::OrderFailure::broker_down;
  }
  return e;
}

Result<WsText> parse_ws_text(std::string_view text) {
  Result<json::value> v = parse_json(text, "kite websocket text");
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::invalid_argument("kite websocket text: not an object");
  const json::object& o = v->get_object();
  ObjectReader r(o, "kite websocket text");
  const std::string type = r.text("type");
  if (!r.status().ok()) return r.status();
  const json::value* data = o.if_contains("data");
  if (type == "order") {
    if (data == nullptr || !data->is_object()) {
      return Status::invalid_argument("kite websocket order 'data': missing");
    }
    Result<BrokerOrder> order = read_order(data->get_object());
    if (!order.ok()) return order.status();
    order->raw_digest = crypto::sha256_hex(text);
    return WsText(std::move(order).value());
  }
  const std::string message =
      data != nullptr && data->is_string() ? std::string(data->get_string()) : std::string();
  if (type == "error") return WsText(WsError{message});
  return WsText(WsMessage{message});  // "message" and types not yet documented
}

Result<Placement> parse_placement(std::string_view body) {
  Result<json::value> data = data_of(body, "kite order response");
  if (!data.ok()) return data.status();
  if (!data->is_object()) return Status::invalid_argument("kite order response: not an object");
  ObjectReader r(data->get_object(), "kite order response");
  Placement out;
  out.order_id = d::BrokerOrderId{r.text("order_id")};
  if (!r.status().ok()) return r.status();
  const json::value* children = data->get_object().if_contains("children");
  if (children == nullptr || children->is_null()) return out;
  if (!children->is_array())
    return Status::invalid_argument("kite order response 'children': not a list");
  for (const json::value& child : children->get_array()) {
    if (!child.is_object())
      return Status::invalid_argument("kite order response child: not an object");
    const json::object& c = child.get_object();
    if (const json::value* e = c.if_contains("error"); e != nullptr && e->is_object()) {
      ObjectReader er(e->get_object(), "kite order response child error");
      const int code = static_cast<int>(er.integer_or("code", 400));
      out.slice_errors.push_back(parse_error(code, json::serialize(*e)));
      continue;
    }
    ObjectReader cr(c, "kite order response child");
    out.slices.push_back(d::BrokerOrderId{cr.text("order_id")});
    if (!cr.status().ok()) return cr.status();
  }
  return out;
}

Result<BrokerOrder> parse_postback(std::string_view body, std::string_view api_secret) {
  Result<json::value> v = parse_json(body, "kite postback");
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::invalid_argument("kite postback: not an object");
  ObjectReader r(v->get_object(), "kite postback");
  const std::string order_id = r.text("order_id");
  const std::string timestamp = r.text("order_timestamp");
  const std::string checksum = r.text("checksum");
  if (!r.status().ok()) return r.status();
  const std::string expected = crypto::sha256_hex(order_id + timestamp + std::string(api_secret));
  if (!crypto::constant_time_equal(checksum, expected)) {
    return Status(StatusCode::unauthenticated,
                  "kite postback for order " + order_id + ": checksum does not verify");
  }
  Result<BrokerOrder> order = read_order(v->get_object());
  if (order.ok()) order->raw_digest = crypto::sha256_hex(body);
  return order;
}

Result<std::vector<d::Instrument>> parse_instruments(std::string_view csv) {
  std::vector<d::Instrument> out;
  bool header = true;
  const Status read = for_each_csv_row(
      csv, "kite instruments", [&](const std::vector<std::string_view>& f) -> Status {
        auto bad = [](std::string why) { return Status::invalid_argument(std::move(why)); };
        if (f.size() != 12) return bad("expected 12 columns, got " + std::to_string(f.size()));
        if (header) {
          if (f[0] != "instrument_token" || f[2] != "tradingsymbol" || f[8] != "lot_size") {
            return bad("not the instruments header");
          }
          header = false;
          return Status();
        }
        const auto exchange = from_wire(kExchanges, f[11]);
        if (!exchange) return Status();  // exchanges Tandem does not trade (e.g. NCO, MF)
        d::Instrument i;
        i.key = {*exchange, std::string(f[2])};
        uint32_t token = 0;
        int64_t lot = 0;
        if (std::from_chars(f[0].data(), f[0].data() + f[0].size(), token).ec != std::errc() ||
            std::from_chars(f[8].data(), f[8].data() + f[8].size(), lot).ec != std::errc()) {
          return bad("token or lot size is not a number");
        }
        i.kite_token = token;
        i.lot_size_units = lot > 0 ? lot : 1;
        const auto tick = decimal_paise(f[7]);
        const auto strike = decimal_paise(f[6]);
        if (!tick || !strike) return bad("tick size or strike is not a number");
        i.tick_size_paise = *tick;
        i.strike_paise = *strike;
        const std::string_view type = f[9];
        i.option_type = type == "CE"   ? d::OptionType::call
                        : type == "PE" ? d::OptionType::put
                                       : d::OptionType::none;
        const bool derivative = type == "FUT" || type == "CE" || type == "PE";
        if (f[10] == "INDICES") {
          i.segment = d::Segment::index;
        } else if (*exchange == d::Exchange::mcx) {
          i.segment = d::Segment::commodity;
        } else if (*exchange == d::Exchange::cds || *exchange == d::Exchange::bcd) {
          i.segment = d::Segment::currency;
        } else {
          i.segment = derivative ? d::Segment::derivatives : d::Segment::equity;
        }
        i.underlying = underlying_of(f[2], f[3], derivative);
        if (!f[5].empty()) {
          const auto expiry = parse_ist_timestamp(std::string(f[5]) + " 00:00:00");
          if (!expiry) return bad("expiry is not a date");
          i.expiry_day = d::ist_trading_day(*expiry);
        }
        out.push_back(std::move(i));
        return Status();
      });
  if (!read.ok()) return read;
  if (header) return Status::invalid_argument("kite instruments: empty");
  return out;
}

}  // namespace tandem::brokers::kite
