#include "brokers/sim/kite_sim.h"

#include <algorithm>
#include <cctype>

#include "brokers/kite/codec.h"

namespace tandem::brokers::sim {

namespace d = ::tandem::domain;
using net::HttpResponse;
using net::ServerReply;

namespace {

std::string_view header(const net::HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (std::equal(k.begin(), k.end(), name.begin(), name.end(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

ServerReply error(unsigned status, std::string_view type, std::string_view message) {
  return ServerReply{HttpResponse{status, kite::error_body(type, message), {}}};
}

ServerReply ok(std::string body) { return ServerReply{HttpResponse{200, std::move(body), {}}}; }

}  // namespace

KiteSim::KiteSim(KiteSimConfig config, Clock clock)
    : config_(std::move(config)), clock_(std::move(clock)) {
  for (const auto& a : config_.accounts) {
    accounts_.emplace(a.user_id, Account{a, PaperBook(config_.fills), false, -1, 0, {}, {}});
  }
}

void KiteSim::set_price(const d::InstrumentKey& instrument, int64_t price_paise) {
  for (auto& [id, a] : accounts_) {
    a.book.set_price(instrument, price_paise);
    a.book.advance(clock_());
    publish(a);
  }
}

// Pushes every order whose state changed since it was last pushed, in order id order.
void KiteSim::publish(Account& a) {
  std::erase_if(a.sockets, [](const auto& s) { return !s->open(); });
  for (const BrokerOrder& o : a.book.order_book()) {
    auto& last = a.pushed[o.order_id];
    if (last == o) continue;
    last = o;
    const std::string frame = kite::order_update_text(o);
    for (const auto& s : a.sockets) s->send_text(frame);
  }
}

bool KiteSim::on_websocket(const net::HttpRequest& upgrade,
                           std::shared_ptr<net::WsConnection> connection) {
  auto param = [&](std::string_view key) -> std::string {
    const std::string needle = std::string(key) + "=";
    const size_t q = upgrade.target.find('?');
    if (q == std::string::npos) return {};
    size_t at = upgrade.target.find(needle, q);
    if (at == std::string::npos) return {};
    at += needle.size();
    return upgrade.target.substr(at, upgrade.target.find('&', at) - at);
  };
  if (param("api_key") != config_.api_key) return false;
  const std::string token = param("access_token");
  for (auto& [id, a] : accounts_) {
    if (a.config.access_token == token && !a.expired) {
      a.sockets.push_back(std::move(connection));
      return true;
    }
  }
  return false;
}

void KiteSim::drop_websockets(const std::string& user_id) {
  const auto it = accounts_.find(user_id);
  if (it == accounts_.end()) return;
  for (const auto& s : it->second.sockets) s->close();
  it->second.sockets.clear();
}

Result<BrokerOrder> KiteSim::place_as_owner(const std::string& user_id,
                                            const d::OrderRequest& order) {
  const auto it = accounts_.find(user_id);
  if (it == accounts_.end()) return Status::not_found("sim: no account " + user_id);
  auto placed = it->second.book.place(order, {}, clock_());
  if (!placed.ok()) return placed;
  it->second.book.advance(clock_());
  publish(it->second);
  return placed;
}

void KiteSim::expire_token(const std::string& user_id) {
  const auto it = accounts_.find(user_id);
  if (it != accounts_.end()) it->second.expired = true;
}

std::vector<BrokerOrder> KiteSim::orders_of(const std::string& user_id) {
  const auto it = accounts_.find(user_id);
  if (it == accounts_.end()) return {};
  it->second.book.advance(clock_());
  return it->second.book.order_book();
}

KiteSim::Account* KiteSim::authenticate(const net::HttpRequest& r) {
  const std::string expected_prefix = "token " + config_.api_key + ":";
  const std::string_view auth = header(r, "authorization");
  if (auth.substr(0, expected_prefix.size()) != expected_prefix) return nullptr;
  const std::string_view token = auth.substr(expected_prefix.size());
  for (auto& [id, a] : accounts_) {
    if (a.config.access_token == token && !a.expired) return &a;
  }
  return nullptr;
}

ServerReply KiteSim::handle(const net::HttpRequest& r) {
  ++requests_;
  ServerReply reply = [&]() -> ServerReply {
    if (header(r, "x-kite-version") != "3") {
      return error(400, "InputException", "X-Kite-Version header missing or not 3");
    }
    Account* account = authenticate(r);
    if (account == nullptr) {
      return error(403, "TokenException", "Incorrect `api_key` or `access_token`.");
    }
    const std::string path = r.target.substr(0, r.target.find('?'));
    using boost::beast::http::verb;
    if (r.method == verb::get && path == "/orders") {
      account->book.advance(clock_());
      return ok(kite::orders_body(account->book.order_book()));
    }
    if (r.method == verb::get && (path == "/user/margins" || path == "/user/margins/equity")) {
      return ok(kite::margins_body(Funds{account->config.funds_paise}));
    }
    if (path.rfind("/orders/", 0) == 0) {
      ServerReply reply = order_call(*account, r, path);
      publish(*account);
      return reply;
    }
    return error(404, "GeneralException", "Route not found");
  }();
  reply.delay = latency_;
  return reply;
}

ServerReply KiteSim::order_call(Account& a, const net::HttpRequest& r, const std::string& path) {
  const d::TimeNs now = clock_();
  const int64_t second = now / 1'000'000'000;
  if (second != a.second) {
    a.second = second;
    a.orders_this_second = 0;
  }
  if (++a.orders_this_second > config_.orders_per_second) {
    ++rate_limited_;
    return error(429, "NetworkException", "Too many requests");
  }
  // /orders/{variety} or /orders/{variety}/{order_id}
  const std::string rest = path.substr(8);
  const size_t slash = rest.find('/');
  const std::string variety = rest.substr(0, slash);
  const d::BrokerOrderId id{slash == std::string::npos ? "" : rest.substr(slash + 1)};
  if (variety != "regular") return error(400, "InputException", "Unsupported variety " + variety);
  using boost::beast::http::verb;
  if (r.method == verb::post && id.empty()) {
    auto form = kite::parse_order_form(r.body, false);
    if (!form.ok()) return error(400, "InputException", form.status().message());
    const auto type = form->order.order_type;
    const bool needs_protection =
        type == d::OrderType::market || type == d::OrderType::stop_loss_market;
    if (needs_protection && form->market_protection.value_or(0) == 0) {
      return error(400, "InputException",
                   "market_protection is required for MARKET and SL-M orders");
    }
    auto placed = a.book.place(form->order, form->tag, now);
    if (!placed.ok()) return error(400, "OrderException", placed.status().message());
    a.book.advance(now);
    return ok(kite::order_id_body(placed->order_id));
  }
  if (r.method == verb::put && !id.empty()) {
    auto form = kite::parse_order_form(r.body, true);
    if (!form.ok()) return error(400, "InputException", form.status().message());
    auto modified = a.book.modify(id, form->order, now);
    if (!modified.ok()) return error(400, "OrderException", modified.status().message());
    a.book.advance(now);
    return ok(kite::order_id_body(id));
  }
  if (r.method == verb::delete_ && !id.empty()) {
    auto cancelled = a.book.cancel(id, now);
    if (!cancelled.ok()) return error(400, "OrderException", cancelled.status().message());
    return ok(kite::order_id_body(id));
  }
  return error(405, "InputException", "Method not allowed");
}

}  // namespace tandem::brokers::sim
