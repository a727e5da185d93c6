// Message sockets (message_socket.h) as the brokers serve them: WebSockets on verified TLS
// (tls_connect.h: SNI, peer and host-name checks), with Beast's liveness rule.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "net/https_client.h"
#include "net/message_socket.h"

namespace tandem::net {

// Connects to `target` (its host, port and extra CA; its local address is for order calls,
// not sockets). Each connect resolves, connects, handshakes TLS, then upgrades to a
// WebSocket at the path given.
std::shared_ptr<MessageSocketConnector> websocket_connector(boost::asio::any_io_executor executor,
                                                            HttpsTarget target);

}  // namespace tandem::net
