// The benches' broker: the Kite simulator on loopback TLS, on a thread of its own, with a
// Kite account per user (ample funds, the same latency each) and INFY at ₹1,500. It notes the
// moment each order placement (a POST) is read, so that a bench can say when the last
// follower order of a leader update reached the broker.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "brokers/sim/kite_sim.h"
#include "domain/events.h"
#include "net/https_server.h"
#include "net/tls_identity.h"

namespace tandem::bench {

using Steady = std::chrono::steady_clock;

// Market time: 10:00 IST on Friday 2026-11-20 when the process started, then real time.
domain::TimeNs market_clock();

// The benches' leader: "LEADER" on Kite, the one leader, so with no name.
domain::LeaderConfigured bench_leader();
// The one instrument the benches trade.
domain::InstrumentKey bench_instrument();
// A market intraday order for one INFY.
domain::OrderTerms one_share_market_order();

class SimBroker {
 public:
  SimBroker(const std::vector<std::string>& users, std::chrono::milliseconds latency);
  ~SimBroker();
  SimBroker(const SimBroker&) = delete;
  SimBroker& operator=(const SimBroker&) = delete;

  uint16_t port() const { return port_; }
  const std::string& ca_pem() const { return identity_.ca_pem; }
  // The user's access token (its api key is "e2e").
  static std::string token_of(const std::string& user) { return "t" + user; }

  // Places `order` as `user` would at the broker's own terminal, on the simulator's thread;
  // the moment the simulator pushed the update to the user's stream, or nullopt if refused.
  std::optional<Steady::time_point> place_as_owner(const std::string& user,
                                                   const domain::OrderTerms& order);
  // The moments order placements were read since the last call.
  std::vector<Steady::time_point> take_arrivals();
  size_t arrivals_waiting();

 private:
  boost::asio::io_context io_;
  net::TlsIdentity identity_;
  brokers::sim::KiteSim kite_;
  std::unique_ptr<net::HttpsServer> server_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<Steady::time_point> arrivals_;  // GUARDED_BY(mu_)
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace tandem::bench
