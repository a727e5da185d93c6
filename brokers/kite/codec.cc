#include "brokers/kite/codec.h"

#include <date/date.h>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>

#include "brokers/csv_fields.h"
#include "brokers/form_query.h"
#include "brokers/json_reader.h"
#include "brokers/wire_names.h"
#include "crypto/sha256.h"

namespace tandem::brokers::kite {

namespace json = boost::json;
namespace d = ::tandem::domain;

namespace {

constexpr std::array<Name<d::Exchange>, 7> kExchanges{{{"NSE", d::Exchange::nse},
                                                       {"BSE", d::Exchange::bse},
                                                       {"NFO", d::Exchange::nfo},
                                                       {"BFO", d::Exchange::bfo},
                                                       {"CDS", d::Exchange::cds},
                                                       {"BCD", d::Exchange::bcd},
                                                       {"MCX", d::Exchange::mcx}}};
constexpr std::array<Name<d::Side>, 2> kSides{{{"BUY", d::Side::buy}, {"SELL", d::Side::sell}}};
constexpr std::array<Name<d::OrderType>, 4> kOrderTypes{{{"MARKET", d::OrderType::market},
                                                         {"LIMIT", d::OrderType::limit},
                                                         {"SL", d::OrderType::stop_loss},
                                                         {"SL-M", d::OrderType::stop_loss_market}}};
// CO and BO appear only on old intraday orders; they are intraday products.
constexpr std::array<Name<d::Product>, 6> kProducts{{{"CNC", d::Product::delivery},
                                                     {"MIS", d::Product::intraday},
                                                     {"NRML", d::Product::carry_forward},
                                                     {"MTF", d::Product::mtf},
                                                     {"CO", d::Product::intraday},
                                                     {"BO", d::Product::intraday}}};
constexpr std::array<Name<d::Validity>, 3> kValidities{
    {{"DAY", d::Validity::day}, {"IOC", d::Validity::ioc}, {"TTL", d::Validity::ttl}}};

// The `data` of a success envelope, or the error it carries.
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

void add_field(std::string& form, std::string_view key, std::string_view value) {
  if (!form.empty()) form.push_back('&');
  form.append(key);
  form.push_back('=');
  form.append(boost::urls::encode(boost::urls::string_view(value.data(), value.size()),
                                  boost::urls::unreserved_chars));
}

std::string rupees(int64_t paise) {
  std::string out = std::to_string(paise / 100);
  const int64_t rest = (paise < 0 ? -paise : paise) % 100;
  if (rest != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + rest / 10));
    if (rest % 10 != 0) out.push_back(static_cast<char>('0' + rest % 10));
  }
  return out;
}

void add_order_fields(std::string& form, const d::OrderRequest& o, int market_protection) {
  add_field(form, "order_type", wire(o.order_type));
  add_field(form, "quantity", std::to_string(o.quantity_units));
  add_field(form, "validity", wire(o.validity));
  if (o.order_type == d::OrderType::limit || o.order_type == d::OrderType::stop_loss) {
    add_field(form, "price", rupees(o.price_paise));
  }
  if (o.order_type == d::OrderType::stop_loss || o.order_type == d::OrderType::stop_loss_market) {
    add_field(form, "trigger_price", rupees(o.trigger_price_paise));
  }
  if (o.order_type == d::OrderType::market || o.order_type == d::OrderType::stop_loss_market) {
    add_field(form, "market_protection", std::to_string(market_protection));
  }
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

std::string_view wire(d::Exchange e) { return to_wire(kExchanges, e); }
std::string_view wire(d::Side s) { return to_wire(kSides, s); }
std::string_view wire(d::OrderType t) { return to_wire(kOrderTypes, t); }
std::string_view wire(d::Product p) { return to_wire(kProducts, p); }
std::string_view wire(d::Validity v) { return to_wire(kValidities, v); }

std::optional<d::Exchange> exchange_from_wire(std::string_view e) {
  return from_wire(kExchanges, e);
}

d::OrderStatus status_from_wire(std::string_view s) {
  if (s == "COMPLETE") return d::OrderStatus::complete;
  if (s == "CANCELLED") return d::OrderStatus::cancelled;
  if (s == "REJECTED") return d::OrderStatus::rejected;
  if (s == "TRIGGER PENDING") return d::OrderStatus::trigger_pending;
  // Working: open, or open with a modification or cancellation on its way.
  if (s == "OPEN" || s == "MODIFIED" || s == "MODIFY PENDING" || s == "MODIFY VALIDATION PENDING" ||
      s == "CANCEL PENDING" || s == "UPDATE") {
    return d::OrderStatus::open;
  }
  // PUT ORDER REQ RECEIVED, VALIDATION PENDING, OPEN PENDING, AMO REQ RECEIVED, and
  // anything new: not working yet, so nothing is copied from it.
  return d::OrderStatus::pending;
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

Result<SessionGrant> parse_session(std::string_view body) {
  Result<json::value> data = data_of(body, "kite session");
  if (!data.ok()) return data.status();
  if (!data->is_object()) return Status::invalid_argument("kite session: not an object");
  ObjectReader r(data->get_object(), "kite session");
  SessionGrant g{r.text("user_id"), r.text("access_token")};
  if (!r.status().ok()) return r.status();
  return g;
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

std::string place_order_form(const d::OrderRequest& o, const d::ClientTag& tag,
                             int market_protection, bool autoslice) {
  std::string form;
  add_field(form, "tradingsymbol", o.instrument.tradingsymbol);
  add_field(form, "exchange", wire(o.instrument.exchange));
  add_field(form, "transaction_type", wire(o.side));
  add_field(form, "product", wire(o.product));
  add_order_fields(form, o, market_protection);
  add_field(form, "tag", tag.value);
  if (autoslice) add_field(form, "autoslice", "true");
  return form;
}

std::string modify_order_form(const d::OrderRequest& o, int market_protection) {
  std::string form;
  add_order_fields(form, o, market_protection);
  return form;
}

namespace {

// A form's fields by name; the last of a repeated key wins, an empty value is absent.
using FormFields = std::map<std::string, std::string>;

std::optional<FormFields> form_fields(std::string_view body) {
  auto params = parse_form(body);
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
  d::OrderRequest& o = out.order;
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
  d::OrderRequest& o = out.order;
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

Result<OrderForm> parse_modify_form(std::string_view body, const d::OrderRequest& current) {
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

std::string session_token_form(std::string_view api_key, std::string_view request_token,
                               std::string_view api_secret) {
  std::string form;
  add_field(form, "api_key", api_key);
  add_field(form, "request_token", request_token);
  add_field(form, "checksum", session_checksum(api_key, request_token, api_secret));
  return form;
}

std::string login_url(std::string_view api_key, std::string_view base) {
  std::string url = std::string(base) + "/connect/login?v=3";
  add_field(url, "api_key", api_key);
  return url;
}

Result<std::string> request_token_from(std::string_view redirect_url) {
  const auto alnum = [](std::string_view t) {
    return !t.empty() && t.find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789") == std::string_view::npos;
  };
  if (redirect_url.find('?') == std::string_view::npos) {
    if (alnum(redirect_url)) return std::string(redirect_url);  // the token pasted alone
    return Status::invalid_argument("kite login: not a redirect URL or a request token");
  }
  auto params = parse_form(redirect_url.substr(redirect_url.find('?') + 1));
  if (params) {
    for (const auto& p : *params) {
      if (p.key == "status" && p.value && *p.value != "success") {
        return Status(StatusCode::unauthenticated,
                      "kite login: the redirect says status " + *p.value);
      }
    }
    for (const auto& p : *params) {
      if (p.key == "request_token" && p.value && alnum(*p.value)) return *p.value;
    }
  }
  return Status::invalid_argument("kite login: the redirect URL has no request_token");
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

std::string session_checksum(std::string_view api_key, std::string_view request_token,
                             std::string_view api_secret) {
  std::string joined;
  joined.append(api_key).append(request_token).append(api_secret);
  return crypto::sha256_hex(joined);
}

}  // namespace tandem::brokers::kite
