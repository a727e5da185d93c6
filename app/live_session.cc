#include "app/live_session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <future>

#include "app/freeze_data.h"
#include "app/gateway_factory.h"
#include "app/text_file.h"
#include "brokers/await_on.h"
#include "brokers/paper/paper_gateway.h"
#include "brokers/renamed_gateway.h"
#include "domain/base/assert.h"
#include "domain/calendar/market_calendar.h"
#include "domain/instruments/freeze_limits.h"
#include "fleet/feed.h"

namespace tandem::app {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

namespace {

// A gateway's calls run on its own thread, wherever the caller is.
asio::awaitable<Status> warm(brokers::Gateway& g) {
  return brokers::await_on<Status>(g.executor(), [&g] { return g.warm(); });
}

asio::awaitable<Result<std::vector<d::Instrument>>> instruments_of(brokers::Gateway& g) {
  return brokers::await_on<Result<std::vector<d::Instrument>>>(g.executor(),
                                                               [&g] { return g.instruments(); });
}

}  // namespace

Result<std::unique_ptr<LiveSession>> LiveSession::open(const config::TandemConfig& config,
                                                       SessionOptions options) {
  std::unique_ptr<LiveSession> s(new LiveSession(config.broker_threads));
  std::vector<d::TradingDay> holidays;
  if (!config.holidays_file.empty()) {
    auto text = read_text(config.holidays_file, "holidays");
    if (!text.ok()) return text.status();
    auto parsed = d::parse_holidays(*text);
    if (!parsed.ok())
      return Status::invalid_argument(config.holidays_file + ": " + parsed.status().message());
    holidays.assign(parsed->begin(), parsed->end());
  }
  // Credentials first, so that a missing one is reported before anything connects.
  auto has_token = [&](d::Broker broker, const std::string& account) -> Status {
    if (broker == d::Broker::dhan && !options.secret("dhan." + account + ".access_token")) {
      return Status(StatusCode::unauthenticated,
                    "dhan account " + account +
                        ": no access_token in the secrets file (tandem login dhan --account " +
                        account + ")");
    }
    return Status();
  };
  engine::EngineSetup setup;
  for (const config::LeaderConfig& lead : config.leaders) {
    TANDEM_RETURN_IF_ERROR(has_token(lead.broker, lead.account));
    setup.leaders.push_back({{lead.account}, lead.broker, {lead.name}, lead.tag_code});
  }
  setup.holidays = holidays;
  auto freeze = d::parse_freeze_limits(embedded_text(freeze_data::kFreezeQuantities));
  TANDEM_ASSERT(freeze.ok(), freeze.status().message());  // shipped in the binary, tested
  setup.freeze_limits = std::move(*freeze);
  setup.version = options.version;
  setup.live = options.live;
  setup.config_hash = config.hash;
  setup.max_queue = std::chrono::milliseconds(config.max_queue_ms);
  engine::Engine::Followers followers;
  // Accounts on a real broker are made on the broker thread below, once the leader's
  // instruments are known: a Dhan follower's security ids, and a follower whose broker names
  // contracts otherwise than the leader's, are matched to the leader's contracts.
  // An account following several leaders has one share per leader and one gateway, shared.
  std::vector<const config::FollowerConfig*> real_followers;
  std::vector<std::unique_ptr<brokers::Gateway>> paper;
  std::map<d::AccountId, brokers::Gateway*> paper_of_account;
  for (const auto& f : config.followers) {
    d::FollowerSettings settings = f.settings;
    if (options.live && settings.broker != d::Broker::paper) {
      TANDEM_RETURN_IF_ERROR(has_token(settings.broker, settings.account.value));
      real_followers.push_back(&f);
      setup.followers.push_back(settings);
      continue;
    }
    settings.broker = d::Broker::paper;  // journaled as what it really is
    setup.followers.push_back(settings);
    if (const auto shared = paper_of_account.find(settings.account);
        shared != paper_of_account.end()) {
      followers[settings.follower] = shared->second;
      continue;
    }
    brokers::PaperAccount account;
    account.funds.available_paise = f.paper_capital_paise;
    account.fills.slippage_bp = f.paper_slippage_bp;
    auto g = std::make_unique<brokers::PaperGateway>(s->next_thread().get_executor(), account,
                                                     options.clock);
    followers[settings.follower] = g.get();
    paper_of_account[settings.account] = g.get();
    paper.push_back(std::move(g));
  }

  journal::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto store = journal::Store::open(config.journal, store_options);
  if (!store.ok()) return store.status();
  s->store_ = std::move(store).value();

  // Warm every gateway before the engine starts: a copy never pays for a handshake.
  std::promise<void> built;
  Status build_status;
  std::vector<brokers::Gateway*> leaders;
  asio::co_spawn(
      s->threads_.io(0),
      [&]() -> asio::awaitable<void> {
        build_status =
            co_await s->build_gateways(config, options, real_followers, leaders, followers);
        for (auto& g : paper) s->gateways_.push_back(std::move(g));
        built.set_value();
      },
      asio::detached);
  built.get_future().wait();
  if (!build_status.ok()) return build_status;
  s->engine_ = std::make_unique<engine::Engine>(*s->store_, setup, std::move(leaders), followers,
                                                options.clock);
  if (!options.leader_feed.empty()) {  // a shard: each leader from its tap's stream
    for (size_t k = 0; k < setup.leaders.size(); ++k) {
      auto feed = std::make_unique<fleet::StreamFeed>(
          fleet::FeedOptions{options.leader_feed, setup.leaders[k], options.shard});
      s->engine_->feed_leader(k, *feed);
      s->feeds_.push_back(std::move(feed));
      engine::Engine* engine = s->engine_.get();
      s->marks_.push_back(std::make_unique<fleet::MarksFeed>(
          options.leader_feed, setup.leaders[k],
          [engine](const std::vector<domain::InstrumentPrice>& p) { engine->prices_ticked(p); }));
    }
  }
  return s;
}

// On the first broker thread: the leaders, then every follower account on a real broker, each
// made for the thread it is given and warmed there. The first leader's broker names the
// instruments; a later leader or a follower on another broker is renamed at its border.
asio::awaitable<Status> LiveSession::build_gateways(
    const config::TandemConfig& config, const SessionOptions& options,
    const std::vector<const config::FollowerConfig*>& real_followers,
    std::vector<brokers::Gateway*>& leaders, engine::Engine::Followers& followers) {
  const d::Broker naming = config.leaders.front().broker;
  std::vector<d::Instrument> names;  // the first leader's instruments: the engine's names
  for (const config::LeaderConfig& lead : config.leaders) {
    auto made = co_await make_leader_gateway(next_thread(), threads_.io(0), lead, options.secret,
                                             options.clock);
    if (!made.ok()) co_return made.status();
    std::unique_ptr<brokers::Gateway> g = std::move(made).value();
    const bool first = leaders.empty();
    if (first && (!real_followers.empty() || config.leaders.size() > 1)) {
      auto instruments = co_await instruments_of(*g);
      if (!instruments.ok()) co_return instruments.status();
      names = std::move(instruments).value();
    }
    keep_token(*g, lead.account, lead.broker, options);
    if (!first && lead.broker != naming) {
      auto own = co_await instruments_of(*g);
      if (!own.ok()) co_return own.status();
      g = std::make_unique<brokers::RenamedGateway>(std::move(g),
                                                    brokers::contract_names(names, *own));
    }
    leaders.push_back(g.get());
    gateways_.push_back(std::move(g));
  }
  std::map<d::AccountId, brokers::Gateway*> of_account;  // an account's shares share one
  for (const config::FollowerConfig* f : real_followers) {
    const std::string& account = f->settings.account.value;
    if (const auto shared = of_account.find(f->settings.account); shared != of_account.end()) {
      followers[f->settings.follower] = shared->second;
      continue;
    }
    std::unique_ptr<brokers::Gateway> g;
    if (f->settings.broker == d::Broker::dhan) {
      auto securities = co_await load_dhan_securities(threads_.io(0), f->connection, names);
      if (!securities.ok()) {
        co_return Status(securities.status().code(),
                         "dhan account " + account + ": " + securities.status().message());
      }
      auto made = make_dhan_gateway(next_thread(), account, f->connection, options.secret,
                                    options.clock, std::move(securities).value());
      if (!made.ok()) co_return made.status();
      g = std::move(made).value();
      (void)co_await warm(*g);
    } else {
      auto made =
          make_kite_gateway(next_thread(), account, f->connection, options.secret, options.clock);
      if (!made.ok()) co_return made.status();
      g = std::move(made).value();
      (void)co_await warm(*g);
      if (naming != d::Broker::kite) {
        // Kite names contracts otherwise than the leader's broker: rename at the border.
        auto own = co_await instruments_of(*g);
        if (!own.ok()) co_return own.status();
        g = std::make_unique<brokers::RenamedGateway>(std::move(g),
                                                      brokers::contract_names(names, *own));
      }
    }
    followers[f->settings.follower] = g.get();
    of_account[f->settings.account] = g.get();
    keep_token(*g, account, f->settings.broker, options);
    gateways_.push_back(std::move(g));
  }
  co_return Status();
}

void LiveSession::keep_token(brokers::Gateway& gateway, const std::string& account,
                             d::Broker broker, const SessionOptions& options) {
  const std::string secret =
      std::string(broker == d::Broker::dhan ? "dhan." : "kite.") + account + ".access_token";
  tokens_.push_back({&gateway, account, secret, options.secret(secret).value_or("")});
}

std::vector<std::string> LiveSession::reload_tokens(
    const std::function<std::optional<std::string>(const std::string& name)>& secret) {
  std::vector<std::string> given;
  for (TokenSlot& slot : tokens_) {
    const std::optional<std::string> token = secret(slot.secret);
    if (!token || token->empty() || *token == slot.token) continue;
    slot.token = *token;
    boost::asio::post(slot.gateway->executor(), [gateway = slot.gateway, token = *token] {
      gateway->set_access_token(token);
    });
    given.push_back(slot.account);
  }
  return given;
}

Status LiveSession::run(const std::function<void()>& on_started) {
  if (Status started = engine_->start(); !started.ok()) return started;
  if (on_started) on_started();
  return engine_->run();
}

LiveSession::~LiveSession() {
  for (auto& g : gateways_) brokers::stop_and_wait(*g);  // before their threads end
  threads_.stop();
}

}  // namespace tandem::app
