#include "bench/sim_broker.h"

#include "engine/run_on.h"

namespace tandem::bench {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

d::TimeNs market_clock() {
  static const auto start = Steady::now();
  return 1'795'149'000'000'000'000 +
         std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - start).count();
}

d::LeaderConfigured bench_leader() { return {{"LEADER"}, d::Broker::kite, {}, {}}; }

d::InstrumentKey bench_instrument() { return {d::Exchange::nse, "INFY"}; }

d::OrderTerms one_share_market_order() {
  d::OrderTerms order;
  order.instrument = bench_instrument();
  order.order_type = d::OrderType::market;
  order.product = d::Product::intraday;
  order.quantity_units = 1;
  return order;
}

namespace {

brokers::sim::KiteSimConfig config_for(const std::vector<std::string>& users,
                                       std::chrono::milliseconds latency) {
  brokers::sim::KiteSimConfig config;
  config.api_key = "e2e";
  brokers::sim::Faults faults;
  faults.latency = latency;
  faults.orders_per_second = 1000;
  for (const std::string& user : users) {
    brokers::sim::SimAccount a;
    a.user_id = user;
    a.access_token = SimBroker::token_of(user);
    a.funds_paise = 1'000'000'000'00;
    a.faults = faults;
    config.accounts.push_back(std::move(a));
  }
  d::Instrument infy;
  infy.key = bench_instrument();
  infy.underlying = "INFY";
  config.instruments = {infy};
  return config;
}

}  // namespace

SimBroker::SimBroker(const std::vector<std::string>& users, std::chrono::milliseconds latency)
    : identity_(*net::make_tls_identity({"localhost"})),
      kite_(config_for(users, latency), market_clock),
      work_(asio::make_work_guard(io_)) {
  kite_.set_price(bench_instrument(), 1500'00);
  server_ = std::make_unique<net::HttpsServer>(io_.get_executor(), identity_,
                                               [this](const net::HttpRequest& r) {
                                                 if (r.method == boost::beast::http::verb::post) {
                                                   std::lock_guard lock(mu_);
                                                   arrivals_.push_back(Steady::now());
                                                 }
                                                 return kite_.handle(r);
                                               });
  server_->on_websocket(
      [this](const net::HttpRequest& r, std::shared_ptr<net::WsConnection> c) {
        return kite_.on_websocket(r, std::move(c));
      },
      std::chrono::milliseconds(1000));
  port_ = *server_->listen("127.0.0.1", 0);
  thread_ = std::thread([this] { io_.run(); });
}

SimBroker::~SimBroker() {
  server_->stop();
  work_.reset();
  io_.stop();
  thread_.join();
}

std::optional<Steady::time_point> SimBroker::place_as_owner(const std::string& user,
                                                            const d::OrderTerms& order) {
  std::optional<Steady::time_point> pushed;
  engine::call_on(io_.get_executor(),
                  [&] {
                    const auto at = Steady::now();
                    if (kite_.place_as_owner(user, order).ok()) pushed = at;
                  },
                  {});
  return pushed;
}

std::vector<Steady::time_point> SimBroker::take_arrivals() {
  std::lock_guard lock(mu_);
  return std::exchange(arrivals_, {});
}

size_t SimBroker::arrivals_waiting() {
  std::lock_guard lock(mu_);
  return arrivals_.size();
}

}  // namespace tandem::bench
