#include "brokers/sim/kite_sim.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

#include "brokers/kite/parse.h"
#include "brokers/kite/wire.h"
#include "brokers/seeded_random.h"
#include "brokers/sim/dhan_wire.h"
#include "brokers/sim/kite_wire.h"
#include "domain/base/money.h"
#include "net/request_fields.h"

namespace tandem::brokers::sim {

namespace d = ::tandem::domain;
using boost::beast::http::verb;
using net::header;
using net::HttpResponse;
using net::param;
using net::query_of;
using net::ServerReply;

namespace {

ServerReply error(unsigned status, std::string_view type, std::string_view message) {
  return net::server_reply(status, kite::error_body(type, message));
}

ServerReply ok(std::string body) { return net::server_reply(200, std::move(body)); }

}  // namespace

KiteSim::KiteSim(KiteSimConfig config, Clock clock)
    : config_(std::move(config)), clock_(std::move(clock)) {
  PaperConfig fills = config_.fills;
  fills.unique_tags = false;  // Kite and Dhan accept a repeated tag (correlationId)
  for (const auto& a : config_.accounts) {
    Account account{.config = a, .book = PaperBook(fills)};
    account.rng = a.faults.seed;
    account.token_issued_ns = clock_();
    const auto [it, added] = accounts_.emplace(a.user_id, std::move(account));
    if (added) by_token_.emplace(a.access_token, &it->second);
  }
  build_dhan_names();
}

KiteSim::Account* KiteSim::find(const std::string& user_id) {
  const auto it = accounts_.find(user_id);
  return it == accounts_.end() ? nullptr : &it->second;
}

KiteSim::Account* KiteSim::by_token(std::string_view token) {
  const auto it = by_token_.find(token);
  if (it == by_token_.end() || it->second->expired) return nullptr;
  return it->second;
}

void KiteSim::set_token(Account& a, std::string token) {
  const auto old = by_token_.find(a.config.access_token);
  if (old != by_token_.end() && old->second == &a) by_token_.erase(old);
  a.config.access_token = std::move(token);
  by_token_[a.config.access_token] = &a;
}

const d::Instrument* KiteSim::instrument(const d::InstrumentKey& key) const {
  for (const auto& i : config_.instruments) {
    if (i.key == key) return &i;
  }
  return nullptr;
}

uint32_t KiteSim::kite_token(const d::InstrumentKey& key) const {
  const d::Instrument* i = instrument(key);
  return i == nullptr ? 0 : i->kite_token;
}

// The exchange's order id for one of the paper book's (P<n>): a 16-digit number from the
// same n, as NSE's look. Empty for an id not of that form.
std::string KiteSim::exchange_order_id_of(const d::BrokerOrderId& id) {
  uint64_t n = 0;
  const char* first = id.value.data() + 1;
  const char* last = id.value.data() + id.value.size();
  if (id.value.size() < 2 || id.value[0] != 'P' || std::from_chars(first, last, n).ptr != last) {
    return {};
  }
  return std::to_string(1'000'000'000'000'000ULL + n);
}

BrokerOrder KiteSim::as_kite(BrokerOrder order, const Account& account) const {
  order.instrument_token = kite_token(order.instrument);
  order.placed_by = account.config.user_id;
  if (const auto placed = account.as_placed.find(order.order_id.value);
      placed != account.as_placed.end()) {
    order.disclosed_units = placed->second.disclosed_units;
    order.market_protection = placed->second.market_protection;
  }
  const bool at_exchange =
      order.status != d::OrderStatus::rejected && order.status != d::OrderStatus::pending;
  if (order.exchange_order_id.empty() && at_exchange) {
    order.exchange_order_id = exchange_order_id_of(order.order_id);
  }
  return order;
}

std::vector<BrokerOrder> KiteSim::as_kite(std::vector<BrokerOrder> orders,
                                          const Account& account) const {
  for (BrokerOrder& o : orders) o = as_kite(std::move(o), account);
  return orders;
}

std::vector<BrokerTrade> KiteSim::kite_trades(const Account& account,
                                              const d::BrokerOrderId* only) const {
  std::vector<BrokerTrade> out;
  for (BrokerTrade t : account.book.trades()) {
    if (only != nullptr && t.order_id != *only) continue;
    t.instrument_token = kite_token(t.instrument);
    t.exchange_order_id = exchange_order_id_of(t.order_id);
    out.push_back(std::move(t));
  }
  return out;
}

void KiteSim::set_price(const d::InstrumentKey& instrument, int64_t price_paise) {
  prices_[instrument] = price_paise;
  send_ticks(instrument, price_paise);
  for (auto& [id, a] : accounts_) {
    a.book.set_price(instrument, price_paise);
    a.book.advance(clock_());
    publish(a);
  }
}

Status KiteSim::set_faults(const std::string& user_id, Faults faults) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  a->rng = faults.seed;
  a->config.faults = std::move(faults);
  return Status();
}

// Pushes every order whose state changed since it was last pushed, in order id order (the
// book keeps which: a push costs the orders changed, not the day's book).
void KiteSim::publish(Account& a) {
  std::erase_if(a.sockets, [](const auto& s) { return !s->open(); });
  std::erase_if(a.dhan_sockets, [](const auto& s) { return !s->open(); });
  a.book.take_changed([&](const BrokerOrder& o) {
    const std::string frame = kite::order_update_text(as_kite(o, a), config_.api_secret);
    for (const auto& s : a.sockets) s->send_text(frame);
    if (a.dhan_sockets.empty()) return;
    const std::string dhan_frame =
        dhan::order_update_text(as_dhan(o), dhan_securities_, a.config.user_id);
    for (const auto& s : a.dhan_sockets) s->send_text(dhan_frame);
  });
}

bool KiteSim::on_websocket(const net::HttpRequest& upgrade,
                           std::shared_ptr<net::WsConnection> connection) {
  const std::string query = query_of(upgrade.target);
  if (param(query, "api_key") != config_.api_key) return false;
  const std::string token = param(query, "access_token");
  Account* a = by_token(token);
  if (a == nullptr || a->config.faults.streams_down) return false;
  std::weak_ptr<net::WsConnection> weak = connection;
  connection->on_text([this, weak](const std::string& text) {
    if (auto socket = weak.lock()) on_ticker_request(socket, text);
  });
  a->sockets.push_back(std::move(connection));
  return true;
}

Status KiteSim::drop_websockets(const std::string& user_id) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  for (const auto& s : a->sockets) s->close();
  for (const auto& s : a->dhan_sockets) s->close();
  a->sockets.clear();
  a->dhan_sockets.clear();
  return Status();
}

Status KiteSim::set_funds(const std::string& user_id, int64_t funds_paise) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  a->config.funds_paise = funds_paise;
  return Status();
}

Status KiteSim::expire_token(const std::string& user_id) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  a->expired = true;
  return Status();
}

Result<BrokerOrder> KiteSim::place_as_owner(const std::string& user_id,
                                            const d::OrderTerms& order) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  auto placed = a->book.place(order, {}, clock_());
  if (!placed.ok()) return placed;
  a->book.advance(clock_());
  publish(*a);
  return placed;
}

Result<BrokerOrder> KiteSim::modify_as_owner(const std::string& user_id, const d::BrokerOrderId& id,
                                             const d::OrderTerms& order) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  auto modified = a->book.modify(id, order, clock_());
  if (!modified.ok()) return modified;
  a->book.advance(clock_());
  publish(*a);
  return modified;
}

Result<BrokerOrder> KiteSim::cancel_as_owner(const std::string& user_id,
                                             const d::BrokerOrderId& id) {
  Account* a = find(user_id);
  if (a == nullptr) return Status::not_found("sim: no account " + user_id);
  auto cancelled = a->book.cancel(id, clock_());
  if (cancelled.ok()) publish(*a);
  return cancelled;
}

std::vector<BrokerOrder> KiteSim::orders_of(const std::string& user_id) {
  Account* a = find(user_id);
  if (a == nullptr) return {};
  a->book.advance(clock_());
  return a->book.order_book();
}

std::vector<d::BrokerPosition> KiteSim::positions_of(const std::string& user_id) {
  Account* a = find(user_id);
  if (a == nullptr) return {};
  a->book.advance(clock_());
  return a->book.positions();
}

KiteSim::Account* KiteSim::authenticate(const net::HttpRequest& r) {
  const std::string expected_prefix = "token " + config_.api_key + ":";
  const std::string_view auth = header(r, "authorization");
  if (auth.substr(0, expected_prefix.size()) != expected_prefix) return nullptr;
  return by_token(auth.substr(expected_prefix.size()));
}

ServerReply KiteSim::handle(const net::HttpRequest& r) {
  ++requests_;
  Account* account = nullptr;
  ServerReply reply = route(r, account);
  if (account != nullptr) {
    const Faults& f = account->config.faults;
    const auto jitter =
        f.latency_jitter.count() > 0
            ? next_draw(account->rng, static_cast<uint64_t>(f.latency_jitter.count()))
            : 0;
    reply.delay += f.latency + std::chrono::milliseconds(jitter);
  }
  return reply;
}

ServerReply KiteSim::route(const net::HttpRequest& r, Account*& account) {
  const std::string path = r.target.substr(0, r.target.find('?'));
  if (path.rfind("/v2/", 0) == 0) return dhan_route(r, account);
  if (path.rfind("/app/", 0) == 0 || path == "/login/consentApp-login") {
    return dhan_consent(r, path);
  }
  if (r.method == verb::get && path == "/api-scrip-master.csv") {
    ServerReply reply = ok(dhan::scrip_master_csv(dhan_securities_.instruments()));
    reply.content_type = "text/csv";
    return reply;
  }
  if (r.method == verb::get && path == "/connect/login") return login_redirect(r);
  if (header(r, "x-kite-version") != "3") {
    return error(400, "InputException", "X-Kite-Version header missing or not 3");
  }
  if (r.method == verb::post && path == "/session/token") return session_token(r);
  account = authenticate(r);
  if (account == nullptr)
    return error(403, "TokenException", "Incorrect `api_key` or `access_token`.");
  PaperBook& book = account->book;
  if (r.method == verb::get && path == "/orders") {
    if (book_reset(*account)) return dropped();
    book.advance(clock_());
    return ok(kite::orders_body(as_kite(book.order_book(), *account)));
  }
  if (r.method == verb::get && path.rfind("/orders/", 0) == 0 && path.ends_with("/trades") &&
      path.find('/', 8) == path.size() - 7) {
    // GET /orders/{id}/trades: a read, not an order call (no rate limit of orders).
    const d::BrokerOrderId id{path.substr(8, path.size() - 15)};
    return ok(kite::trades_body(kite_trades(*account, &id)));
  }
  if (r.method == verb::get && path.rfind("/orders/", 0) == 0 &&
      path.find('/', 8) == std::string::npos) {
    // GET /orders/{id}: the order's history, every state it was in, oldest first.
    book.advance(clock_());
    const std::vector<BrokerOrder> history = book.history_of(d::BrokerOrderId{path.substr(8)});
    if (history.empty()) return error(400, "OrderException", "Couldn't find that order_id.");
    return ok(kite::orders_body(as_kite(history, *account)));
  }
  if (r.method == verb::get && path == "/trades") {
    return ok(kite::trades_body(kite_trades(*account)));
  }
  if (r.method == verb::get && path == "/portfolio/positions") {
    book.advance(clock_());
    std::vector<PositionDetail> positions = book.position_details();
    for (PositionDetail& p : positions) p.instrument_token = kite_token(p.net.instrument);
    return ok(kite::positions_body(positions));
  }
  if (r.method == verb::get && path == "/user/margins") {
    return ok(kite::margins_body(Funds{account->config.funds_paise}));
  }
  if (r.method == verb::get && path == "/user/margins/equity") {
    return ok(kite::margin_segment_body(Funds{account->config.funds_paise}));
  }
  if (r.method == verb::get && path == "/user/margins/commodity") {
    return ok(kite::margin_segment_body(Funds{0}));
  }
  if (r.method == verb::get && path == "/user/profile") {
    return ok(kite::profile_body(account->config.user_id, account->config.exchanges));
  }
  if (r.method == verb::get && path == "/portfolio/holdings") return ok(kite::holdings_body());
  if (r.method == verb::delete_ && path == "/session/token") {
    account->expired = true;  // logged out: the access token is dead
    return ok(kite::logout_body());
  }
  if (r.method == verb::get && (path == "/instruments" || path.rfind("/instruments/", 0) == 0)) {
    // GET /instruments, or /instruments/{exchange}: that exchange's rows only.
    const std::string exchange = path.size() > 13 ? path.substr(13) : "";
    const auto only = kite::exchange_from_wire(exchange);
    if (!exchange.empty() && !only) {
      return error(400, "InputException", "Invalid exchange " + exchange);
    }
    std::vector<d::Instrument> listed;
    for (const d::Instrument& i : config_.instruments) {
      if (!only || i.key.exchange == *only) listed.push_back(i);
    }
    ServerReply reply = ok(kite::instruments_csv(listed));
    reply.content_type = "text/csv";
    return reply;
  }
  if (path.rfind("/orders/", 0) == 0) {
    ServerReply reply = order_call(*account, r, path);
    publish(*account);
    return reply;
  }
  return error(404, "GeneralException", "Route not found");
}

// Kite's login page, without the page: it "logs in" the account named by `user_id` (the
// first account when absent) and redirects with a fresh request token.
ServerReply KiteSim::login_redirect(const net::HttpRequest& r) {
  const std::string query = query_of(r.target);
  if (param(query, "api_key") != config_.api_key || param(query, "v") != "3") {
    return error(400, "InputException", "Invalid `api_key` or `v`.");
  }
  std::string user = param(query, "user_id");
  if (user.empty() && !config_.accounts.empty()) user = config_.accounts.front().user_id;
  if (find(user) == nullptr) return error(400, "UserException", "Unknown user " + user);
  const std::string token = "rt" + std::to_string(++logins_) + user;
  request_tokens_[token] = user;
  ServerReply reply = net::server_reply(302, {});
  reply.content_type = "text/plain";
  reply.response.location =
      "http://127.0.0.1/?action=login&type=login&status=success&request_token=" + token;
  return reply;
}

ServerReply KiteSim::session_token(const net::HttpRequest& r) {
  const std::string api_key = param(r.body, "api_key");
  const std::string request_token = param(r.body, "request_token");
  const std::string checksum = param(r.body, "checksum");
  const auto it = request_tokens_.find(request_token);
  if (api_key != config_.api_key || it == request_tokens_.end() ||
      checksum != kite::session_checksum(api_key, request_token, config_.api_secret)) {
    return error(403, "TokenException", "Token is invalid or has expired.");
  }
  Account& a = *find(it->second);
  request_tokens_.erase(it);  // a request token is good for one exchange
  set_token(a, "at" + std::to_string(logins_) + a.config.user_id + "x" +
                   std::to_string(mix64(static_cast<uint64_t>(clock_())) % 1'000'000));
  a.expired = false;
  return ok(kite::session_body({a.config.user_id, a.config.access_token}, api_key, clock_(),
                               a.config.exchanges));
}

bool KiteSim::book_reset(Account& a) {
  int& left = a.config.faults.reset_next_books;
  if (left == 0) return false;
  --left;
  return true;
}

ServerReply KiteSim::dropped() {
  ServerReply reply;
  reply.drop_connection = true;
  return reply;
}

KiteSim::Gate KiteSim::gate(Account& a, const net::HttpRequest& r) {
  Faults& f = a.config.faults;
  const bool ip_set = !f.registered_ip.empty() || !a.secondary_ip.empty();
  if (ip_set && r.remote_address != f.registered_ip && r.remote_address != a.secondary_ip) {
    return Gate::wrong_ip;
  }
  if (a.kill_switch) return Gate::kill_switch;
  if (f.reset_next_orders > 0) {
    --f.reset_next_orders;
    return Gate::reset;
  }
  const int64_t second = clock_() / 1'000'000'000;
  if (second != a.second) {
    a.second = second;
    a.orders_this_second = 0;
  }
  if (++a.orders_this_second > f.orders_per_second) {
    ++rate_limited_;
    return Gate::rate_limited;
  }
  return Gate::pass;
}

std::optional<KiteSim::Refusal> KiteSim::refuse_input(const d::OrderTerms& order) const {
  // The input checks' words are the simulator's own: neither broker documents them
  // (docs/simulator.md).
  const d::Instrument* inst = instrument(order.instrument);
  if (inst == nullptr) {
    return Refusal{Refusal::Kind::input,
                   "Invalid instrument: " + order.instrument.tradingsymbol + " is not listed"};
  }
  const int64_t lot = d::lot_unit(*inst);
  if (lot > 1 && order.quantity_units % lot != 0) {
    return Refusal{Refusal::Kind::input, "Quantity " + std::to_string(order.quantity_units) +
                                             " is not a multiple of the lot size (" +
                                             std::to_string(lot) + ")"};
  }
  const int64_t tick = inst->tick_size_paise;
  const bool priced =
      order.order_type == d::OrderType::limit || order.order_type == d::OrderType::stop_loss;
  const bool triggered = order.order_type == d::OrderType::stop_loss ||
                         order.order_type == d::OrderType::stop_loss_market;
  for (const auto& [uses, price, name] :
       {std::tuple(priced, order.price_paise, "Price"),
        std::tuple(triggered, order.trigger_price_paise, "Trigger price")}) {
    if (uses && tick > 0 && price % tick != 0) {
      return Refusal{Refusal::Kind::input, std::string(name) + " " + d::paise_text(price) +
                                               " is not a multiple of the tick size (" +
                                               d::paise_text(tick) + ")"};
    }
  }
  return std::nullopt;
}

std::optional<KiteSim::Refusal> KiteSim::refuse(const Account& a,
                                                const d::OrderTerms& order) const {
  if (auto input = refuse_input(order)) return input;
  const std::string exchange(kite::wire(order.instrument.exchange));
  const auto& enabled = a.config.exchanges;
  if (std::find(enabled.begin(), enabled.end(), exchange) == enabled.end()) {
    return Refusal{Refusal::Kind::order, "The " + exchange +
                                             " segment is not enabled for this "
                                             "account (simulated rule)"};
  }
  const Faults& f = a.config.faults;
  if (f.reject_symbols.contains(order.instrument.tradingsymbol)) {
    return Refusal{Refusal::Kind::order,
                   "RMS:Blocked for " + order.instrument.tradingsymbol + " (simulated rule)"};
  }
  if (f.check_funds && order.side == d::Side::buy) {
    const auto ref = prices_.find(order.instrument);
    const int64_t price = order.price_paise > 0  ? order.price_paise
                          : ref != prices_.end() ? ref->second
                                                 : 0;
    const int64_t required = price * order.quantity_units;
    if (required > a.config.funds_paise) {
      return Refusal{Refusal::Kind::margin, "Insufficient funds. Required margin is " +
                                                std::to_string(required / 100) +
                                                " but available margin is " +
                                                std::to_string(a.config.funds_paise / 100) + "."};
    }
  }
  return std::nullopt;
}

ServerReply KiteSim::order_call(Account& a, const net::HttpRequest& r, const std::string& path) {
  Faults& f = a.config.faults;
  switch (gate(a, r)) {
    case Gate::wrong_ip:
      // The exact error Kite sends here is not documented (brokers.md §1.9): a permission
      // error.
      return error(403, "PermissionException",
                   "Order requests are allowed only from the registered static IP.");
    case Gate::reset:
      return dropped();
    case Gate::rate_limited:
      return error(429, "NetworkException", "Too many requests");
    case Gate::kill_switch:  // thrown on Dhan's side of the account (dhan_controls.cc)
      return error(400, "OrderException", "Trading is disabled for the day (kill switch).");
    case Gate::pass:
      break;
  }
  const d::TimeNs now = clock_();
  ServerReply reply = [&]() -> ServerReply {
    // /orders/{variety} or /orders/{variety}/{order_id}
    const std::string rest = path.substr(8);
    const size_t slash = rest.find('/');
    const std::string variety = rest.substr(0, slash);
    const d::BrokerOrderId id{slash == std::string::npos ? "" : rest.substr(slash + 1)};
    if (variety != "regular" && variety != "amo") {
      return error(400, "InputException", "Unsupported variety " + variety);
    }
    if (r.method == verb::post && id.empty()) return place(a, r, variety == "amo");
    if (r.method == verb::put && !id.empty()) {
      const std::vector<BrokerOrder> history = a.book.history_of(id);
      if (history.empty()) return error(400, "OrderException", "Couldn't find that order_id.");
      auto form = kite::parse_modify_form(r.body, history.back());
      if (!form.ok()) return error(400, "InputException", form.status().message());
      if (const auto refusal = refuse_input(form->order)) {
        return error(400, "InputException", refusal->message);
      }
      auto modified = a.book.modify(id, form->order, now);
      if (!modified.ok()) return error(400, "OrderException", modified.status().message());
      if (form->disclosed_units) a.as_placed[id.value].disclosed_units = *form->disclosed_units;
      a.book.advance(now);
      return ok(kite::order_id_body(id));
    }
    if (r.method == verb::delete_ && !id.empty()) {
      auto cancelled = a.book.cancel(id, now);
      if (!cancelled.ok()) return error(400, "OrderException", cancelled.status().message());
      return ok(kite::order_id_body(id));
    }
    return error(405, "InputException", "Method not allowed");
  }();
  if (f.stall_next_orders > 0) {
    --f.stall_next_orders;
    reply.delay += f.stall;  // carried out, answered too late: the outcome looks unknown
  }
  return reply;
}

bool KiteSim::in_market_hours(d::TimeNs now) {
  const int minute = d::ist_minute_of_day(now);
  return minute >= 9 * 60 + 15 && minute < 15 * 60 + 30;
}

d::TimeNs KiteSim::next_open(d::TimeNs now, std::chrono::minutes after_open) {
  constexpr d::TimeNs kMinute = 60'000'000'000;
  const d::TimeNs midnight = now - d::ist_minute_of_day(now) * kMinute - now % kMinute;
  const d::TimeNs open = midnight + (9 * 60 + 15 + after_open.count()) * kMinute;
  return open > now ? open : open + 24 * 60 * kMinute;
}

ServerReply KiteSim::place(Account& a, const net::HttpRequest& r, bool after_market) {
  const d::TimeNs now = clock_();
  auto form = kite::parse_order_form(r.body);
  if (!form.ok()) return error(400, "InputException", form.status().message());
  const d::OrderTerms& order = form->order;
  const bool needs_protection = order.order_type == d::OrderType::market ||
                                order.order_type == d::OrderType::stop_loss_market;
  if (needs_protection && form->market_protection.value_or(0) == 0) {
    return error(400, "InputException", "market_protection is required for MARKET and SL-M orders");
  }
  if (const auto refusal = refuse(a, order)) {
    using Kind = Refusal::Kind;
    return error(400,
                 refusal->kind == Kind::input    ? "InputException"
                 : refusal->kind == Kind::margin ? "MarginException"
                                                 : "OrderException",
                 refusal->message);
  }
  const Account::AsPlaced as_placed{form->disclosed_units.value_or(0),
                                    form->market_protection.value_or(0)};
  if (after_market) {
    // Kite documents no words for an AMO in market hours (docs/simulator.md).
    if (in_market_hours(now)) {
      return error(400, "InputException", "AMO orders are accepted only outside market hours.");
    }
    auto held =
        a.book.place_after_market(order, form->tag, now, next_open(now, std::chrono::minutes(0)));
    if (!held.ok()) return error(400, "OrderException", held.status().message());
    a.as_placed[held->order_id.value] = as_placed;
    return ok(kite::order_id_body(held->order_id));
  }
  const d::Instrument* inst = instrument(order.instrument);
  const int64_t freeze = inst != nullptr ? inst->freeze_qty_units : 0;
  if (freeze > 0 && order.quantity_units > freeze) {
    if (!form->autoslice) {
      return error(
          400, "InputException",
          "Quantity exceeds the freeze limit of " + std::to_string(freeze) + "; use autoslice.");
    }
    auto slices = a.book.place_sliced(order, form->tag, freeze, now);
    if (!slices.ok()) return error(400, "OrderException", slices.status().message());
    a.book.advance(now);
    Placement p;
    p.order_id = slices->front().order_id;  // the simulator names the first slice as parent
    for (const BrokerOrder& s : *slices) {
      p.slices.push_back(s.order_id);
      a.as_placed[s.order_id.value] = as_placed;
    }
    return ok(kite::placement_body(p));
  }
  auto placed = a.book.place(order, form->tag, now);
  if (!placed.ok()) return error(400, "OrderException", placed.status().message());
  a.as_placed[placed->order_id.value] = as_placed;
  a.book.advance(now);
  return ok(kite::order_id_body(placed->order_id));
}

}  // namespace tandem::brokers::sim
