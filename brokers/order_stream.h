// A broker's order updates over a WebSocket, kept alive (brokers.md §1.10, §2.10). The
// broker's dialect says where to connect, what to send first (Dhan's login message) and how
// to read a text message; the sockets come from a connector (net/message_socket.h: verified
// TLS live, scripted in the simulated shell); the rest is the same for every broker: silence longer
// than the liveness timeout, or any error, closes the socket and a new one is opened after an
// exponential backoff with seeded jitter (bounded attempts). After every (re)connect the
// order book is fetched over REST and every order whose state was not seen yet is emitted,
// marked recovered: the gap fill. An order state is emitted exactly once however often it
// arrives (socket, gap fill, or both). Credentials in the path or the login message are
// never logged. Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "brokers/broker_types.h"
#include "net/message_socket.h"

namespace tandem::brokers {

struct StreamOptions {
  std::chrono::milliseconds liveness_timeout{5000};  // as gokiteconnect: 5 s without a message
  std::chrono::milliseconds backoff_first{250};
  std::chrono::milliseconds backoff_max{30000};
  int max_attempts = 1000;  // consecutive failed connects before the stream gives up
  uint64_t jitter_seed = 1;
};

struct StreamDialect {
  std::string name;                                   // "kite order stream", for messages
  std::function<std::string()> path;                  // the handshake's target
  std::function<std::optional<std::string>()> login;  // a first text message, if any
  // A text message: the order it carries, nullopt for anything else (or malformed: the next
  // gap fill repairs what it carried).
  std::function<std::optional<BrokerOrder>(std::string_view text)> read_text;
  std::function<boost::asio::awaitable<Result<std::vector<BrokerOrder>>>()> order_book;
  // Text messages sent after every (re)connect, after the login (Kite's market-data
  // subscriptions); none when unset.
  std::function<std::vector<std::string>()> after_connect;
  // A binary message (Kite's ticks); dropped when unset.
  std::function<void(std::span<const uint8_t> bytes)> read_binary;
  // Kite sends heartbeats that prove liveness; Dhan documents none, so WebSocket pings do.
  bool broker_heartbeats = true;
};

class OrderStream {
 public:
  using OnOrder = std::function<void(const BrokerOrder& order, bool recovered)>;
  using OnConnection = std::function<void(bool connected, const Status& why)>;

  OrderStream(boost::asio::any_io_executor executor,
              std::shared_ptr<net::MessageSocketConnector> connector, StreamOptions options,
              StreamDialect dialect, OnOrder on_order, OnConnection on_connection);
  ~OrderStream();

  void start();
  void stop();
  int connects() const { return connects_; }
  // Sends a text message on the socket, after those queued before it: now if it is
  // connected, else once it is (after the after_connect messages).
  void send_text(std::string text);

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<Status> connect_and_read();
  void write_outbox();
  boost::asio::awaitable<void> write_queued(std::shared_ptr<net::MessageSocket> socket);
  void on_message(const net::SocketMessage& message);
  void emit(const BrokerOrder& order, bool recovered);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<net::MessageSocketConnector> connector_;
  StreamOptions options_;
  StreamDialect dialect_;
  OnOrder on_order_;
  OnConnection on_connection_;
  std::shared_ptr<net::MessageSocket> socket_;
  bool connected_ = false;                        // socket_ is past its handshake and login
  std::deque<std::string> outbox_;                // send_text() messages not yet written
  bool writing_ = false;                          // write_queued() is draining outbox_
  boost::asio::steady_timer* backoff_ = nullptr;  // the pending backoff wait, for stop()
  bool stopped_ = false;
  int connects_ = 0;
  uint64_t rng_;
  // The last state emitted per order: status, filled, quantity, price, trigger, average.
  std::map<domain::BrokerOrderId,
           std::tuple<domain::OrderStatus, int64_t, int64_t, int64_t, int64_t, int64_t>>
      seen_;
};

}  // namespace tandem::brokers
