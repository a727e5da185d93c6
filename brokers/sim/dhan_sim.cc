// The simulator's Dhan dialect: KiteSim's accounts and order books answered as DhanHQ v2
// answers (brokers.md §2): bare JSON, DH-9xx errors, securityIds from a scrip master with
// Dhan's own symbols, the order-update socket with its login message.
#include <boost/json.hpp>

#include <array>
#include <map>

#include "brokers/dhan/parse.h"
#include "brokers/dhan/wire.h"
#include "brokers/json_reader.h"
#include "brokers/sim/dhan_replies.h"
#include "brokers/sim/dhan_wire.h"
#include "brokers/sim/kite_sim.h"
#include "net/request_fields.h"

namespace tandem::brokers::sim {

namespace d = ::tandem::domain;
namespace json = boost::json;
using boost::beast::http::verb;
using net::header;
using net::param;
using net::query_of;
using net::ServerReply;

namespace {

// Dhan's trading symbols: NIFTY-Nov2026-23500-CE for options, NIFTY-Nov2026-FUT for
// futures; equities keep the exchange symbol.
std::string dhan_symbol(const d::Instrument& i) {
  if (i.segment != d::Segment::derivatives || i.expiry_day == 0) return i.key.tradingsymbol;
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const unsigned month = i.expiry_day / 100 % 100;
  const std::string expiry =
      std::string(kMonths[(month + 11) % 12]) + std::to_string(i.expiry_day / 10000);
  if (i.option_type == d::OptionType::none) return i.underlying + "-" + expiry + "-FUT";
  return i.underlying + "-" + expiry + "-" + std::to_string(i.strike_paise / 100) + "-" +
         (i.option_type == d::OptionType::call ? "CE" : "PE");
}

}  // namespace

void KiteSim::build_dhan_names() {
  std::vector<d::Instrument> dhan;
  for (const d::Instrument& i : config_.instruments) {
    d::Instrument named = i;
    named.key.tradingsymbol = dhan_symbol(i);
    if (named.dhan_security_id.empty()) named.dhan_security_id = std::to_string(i.kite_token);
    dhan_key_of_[i.key] = named.key;
    sim_key_of_[named.key] = i.key;
    dhan.push_back(std::move(named));
  }
  dhan_securities_ = dhan::SecurityMap(dhan);
}

BrokerOrder KiteSim::as_dhan(BrokerOrder o) const {
  const auto it = dhan_key_of_.find(o.instrument);
  if (it != dhan_key_of_.end()) o.instrument = it->second;
  if (o.exchange_order_id.empty() && o.status != d::OrderStatus::pending &&
      o.status != d::OrderStatus::rejected) {
    o.exchange_order_id = exchange_order_id_of(o.order_id);
  }
  return o;
}

std::vector<BrokerOrder> KiteSim::as_dhan(std::vector<BrokerOrder> orders) const {
  for (auto& o : orders) o = as_dhan(std::move(o));
  return orders;
}

bool KiteSim::on_dhan_websocket(std::shared_ptr<net::WsConnection> connection) {
  // Accepted at once; it joins an account's updates when its login message names a valid
  // client id and token, and is closed otherwise (Dhan documents no login reply).
  // No binary heartbeats here: Dhan's official client parses every message as JSON.
  // brokers.md §2: Dhan's market feed pings every 10 s; this socket is taken to do the same.
  connection->heartbeat_by_ping(std::chrono::seconds(10));
  std::weak_ptr<net::WsConnection> weak = connection;
  connection->on_text([this, weak](const std::string& text) {
    auto c = weak.lock();
    if (!c) return;
    boost::system::error_code ec;
    const json::value v = json::parse(text, ec);
    const json::value* login =
        !ec && v.is_object() ? v.as_object().if_contains("LoginReq") : nullptr;
    if (login == nullptr || !login->is_object()) return;  // not a login: ignored
    const json::object& l = login->as_object();
    const json::value* id = l.if_contains("ClientId");
    const json::value* token = l.if_contains("Token");
    Account* a = id != nullptr && id->is_string() ? find(std::string(id->as_string())) : nullptr;
    if (a == nullptr || a->expired || token == nullptr || !token->is_string() ||
        token->as_string() != a->config.access_token || a->config.faults.streams_down) {
      c->close();
      return;
    }
    a->dhan_sockets.push_back(c);
  });
  return true;
}

ServerReply KiteSim::dhan_route(const net::HttpRequest& r, Account*& account) {
  std::string path = r.target.substr(3, r.target.find('?') - 3);  // after "/v2"
  if (path.size() > 1 && path.back() == '/') path.pop_back();     // DhanHQ-py asks for /trades/
  const std::string client = std::string(header(r, "client-id"));
  const std::string_view token = header(r, "access-token");
  // The official client sends the client id with most calls, but only the token with some
  // (profile): the token alone names the account then.
  if (client.empty()) {
    const auto it = by_token_.find(token);  // a transparent map: no string built
    account = it == by_token_.end() ? nullptr : it->second;
  } else {
    account = find(client);
  }
  if (account == nullptr || account->expired || token != account->config.access_token) {
    account = nullptr;
    return dhan_error(401, "DH-901",
                      "Client ID or user generated access token is invalid or expired.");
  }
  Account& a = *account;
  PaperBook& book = a.book;
  const std::string& id = a.config.user_id;
  if (r.method == verb::get && path == "/orders") {
    if (book_reset(a)) return dropped();
    book.advance(clock_());
    return dhan_ok(200, dhan::orders_body(as_dhan(book.order_book()), dhan_securities_, id));
  }
  if (r.method == verb::get && path.rfind("/orders/", 0) == 0) {
    book.advance(clock_());
    const bool by_tag = path.rfind("/orders/external/", 0) == 0;
    const std::string key = path.substr(by_tag ? 17 : 8);
    for (const BrokerOrder& o : book.order_book()) {
      if (by_tag ? o.tag == key : o.order_id.value == key) {
        return dhan_ok(200, dhan::order_body(as_dhan(o), dhan_securities_, id));
      }
    }
    return dhan_error(404, "DH-907", "No order found");
  }
  if (r.method == verb::get && (path == "/trades" || path.rfind("/trades/", 0) == 0)) {
    // All of the day's trades, or one order's (/trades/{order-id}: an array, a choice:
    // brokers.md §4).
    const std::string only = path.size() > 8 ? path.substr(8) : "";
    book.advance(clock_());
    std::vector<BrokerTrade> trades;
    for (BrokerTrade t : book.trades()) {
      if (!only.empty() && t.order_id.value != only) continue;
      BrokerOrder shell;
      shell.instrument = t.instrument;
      t.instrument = as_dhan(shell).instrument;
      trades.push_back(std::move(t));
    }
    return dhan_ok(200,
                   dhan::trades_body(trades, as_dhan(book.order_book()), dhan_securities_, id));
  }
  if (r.method == verb::get && path == "/positions") {
    book.advance(clock_());
    std::vector<PositionDetail> positions = book.position_details();
    for (PositionDetail& p : positions) {
      const auto it = dhan_key_of_.find(p.net.instrument);
      if (it != dhan_key_of_.end()) p.net.instrument = it->second;
    }
    return dhan_ok(200, dhan::positions_body(positions, dhan_securities_, id));
  }
  if (r.method == verb::get && path == "/holdings") return dhan_ok(200, "[]");  // none kept
  if (r.method == verb::get && path == "/fundlimit") {
    return dhan_ok(200, dhan::fund_limit_body(id, Funds{a.config.funds_paise}));
  }
  if (auto control = dhan_controls(a, r, path)) return std::move(*control);
  if (path == "/orders" || path == "/orders/slicing" || path.rfind("/orders/", 0) == 0) {
    ServerReply reply = dhan_order_call(a, r, path);
    publish(a);
    return reply;
  }
  return dhan_error(404, "DH-910", "Route not found");
}

ServerReply KiteSim::dhan_consent(const net::HttpRequest& r, const std::string& path) {
  const std::string query = query_of(r.target);
  auto param = [&](std::string_view key) { return net::param(query, key); };
  const bool app_ok =
      header(r, "app_id") == config_.api_key && header(r, "app_secret") == config_.api_secret;
  if (r.method == verb::post && path == "/app/generate-consent") {
    if (!app_ok) return dhan_error(401, "DH-901", "Invalid app_id or app_secret");
    const std::string client = param("client_id");
    if (find(client) == nullptr) return dhan_error(400, "DH-905", "Unknown client_id");
    const std::string id = "consent-" + std::to_string(++logins_) + "-" + client;
    dhan_consents_[id] = client;
    return dhan_ok(
        200, json::serialize(json::object{
                 {"consentAppId", id}, {"consentAppStatus", "GENERATED"}, {"status", "success"}}));
  }
  if (r.method == verb::get && path == "/login/consentApp-login") {
    // Dhan's login page, without the page: the client logs in and is sent back with a tokenId.
    const auto it = dhan_consents_.find(param("consentAppId"));
    if (it == dhan_consents_.end()) return dhan_error(400, "DH-905", "Unknown consentAppId");
    const std::string token_id = "tid" + std::to_string(++logins_) + it->second;
    dhan_token_ids_[token_id] = it->second;
    dhan_consents_.erase(it);
    ServerReply reply = net::server_reply(302, {});
    reply.content_type = "text/plain";
    reply.response.location = "http://127.0.0.1/dhan-callback?tokenId=" + token_id;
    return reply;
  }
  if (r.method == verb::get && path == "/app/consumeApp-consent") {
    if (!app_ok) return dhan_error(401, "DH-901", "Invalid app_id or app_secret");
    const auto it = dhan_token_ids_.find(param("tokenId"));
    if (it == dhan_token_ids_.end()) return dhan_error(400, "DH-905", "Invalid or used tokenId");
    Account& a = *find(it->second);
    dhan_token_ids_.erase(it);  // a tokenId is good for one exchange
    set_token(a, "dhan-at" + std::to_string(logins_) + a.config.user_id);
    a.token_issued_ns = clock_();
    a.expired = false;
    return dhan_ok(200, json::serialize(json::object{{"dhanClientId", a.config.user_id},
                                                     {"dhanClientName", "SIM CLIENT"},
                                                     {"dhanClientUcc", "SIM0001"},
                                                     {"givenPowerOfAttorney", true},
                                                     {"accessToken", a.config.access_token},
                                                     {"expiryTime", "2026-11-22T09:00:00"}}));
  }
  return dhan_error(404, "DH-910", "Route not found");
}

ServerReply KiteSim::dhan_order_call(Account& a, const net::HttpRequest& r,
                                     const std::string& path) {
  switch (gate(a, r)) {
    case Gate::wrong_ip:  // third parties report DH-905 for a non-whitelisted IP (brokers.md)
      return dhan_error(400, "DH-905", "Order requests are allowed only from the static IP.");
    case Gate::reset:
      return dropped();
    case Gate::rate_limited:
      return dhan_error(429, "DH-904",
                        "Too many requests on server from single user breaching rate limits. "
                        "Try throttling API calls.");
    case Gate::kill_switch:
      return dhan_error(400, "DH-906", "Kill Switch is active: trading is disabled for the day");
    case Gate::pass:
      break;
  }
  const d::TimeNs now = clock_();
  ServerReply reply = [&]() -> ServerReply {
    if (r.method == verb::post && (path == "/orders" || path == "/orders/slicing")) {
      auto body = dhan::parse_place_json(r.body);
      if (!body.ok()) return dhan_error(400, "DH-905", body.status().message());
      if (body->client_id != a.config.user_id) {
        return dhan_error(400, "DH-905", "dhanClientId does not match the client-id header");
      }
      const d::Instrument* named = dhan_securities_.by_security(body->exchange, body->security_id);
      if (named == nullptr) return dhan_error(400, "DH-905", "Invalid securityId");
      d::OrderTerms order = body->order;
      order.instrument = sim_key_of_.at(named->key);
      if (const auto refusal = refuse(a, order)) {
        const bool input = refusal->kind == Refusal::Kind::input;
        return dhan_error(400, input ? "DH-905" : "DH-906", refusal->message);
      }
      if (body->after_market) {
        // amoTime: when, after the open, the order goes to the exchange (PRE_OPEN: 09:00).
        static const std::map<std::string, int> kAmoMinutes = {
            {"PRE_OPEN", -15}, {"OPEN", 0}, {"OPEN_30", 30}, {"OPEN_60", 60}};
        const auto minutes = kAmoMinutes.find(body->amo_time.empty() ? "OPEN" : body->amo_time);
        if (minutes == kAmoMinutes.end()) {
          return dhan_error(400, "DH-905", "amoTime must be PRE_OPEN, OPEN, OPEN_30 or OPEN_60");
        }
        if (in_market_hours(now)) {
          return dhan_error(400, "DH-905", "After market orders are taken outside market hours");
        }
        auto held =
            a.book.place_after_market(order, d::ClientTag{body->correlation_id}, now,
                                      next_open(now, std::chrono::minutes(minutes->second)));
        if (!held.ok()) return dhan_error(400, "DH-906", held.status().message());
        return dhan_ok(200, dhan::order_ack_body(held->order_id, "TRANSIT"));
      }
      const d::Instrument* inst = instrument(order.instrument);
      const int64_t freeze = inst != nullptr ? inst->freeze_qty_units : 0;
      if (freeze > 0 && order.quantity_units > freeze) {
        if (path != "/orders/slicing") {
          return dhan_error(400, "DH-906",
                            "Quantity exceeds the freeze limit of " + std::to_string(freeze) +
                                "; use /orders/slicing.");
        }
        auto slices = a.book.place_sliced(order, d::ClientTag{body->correlation_id}, freeze, now);
        if (!slices.ok()) return dhan_error(400, "DH-906", slices.status().message());
        a.book.advance(now);
        json::array acks;
        for (const BrokerOrder& s : *slices) {
          acks.push_back(json::object{{"orderId", s.order_id.value}, {"orderStatus", "TRANSIT"}});
        }
        return dhan_ok(200, json::serialize(acks));
      }
      auto placed = a.book.place(order, d::ClientTag{body->correlation_id}, now);
      if (!placed.ok()) return dhan_error(400, "DH-906", placed.status().message());
      a.book.advance(now);
      const std::string ack = dhan::order_ack_body(placed->order_id, "TRANSIT");
      return dhan_ok(200, path == "/orders/slicing" ? "[" + ack + "]" : ack);
    }
    const d::BrokerOrderId id{path.substr(8)};
    if (r.method == verb::put) {
      auto body = dhan::parse_modify_json(r.body);
      if (!body.ok()) return dhan_error(400, "DH-905", body.status().message());
      if (body->order_id != id) return dhan_error(400, "DH-905", "orderId differs from the path");
      const std::vector<BrokerOrder> history = a.book.history_of(id);
      if (!history.empty()) {
        d::OrderTerms changed = body->order;  // lots and ticks, checked as on a new order
        changed.instrument = history.back().instrument;
        if (const auto refusal = refuse_input(changed)) {
          return dhan_error(400, "DH-905", refusal->message);
        }
      }
      // The book keeps the order's instrument, side and product; quantity is the whole order.
      auto modified = a.book.modify(id, body->order, now);
      if (!modified.ok()) return dhan_error(400, "DH-906", modified.status().message());
      a.book.advance(now);
      return dhan_ok(200, dhan::order_ack_body(id, "TRANSIT"));
    }
    if (r.method == verb::delete_) {
      auto cancelled = a.book.cancel(id, now);
      if (!cancelled.ok()) return dhan_error(400, "DH-906", cancelled.status().message());
      return dhan_ok(202, dhan::order_ack_body(id, "CANCELLED"));
    }
    return dhan_error(405, "DH-905", "Method not allowed");
  }();
  Faults& f = a.config.faults;
  if (f.stall_next_orders > 0) {
    --f.stall_next_orders;
    reply.delay += f.stall;  // carried out, answered too late: the outcome looks unknown
  }
  return reply;
}

}  // namespace tandem::brokers::sim
