#include "net/tls_connect.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <map>
#include <mutex>

namespace tandem::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

Result<std::shared_ptr<ssl::context>> client_tls_context(const std::string& ca_pem) {
  // One context per trust store for the whole process: each holds the parsed system store
  // (~0.5 MB), and a thousand followers' connections would otherwise hold a thousand
  // copies. An SSL_CTX is safe to share between connections on any thread once set up.
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<ssl::context>> contexts;  // GUARDED_BY(mu)
  std::lock_guard lock(mu);
  if (auto shared = contexts[ca_pem].lock()) return shared;
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  tls->set_verify_mode(ssl::verify_peer, ec);
  if (!ec) tls->set_default_verify_paths(ec);
  if (!ec && !ca_pem.empty()) tls->add_certificate_authority(asio::buffer(ca_pem), ec);
  if (ec) return Status::invalid_argument("trust store: " + ec.message());
  contexts[ca_pem] = tls;  // TlsSocket gives idle record buffers back on each connection
  return tls;
}

void release_idle_buffers(ssl::context& tls) {
  // An idle connection (most of a follower's day) gives back its 2 × 16 KB record buffers.
  SSL_CTX_set_mode(tls.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

asio::awaitable<Result<std::unique_ptr<TlsSocket>>> connect_tls(asio::any_io_executor executor,
                                                                ssl::context& tls, std::string host,
                                                                std::string port, std::string what,
                                                                std::string local_address) {
  constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
  auto stream = std::make_unique<TlsSocket>(executor, tls);
  auto fail = [&](const char* step, boost::system::error_code ec) {
    if (stream->timed_out()) ec = beast::error::timeout;
    return Status(StatusCode::disconnected,
                  what + " " + host + ":" + port + ": " + step + ": " + ec.message());
  };
  tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, kUse);
  if (rec) co_return fail("resolve", rec);
  // The certificate must name the host we asked for (its IP address when we asked for
  // one), and a host name goes out as SNI.
  SSL* ssl = stream->native_handle();
  boost::system::error_code not_ip;
  asio::ip::make_address(host, not_ip);
  const bool named = ssl != nullptr && (not_ip ? SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 &&
                                                     SSL_set1_host(ssl, host.c_str()) == 1
                                               : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
                                                                               host.c_str()) == 1);
  if (!named) co_return Status(StatusCode::disconnected, what + " " + host + ": SNI failed");
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  stream->expires_after(std::chrono::seconds(30));
  auto& socket = stream->next_layer();
  if (local_address.empty()) {
    auto [cec] = co_await stream->async_connect(endpoints, kUse);
    if (cec) co_return fail("connect", cec);
  } else {
    boost::system::error_code aec;
    const auto local = asio::ip::make_address(local_address, aec);
    if (aec)
      co_return Status::invalid_argument(what + ": source address '" + local_address +
                                         "' is not an IP address");
    boost::system::error_code cec = asio::error::address_family_not_supported;
    for (const auto& entry : endpoints) {
      if (entry.endpoint().address().is_v4() != local.is_v4()) continue;
      if (socket.is_open()) socket.close(aec);
      socket.open(entry.endpoint().protocol(), cec);
      if (!cec) socket.bind(tcp::endpoint(local, 0), cec);
      if (cec) co_return fail(("bind to " + local_address).c_str(), cec);
      std::tie(cec) = co_await stream->async_connect(entry.endpoint(), kUse);
      if (!cec) break;
    }
    if (cec) co_return fail("connect", cec);
  }
  socket.set_option(tcp::no_delay(true));
  auto [hec, unused] = co_await stream->async_handshake(kUse);
  if (hec) co_return fail("TLS handshake", hec);
  stream->expires_never();
  co_return std::move(stream);
}

}  // namespace tandem::net
