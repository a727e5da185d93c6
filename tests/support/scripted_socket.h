// The simulated shell's order-stream sockets: message sockets (net/message_socket.h) whose
// far end is the broker simulator's own socket handler (KiteSim::on_websocket, or
// on_dhan_websocket) in this process, with no socket, no TLS, no thread and no clock. They
// fail at the points a real WebSocket fails, counted by the same FaultPlan as the scripted
// HTTPS connections of the same broker (scripted_stream.h), so one seed or one n drives
// both the stream and its gap fill:
//   connect, handshake  the connect fails; nothing reaches the broker;
//   socket_write        a message written (Dhan's login, Kite's subscriptions, a later
//                       send) breaks the socket; the broker never has it;
//   socket_read         the socket breaks with a message on its way: that message is lost;
//   silence             nothing arrives within the liveness timeout: the read times out,
//                       as Beast's idle timeout ends it.
// A socket the broker's handler refuses fails its handshake (HTTP 403), as live.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

#include "net/message_socket.h"
#include "tests/support/scripted_stream.h"

namespace tandem::testing {

class ScriptedSocketConnector final : public net::MessageSocketConnector {
 public:
  // `broker->on_socket` takes each new connection; `broker->faults` fails them.
  ScriptedSocketConnector(boost::asio::any_io_executor executor,
                          std::shared_ptr<ScriptedBroker> broker)
      : executor_(std::move(executor)), broker_(std::move(broker)) {}

  boost::asio::awaitable<Result<std::unique_ptr<net::MessageSocket>>> connect(
      std::string what, std::string path, net::Liveness liveness) override;
  const std::string& host() const override { return broker_->host; }

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<ScriptedBroker> broker_;
};

}  // namespace tandem::testing
