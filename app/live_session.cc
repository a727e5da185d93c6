#include "app/live_session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <future>

#include "app/gateway_factory.h"
#include "app/text_file.h"
#include "brokers/paper/paper_gateway.h"
#include "domain/calendar/market_calendar.h"

namespace tandem::app {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

Result<std::unique_ptr<LiveSession>> LiveSession::open(const config::TandemConfig& config,
                                                       SessionOptions options) {
  std::unique_ptr<LiveSession> s(new LiveSession());
  std::vector<d::TradingDay> holidays;
  if (!config.holidays_file.empty()) {
    auto text = read_text(config.holidays_file, "holidays");
    if (!text.ok()) return text.status();
    auto parsed = d::parse_holidays(*text);
    if (!parsed.ok())
      return Status::invalid_argument(config.holidays_file + ": " + parsed.status().message());
    holidays.assign(parsed->begin(), parsed->end());
  }
  auto leader = make_kite_gateway(s->broker_io_, config.leader.account, config.leader.connection,
                                  options.secret, options.clock);
  if (!leader.ok()) return leader.status();
  s->gateways_.push_back(std::move(leader).value());

  engine::EngineSetup setup;
  setup.leader = {config.leader.account};
  setup.leader_broker = config.leader.broker;
  setup.holidays = holidays;
  setup.version = options.version;
  setup.config_hash = config.hash;
  engine::Engine::Followers followers;
  for (const auto& f : config.followers) {
    d::FollowerSettings settings = f.settings;
    std::unique_ptr<brokers::Gateway> g;
    if (options.live && settings.broker == d::Broker::kite) {
      auto k = make_kite_gateway(s->broker_io_, settings.account.value, f.connection,
                                 options.secret, options.clock);
      if (!k.ok()) return k.status();
      g = std::move(k).value();
    } else if (settings.broker == d::Broker::dhan && options.live) {
      return Status::invalid_argument("follower " + settings.follower.value +
                                      ": Dhan accounts are not supported yet");
    } else {
      brokers::PaperAccount paper;
      paper.funds.available_paise = f.paper_capital_paise;
      paper.fills.slippage_bp = f.paper_slippage_bp;
      g = std::make_unique<brokers::PaperGateway>(s->broker_io_.get_executor(), paper,
                                                  options.clock);
      settings.broker = d::Broker::paper;  // journaled as what it really is
    }
    followers[settings.follower] = g.get();
    s->gateways_.push_back(std::move(g));
    setup.followers.push_back(settings);
  }

  journal::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto store = journal::Store::open(config.journal, store_options);
  if (!store.ok()) return store.status();
  s->store_ = std::move(store).value();

  s->work_.emplace(s->broker_io_.get_executor());
  s->broker_thread_ = std::thread([io = &s->broker_io_] { io->run(); });
  // Warm every gateway before the engine starts: a copy never pays for a handshake.
  std::promise<void> warmed;
  asio::co_spawn(
      s->broker_io_,
      [&]() -> asio::awaitable<void> {
        for (auto& g : s->gateways_) {
          (void)co_await g->warm();
        }
        warmed.set_value();
      },
      asio::detached);
  warmed.get_future().wait();
  s->engine_ = std::make_unique<engine::Engine>(*s->store_, setup, *s->gateways_.front(), followers,
                                                s->broker_io_.get_executor(), options.clock);
  return s;
}

Status LiveSession::run() {
  Status started = engine_->start();
  Status ran = started.ok() ? engine_->run() : started;
  return ran;
}

LiveSession::~LiveSession() {
  if (broker_thread_.joinable()) {
    std::promise<void> stopped;
    asio::post(broker_io_, [&] {
      for (auto& g : gateways_) g->stop();
      stopped.set_value();
    });
    stopped.get_future().wait();
    work_.reset();
    broker_io_.stop();
    broker_thread_.join();
  }
}

}  // namespace tandem::app
