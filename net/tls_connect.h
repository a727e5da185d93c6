// Opening a verified TLS connection to a broker: the one way every client socket (HTTPS and
// WebSocket) is made, so that SNI, peer verification and host-name checks cannot be missed
// by one of them. Thread-safety: use on the caller's strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "domain/base/status.h"
#include "net/tls_socket.h"

namespace tandem::net {

// A client context that verifies peers against the system trust store plus `ca_pem`
// (empty: the system store only), shared by every caller with the same `ca_pem` while any
// holds it. invalid_argument when the CA does not load. Thread-safe.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> client_tls_context(
    const std::string& ca_pem);

// Idle connections of this context give back their record buffers (many connections,
// mostly idle: a follower account sends a few orders a day).
void release_idle_buffers(boost::asio::ssl::context& tls);

// Resolves, connects (bounded to 30 s) and handshakes with SNI and host-name verification.
// A non-empty `local_address` binds the socket to that source IP first (the broker's
// registered static IP for order calls); a bad address is invalid_argument. Other failures
// are `disconnected`, naming the step; never the path or a credential.
[[nodiscard]] boost::asio::awaitable<Result<std::unique_ptr<TlsSocket>>> connect_tls(
    boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, std::string host,
    std::string port, std::string what, std::string local_address = {});

}  // namespace tandem::net
