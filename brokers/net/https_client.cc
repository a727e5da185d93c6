// The only file that drives Beast as an HTTPS client; every Asio/Beast call uses as_tuple,
// so no exception leaves it (STYLE.md §3).
#include "brokers/net/https_client.h"

#include "brokers/net/send_gate.h"
#include "brokers/net/tls_connect.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <deque>
#include <set>
#include <utility>

namespace tandem::brokers::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);

struct HttpsClient::Impl {
  asio::any_io_executor executor;
  HttpsTarget target;
  size_t max_connections;
  std::chrono::milliseconds deadline;
  Result<std::shared_ptr<ssl::context>> tls;
  std::vector<std::unique_ptr<TlsSocket>> idle;
  size_t open = 0;  // idle + in use
  size_t handshakes = 0;
  std::deque<asio::steady_timer*> waiters;  // requests waiting for a connection
  // In-sequence requests (HttpRequest::in_sequence) take a ticket as they start and write
  // in ticket order.
  uint64_t next_ticket = 0;
  uint64_t turn = 0;              // the ticket that may write next
  std::set<uint64_t> done_early;  // tickets done before their turn came
  asio::steady_timer turn_moved{executor, asio::steady_timer::time_point::max()};

  Impl(asio::any_io_executor ex, HttpsTarget t, size_t max, std::chrono::milliseconds d)
      : executor(std::move(ex)),
        target(std::move(t)),
        max_connections(max),
        deadline(d),
        tls(client_tls_context(target.ca_pem)) {}

  // The ticket has written or given up: the turn moves past it and every ticket done before.
  void ticket_done(uint64_t ticket) {
    if (ticket != turn) {
      done_early.insert(ticket);
      return;
    }
    ++turn;
    while (done_early.erase(turn) > 0) ++turn;
    turn_moved.cancel();
  }

  asio::awaitable<void> wait_for_turn(uint64_t ticket) {
    while (ticket != turn) co_await turn_moved.async_wait(kUse);
  }

  // An in-sequence request's place in line; its turn is given up however the request ends.
  class Ticket {
   public:
    Ticket(Impl& m, bool in_sequence)
        : m_(in_sequence ? &m : nullptr), number_(in_sequence ? m.next_ticket++ : 0) {}
    ~Ticket() { done(); }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    asio::awaitable<void> wait() {
      if (m_ != nullptr) co_await m_->wait_for_turn(number_);
    }
    void done() {
      if (m_ != nullptr) std::exchange(m_, nullptr)->ticket_done(number_);
    }

   private:
    Impl* m_;
    uint64_t number_;
  };

  asio::awaitable<Result<std::unique_ptr<TlsSocket>>> connect() {
    if (!tls.ok())
      co_return Status::invalid_argument("https " + target.host + ": " + tls.status().message());
    auto stream = co_await connect_tls(executor, **tls, target.host, target.port, "https",
                                       target.local_address);
    if (stream.ok()) ++handshakes;
    co_return stream;
  }

  // An idle connection, a new one while the pool has room, or the next one released.
  asio::awaitable<Result<std::unique_ptr<TlsSocket>>> acquire() {
    for (;;) {
      if (!idle.empty()) {
        auto s = std::move(idle.back());
        idle.pop_back();
        co_return std::move(s);
      }
      if (open < max_connections) {
        ++open;
        auto s = co_await connect();
        if (!s.ok()) --open;
        co_return s;
      }
      asio::steady_timer wait(executor, asio::steady_timer::time_point::max());
      waiters.push_back(&wait);
      co_await wait.async_wait(kUse);  // cancelled by release()
    }
  }

  void release(std::unique_ptr<TlsSocket> s) {
    if (s) {
      idle.push_back(std::move(s));
    } else {
      --open;  // a broken connection is dropped; a new one may be opened in its place
    }
    if (!waiters.empty()) {
      waiters.front()->cancel();
      waiters.pop_front();
    }
  }
};

HttpsClient::HttpsClient(asio::any_io_executor executor, HttpsTarget target, size_t max_connections,
                         std::chrono::milliseconds deadline)
    : impl_(std::make_unique<Impl>(std::move(executor), std::move(target), max_connections,
                                   deadline)) {}

HttpsClient::~HttpsClient() = default;

asio::awaitable<Status> HttpsClient::warm(size_t n) {
  Impl& m = *impl_;
  while (m.idle.size() < n && m.open < m.max_connections) {
    ++m.open;
    auto s = co_await m.connect();
    if (!s.ok()) {
      --m.open;
      co_return s.status();
    }
    m.idle.push_back(std::move(s).value());
  }
  co_return Status();
}

namespace {

// The request's bytes as Beast writes them. Made before the send gate (send_gate.h), so that
// only the write itself is left once it opens.
std::string serialized(http::request<http::string_body>& req) {
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

}  // namespace

asio::awaitable<Result<HttpResponse>> HttpsClient::request(HttpRequest r) {
  Impl& m = *impl_;
  Impl::Ticket ticket(m, r.in_sequence);
  http::request<http::string_body> req{r.method, r.target, 11};
  req.set(http::field::host, m.target.host);
  req.set(http::field::user_agent, "tandem");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (!r.content_type.empty()) req.set(http::field::content_type, r.content_type);
  req.body() = std::move(r.body);
  req.keep_alive(true);
  req.prepare_payload();
  const std::string bytes = serialized(req);

  // The connection is taken after the gate, not before: a request held there must not keep
  // one from the account's next order, which would then open a second connection and could
  // reach the broker ahead of it. One connection keeps an account's orders in sequence.
  if (r.gate && !co_await r.gate->wait()) {
    co_return Status(StatusCode::failed_precondition,
                     "https " + m.target.host + ": not sent, its journal write failed");
  }
  co_await ticket.wait();
  auto acquired = co_await m.acquire();
  if (!acquired.ok()) co_return acquired.status();
  std::unique_ptr<TlsSocket> stream = std::move(acquired).value();
  stream->expires_after(m.deadline);
  // Written at once when the socket has room, as it nearly always has for one order: no
  // handler to wait for, so a hundred held orders go out back to back once the gate opens.
  boost::system::error_code wec;
  if (!stream->try_write(asio::buffer(bytes), wec) && !wec) {
    auto [ec, written] = co_await asio::async_write(*stream, asio::buffer(bytes), kUse);
    wec = ec;
  }
  ticket.done();
  if (!wec && r.on_written) r.on_written();
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  boost::system::error_code ec = wec;
  if (!ec) {
    auto [rec, read] = co_await http::async_read(*stream, buffer, res, kUse);
    ec = rec;
  }
  if (ec) {
    m.release(nullptr);
    const char* what =
        ec == beast::error::timeout ? "no response before the deadline" : "transport";
    co_return Status(StatusCode::disconnected, "https " + m.target.host + ": " + what + " (" +
                                                   ec.message() + "); the outcome is unknown");
  }
  HttpResponse out{res.result_int(), std::move(res.body()),
                   std::string(res[http::field::retry_after]),
                   std::string(res[http::field::location])};
  m.release(res.keep_alive() ? std::move(stream) : nullptr);
  co_return out;
}

size_t HttpsClient::idle_connections() const { return impl_->idle.size(); }
size_t HttpsClient::handshakes() const { return impl_->handshakes; }

}  // namespace tandem::brokers::net
