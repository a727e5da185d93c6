// Kite's order updates over its WebSocket (brokers.md §1.10): the broker-neutral stream
// (net/order_stream.h) in Kite's dialect — the api key and access token in the handshake's
// query, order updates as text frames of type "order" among the binary ticks, Kite's own
// heartbeats as the liveness signal, and the gap fill from GET /orders. The same socket
// carries market data: watch() subscribes instruments in ltp mode (again after every
// reconnect) and hands their binary ticks over.
// The socket URL carries the access token: it is never logged. Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <set>
#include <vector>

#include "brokers/kite/rest_session.h"
#include "brokers/kite/ticks.h"
#include "brokers/order_stream.h"

namespace tandem::brokers::kite {

using brokers::StreamOptions;

class OrderStream {
 public:
  using OnOrder = brokers::OrderStream::OnOrder;
  using OnConnection = brokers::OrderStream::OnConnection;

  OrderStream(boost::asio::any_io_executor executor,
              std::shared_ptr<net::MessageSocketConnector> sockets, Credentials credentials,
              RestSession& rest, StreamOptions options, OnOrder on_order,
              OnConnection on_connection);

  using OnTicks = std::function<void(const std::vector<Tick>& ticks)>;

  void start() { stream_.start(); }
  // Adds instruments to the market-data subscription; every tick of any goes to on_ticks
  // (the last one given). Malformed binary messages are dropped.
  void watch(const std::vector<uint32_t>& tokens, OnTicks on_ticks);
  void stop() { stream_.stop(); }
  // Used from the next connect on (after `tandem login kite`).
  void set_access_token(std::string token) { credentials_->access_token = std::move(token); }
  int connects() const { return stream_.connects(); }

 private:
  struct Ticker {
    std::set<uint32_t> tokens;
    OnTicks on_ticks;
  };
  std::shared_ptr<Credentials> credentials_;  // read by the dialect at each connect
  std::shared_ptr<Ticker> ticker_;            // read by the dialect: subscriptions, ticks
  brokers::OrderStream stream_;
};

}  // namespace tandem::brokers::kite
