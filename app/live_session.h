// Everything `tandem run` and `tandem demo` start around the engine: the broker threads with
// one gateway per account (Kite or Dhan over HTTPS, or paper) spread over them, the journal,
// and the engine itself, wired from a TandemConfig. Followers get paper accounts unless `live` is
// set — which the caller sets only when the config says mode = "live" and the command line says
// --live. Credentials come from a lookup (the secrets file), never from the config.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "brokers/gateway.h"
#include "brokers/leader_feed.h"
#include "config/tandem_config.h"
#include "engine/broker_threads.h"
#include "engine/engine.h"
#include "fleet/marks.h"
#include "journal/store.h"

namespace tandem::app {

struct SessionOptions {
  bool live = false;
  std::string version;
  std::function<domain::TimeNs()> clock;
  // kite.<account>.api_key / .access_token → the value, or nullopt.
  std::function<std::optional<std::string>(const std::string& name)> secret;
  // A fleet shard (docs/fleet.md): every leader's updates from its tap's stream on this NATS
  // cluster, read by a durable consumer named for `shard`; empty: from the brokers' sockets.
  std::vector<std::string> leader_feed;
  std::string shard;
};

class LiveSession {
 public:
  // Opens (or creates) the journal and connects every account; errors name the account.
  static Result<std::unique_ptr<LiveSession>> open(const config::TandemConfig& config,
                                                   SessionOptions options);
  ~LiveSession();

  engine::Engine& engine() { return *engine_; }
  journal::Store& store() { return *store_; }
  // Start the engine (restore, configure, reconcile) and run it until a stop.
  // `on_started` runs once EngineStarted is journaled, before the first leader event.
  Status run(const std::function<void()>& on_started = {});

  // The morning's new tokens without a restart (tandem run on SIGHUP): every broker account
  // whose access token in `secret` differs from the one it has is given it, on its own
  // thread; an account its broker had stopped calls again. Returns those accounts' ids.
  // From one thread at a time, while the session lives.
  std::vector<std::string> reload_tokens(
      const std::function<std::optional<std::string>(const std::string& name)>& secret);

 private:
  boost::asio::awaitable<Status> build_gateways(
      const config::TandemConfig& config, const SessionOptions& options,
      const std::vector<const config::FollowerConfig*>& real_followers,
      std::vector<brokers::Gateway*>& leaders, engine::Engine::Followers& followers);

  explicit LiveSession(int broker_threads) : threads_(broker_threads) {}
  // Where the next account made goes: accounts are spread over the threads in turn.
  boost::asio::io_context& next_thread() { return threads_.for_account(accounts_++); }

  engine::BrokerThreads threads_;
  size_t accounts_ = 0;
  std::unique_ptr<journal::Store> store_;
  std::vector<std::unique_ptr<brokers::Gateway>> gateways_;  // [0] is the leader
  std::vector<std::unique_ptr<brokers::LeaderFeed>> feeds_;  // a shard's, one per leader
  std::unique_ptr<engine::Engine> engine_;
  // A shard's: each leader's marks from its tap, into the engine (gone before it).
  std::vector<std::unique_ptr<fleet::MarksFeed>> marks_;
  // Each broker account's gateway, the secret its token is stored under, and the token.
  struct TokenSlot {
    brokers::Gateway* gateway = nullptr;
    std::string account;
    std::string secret;
    std::string token;
  };
  std::vector<TokenSlot> tokens_;
  void keep_token(brokers::Gateway& gateway, const std::string& account, domain::Broker broker,
                  const SessionOptions& options);
};

}  // namespace tandem::app
