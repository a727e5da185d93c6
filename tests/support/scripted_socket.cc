#include "tests/support/scripted_socket.h"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <deque>

namespace tandem::testing {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// What passes between the two ends of one connection.
struct Pipe {
  std::deque<net::SocketMessage> to_client;
  bool closed = false;                              // by either end
  bool broken = false;                              // by a fault: nothing more arrives
  std::function<void(const std::string&)> on_text;  // the broker's reader of client text
  asio::steady_timer* reader = nullptr;             // the client's read waiting for a message

  void wake() {
    if (reader != nullptr) reader->cancel();
  }
  void close() {
    closed = true;
    wake();
  }
  void fail() {
    broken = true;
    close();
  }
};

// The broker's end, as its socket handler sees a connection.
class BrokerEnd final : public net::WsConnection {
 public:
  explicit BrokerEnd(std::shared_ptr<Pipe> pipe) : pipe_(std::move(pipe)) {}
  void send_text(std::string text) override { send({true, std::move(text)}); }
  void send_binary(std::string bytes) override { send({false, std::move(bytes)}); }
  void close() override { pipe_->close(); }
  bool open() const override { return !pipe_->closed; }
  // No clock: liveness fails only where the plan says (FaultPoint::silence).
  void heartbeat_by_ping(std::chrono::milliseconds) override {}
  void on_text(std::function<void(const std::string& text)> handler) override {
    pipe_->on_text = std::move(handler);
  }

 private:
  void send(net::SocketMessage message) {
    if (pipe_->closed) return;
    pipe_->to_client.push_back(std::move(message));
    pipe_->wake();
  }
  std::shared_ptr<Pipe> pipe_;
};

// The client's end, as the order stream reads and writes it.
class ClientEnd final : public net::MessageSocket {
 public:
  ClientEnd(asio::any_io_executor executor, std::shared_ptr<ScriptedBroker> broker,
            std::shared_ptr<Pipe> pipe, std::shared_ptr<BrokerEnd> far_end)
      : executor_(std::move(executor)),
        broker_(std::move(broker)),
        pipe_(std::move(pipe)),
        far_end_(std::move(far_end)) {}
  ~ClientEnd() override { pipe_->close(); }

  asio::awaitable<error_code> write_text(std::string_view text) override {
    co_await asio::post(executor_, asio::use_awaitable);    // never done inside the call
    if (pipe_->closed) co_return asio::error::broken_pipe;  // the broker closed it, or a fault
    if (broker_->faults.fail(FaultPoint::socket_write)) {
      pipe_->fail();
      co_return asio::error::broken_pipe;
    }
    if (pipe_->on_text) pipe_->on_text(std::string(text));
    co_return error_code();
  }

  asio::awaitable<error_code> read(net::SocketMessage& message) override {
    co_await asio::post(executor_, asio::use_awaitable);
    for (;;) {
      // What the broker sent before it closed is read first, as over TCP.
      if (!pipe_->to_client.empty() && !pipe_->broken && !closed_here_) {
        if (broker_->faults.fail(FaultPoint::socket_read)) {
          pipe_->fail();
          co_return asio::error::connection_reset;
        }
        message = std::move(pipe_->to_client.front());
        pipe_->to_client.pop_front();
        co_return error_code();
      }
      if (closed_here_) co_return asio::error::operation_aborted;
      if (pipe_->closed) co_return asio::error::eof;
      if (broker_->faults.fail(FaultPoint::silence)) {
        pipe_->fail();
        co_return boost::beast::error::timeout;
      }
      asio::steady_timer wait(executor_, asio::steady_timer::time_point::max());
      pipe_->reader = &wait;
      error_code ec;
      co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));  // woken
      pipe_->reader = nullptr;
    }
  }

  void close() override {
    closed_here_ = true;
    pipe_->close();
  }

 private:
  asio::any_io_executor executor_;
  std::shared_ptr<ScriptedBroker> broker_;
  std::shared_ptr<Pipe> pipe_;
  // The broker's end lives as long as the connection, as a server's session keeps it (the
  // simulator holds only a weak reference until Dhan's login names the account).
  std::shared_ptr<BrokerEnd> far_end_;
  bool closed_here_ = false;
};

// A new connection to the broker's socket handler, which may refuse it.
Result<std::unique_ptr<net::MessageSocket>> open_pipe(asio::any_io_executor executor,
                                                      const std::shared_ptr<ScriptedBroker>& broker,
                                                      std::string path, const std::string& who) {
  auto pipe = std::make_shared<Pipe>();
  net::HttpRequest upgrade;
  upgrade.target = std::move(path);
  upgrade.remote_address = broker->remote_address;
  auto far_end = std::make_shared<BrokerEnd>(pipe);
  if (!broker->on_socket(upgrade, far_end)) {
    return Status(StatusCode::disconnected,
                  who + "WebSocket handshake: declined by the broker (403)");
  }
  ++broker->sockets_opened;
  return std::unique_ptr<net::MessageSocket>(std::make_unique<ClientEnd>(
      std::move(executor), broker, std::move(pipe), std::move(far_end)));
}

}  // namespace

asio::awaitable<Result<std::unique_ptr<net::MessageSocket>>> ScriptedSocketConnector::connect(
    std::string what, std::string path, net::Liveness) {
  co_await asio::post(executor_, asio::use_awaitable);
  const std::string who = what + " " + broker_->host + ": ";
  for (FaultPoint step : {FaultPoint::connect, FaultPoint::handshake}) {
    if (broker_->faults.fail(step)) {
      co_return Status(StatusCode::disconnected,
                       who + std::string(to_string(step)) + ": failed (scripted)");
    }
  }
  co_return open_pipe(executor_, broker_, std::move(path), who);
}

}  // namespace tandem::testing
