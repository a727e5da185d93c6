// Everything `tandem run` and `tandem demo` start around the engine: the broker thread with
// one gateway per account (Kite or Dhan over HTTPS, or paper), the journal, and the engine itself,
// wired from a TandemConfig. Followers get paper accounts unless `live` is set — which the
// caller sets only when the config says mode = "live" and the command line says --live.
// Credentials come from a lookup (the secrets file), never from the config.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "brokers/gateway.h"
#include "config/tandem_config.h"
#include "engine/engine.h"
#include "journal/store.h"

namespace tandem::app {

struct SessionOptions {
  bool live = false;
  std::string version;
  std::function<domain::TimeNs()> clock;
  // kite.<account>.api_key / .access_token → the value, or nullopt.
  std::function<std::optional<std::string>(const std::string& name)> secret;
};

class LiveSession {
 public:
  // Opens (or creates) the journal and connects every account; errors name the account.
  static Result<std::unique_ptr<LiveSession>> open(const config::TandemConfig& config,
                                                   SessionOptions options);
  ~LiveSession();

  engine::Engine& engine() { return *engine_; }
  journal::Store& store() { return *store_; }
  boost::asio::io_context& broker_io() { return broker_io_; }
  // Start the engine (restore, configure, reconcile), run it until a stop, then shut the
  // broker thread down.
  Status run();

 private:
  LiveSession() = default;
  boost::asio::awaitable<Status> build_gateways(
      const config::TandemConfig& config, const SessionOptions& options,
      const std::vector<const config::FollowerConfig*>& real_followers,
      engine::Engine::Followers& followers);

  boost::asio::io_context broker_io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread broker_thread_;
  std::unique_ptr<journal::Store> store_;
  std::vector<std::unique_ptr<brokers::Gateway>> gateways_;  // [0] is the leader
  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace tandem::app
