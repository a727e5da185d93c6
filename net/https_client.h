// An HTTPS/1.1 client on Boost.Beast + OpenSSL with a pool of keep-alive connections to one
// host (STYLE.md §11): connections are opened and TLS-handshaken ahead of need by warm(), so
// a copy never pays for a handshake; peer verification and SNI are on; every request has a
// deadline; the trust store is the system's or a given CA (the simulator's). Requests run
// in parallel on separate connections, up to the pool size, then wait for one to free up.
// A transport failure is `disconnected`: the request's outcome is unknown, and callers
// reconcile (by client tag) before any retry. Never logs a URL or a header: they can carry
// credentials. The pool itself is https_pool.h, on any stream type. Thread-safety: use from one
// strand (the session's).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/base/status.h"

namespace tandem::net {

class SendGate;  // send_gate.h

struct HttpsTarget {
  std::string host;  // for SNI and verification, e.g. "api.kite.trade" or "localhost"
  std::string port = "443";
  std::string ca_pem;  // extra trusted CA (PEM); empty = the system trust store only
  // Source IP for every connection (SEBI 2026: order calls only from the account's
  // registered static IP); empty = the system's choice.
  std::string local_address;
};

inline HttpsTarget https_target(std::string host, std::string port, std::string ca_pem = {}) {
  HttpsTarget t;
  t.host = std::move(host);
  t.port = std::move(port);
  t.ca_pem = std::move(ca_pem);
  return t;
}

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;
  std::string body;
  std::string remote_address;  // server side: the peer's IP, as the server saw it
  // Client side: called on the client's strand once the whole request has been written to
  // the connection's socket (on every attempt), before the answer is read.
  std::function<void()> on_written;
  // Client side: when set, the request is built and waits at the gate just before it is
  // written; a closed gate ends it unsent (send_gate.h).
  std::shared_ptr<SendGate> gate;
  // Client side: written only after every earlier in-sequence request of this client has
  // been written (or given up). An account's orders then leave in the order they were made,
  // even when an earlier one must open a connection and a later one finds one idle.
  bool in_sequence = false;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, if any
  std::string location;     // a redirect's Location header, if any
};

class HttpsClient {
 public:
  // The connections requests run on (https_pool.h): TLS sockets to the target in the
  // product, scripted streams in the simulated shell's tests.
  class Pool {
   public:
    virtual ~Pool() = default;
    virtual boost::asio::awaitable<Status> warm(size_t n) = 0;
    virtual boost::asio::awaitable<Result<HttpResponse>> request(HttpRequest request) = 0;
    virtual size_t idle_connections() const = 0;
    virtual size_t handshakes() const = 0;
  };

  // Verified TLS connections to `target` (tls_pool() below).
  HttpsClient(boost::asio::any_io_executor executor, HttpsTarget target, size_t max_connections,
              std::chrono::milliseconds deadline);
  explicit HttpsClient(std::unique_ptr<Pool> pool);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Opens and handshakes connections until `n` are idle (bounded by the pool size).
  boost::asio::awaitable<Status> warm(size_t n) { return pool_->warm(n); }
  boost::asio::awaitable<Result<HttpResponse>> request(HttpRequest request) {
    return pool_->request(std::move(request));
  }

  size_t idle_connections() const { return pool_->idle_connections(); }
  size_t handshakes() const { return pool_->handshakes(); }  // TLS handshakes made in all

 private:
  std::unique_ptr<Pool> pool_;
};

// Verified TLS connections to `target`, at most `max_connections` at once; `deadline` bounds
// each request from its write to the end of its answer.
std::unique_ptr<HttpsClient::Pool> tls_pool(boost::asio::any_io_executor executor,
                                            HttpsTarget target, size_t max_connections,
                                            std::chrono::milliseconds deadline);

}  // namespace tandem::net
