#include "brokers/dhan/codec.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>

#include "brokers/json_reader.h"
#include "brokers/wire_names.h"
#include "crypto/sha256.h"

namespace tandem::brokers::dhan {

namespace json = boost::json;
namespace d = ::tandem::domain;

namespace {

constexpr std::array<Name<d::Side>, 2> kSides{{{"BUY", d::Side::buy}, {"SELL", d::Side::sell}}};
constexpr std::array<Name<d::Side>, 2> kWsSides{{{"B", d::Side::buy}, {"S", d::Side::sell}}};
constexpr std::array<Name<d::OrderType>, 4> kOrderTypes{
    {{"MARKET", d::OrderType::market},
     {"LIMIT", d::OrderType::limit},
     {"STOP_LOSS", d::OrderType::stop_loss},
     {"STOP_LOSS_MARKET", d::OrderType::stop_loss_market}}};
constexpr std::array<Name<d::OrderType>, 4> kWsOrderTypes{
    {{"MKT", d::OrderType::market},
     {"LMT", d::OrderType::limit},
     {"SL", d::OrderType::stop_loss},
     {"SLM", d::OrderType::stop_loss_market}}};
// CO and BO are intraday-only products (brokers.md §2.5).
constexpr std::array<Name<d::Product>, 6> kProducts{{{"INTRADAY", d::Product::intraday},
                                                     {"CNC", d::Product::delivery},
                                                     {"MARGIN", d::Product::carry_forward},
                                                     {"MTF", d::Product::mtf},
                                                     {"CO", d::Product::intraday},
                                                     {"BO", d::Product::intraday}}};
constexpr std::array<Name<d::Product>, 6> kWsProducts{{{"I", d::Product::intraday},
                                                       {"C", d::Product::delivery},
                                                       {"M", d::Product::carry_forward},
                                                       {"F", d::Product::mtf},
                                                       {"V", d::Product::intraday},
                                                       {"B", d::Product::intraday}}};
constexpr std::array<Name<d::Validity>, 2> kValidities{
    {{"DAY", d::Validity::day}, {"IOC", d::Validity::ioc}}};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

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

d::Exchange read_segment(ObjectReader& r, std::string_view key) {
  const std::string wire = r.text(key);
  const auto e = exchange_of_segment(wire);
  if (!e && r.status().ok()) r.fail(key, "unknown exchange segment '" + wire + "'");
  return e.value_or(d::Exchange::nse);
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

template <class T, class Read>
Result<T> read_object(std::string_view body, std::string_view what, Read read) {
  auto v = parse_json(body, what);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Status::invalid_argument(std::string(what) + ": not a JSON object");
  return read(v->get_object());
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

json::value number_of_rupees(int64_t paise) { return rupees_value(paise); }

}  // namespace

d::OrderStatus status_from_wire(std::string_view status) {
  const std::string s = upper(status);
  if (s == "TRADED") return d::OrderStatus::complete;
  if (s == "CANCELLED") return d::OrderStatus::cancelled;
  if (s == "REJECTED") return d::OrderStatus::rejected;
  if (s == "EXPIRED") return d::OrderStatus::expired;
  if (s == "PENDING" || s == "PART_TRADED" || s == "TRIGGERED") return d::OrderStatus::open;
  // TRANSIT (not yet at the exchange), CONFIRM, and anything new: nothing acts on it.
  return d::OrderStatus::pending;
}

std::string_view status_wire(d::OrderStatus status, int64_t filled_units) {
  switch (status) {
    case d::OrderStatus::pending:
      return "TRANSIT";
    case d::OrderStatus::open:
    case d::OrderStatus::trigger_pending:
      return filled_units > 0 ? "PART_TRADED" : "PENDING";
    case d::OrderStatus::complete:
      return "TRADED";
    case d::OrderStatus::cancelled:
      return "CANCELLED";
    case d::OrderStatus::rejected:
      return "REJECTED";
    case d::OrderStatus::expired:
      return "EXPIRED";
  }
  return "TRANSIT";
}

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

Result<std::string> parse_consent_id(std::string_view body) {
  return read_object<std::string>(body, "dhan consent",
                                  [](const json::object& o) -> Result<std::string> {
                                    ObjectReader r(o, "dhan consent");
                                    std::string id = r.text("consentAppId");
                                    if (!r.status().ok()) return r.status();
                                    return id;
                                  });
}

Result<ConsumedConsent> parse_consumed_consent(std::string_view body) {
  return read_object<ConsumedConsent>(
      body, "dhan consent", [](const json::object& o) -> Result<ConsumedConsent> {
        ObjectReader r(o, "dhan consent");
        ConsumedConsent c{r.text("dhanClientId"), r.text("accessToken"), r.text_or("expiryTime")};
        if (!r.status().ok()) return r.status();
        return c;
      });
}

std::string consent_login_url(std::string_view auth_base, std::string_view consent_id) {
  return std::string(auth_base) + "/login/consentApp-login?consentAppId=" + std::string(consent_id);
}

Result<std::string> token_id_from(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const size_t at = text.find("tokenId=");
  std::string_view id = at == std::string_view::npos ? text : text.substr(at + 8);
  id = id.substr(0, id.find('&'));
  const bool plain = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!plain) return Status::invalid_argument("no tokenId in what was pasted");
  return std::string(id);
}

std::string place_order_json(const d::OrderRequest& o, const OrderTarget& target,
                             std::string_view tag) {
  json::object body;
  body["dhanClientId"] = target.client_id;
  body["correlationId"] = tag;
  body["transactionType"] = to_wire(kSides, o.side);
  body["exchangeSegment"] = segment_of(target.exchange);
  body["productType"] = to_wire(kProducts, o.product);
  body["orderType"] = to_wire(kOrderTypes, o.order_type);
  body["validity"] =
      to_wire(kValidities, o.validity == d::Validity::ioc ? d::Validity::ioc : d::Validity::day);
  body["securityId"] = target.security_id;
  body["quantity"] = o.quantity_units;
  body["disclosedQuantity"] = 0;
  body["price"] = number_of_rupees(o.price_paise);
  body["triggerPrice"] = number_of_rupees(o.trigger_price_paise);
  body["afterMarketOrder"] = false;
  return json::serialize(body);
}

std::string modify_order_json(const d::OrderRequest& o, std::string_view client_id,
                              const d::BrokerOrderId& order_id) {
  json::object body;
  body["dhanClientId"] = client_id;
  body["orderId"] = order_id.value;
  body["orderType"] = to_wire(kOrderTypes, o.order_type);
  body["legName"] = "";
  body["quantity"] = o.quantity_units;  // the whole order, filled part included
  body["price"] = number_of_rupees(o.price_paise);
  body["disclosedQuantity"] = 0;
  body["triggerPrice"] = number_of_rupees(o.trigger_price_paise);
  body["validity"] =
      to_wire(kValidities, o.validity == d::Validity::ioc ? d::Validity::ioc : d::Validity::day);
  return json::serialize(body);
}

std::string order_update_login(std::string_view client_id, std::string_view token) {
  json::object login{{"MsgCode", 42}, {"ClientId", client_id}, {"Token", token}};
  return json::serialize(json::object{{"LoginReq", std::move(login)}, {"UserType", "SELF"}});
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

// ---- server side ----

namespace {

Result<OrderRequestBody> read_request(std::string_view body, bool for_modify) {
  return read_object<OrderRequestBody>(
      body, for_modify ? "dhan modify request" : "dhan place request",
      [&](const json::object& o) -> Result<OrderRequestBody> {
        ObjectReader r(o, for_modify ? "dhan modify request" : "dhan place request");
        OrderRequestBody out;
        out.client_id = r.text("dhanClientId");
        out.order.order_type = read_enum(r, "orderType", kOrderTypes);
        out.order.quantity_units = r.integer("quantity");
        out.order.price_paise = r.paise_or("price", 0);
        out.order.trigger_price_paise = r.paise_or("triggerPrice", 0);
        const std::string validity = r.text_or("validity", "DAY");
        out.order.validity = validity == "IOC" ? d::Validity::ioc : d::Validity::day;
        if (for_modify) {
          out.order_id = {r.text("orderId")};
        } else {
          out.correlation_id = r.text_or("correlationId");
          out.order.side = read_enum(r, "transactionType", kSides);
          out.exchange = read_segment(r, "exchangeSegment");
          out.order.product = read_enum(r, "productType", kProducts);
          out.security_id = r.text("securityId");
          out.after_market = r.boolean_or("afterMarketOrder", false);
          out.amo_time = r.text_or("amoTime");
        }
        if (out.order.quantity_units <= 0 && r.status().ok()) r.fail("quantity", "must be > 0");
        if (!r.status().ok()) return r.status();
        return out;
      });
}

// Dhan's drv* fields: a derivative's expiry (a date; the exact form Dhan writes is not
// documented, brokers.md §4), option type and strike. Anything else has `no_expiry` (null in
// order and trade rows, 0001-01-01 in positions, as Dhan's own examples write them), no
// option type and strike 0.
void add_contract_fields(json::object& row, const d::Instrument* i, json::value no_expiry) {
  const bool derivative = i != nullptr && i->segment == d::Segment::derivatives;
  if (derivative && i->expiry_day != 0) {
    row["drvExpiryDate"] = d::day_text(i->expiry_day);
  } else {
    row["drvExpiryDate"] = std::move(no_expiry);
  }
  const bool call = derivative && i->option_type == d::OptionType::call;
  const bool put = derivative && i->option_type == d::OptionType::put;
  row["drvOptionType"] = call  ? json::value("CALL")
                         : put ? json::value("PUT")
                               : json::value(nullptr);
  row["drvStrikePrice"] = number_of_rupees(derivative ? i->strike_paise : 0);
}

json::object order_row(const BrokerOrder& o, const SecurityMap& securities,
                       std::string_view client_id) {
  const auto* i = securities.by_key(o.instrument);
  json::object row{
      {"dhanClientId", client_id},
      {"orderId", o.order_id.value},
      {"exchangeOrderId", o.exchange_order_id},
      {"correlationId", o.tag},
      {"orderStatus", status_wire(o.status, o.filled_units)},
      {"transactionType", to_wire(kSides, o.side)},
      {"exchangeSegment", segment_of(o.instrument.exchange)},
      {"productType", to_wire(kProducts, o.product)},
      {"orderType", to_wire(kOrderTypes, o.order_type)},
      {"validity",
       to_wire(kValidities, o.validity == d::Validity::ioc ? d::Validity::ioc : d::Validity::day)},
      {"tradingSymbol", o.instrument.tradingsymbol},
      {"securityId", i == nullptr ? std::string() : i->dhan_security_id},
      {"quantity", o.quantity_units},
      {"disclosedQuantity", 0},
      {"price", number_of_rupees(o.price_paise)},
      {"triggerPrice", number_of_rupees(o.trigger_price_paise)},
      {"afterMarketOrder", o.variety == "amo"},
      {"legName", nullptr},
      {"createTime", ist_timestamp_value(o.order_time_ns)},
      {"updateTime", ist_timestamp_value(o.exchange_time_ns)},
      {"exchangeTime", ist_timestamp_value(o.exchange_time_ns)},
      {"omsErrorCode", nullptr},
      {"omsErrorDescription", o.status_message},
      {"remainingQuantity", o.quantity_units - o.filled_units},
      {"averageTradedPrice", number_of_rupees(o.average_price_paise)},
      {"filledQty", o.filled_units},
      {"boProfitValue", 0.0},
      {"boStopLossValue", 0.0},
      {"algoId", nullptr}};
  add_contract_fields(row, i, nullptr);
  return row;
}

}  // namespace

Result<OrderRequestBody> parse_place_json(std::string_view body) {
  return read_request(body, false);
}
Result<OrderRequestBody> parse_modify_json(std::string_view body) {
  return read_request(body, true);
}

std::string orders_body(const std::vector<BrokerOrder>& orders, const SecurityMap& securities,
                        std::string_view client_id) {
  json::array rows;
  for (const auto& o : orders) rows.push_back(order_row(o, securities, client_id));
  return json::serialize(rows);
}

std::string order_body(const BrokerOrder& order, const SecurityMap& securities,
                       std::string_view client_id) {
  return json::serialize(order_row(order, securities, client_id));
}

std::string order_ack_body(const d::BrokerOrderId& id, std::string_view status) {
  return json::serialize(json::object{{"orderId", id.value}, {"orderStatus", status}});
}

std::string trades_body(const std::vector<BrokerTrade>& trades,
                        const std::vector<BrokerOrder>& orders, const SecurityMap& securities,
                        std::string_view client_id) {
  std::map<std::string, const BrokerOrder*> by_id;
  for (const BrokerOrder& o : orders) by_id[o.order_id.value] = &o;
  json::array rows;
  for (const BrokerTrade& t : trades) {
    const auto* i = securities.by_key(t.instrument);
    const auto order = by_id.find(t.order_id.value);
    const BrokerOrder* o = order == by_id.end() ? nullptr : order->second;
    json::object row{
        {"dhanClientId", client_id},
        {"orderId", t.order_id.value},
        {"exchangeOrderId", o != nullptr ? o->exchange_order_id : std::string()},
        {"exchangeTradeId", t.trade_id},
        {"transactionType", to_wire(kSides, t.side)},
        {"exchangeSegment", segment_of(t.instrument.exchange)},
        {"productType", to_wire(kProducts, t.product)},
        {"orderType", to_wire(kOrderTypes, o != nullptr ? o->order_type : d::OrderType::market)},
        {"tradingSymbol", t.instrument.tradingsymbol},
        {"securityId", i == nullptr ? std::string() : i->dhan_security_id},
        {"tradedQuantity", t.quantity_units},
        {"tradedPrice", number_of_rupees(t.price_paise)},
        {"createTime", ist_timestamp_value(t.order_time_ns)},
        {"updateTime", ist_timestamp_value(t.fill_time_ns)},
        {"exchangeTime", ist_timestamp_value(t.fill_time_ns)}};
    add_contract_fields(row, i, nullptr);
    rows.push_back(std::move(row));
  }
  return json::serialize(rows);
}

std::string positions_body(const std::vector<PositionDetail>& positions,
                           const SecurityMap& securities, std::string_view client_id) {
  json::array rows;
  for (const PositionDetail& p : positions) {
    const d::BrokerPosition& net = p.net;
    const auto* i = securities.by_key(net.instrument);
    const int64_t realised = p.realised_paise();
    json::object row{{"dhanClientId", client_id},
                     {"tradingSymbol", net.instrument.tradingsymbol},
                     {"securityId", i == nullptr ? std::string() : i->dhan_security_id},
                     {"positionType", net.net_qty_units == 0  ? "CLOSED"
                                      : net.net_qty_units > 0 ? "LONG"
                                                              : "SHORT"},
                     {"exchangeSegment", segment_of(net.instrument.exchange)},
                     {"productType", to_wire(kProducts, net.product)},
                     {"buyAvg", number_of_rupees(p.average_buy_paise())},
                     {"buyQty", p.bought_units},
                     {"costPrice", number_of_rupees(net.average_price_paise)},
                     {"sellAvg", number_of_rupees(p.average_sell_paise())},
                     {"sellQty", p.sold_units},
                     {"netQty", net.net_qty_units},
                     {"realizedProfit", number_of_rupees(realised)},
                     {"unrealizedProfit", number_of_rupees(p.pnl_paise() - realised)},
                     {"rbiReferenceRate", 1.0},
                     {"multiplier", 1},
                     // One day's book: nothing carried forward, everything bought and sold today.
                     {"carryForwardBuyQty", 0},
                     {"carryForwardSellQty", 0},
                     {"carryForwardBuyValue", 0.0},
                     {"carryForwardSellValue", 0.0},
                     {"dayBuyQty", p.bought_units},
                     {"daySellQty", p.sold_units},
                     {"dayBuyValue", number_of_rupees(p.bought_value_paise)},
                     {"daySellValue", number_of_rupees(p.sold_value_paise)},
                     {"crossCurrency", false}};
    add_contract_fields(row, i, "0001-01-01");
    rows.push_back(std::move(row));
  }
  return json::serialize(rows);
}

std::string fund_limit_body(std::string_view client_id, const Funds& funds) {
  return json::serialize(
      json::object{{"dhanClientId", client_id},
                   {"availabelBalance", number_of_rupees(funds.available_paise)},
                   {"sodLimit", number_of_rupees(funds.available_paise)},
                   {"collateralAmount", 0.0},
                   {"receiveableAmount", 0.0},
                   {"utilizedAmount", 0.0},
                   {"blockedPayoutAmount", 0.0},
                   {"withdrawableBalance", number_of_rupees(funds.available_paise)}});
}

std::string error_body(std::string_view code, std::string_view message) {
  // errorType spellings are known only from third-party clients; clients match errorCode.
  const std::string type = code == "DH-901"   ? "Invalid_Authentication"
                           : code == "DH-904" ? "Rate_Limit"
                           : code == "DH-905" ? "Input_Exception"
                           : code == "DH-906" ? "Order_Error"
                                              : "Others";
  return json::serialize(
      json::object{{"errorType", type}, {"errorCode", code}, {"errorMessage", message}});
}

std::string order_update_text(const BrokerOrder& o, const SecurityMap& securities,
                              std::string_view client_id) {
  const auto* i = securities.by_key(o.instrument);
  const std::string_view segment = segment_of(o.instrument.exchange);
  const std::string exchange(segment.substr(0, segment.find('_')));
  const std::string_view kind = segment.substr(segment.find('_') + 1);
  const std::string letter = kind == "FNO"        ? "D"
                             : kind == "CURRENCY" ? "C"
                             : kind == "COMM"     ? "M"
                                                  : "E";
  json::object data{
      {"Exchange", exchange},
      {"Segment", letter},
      {"Source", "P"},
      {"SecurityId", i == nullptr ? std::string() : i->dhan_security_id},
      {"ClientId", client_id},
      {"ExchOrderNo", o.exchange_order_id},
      {"OrderNo", o.order_id.value},
      {"Product", to_wire(kWsProducts, o.product)},
      {"TxnType", to_wire(kWsSides, o.side)},
      {"OrderType", to_wire(kWsOrderTypes, o.order_type)},
      {"Validity", o.validity == d::Validity::ioc ? "IOC" : "DAY"},
      {"Quantity", o.quantity_units},
      {"TradedQty", o.filled_units},
      {"RemainingQuantity", o.quantity_units - o.filled_units},
      {"Price", number_of_rupees(o.price_paise)},
      {"TriggerPrice", number_of_rupees(o.trigger_price_paise)},
      {"AvgTradedPrice", number_of_rupees(o.average_price_paise)},
      {"OrderDateTime", ist_timestamp_value(o.order_time_ns)},
      {"LastUpdatedTime", ist_timestamp_value(o.exchange_time_ns)},
      {"ReasonDescription", o.status_message.empty() ? "CONFIRMED" : o.status_message},
      {"Symbol", o.instrument.tradingsymbol},
      {"Status", status_wire(o.status, o.filled_units)},
      {"CorrelationId", o.tag}};
  return json::serialize(json::object{{"Data", std::move(data)}, {"Type", "order_alert"}});
}

}  // namespace tandem::brokers::dhan
