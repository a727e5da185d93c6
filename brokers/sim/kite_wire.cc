#include "brokers/sim/kite_wire.h"

#include <boost/json.hpp>

#include <charconv>
#include <map>

#include "brokers/json_reader.h"
#include "brokers/kite/wire.h"
#include "crypto/sha256.h"
#include "net/form_query.h"

namespace tandem::brokers::kite {

namespace json = boost::json;
namespace d = ::tandem::domain;

namespace {

// A form's fields by name; the last of a repeated key wins, an empty value is absent.
using FormFields = std::map<std::string, std::string>;

std::optional<FormFields> form_fields(std::string_view body) {
  auto params = net::parse_form(body);
  if (!params) return std::nullopt;
  FormFields f;
  for (const auto& p : *params) {
    if (p.value && !p.value->empty()) f[p.key] = *p.value;
  }
  return f;
}

Status bad_field(std::string_view field, std::string_view why) {
  return Status::invalid_argument("kite order form '" + std::string(field) +
                                  "': " + std::string(why));
}

// The fields a place and a modify share, read over `o`: a field the form does not name
// keeps the value `o` has; a place must carry order_type and quantity.
Status read_order_fields(const FormFields& f, bool place, OrderForm& out) {
  d::OrderTerms& o = out.order;
  auto get = [&](const char* key) -> const std::string* {
    const auto it = f.find(key);
    return it == f.end() ? nullptr : &it->second;
  };
  auto number = [&](const char* key, int64_t& into) -> bool {
    const std::string* v = get(key);
    if (v == nullptr) return true;
    const auto r = std::from_chars(v->data(), v->data() + v->size(), into);
    return r.ec == std::errc() && r.ptr == v->data() + v->size();
  };
  auto price = [&](const char* key, int64_t& into) -> bool {
    const std::string* v = get(key);
    if (v == nullptr) return true;
    const auto p = decimal_paise(*v);
    if (!p) return false;
    into = *p;
    return true;
  };
  if (const std::string* type = get("order_type"); type != nullptr || place) {
    const auto known = from_wire(kOrderTypes, type != nullptr ? *type : "");
    if (!known) return bad_field("order_type", "missing or unknown");
    o.order_type = *known;
  }
  if (const std::string* validity = get("validity")) {
    const auto known = from_wire(kValidities, *validity);
    if (!known) return bad_field("validity", "unknown");
    o.validity = *known;
  }
  if (place && get("quantity") == nullptr) return bad_field("quantity", "missing");
  if (!number("quantity", o.quantity_units) || o.quantity_units <= 0) {
    return bad_field("quantity", "must be a positive whole number");
  }
  if (!price("price", o.price_paise)) return bad_field("price", "not a price");
  if (!price("trigger_price", o.trigger_price_paise)) {
    return bad_field("trigger_price", "not a price");
  }
  if (get("market_protection") != nullptr) {
    int64_t protection = 0;
    if (!number("market_protection", protection)) {
      return bad_field("market_protection", "not a number");
    }
    out.market_protection = static_cast<int>(protection);
  }
  if (get("disclosed_quantity") != nullptr) {
    int64_t disclosed = 0;
    if (!number("disclosed_quantity", disclosed) || disclosed < 0 || disclosed > o.quantity_units) {
      return bad_field("disclosed_quantity", "must be a whole number from 0 to the quantity");
    }
    out.disclosed_units = disclosed;
  }
  return Status();
}

}  // namespace

Result<OrderForm> parse_order_form(std::string_view body) {
  const auto f = form_fields(body);
  if (!f) return Status::invalid_argument("kite order form: not form-encoded");
  auto get = [&](const char* key) {
    const auto it = f->find(key);
    return it == f->end() ? std::string() : it->second;
  };
  OrderForm out;
  d::OrderTerms& o = out.order;
  const std::string symbol = get("tradingsymbol");
  if (symbol.empty()) return bad_field("tradingsymbol", "missing");
  const auto exchange = from_wire(kExchanges, get("exchange"));
  const auto side = from_wire(kSides, get("transaction_type"));
  const auto product = from_wire(kProducts, get("product"));
  if (!exchange) return bad_field("exchange", "missing or unknown");
  if (!side) return bad_field("transaction_type", "missing or unknown");
  if (!product) return bad_field("product", "missing or unknown");
  o.instrument = {*exchange, symbol};
  o.side = *side;
  o.product = *product;
  const std::string tag = get("tag");
  if (tag.size() > 20 ||
      tag.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789") != std::string::npos) {
    return bad_field("tag", "at most 20 alphanumeric characters");
  }
  out.tag = d::ClientTag{tag};
  if (Status s = read_order_fields(*f, true, out); !s.ok()) return s;
  out.autoslice = get("autoslice") == "true";
  return out;
}

Result<OrderForm> parse_modify_form(std::string_view body, const d::OrderTerms& current) {
  const auto f = form_fields(body);
  if (!f) return Status::invalid_argument("kite order form: not form-encoded");
  OrderForm out;
  out.order = current;
  if (Status s = read_order_fields(*f, false, out); !s.ok()) return s;
  return out;
}

namespace {

json::value money(int64_t paise) { return rupees_value(paise); }

// Kite's timestamps: IST wall time to the second; null when unknown.
json::value ist(d::TimeNs ns) { return ist_timestamp_value(ns); }

json::object order_row(const BrokerOrder& o) {
  json::object row;
  row.reserve(32);  // every field below: no rehash while the row grows
  row["placed_by"] = o.placed_by;
  row["order_id"] = o.order_id.value;
  row["exchange_order_id"] =
      o.exchange_order_id.empty() ? json::value(nullptr) : json::value(o.exchange_order_id);
  row["parent_order_id"] = nullptr;
  row["status"] = o.broker_status;
  row["status_message"] =
      o.status_message.empty() ? json::value(nullptr) : json::value(o.status_message);
  row["status_message_raw"] = row["status_message"];
  row["order_timestamp"] = ist(o.order_time_ns);
  row["exchange_timestamp"] = ist(o.exchange_time_ns);
  row["exchange_update_timestamp"] = ist(o.exchange_time_ns);
  row["variety"] = o.variety.empty() ? "regular" : o.variety;
  row["exchange"] = std::string(wire(o.instrument.exchange));
  row["tradingsymbol"] = o.instrument.tradingsymbol;
  row["instrument_token"] = o.instrument_token;
  row["order_type"] = std::string(wire(o.order_type));
  row["transaction_type"] = std::string(wire(o.side));
  row["validity"] = std::string(wire(o.validity));
  row["product"] = std::string(wire(o.product));
  row["quantity"] = o.quantity_units;
  row["disclosed_quantity"] = o.disclosed_units;
  row["price"] = money(o.price_paise);
  row["trigger_price"] = money(o.trigger_price_paise);
  row["average_price"] = money(o.average_price_paise);
  row["filled_quantity"] = o.filled_units;
  row["pending_quantity"] = o.pending_units;
  row["cancelled_quantity"] = o.cancelled_units;
  row["market_protection"] = o.market_protection;
  row["validity_ttl"] = 0;  // minutes of a TTL order; the simulator takes none
  row["meta"] = json::object();
  row["tag"] = o.tag.empty() ? json::value(nullptr) : json::value(o.tag);
  row["modified"] = o.modified;
  // Kite's guid names the request that placed the order; one per order here.
  row["guid"] = "sim-" + o.order_id.value;
  return row;
}

std::string success(json::value data) {
  json::object body;
  body["status"] = "success";
  body["data"] = std::move(data);
  return json::serialize(body);
}

}  // namespace

std::string orders_body(const std::vector<BrokerOrder>& orders) {
  json::array rows;
  for (const auto& o : orders) rows.push_back(order_row(o));
  return success(std::move(rows));
}

std::string order_id_body(const d::BrokerOrderId& id) {
  json::object data;
  data["order_id"] = id.value;
  return success(std::move(data));
}

namespace {

// One segment of GET /user/margins, every field of Kite's (margins_equity.json): what is
// available is the account's funds; nothing is utilised.
json::object margin_segment(const Funds& funds) {
  const json::value rupees = money(funds.available_paise);
  json::object available;
  available["adhoc_margin"] = 0;
  available["cash"] = rupees;
  available["opening_balance"] = rupees;
  available["live_balance"] = rupees;
  available["collateral"] = 0;
  available["intraday_payin"] = 0;
  json::object utilised;
  for (const char* k :
       {"debits", "exposure", "m2m_realised", "m2m_unrealised", "option_premium", "payout", "span",
        "holding_sales", "turnover", "liquid_collateral", "stock_collateral", "delivery"}) {
    utilised[k] = 0;
  }
  json::object segment;
  segment["enabled"] = true;
  segment["net"] = rupees;
  segment["available"] = std::move(available);
  segment["utilised"] = std::move(utilised);
  return segment;
}

}  // namespace

std::string margins_body(const Funds& funds) {
  json::object data;
  data["equity"] = margin_segment(funds);
  data["commodity"] = margin_segment(Funds{0});
  return success(std::move(data));
}

std::string margin_segment_body(const Funds& funds) { return success(margin_segment(funds)); }

namespace {

// The user's fields that GET /user/profile and POST /session/token share (profile.json,
// generate_session.json); the name and email are made up.
json::object profile_fields(std::string_view user_id, const std::vector<std::string>& exchanges) {
  json::object data;
  data["user_id"] = user_id;
  data["user_type"] = "individual";
  data["email"] = std::string(user_id) + "@sim.invalid";
  data["user_name"] = "Simulated " + std::string(user_id);
  data["user_shortname"] = user_id;
  data["broker"] = "ZERODHA";
  json::array listed;
  for (const auto& e : exchanges) listed.emplace_back(e);
  data["exchanges"] = std::move(listed);
  data["products"] = json::array{"CNC", "NRML", "MIS"};
  data["order_types"] = json::array{"MARKET", "LIMIT", "SL", "SL-M"};
  data["avatar_url"] = nullptr;
  data["meta"] = json::object{{"demat_consent", "physical"}};
  return data;
}

}  // namespace

std::string profile_body(std::string_view user_id, const std::vector<std::string>& exchanges) {
  return success(profile_fields(user_id, exchanges));
}

std::string logout_body() { return success(true); }

std::string holdings_body() { return success(json::array{}); }

std::string placement_body(const Placement& p) {
  json::object data;
  data["order_id"] = p.order_id.value;
  if (!p.slices.empty() || !p.slice_errors.empty()) {
    json::array children;
    for (const auto& id : p.slices) children.push_back(json::object{{"order_id", id.value}});
    for (const auto& e : p.slice_errors) {
      children.push_back(json::object{{"error", json::object{{"code", e.http_status},
                                                             {"error_type", e.type},
                                                             {"message", e.message},
                                                             {"data", nullptr}}}});
    }
    data["children"] = std::move(children);
  }
  return success(std::move(data));
}

std::string trades_body(const std::vector<BrokerTrade>& trades) {
  json::array rows;
  for (const auto& t : trades) {
    json::object row;
    row["trade_id"] = t.trade_id;
    row["order_id"] = t.order_id.value;
    row["exchange"] = wire(t.instrument.exchange);
    row["tradingsymbol"] = t.instrument.tradingsymbol;
    row["transaction_type"] = wire(t.side);
    row["product"] = wire(t.product);
    row["quantity"] = t.quantity_units;
    row["average_price"] = money(t.price_paise);
    row["fill_timestamp"] = ist(t.fill_time_ns);
    row["instrument_token"] = t.instrument_token;
    row["exchange_order_id"] =
        t.exchange_order_id.empty() ? json::value(nullptr) : json::value(t.exchange_order_id);
    // Kite writes the order's time here as the time of day alone (trades.json).
    const json::value placed = ist(t.order_time_ns);
    row["order_timestamp"] =
        placed.is_string() ? json::value(json::string(placed.get_string().subview(11))) : placed;
    row["exchange_timestamp"] = ist(t.fill_time_ns);
    rows.push_back(std::move(row));
  }
  return success(std::move(rows));
}

std::string positions_body(const std::vector<PositionDetail>& positions) {
  json::array net;
  for (const PositionDetail& p : positions) {
    // An intraday book: everything was traded today (nothing overnight), multiplier 1, and
    // the previous close is unknown, so m2m is the P&L.
    const int64_t pnl = p.pnl_paise();
    const int64_t realised = p.realised_paise();
    json::object row;
    row["tradingsymbol"] = p.net.instrument.tradingsymbol;
    row["exchange"] = wire(p.net.instrument.exchange);
    row["instrument_token"] = p.instrument_token;
    row["product"] = wire(p.net.product);
    row["quantity"] = p.net.net_qty_units;
    row["overnight_quantity"] = 0;
    row["multiplier"] = 1;
    row["average_price"] = money(p.net.average_price_paise);
    row["close_price"] = 0;
    row["last_price"] = money(p.last_price_paise);
    row["value"] = money(p.sold_value_paise - p.bought_value_paise);
    row["pnl"] = money(pnl);
    row["m2m"] = money(pnl);
    row["unrealised"] = money(pnl - realised);
    row["realised"] = money(realised);
    for (const char* day : {"", "day_"}) {
      const std::string prefix(day);
      row[prefix + "buy_quantity"] = p.bought_units;
      row[prefix + "buy_price"] = money(p.average_buy_paise());
      row[prefix + "buy_value"] = money(p.bought_value_paise);
      row[prefix + "sell_quantity"] = p.sold_units;
      row[prefix + "sell_price"] = money(p.average_sell_paise());
      row[prefix + "sell_value"] = money(p.sold_value_paise);
    }
    row["buy_m2m"] = money(p.bought_value_paise);
    row["sell_m2m"] = money(p.sold_value_paise);
    net.push_back(std::move(row));
  }
  json::object data;
  data["day"] = net;
  data["net"] = std::move(net);
  return success(std::move(data));
}

std::string instruments_csv(const std::vector<d::Instrument>& instruments) {
  std::string out =
      "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,"
      "lot_size,instrument_type,segment,exchange\r\n";
  for (const auto& i : instruments) {
    const bool future =
        i.segment == d::Segment::derivatives && i.option_type == d::OptionType::none;
    const std::string type = i.option_type == d::OptionType::call  ? "CE"
                             : i.option_type == d::OptionType::put ? "PE"
                             : future                              ? "FUT"
                                                                   : "EQ";
    const std::string expiry = d::day_text(i.expiry_day);
    const std::string segment =
        i.segment == d::Segment::index ? "INDICES"
        : type == "EQ"                 ? std::string(wire(i.key.exchange))
                       : std::string(wire(i.key.exchange)) + "-" + (type == "FUT" ? "FUT" : "OPT");
    out += std::to_string(i.kite_token) + "," + std::to_string(i.kite_token >> 8) + "," +
           i.key.tradingsymbol + ",\"" + i.underlying + "\",0.0," + expiry + "," +
           rupees(i.strike_paise) + "," + rupees(i.tick_size_paise) + "," +
           std::to_string(i.lot_size_units) + "," + type + "," + segment + "," +
           std::string(wire(i.key.exchange)) + "\r\n";  // CRLF, as Kite's own CSV
  }
  return out;
}

std::string session_body(const SessionGrant& grant, std::string_view api_key, d::TimeNs login_time,
                         const std::vector<std::string>& exchanges) {
  json::object data = profile_fields(grant.user_id, exchanges);
  data["api_key"] = api_key;
  data["access_token"] = grant.access_token;
  data["public_token"] = "pt-" + grant.access_token.substr(0, 8);
  data["enctoken"] = "";
  data["refresh_token"] = "";
  data["silo"] = "";
  data["login_time"] = ist(login_time);
  data["avatar_url"] = "";  // a string here (generate_session.json), null in the profile
  return success(std::move(data));
}

std::string order_update_text(const BrokerOrder& order, std::string_view api_secret) {
  json::object data = order_row(order);
  // The postback's own fields (postback.json): whose order, what is left, which app, and
  // the checksum parse_postback verifies.
  data["user_id"] = order.placed_by;
  data["unfilled_quantity"] = order.quantity_units - order.filled_units;
  data["app_id"] = 1;  // the simulator stands for one Kite Connect app
  const std::string timestamp(data["order_timestamp"].is_string()
                                  ? std::string_view(data["order_timestamp"].get_string())
                                  : std::string_view());
  data["checksum"] = crypto::sha256_hex(order.order_id.value + timestamp + std::string(api_secret));
  json::object frame;
  frame["type"] = "order";
  frame["data"] = std::move(data);
  return json::serialize(frame);
}

std::string error_body(std::string_view error_type, std::string_view message) {
  json::object body;
  body["status"] = "error";
  body["message"] = json::string(message.data(), message.size());
  body["error_type"] = json::string(error_type.data(), error_type.size());
  body["data"] = nullptr;
  return json::serialize(body);
}

}  // namespace tandem::brokers::kite
