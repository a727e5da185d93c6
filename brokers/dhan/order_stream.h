// Dhan's live order updates (wss://api-order-update.dhan.co, brokers.md §2.10): the
// broker-neutral stream (net/order_stream.h) in Dhan's dialect — connect, send the login
// message (MsgCode 42, client id and token), read `order_alert` messages with their
// PascalCase fields and short codes; Dhan documents no heartbeat, so WebSocket pings prove
// liveness; the gap fill after every (re)connect comes from GET /orders. The login message
// carries the access token: it is never logged. Thread-safety: one strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "brokers/dhan/rest_session.h"
#include "brokers/order_stream.h"

namespace tandem::brokers::dhan {

class OrderStream {
 public:
  using OnOrder = brokers::OrderStream::OnOrder;
  using OnConnection = brokers::OrderStream::OnConnection;

  OrderStream(boost::asio::any_io_executor executor,
              std::shared_ptr<net::MessageSocketConnector> sockets, Credentials credentials,
              RestSession& rest, brokers::StreamOptions options, OnOrder on_order,
              OnConnection on_connection);

  void start() { stream_.start(); }
  void stop() { stream_.stop(); }
  void set_access_token(std::string token) { credentials_->access_token = std::move(token); }
  int connects() const { return stream_.connects(); }

 private:
  std::shared_ptr<Credentials> credentials_;  // read by the dialect at each connect
  brokers::OrderStream stream_;
};

}  // namespace tandem::brokers::dhan
