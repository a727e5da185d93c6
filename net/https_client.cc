// The product's HttpsClient: HttpsPool (https_pool.h) on verified TLS sockets. Every Asio
// and Beast call uses as_tuple, so no exception leaves it (STYLE.md §3).
#include "net/https_client.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/serializer.hpp>

#include "net/https_pool.h"
#include "net/tls_connect.h"

namespace tandem::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string request_bytes(HttpRequest& r, const std::string& host) {
  http::request<http::string_body> req{r.method, r.target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "tandem");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (!r.content_type.empty()) req.set(http::field::content_type, r.content_type);
  req.body() = std::move(r.body);
  req.keep_alive(true);
  req.prepare_payload();
  http::request_serializer<http::string_body> sr{req};
  std::string out;
  boost::system::error_code ec;
  while (!ec && !sr.is_done()) {
    sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
      for (const asio::const_buffer b : beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(b.data()), b.size());
      }
      sr.consume(beast::buffer_bytes(buffers));
    });
  }
  return out;  // a string body cannot fail to serialize
}

namespace {

// Opens verified TLS connections to one target (tls_connect.h).
class TlsConnector {
 public:
  using Stream = TlsSocket;

  TlsConnector(asio::any_io_executor executor, HttpsTarget target)
      : executor_(std::move(executor)),
        target_(std::move(target)),
        tls_(client_tls_context(target_.ca_pem)) {}

  asio::awaitable<Result<std::unique_ptr<TlsSocket>>> connect() {
    if (!tls_.ok())
      co_return Status::invalid_argument("https " + target_.host + ": " + tls_.status().message());
    co_return co_await connect_tls(executor_, **tls_, target_.host, target_.port, "https",
                                   target_.local_address);
  }
  const std::string& host() const { return target_.host; }

 private:
  asio::any_io_executor executor_;
  HttpsTarget target_;
  Result<std::shared_ptr<asio::ssl::context>> tls_;
};

}  // namespace

std::unique_ptr<HttpsClient::Pool> tls_pool(asio::any_io_executor executor, HttpsTarget target,
                                            size_t max_connections,
                                            std::chrono::milliseconds deadline) {
  return std::make_unique<HttpsPool<TlsConnector>>(
      executor, TlsConnector(executor, std::move(target)), max_connections, deadline);
}

HttpsClient::HttpsClient(asio::any_io_executor executor, HttpsTarget target, size_t max_connections,
                         std::chrono::milliseconds deadline)
    : pool_(tls_pool(std::move(executor), std::move(target), max_connections, deadline)) {}

HttpsClient::HttpsClient(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

HttpsClient::~HttpsClient() = default;

}  // namespace tandem::net
