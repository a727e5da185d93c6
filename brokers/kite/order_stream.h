// Kite's order updates over its WebSocket (brokers.md §1.10), kept alive: text frames of
// type "order" become BrokerOrders; binary frames (ticks, 1-byte heartbeats) count only as
// signs of life. Silence longer than the liveness timeout, or any error, closes the socket
// and a new one is opened after an exponential backoff with seeded jitter (bounded
// attempts). After every (re)connect the order book is fetched over REST and every order
// whose state was not seen yet is emitted, marked recovered: the gap fill. An order state
// is emitted exactly once however often it arrives (socket, gap fill, or both).
// The socket URL carries the access token: it is never logged. Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <tuple>

#include "brokers/kite/rest_session.h"
#include "brokers/net/https_client.h"

namespace tandem::brokers::kite {

struct StreamOptions {
  std::chrono::milliseconds liveness_timeout{5000};  // as gokiteconnect: 5 s without a message
  std::chrono::milliseconds backoff_first{250};
  std::chrono::milliseconds backoff_max{30000};
  int max_attempts = 1000;  // consecutive failed connects before the stream gives up
  uint64_t jitter_seed = 1;
};

class OrderStream {
 public:
  using OnOrder = std::function<void(const BrokerOrder& order, bool recovered)>;
  using OnConnection = std::function<void(bool connected, const Status& why)>;

  OrderStream(boost::asio::any_io_executor executor, net::HttpsTarget target,
              Credentials credentials, RestSession& rest, StreamOptions options, OnOrder on_order,
              OnConnection on_connection);
  ~OrderStream();

  void start();
  void stop();
  // Used from the next connect on (after `tandem login kite`).
  void set_access_token(std::string token) { credentials_.access_token = std::move(token); }
  int connects() const { return connects_; }

 private:
  struct Socket;
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<Status> connect_and_read();
  void emit(const BrokerOrder& order, bool recovered);

  boost::asio::any_io_executor executor_;
  net::HttpsTarget target_;
  Credentials credentials_;
  RestSession& rest_;
  StreamOptions options_;
  OnOrder on_order_;
  OnConnection on_connection_;
  std::shared_ptr<Socket> socket_;
  boost::asio::steady_timer* backoff_ = nullptr;  // the pending backoff wait, for stop()
  bool stopped_ = false;
  int connects_ = 0;
  uint64_t rng_;
  // The last state emitted per order: status, filled, quantity, price, trigger, average.
  std::map<domain::BrokerOrderId,
           std::tuple<domain::OrderStatus, int64_t, int64_t, int64_t, int64_t, int64_t>>
      seen_;
};

}  // namespace tandem::brokers::kite
