#include "brokers/dhan/parse.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "brokers/dhan/wire.h"
#include "brokers/json_reader.h"
#include "crypto/sha256.h"

namespace tandem::brokers::dhan {

namespace json = boost::json;
namespace d = ::tandem::domain;

namespace {

// Times on Dhan's rows are informational; a placeholder ("string", "", "NA") reads as 0.
d::TimeNs time_or_zero(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return 0;
  return parse_ist_timestamp(std::string_view(v->get_string())).value_or(0);
}

// The instrument of a row: its security through the map, else what the row says.
d::InstrumentKey instrument_of(d::Exchange exchange, const std::string& security_id,
                               const std::string& symbol, const SecurityMap& securities) {
  if (const auto* i = securities.by_security(exchange, security_id)) return i->key;
  return {exchange, symbol.empty() ? "dhan:" + security_id : symbol};
}

Result<BrokerOrder> read_order(const json::object& o, const SecurityMap& securities) {
  ObjectReader r(o, "dhan order");
  BrokerOrder out;
  out.order_id = {r.text("orderId")};
  out.exchange_order_id = r.text_or("exchangeOrderId");
  out.broker_status = r.text("orderStatus");
  out.side = read_enum(r, "transactionType", kSides);
  const d::Exchange exchange = read_segment(r, "exchangeSegment");
  out.product = read_enum(r, "productType", kProducts);
  out.order_type = read_enum(r, "orderType", kOrderTypes);
  out.validity = read_enum(r, "validity", kValidities);
  const std::string security = r.text("securityId");
  out.instrument = instrument_of(exchange, security, r.text_or("tradingSymbol"), securities);
  out.quantity_units = r.integer("quantity");
  out.filled_units = r.integer_or("filledQty", 0);
  out.pending_units = r.integer_or("remainingQuantity", out.quantity_units - out.filled_units);
  out.price_paise = r.paise_or("price", 0);
  out.trigger_price_paise = r.paise_or("triggerPrice", 0);
  out.average_price_paise = r.paise_or("averageTradedPrice", 0);
  out.tag = r.text_or("correlationId");
  out.status_message = r.text_or("omsErrorDescription");
  out.variety = "regular";
  out.order_time_ns = time_or_zero(o, "createTime");
  out.exchange_time_ns = time_or_zero(o, "exchangeTime");
  if (out.exchange_time_ns == 0) out.exchange_time_ns = time_or_zero(o, "updateTime");
  out.status = status_from_wire(out.broker_status);
  if (out.filled_units < 0 || out.filled_units > out.quantity_units) {
    r.fail("filledQty", "outside 0..quantity");
  }
  if (!r.status().ok()) return r.status();
  return out;
}

// Applies `read` (an object → Result<T>) to every element of a bare JSON array body; the
// first element that does not read is the answer.
template <class T, class Read>
Result<std::vector<T>> read_array(std::string_view body, std::string_view what, Read read) {
  auto v = parse_json(body, what);
  if (!v.ok()) return v.status();
  if (!v->is_array()) return Status::invalid_argument(std::string(what) + ": not a JSON array");
  std::vector<T> out;
  for (const auto& e : v->get_array()) {
    if (!e.is_object()) {
      return Status::invalid_argument(std::string(what) + ": an element is not an object");
    }
    auto item = read(e.get_object());
    if (!item.ok()) return item.status();
    out.push_back(std::move(item).value());
  }
  return out;
}

Result<BrokerTrade> read_trade(const json::object& o, const SecurityMap& securities) {
  ObjectReader r(o, "dhan trade");
  BrokerTrade out;
  out.trade_id = r.text("exchangeTradeId");
  out.order_id = {r.text("orderId")};
  out.side = read_enum(r, "transactionType", kSides);
  const d::Exchange exchange = read_segment(r, "exchangeSegment");
  out.product = read_enum(r, "productType", kProducts);
  out.instrument =
      instrument_of(exchange, r.text("securityId"), r.text_or("tradingSymbol"), securities);
  out.quantity_units = r.integer("tradedQuantity");
  out.price_paise = r.paise("tradedPrice");
  out.fill_time_ns = time_or_zero(o, "exchangeTime");
  if (!r.status().ok()) return r.status();
  return out;
}

Result<d::BrokerPosition> read_position(const json::object& o, const SecurityMap& securities) {
  ObjectReader r(o, "dhan position");
  d::BrokerPosition out;
  const d::Exchange exchange = read_segment(r, "exchangeSegment");
  out.instrument =
      instrument_of(exchange, r.text("securityId"), r.text_or("tradingSymbol"), securities);
  out.product = read_enum(r, "productType", kProducts);
  out.net_qty_units = r.integer("netQty");
  out.average_price_paise =
      out.net_qty_units >= 0 ? r.paise_or("buyAvg", 0) : r.paise_or("sellAvg", 0);
  if (!r.status().ok()) return r.status();
  return out;
}

}  // namespace

Result<std::vector<BrokerOrder>> parse_orders(std::string_view body, const SecurityMap& s) {
  Result<std::vector<BrokerOrder>> orders = read_array<BrokerOrder>(
      body, "dhan order book",
      [&](const json::object& o) -> Result<BrokerOrder> { return read_order(o, s); });
  if (orders.ok()) stamp_frame(*orders, body);
  return orders;
}

Result<BrokerOrder> parse_order(std::string_view body, const SecurityMap& s) {
  Result<BrokerOrder> order = read_object<BrokerOrder>(
      body, "dhan order",
      [&](const json::object& o) -> Result<BrokerOrder> { return read_order(o, s); });
  if (order.ok()) order->raw_digest = crypto::sha256_hex(body);
  return order;
}

Result<std::vector<BrokerTrade>> parse_trades(std::string_view body, const SecurityMap& s) {
  return read_array<BrokerTrade>(
      body, "dhan trades",
      [&](const json::object& o) -> Result<BrokerTrade> { return read_trade(o, s); });
}

Result<std::vector<d::BrokerPosition>> parse_positions(std::string_view body,
                                                       const SecurityMap& s) {
  return read_array<d::BrokerPosition>(
      body, "dhan positions",
      [&](const json::object& o) -> Result<d::BrokerPosition> { return read_position(o, s); });
}

Result<std::vector<Holding>> parse_holdings(std::string_view body) {
  return read_array<Holding>(body, "dhan holdings", [](const json::object& o) -> Result<Holding> {
    ObjectReader r(o, "dhan holding");
    Holding h;
    h.security_id = r.text("securityId");
    h.tradingsymbol = r.text("tradingSymbol");
    h.isin = r.text_or("isin");
    h.total_units = r.integer("totalQty");
    h.available_units = r.integer_or("availableQty", 0);
    h.average_cost_paise = r.paise_or("avgCostPrice", 0);
    if (!r.status().ok()) return r.status();
    return h;
  });
}

Result<Funds> parse_fund_limit(std::string_view body) {
  return read_object<Funds>(body, "dhan fund limit", [](const json::object& o) -> Result<Funds> {
    ObjectReader r(o, "dhan fund limit");
    Funds f;
    f.available_paise = r.paise("availabelBalance");  // sic: Dhan's own spelling
    if (!r.status().ok()) return r.status();
    return f;
  });
}

Result<OrderAck> parse_order_ack(std::string_view body) {
  return read_object<OrderAck>(body, "dhan order reply",
                               [](const json::object& o) -> Result<OrderAck> {
                                 ObjectReader r(o, "dhan order reply");
                                 OrderAck a;
                                 a.order_id = {r.text("orderId")};
                                 a.broker_status = r.text_or("orderStatus");
                                 a.status = status_from_wire(a.broker_status);
                                 if (!r.status().ok()) return r.status();
                                 return a;
                               });
}

Result<Placement> parse_slices(std::string_view body) {
  auto acks = read_array<OrderAck>(body, "dhan slicing reply",
                                   [](const json::object& o) -> Result<OrderAck> {
                                     ObjectReader r(o, "dhan slice");
                                     OrderAck a;
                                     a.order_id = {r.text("orderId")};
                                     a.broker_status = r.text_or("orderStatus");
                                     if (!r.status().ok()) return r.status();
                                     return a;
                                   });
  if (!acks.ok()) return acks.status();
  if (acks->empty()) return Status::invalid_argument("dhan slicing reply: no orders");
  Placement p;
  p.order_id = acks->front().order_id;
  for (const auto& a : *acks) {
    // Dhan's own sample repeats one orderId for every slice; keep each distinct id once.
    if (std::find(p.slices.begin(), p.slices.end(), a.order_id) == p.slices.end()) {
      p.slices.push_back(a.order_id);
    }
  }
  return p;
}

BrokerError parse_error(int http_status, std::string_view body) {
  BrokerError e;
  e.http_status = http_status;
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  auto field = [&](std::string_view key) {
    const json::value* f = o == nullptr ? nullptr : o->if_contains(key);
    return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  e.type = field("errorCode");
  e.message = field("errorMessage");
  if (e.message.empty())
    e.message = "HTTP " + std::to_string(http_status) + " without a Dhan error";
  const std::string& c = e.type;
  if (http_status == 429 || c == "DH-904") {
    e.error_class = domain::OrderFailure::rate_limited;
  } else if (c == "DH-901") {
    e.error_class = domain::OrderFailure::unauthenticated;
  } else if (c == "DH-902" || c == "DH-903" || c == "DH-906") {
    e.error_class = domain::OrderFailure::rejected;
  } else if (c == "DH-905" || c == "DH-907") {
    e.error_class = domain::OrderFailure::input;
  } else if (c == "DH-909") {
    e.error_class = domain::OrderFailure::network;
  } else {
    e.error_class = domain::OrderFailure::broker_down;  // DH-908, DH-910, an unknown code, no body
  }
  return e;
}

Result<Profile> parse_profile(std::string_view body) {
  return read_object<Profile>(body, "dhan profile", [](const json::object& o) -> Result<Profile> {
    ObjectReader r(o, "dhan profile");
    Profile p{r.text("dhanClientId"), r.text_or("tokenValidity"), {}};
    const std::string segments = r.text_or("activeSegment");
    if (!r.status().ok()) return r.status();
    for (size_t at = 0; at < segments.size();) {
      const size_t comma = std::min(segments.find(',', at), segments.size());
      const size_t first = segments.find_first_not_of(' ', at);
      if (first < comma) p.segments.push_back(segments.substr(first, comma - first));
      at = comma + 1;
    }
    return p;
  });
}

Result<std::vector<std::string>> parse_registered_ips(std::string_view body) {
  return read_object<std::vector<std::string>>(
      body, "dhan ip", [](const json::object& o) -> Result<std::vector<std::string>> {
        ObjectReader r(o, "dhan ip");
        std::vector<std::string> ips;
        for (const char* key : {"primaryIP", "secondaryIP"}) {
          std::string ip = r.text_or(key);
          if (!ip.empty()) ips.push_back(std::move(ip));
        }
        if (!r.status().ok()) return r.status();
        return ips;
      });
}

Result<std::optional<BrokerOrder>> parse_order_update(std::string_view text,
                                                      const SecurityMap& securities) {
  auto v = parse_json(text, "dhan order update");
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::invalid_argument("dhan order update: not a JSON object");
  const json::object& msg = v->get_object();
  const json::value* type = msg.if_contains("Type");
  if (type == nullptr || !type->is_string() || type->get_string() != "order_alert") {
    return std::optional<BrokerOrder>();  // not an order update: ignored, as the SDK does
  }
  const json::value* data = msg.if_contains("Data");
  if (data == nullptr || !data->is_object()) {
    return Status::invalid_argument("dhan order update: no Data object");
  }
  const json::object& o = data->get_object();
  ObjectReader r(o, "dhan order update");
  BrokerOrder out;
  out.order_id = {r.text("OrderNo")};
  out.exchange_order_id = r.text_or("ExchOrderNo");
  out.broker_status = r.text("Status");
  out.side = read_enum(r, "TxnType", kWsSides);
  out.order_type = read_enum(r, "OrderType", kWsOrderTypes);
  out.product = read_enum(r, "Product", kWsProducts);
  const std::string validity = upper(r.text_or("Validity", "DAY"));
  out.validity = validity == "IOC" ? d::Validity::ioc : d::Validity::day;
  // Exchange + segment letter, as in the scrip master.
  const std::string exchange = r.text("Exchange");
  const std::string segment = r.text("Segment");
  const std::string combined = exchange + (segment == "D"   ? "_FNO"
                                           : segment == "C" ? "_CURRENCY"
                                           : segment == "M" ? "_COMM"
                                                            : "_EQ");
  const auto e = exchange_of_segment(combined);
  if (!e && r.status().ok())
    r.fail("Exchange", "unknown exchange/segment " + exchange + "/" + segment);
  out.instrument = instrument_of(e.value_or(d::Exchange::nse), r.text("SecurityId"),
                                 r.text_or("Symbol"), securities);
  out.quantity_units = r.integer("Quantity");
  out.filled_units = r.integer_or("TradedQty", 0);
  out.pending_units = r.integer_or("RemainingQuantity", out.quantity_units - out.filled_units);
  out.price_paise = r.paise_or("Price", 0);
  out.trigger_price_paise = r.paise_or("TriggerPrice", 0);
  out.average_price_paise = r.paise_or("AvgTradedPrice", 0);
  out.tag = r.text_or("CorrelationId");
  out.status_message = r.text_or("ReasonDescription");
  out.variety = "regular";
  out.order_time_ns = time_or_zero(o, "OrderDateTime");
  out.exchange_time_ns = time_or_zero(o, "LastUpdatedTime");
  out.status = status_from_wire(out.broker_status);
  // A partial fill shows in the quantities whatever Status says (PART_TRADED is not
  // documented on this socket).
  if (out.status == d::OrderStatus::pending && out.filled_units > 0) {
    out.status = d::OrderStatus::open;
  }
  if (out.filled_units < 0 || out.filled_units > out.quantity_units) {
    r.fail("TradedQty", "outside 0..Quantity");
  }
  if (!r.status().ok()) return r.status();
  out.raw_digest = crypto::sha256_hex(text);
  return std::optional<BrokerOrder>(std::move(out));
}

}  // namespace tandem::brokers::dhan
