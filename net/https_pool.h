// HttpsClient's pool of keep-alive connections, on any stream type, as Beast's streams are:
// the product's runs on TLS sockets (https_client.cc), the simulated shell's on scripted
// streams that fail where a test says (tests/support/scripted_stream.h). Everything the
// client promises — the send gate, in-sequence writes, the pool's bound, the deadline, a
// transport failure reported as an unknown outcome — is here, once, for both.
//
// A Connector gives connected, handshaken streams:
//   using Stream = …;  // AsyncReadStream + AsyncWriteStream with expires_after(duration)
//                      // and try_write(const_buffer, error_code&) as TlsSocket has them
//   boost::asio::awaitable<Result<std::unique_ptr<Stream>>> connect();
//   const std::string& host() const;  // named in errors
// Thread-safety: use from one strand (the session's).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "domain/base/assert.h"
#include "net/https_client.h"
#include "net/send_gate.h"

namespace tandem::net {

// The request's bytes as Beast writes them, with the Host header; made before the send gate
// (send_gate.h), so that only the write itself is left once it opens.
std::string request_bytes(HttpRequest& request, const std::string& host);

template <class Connector>
class HttpsPool final : public HttpsClient::Pool {
 public:
  using Stream = typename Connector::Stream;

  HttpsPool(boost::asio::any_io_executor executor, Connector connector, size_t max_connections,
            std::chrono::milliseconds deadline)
      : executor_(std::move(executor)),
        connector_(std::move(connector)),
        max_connections_(max_connections),
        deadline_(deadline) {
    TANDEM_REQUIRE(max_connections_ > 0, max_connections_);
  }

  boost::asio::awaitable<Status> warm(size_t n) override {
    while (idle_.size() < n && open_ < max_connections_) {
      ++open_;
      auto s = co_await connect();
      if (!s.ok()) {
        --open_;
        co_return s.status();
      }
      idle_.push_back(std::move(s).value());
    }
    co_return Status();
  }

  boost::asio::awaitable<Result<HttpResponse>> request(HttpRequest r) override;

  size_t idle_connections() const override { return idle_.size(); }
  size_t handshakes() const override { return handshakes_; }

 private:
  static constexpr auto kUse = boost::asio::as_tuple(boost::asio::use_awaitable);

  // An in-sequence request's place in line (HttpRequest::in_sequence): tickets are taken as
  // requests start and write in ticket order; a ticket's turn is given up however its
  // request ends.
  class Ticket {
   public:
    Ticket(HttpsPool& pool, bool in_sequence)
        : pool_(in_sequence ? &pool : nullptr), number_(in_sequence ? pool.next_ticket_++ : 0) {}
    ~Ticket() { done(); }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    boost::asio::awaitable<void> wait() {
      if (pool_ == nullptr) co_return;
      while (number_ != pool_->turn_) co_await pool_->turn_moved_.async_wait(kUse);
    }
    void done() {
      if (pool_ != nullptr) std::exchange(pool_, nullptr)->ticket_done(number_);
    }

   private:
    HttpsPool* pool_;
    uint64_t number_;
  };

  // The ticket has written or given up: the turn moves past it and every ticket done before.
  void ticket_done(uint64_t ticket) {
    if (ticket != turn_) {
      done_early_.insert(ticket);
      return;
    }
    ++turn_;
    while (done_early_.erase(turn_) > 0) ++turn_;
    turn_moved_.cancel();
  }

  boost::asio::awaitable<Result<std::unique_ptr<Stream>>> connect() {
    auto stream = co_await connector_.connect();
    if (stream.ok()) ++handshakes_;
    co_return stream;
  }

  // An idle connection, a new one while the pool has room, or the next one released.
  boost::asio::awaitable<Result<std::unique_ptr<Stream>>> acquire() {
    for (;;) {
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        co_return std::move(s);
      }
      if (open_ < max_connections_) {
        ++open_;
        auto s = co_await connect();
        if (!s.ok()) --open_;
        TANDEM_ASSERT(open_ <= max_connections_, open_, max_connections_);
        co_return s;
      }
      boost::asio::steady_timer wait(executor_, boost::asio::steady_timer::time_point::max());
      waiters_.push_back(&wait);
      co_await wait.async_wait(kUse);  // cancelled by release()
    }
  }

  void release(std::unique_ptr<Stream> s) {
    if (s) {
      idle_.push_back(std::move(s));
    } else {
      --open_;  // a broken connection is dropped; a new one may be opened in its place
    }
    TANDEM_ASSERT(idle_.size() <= open_, idle_.size(), open_);
    if (!waiters_.empty()) {
      waiters_.front()->cancel();
      waiters_.pop_front();
    }
  }

  boost::asio::any_io_executor executor_;
  Connector connector_;
  size_t max_connections_;
  std::chrono::milliseconds deadline_;
  std::vector<std::unique_ptr<Stream>> idle_;
  size_t open_ = 0;  // idle + in use
  size_t handshakes_ = 0;
  std::deque<boost::asio::steady_timer*> waiters_;  // requests waiting for a connection
  uint64_t next_ticket_ = 0;
  uint64_t turn_ = 0;              // the ticket that may write next
  std::set<uint64_t> done_early_;  // tickets done before their turn came
  boost::asio::steady_timer turn_moved_{executor_, boost::asio::steady_timer::time_point::max()};
};

template <class Connector>
boost::asio::awaitable<Result<HttpResponse>> HttpsPool<Connector>::request(HttpRequest r) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  const std::string& host = connector_.host();
  Ticket ticket(*this, r.in_sequence);
  const std::string bytes = request_bytes(r, host);

  // The connection is taken after the gate, not before: a request held there must not keep
  // one from the account's next order, which would then open a second connection and could
  // reach the broker ahead of it. One connection keeps an account's orders in sequence.
  if (r.gate && !co_await r.gate->wait()) {
    co_return Status(StatusCode::failed_precondition,
                     "https " + host + ": not sent, its journal write failed");
  }
  co_await ticket.wait();
  auto acquired = co_await acquire();
  if (!acquired.ok()) co_return acquired.status();
  std::unique_ptr<Stream> stream = std::move(acquired).value();
  stream->expires_after(deadline_);
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
    release(nullptr);
    const char* what =
        ec == beast::error::timeout ? "no response before the deadline" : "transport";
    co_return Status(StatusCode::disconnected, "https " + host + ": " + what + " (" + ec.message() +
                                                   "); the outcome is unknown");
  }
  HttpResponse out{res.result_int(), std::move(res.body()),
                   std::string(res[http::field::retry_after]),
                   std::string(res[http::field::location])};
  release(res.keep_alive() ? std::move(stream) : nullptr);
  co_return out;
}

}  // namespace tandem::net
