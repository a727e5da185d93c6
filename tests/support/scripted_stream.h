// The simulated shell's transport: HTTPS connections whose far end is a request handler in
// this process (the broker simulator's own, KiteSim::handle, both dialects), with no socket,
// no TLS, no thread and no clock, which fail at the points a real connection fails. Plugged
// under the real HttpsPool (net/https_pool.h) in place of TLS sockets, it runs the
// product's codecs, sessions and gateways as they run live, and each run is a function of
// its seed.
//
// Faults are counted as Beast's test::fail_count counts operations: FaultPlan::nth(n) fails
// the nth fault point met and only it, so a loop n = 1, 2, … fails every point of a scenario
// in turn, until a run meets fewer than n points; FaultPlan::seeded fails each point met
// with a probability, and also varies delivery (short reads and writes, a write that must
// wait, an answer that closes its connection) from the same seed.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"
#include "net/https_server.h"

namespace tandem::testing {

// Where a request to a broker can fail, in the order it meets them; then where an order
// stream's socket can (scripted_socket.h).
enum class FaultPoint : uint8_t {
  connect,       // refused: nothing sent
  handshake,     // the TLS handshake fails: nothing sent
  write,         // the connection breaks as the request is written: the broker never has it
  answer_lost,   // the broker carried the request out; the connection breaks before its answer
  stall,         // the broker carried it out; its answer comes after the client's deadline
  socket_write,  // a socket breaks as a message is written: the broker never has it
  socket_read,   // a socket breaks with a message on its way: the message is lost
  silence,       // nothing comes within a socket's liveness timeout: the read times out
};
std::string_view to_string(FaultPoint point);

class FaultPlan {
 public:
  static FaultPlan none() { return FaultPlan(0, 0, 1); }
  static FaultPlan nth(uint64_t n) { return FaultPlan(n, 0, n); }  // n counts from 1
  static FaultPlan seeded(uint64_t seed, int percent) { return FaultPlan(0, percent, seed); }
  // The points met at these places in the order (from 1) fail, and no others.
  static FaultPlan at(std::set<uint64_t> points) {
    FaultPlan plan(0, 0, 1);
    plan.at_ = std::move(points);
    return plan;
  }

  // Called at each point met: true when it fails there.
  bool fail(FaultPoint point);
  // The seeded plan's delivery varies (a seeded run's only); false otherwise.
  bool vary(int one_in);
  size_t split(size_t n);  // how much of n bytes goes in one read or write (1..n)

  uint64_t met() const { return met_; }
  uint64_t failed() const { return failed_; }
  // What failed, in order ("answer_lost", …): for a failing test's message.
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  FaultPlan(uint64_t nth, int percent, uint64_t seed)
      : nth_(nth), percent_(percent), random_(seed) {}

  uint64_t nth_;
  std::set<uint64_t> at_;
  int percent_;
  std::mt19937_64 random_;
  uint64_t met_ = 0;
  uint64_t failed_ = 0;
  std::vector<std::string> failures_;
};

// The far end of every scripted connection of one client: the broker's handler, the faults,
// and what it saw.
struct ScriptedBroker {
  net::RequestHandler handler;
  net::WsHandler on_socket;  // an order stream's socket (scripted_socket.h)
  FaultPlan faults = FaultPlan::none();
  std::string host = "broker.scripted";
  std::string remote_address = "127.0.0.1";  // the client's address, as the broker sees it
  int64_t handled = 0;                       // requests the handler was given
  int open = 0;                              // connections open now
  int most_open = 0;                         // and at most at once
  int sockets_opened = 0;                    // order-stream sockets the handler took
};

class ScriptedStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  ScriptedStream(executor_type executor, std::shared_ptr<ScriptedBroker> broker);
  ~ScriptedStream();
  ScriptedStream(const ScriptedStream&) = delete;
  ScriptedStream& operator=(const ScriptedStream&) = delete;

  executor_type get_executor() const { return executor_; }

  // No clock: a deadline is only noted. A stalled answer then ends the read with Beast's
  // timeout, as a real deadline would; a stall with no deadline set fails the test.
  void expires_after(std::chrono::steady_clock::duration) { deadline_set_ = true; }
  void expires_never() { deadline_set_ = false; }

  // As TlsSocket::try_write: all of `bytes` now, or false (with `ec` clear: write them with
  // async_write; set: the write failed).
  bool try_write(boost::asio::const_buffer bytes, boost::system::error_code& ec);

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    std::string bytes;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::const_buffer b(*it);
      bytes.append(static_cast<const char*>(b.data()), b.size());
    }
    boost::system::error_code ec;
    const size_t n = write(bytes, true, ec);
    return complete_later(std::forward<Token>(token), ec, n);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    boost::system::error_code ec;
    const size_t n = read(boost::asio::buffer_size(buffers), ec);
    boost::asio::buffer_copy(buffers, boost::asio::buffer(last_read_));
    return complete_later(std::forward<Token>(token), ec, n);
  }

 private:
  // What follows the answer (or takes its place) once the request was carried out.
  enum class After : uint8_t { idle, answered, answer_lost, stall, closed };

  // Appends up to all of `bytes` to the request being written (a seeded split when `split`);
  // the broker takes the request once it is whole.
  size_t write(std::string_view bytes, bool split, boost::system::error_code& ec);
  size_t read(size_t room, boost::system::error_code& ec);
  // The broker takes the whole request; what the client will read is decided here.
  void carry_out(const net::HttpRequest& request);

  // Asio's rule: a handler is never called from inside the function that started it.
  template <class Token>
  auto complete_later(Token&& token, boost::system::error_code ec, size_t n) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, size_t)>(
        [this, ec, n](auto handler) {
          auto ex = boost::asio::get_associated_executor(handler, executor_);
          boost::asio::post(ex, boost::asio::append(std::move(handler), ec, n));
        },
        token);
  }

  executor_type executor_;
  std::shared_ptr<ScriptedBroker> broker_;
  bool writing_ = false;  // a request is being written
  std::string request_;   // its bytes so far
  bool broken_ = false;
  bool deadline_set_ = false;
  After after_ = After::idle;
  std::string answer_;  // the answer's bytes not read yet
  std::string last_read_;
};

// HttpsPool's Connector over scripted streams: a connect or handshake fault fails as
// tls_connect.h fails, `disconnected`, naming the step.
class ScriptedConnector {
 public:
  using Stream = ScriptedStream;

  ScriptedConnector(boost::asio::any_io_executor executor, std::shared_ptr<ScriptedBroker> broker)
      : executor_(std::move(executor)), broker_(std::move(broker)) {}

  boost::asio::awaitable<Result<std::unique_ptr<ScriptedStream>>> connect();
  const std::string& host() const { return broker_->host; }

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<ScriptedBroker> broker_;
};

}  // namespace tandem::testing
