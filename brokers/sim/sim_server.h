// The broker simulator as a running server: the Kite dialect behind HTTPS and WebSocket on
// one port, with its own CA (written out so clients can trust it), and a scripted leader
// day played against it. What `tandem sim` runs, and what `tandem demo` runs in-process.
// Thread-safety: everything runs on the executor given.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "brokers/sim/kite_sim.h"
#include "brokers/sim/leader_script.h"
#include "net/https_server.h"
#include "net/tls_identity.h"

namespace tandem::brokers::sim {

class SimServer {
 public:
  // Makes the TLS identity (a fresh CA and a certificate for localhost and 127.0.0.1).
  static Result<std::unique_ptr<SimServer>> create(boost::asio::any_io_executor executor,
                                                   KiteSimConfig config, KiteSim::Clock clock);

  Result<uint16_t> listen(const std::string& address, uint16_t port);
  void stop();

  KiteSim& kite() { return kite_; }
  const std::string& ca_pem() const { return identity_.ca_pem; }

  // Plays the script: step times are taken relative to the first step and divided by
  // `speed`. A step the simulator refuses is reported through `report` and skipped.
  using Report = std::function<void(const ScriptStep& step, const Status& outcome)>;
  boost::asio::awaitable<void> play(std::vector<ScriptStep> script, double speed, Report report);

 private:
  SimServer(boost::asio::any_io_executor executor, KiteSimConfig config, KiteSim::Clock clock,
            net::TlsIdentity identity);
  Status apply(const ScriptStep& step);

  boost::asio::any_io_executor executor_;
  KiteSim kite_;
  net::TlsIdentity identity_;
  net::HttpsServer server_;
  std::map<std::string, domain::BrokerOrderId> named_;  // "account/name" -> order id
};

}  // namespace tandem::brokers::sim
