// The benches' copier: the live engine with a Kite leader and N Kite followers on a
// SimBroker, each gateway with one warm connection, spread over broker threads as `tandem
// run` spreads them, and a RocksDB journal on disk in a scratch directory. With a feed, the
// leader's updates come from it (a fleet shard's), not from the leader's socket.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/sim_broker.h"
#include "brokers/kite/kite_gateway.h"
#include "engine/broker_threads.h"
#include "engine/engine.h"

namespace tandem::bench {

class CopierRig {
 public:
  // Followers "<prefix>0" … on `broker`; the leader is "LEADER" there too.
  CopierRig(const SimBroker& broker, const std::vector<std::string>& followers, int broker_threads,
            brokers::LeaderFeed* feed = nullptr);
  ~CopierRig();  // stops the engine, the gateways and their threads; removes the journal
  CopierRig(const CopierRig&) = delete;
  CopierRig& operator=(const CopierRig&) = delete;

  // Every gateway warm, the engine started and running, the leader's stream (or the feed)
  // connected and every follower stream given time to connect. False with a message on
  // stderr when something failed.
  bool start();
  // Stops the engine (its stats stay readable).
  void stop_engine();

  // The engine's send latencies of follower orders (ns) handled since the last call.
  std::vector<int64_t> take_send_latencies();
  int64_t acks() const { return acks_.load(); }
  engine::EngineStats stats() const { return engine_->stats(); }

  brokers::kite::KiteGateway& follower_gateway(size_t i) { return *followers_[i]; }
  boost::asio::io_context& leader_io() { return threads_.io(0); }

 private:
  std::unique_ptr<brokers::kite::KiteGateway> gateway(const std::string& user);

  const SimBroker& broker_;
  engine::BrokerThreads threads_;
  size_t accounts_ = 0;
  std::unique_ptr<brokers::kite::KiteGateway> leader_;
  std::vector<std::unique_ptr<brokers::kite::KiteGateway>> followers_;
  engine::EngineSetup setup_;
  engine::Engine::Followers engine_followers_;
  std::string dir_;
  std::unique_ptr<journal::Store> store_;
  brokers::LeaderFeed* feed_;
  std::unique_ptr<engine::Engine> engine_;
  std::thread engine_thread_;
  std::atomic<int64_t> acks_{0};
  std::mutex mu_;
  size_t sends_seen_ = 0;       // GUARDED_BY(mu_)
  std::vector<int64_t> sends_;  // GUARDED_BY(mu_): not yet taken
};

}  // namespace tandem::bench
