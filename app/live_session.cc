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
  // Dhan followers are made once the leader's instruments are known (their security ids are
  // matched to the leader's contracts), on the broker thread below.
  std::vector<const config::FollowerConfig*> dhan_followers;
  for (const auto& f : config.followers) {
    d::FollowerSettings settings = f.settings;
    std::unique_ptr<brokers::Gateway> g;
    if (settings.broker == d::Broker::dhan && options.live) {
      if (!options.secret("dhan." + settings.account.value + ".access_token")) {
        return Status(StatusCode::unauthenticated,
                      "dhan account " + settings.account.value +
                          ": no access_token in the secrets file (tandem login dhan --account " +
                          settings.account.value + ")");
      }
      dhan_followers.push_back(&f);
      setup.followers.push_back(settings);
      continue;
    }
    if (options.live && settings.broker == d::Broker::kite) {
      auto k = make_kite_gateway(s->broker_io_, settings.account.value, f.connection,
                                 options.secret, options.clock);
      if (!k.ok()) return k.status();
      g = std::move(k).value();
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
  Status dhan_status;
  asio::co_spawn(
      s->broker_io_,
      [&]() -> asio::awaitable<void> {
        for (auto& g : s->gateways_) {
          (void)co_await g->warm();
        }
        if (!dhan_followers.empty()) {
          auto instruments = co_await s->gateways_.front()->instruments();
          if (!instruments.ok()) dhan_status = instruments.status();
          for (const config::FollowerConfig* f : dhan_followers) {
            if (!dhan_status.ok()) break;
            const std::string& account = f->settings.account.value;
            auto securities =
                co_await load_dhan_securities(s->broker_io_, f->connection, *instruments);
            if (!securities.ok()) {
              dhan_status = Status(securities.status().code(), "dhan account " + account + ": " +
                                                                   securities.status().message());
              break;
            }
            auto g = make_dhan_gateway(s->broker_io_, account, f->connection, options.secret,
                                       options.clock, std::move(securities).value());
            if (!g.ok()) {
              dhan_status = g.status();
              break;
            }
            (void)co_await (*g)->warm();
            followers[f->settings.follower] = g->get();
            s->gateways_.push_back(std::move(g).value());
          }
        }
        warmed.set_value();
      },
      asio::detached);
  warmed.get_future().wait();
  if (!dhan_status.ok()) return dhan_status;
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
