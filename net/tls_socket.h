// A TLS stream for Beast (HTTP and WebSocket) that holds no buffers of its own: the
// engine's client connections, and the broker simulator's server side.
//
// Asio's ssl::stream keeps four 17 KB buffers for the life of every connection (its two
// record buffers and an OpenSSL BIO pair). A thousand followers each hold a warm HTTPS
// connection and an order WebSocket, mostly idle, so those buffers alone were 136 MB of the
// engine's memory. Here OpenSSL reads and writes the non-blocking socket itself, through a
// BIO that calls recv/send, and gives its record buffers back between messages
// (SSL_MODE_RELEASE_BUFFERS): an idle connection costs OpenSSL's session state only. When
// OpenSSL says it must wait, the stream waits for the socket to be ready with Asio.
//
// Meets Asio's AsyncReadStream and AsyncWriteStream requirements (a handler is never called
// from inside the function that started it) and Beast's WebSocket teardown customization.
// Deadlines work like beast::tcp_stream's: once the time given to expires_after() passes,
// a pending operation (connect included) fails with beast::error::timeout and the socket
// is closed, and any operation started later fails the same way until the deadline is set
// again. A deadline passing while nothing is pending closes nothing (a pooled idle
// connection stays), and keeps no timer waiting in the io_context.
// Thread-safety: use from one strand; one read and one write may be pending at once.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/role.hpp>

#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace tandem::net {

class TlsSocket {
 public:
  using executor_type = boost::asio::any_io_executor;
  using next_layer_type = boost::asio::ip::tcp::socket;
  using lowest_layer_type = next_layer_type;

  // A socket not yet connected, whose TLS session will use `tls` (which must outlive it).
  TlsSocket(executor_type executor, boost::asio::ssl::context& tls);
  // A connection a server accepted, on the socket's executor; its handshake is the server's.
  TlsSocket(boost::asio::ip::tcp::socket accepted, boost::asio::ssl::context& tls);
  TlsSocket(TlsSocket&&) noexcept = default;  // for websocket::stream, which takes it over
  TlsSocket& operator=(TlsSocket&&) = delete;
  ~TlsSocket();  // closes the socket: pending operations end with operation_aborted

  executor_type get_executor() { return core_->socket.get_executor(); }
  next_layer_type& next_layer() { return core_->socket; }
  lowest_layer_type& lowest_layer() { return core_->socket; }
  SSL* native_handle() { return core_->ssl; }

  // The deadline of the pending and later operations; expires_never() lifts it.
  void expires_after(std::chrono::steady_clock::duration d);
  void expires_never();
  bool timed_out() const { return core_->timed_out; }

  // Sends close_notify if the socket can take it now (never waits), then closes.
  void shutdown_and_close();

  // Connects to the first of `endpoints` that answers (a resolver's results), or to one
  // endpoint on a socket opened and bound before, within the deadline.
  template <class Endpoints, class Token>
  auto async_connect(const Endpoints& endpoints, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code)>(
        [core = core_, endpoints, started = false](
            auto& self, boost::system::error_code ec = {},
            const boost::asio::ip::tcp::endpoint& = {}) mutable {
          if (!started) {
            started = true;
            core->begin();
            if (core->timed_out) {  // the deadline passed before: fail now, not at the OS's
              return boost::asio::post(boost::asio::append(std::move(self), Core::timeout_error()));
            }
            if constexpr (std::is_same_v<Endpoints, boost::asio::ip::tcp::endpoint>) {
              return core->socket.async_connect(endpoints, std::move(self));  // keeps a bind
            } else {
              return boost::asio::async_connect(core->socket, endpoints, std::move(self));
            }
          }
          ec = core->after_wait(ec);
          core->end();
          self.complete(ec);
        },
        token, core_->socket);
  }

  // The TLS client handshake, after the socket is connected. Peer verification, SNI and
  // the host name to check are set on native_handle() before.
  template <class Token>
  auto async_handshake(Token&& token) {
    return run(Handshake{false}, std::forward<Token>(token));
  }
  // The TLS server handshake, on an accepted socket (the context holds the certificate).
  template <class Token>
  auto async_accept_handshake(Token&& token) {
    return run(Handshake{true}, std::forward<Token>(token));
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return run(Read{first_buffer(buffers)}, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return run(write_of(buffers), std::forward<Token>(token));
  }

  // Writes all of `bytes` now, as one TLS record, if the socket takes them without waiting:
  // true once the kernel has them. False with `ec` clear when it cannot: OpenSSL must wait
  // for the socket, or `bytes` is over one record (16 KiB), or another operation is
  // pending; the caller then writes the same bytes with async_write, which finishes a
  // started record (OpenSSL requires the retry to pass the same bytes). False with `ec` set
  // when the write failed. No timer is armed and nothing is posted, so a request written
  // this way costs no handler, and the moment it was written is known exactly.
  bool try_write(boost::asio::const_buffer bytes, boost::system::error_code& ec);

 private:
  enum class Wait { none, read, write };

  struct Core {
    Core(executor_type executor, SSL_CTX* tls);
    Core(boost::asio::ip::tcp::socket accepted, SSL_CTX* tls);
    ~Core();
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    // One attempt of an OpenSSL call: what it must wait for, or its outcome in `ec`.
    template <class Call>
    Wait attempt(Call& call, size_t& n, boost::system::error_code& ec) {
      if (timed_out) {
        ec = timeout_error();
        return Wait::none;
      }
      if (!socket_ready(ec)) return Wait::none;
      ERR_clear_error();
      errno = 0;
      const int result = call(ssl, n);
      if (result == 1) return Wait::none;
      const int saved_errno = errno;
      return classify(SSL_get_error(ssl, result), saved_errno, ec);
    }
    bool socket_ready(boost::system::error_code& ec);
    Wait classify(int ssl_error, int saved_errno, boost::system::error_code& ec);
    // operation_aborted from a wait the deadline cancelled reads as a timeout.
    boost::system::error_code after_wait(const boost::system::error_code& ec) const;
    static boost::system::error_code timeout_error();
    // An operation starts or ends: the deadline's timer runs only while one is pending, so
    // an idle connection keeps no work in its io_context.
    void begin();
    void end();
    void arm();
    void disarm();

    boost::asio::ip::tcp::socket socket;
    boost::asio::steady_timer deadline;
    std::optional<std::chrono::steady_clock::time_point> expiry;
    uint64_t deadline_generation = 0;  // a fired timer of an earlier arming is stale
    bool timed_out = false;
    int pending = 0;  // operations started and not yet completed
    bool bio_attached = false;
    std::weak_ptr<Core> self;  // for the deadline's wait
    SSL* ssl = nullptr;
  };

  struct Handshake {
    bool server = false;
    int operator()(SSL* ssl, size_t&) { return server ? SSL_accept(ssl) : SSL_connect(ssl); }
  };
  struct Read {
    boost::asio::mutable_buffer buffer;
    int operator()(SSL* ssl, size_t& n) {
      return buffer.size() == 0 ? 1 : SSL_read_ex(ssl, buffer.data(), buffer.size(), &n);
    }
  };
  // One TLS record for the whole sequence, as Beast's flat_stream does: a single buffer is
  // written from where it is (the caller keeps it until the handler runs, as Asio
  // requires); several are copied into one.
  struct Write {
    boost::asio::const_buffer single;
    std::string joined;
    int operator()(SSL* ssl, size_t& n) {
      const boost::asio::const_buffer bytes = joined.empty() ? single : boost::asio::buffer(joined);
      return bytes.size() == 0 ? 1 : SSL_write_ex(ssl, bytes.data(), bytes.size(), &n);
    }
  };

  // Retries `Call` whenever the socket becomes ready for what OpenSSL waits for; completes
  // through a post when it finishes before the initiating function returns.
  template <class Call>
  struct Operation {
    std::shared_ptr<Core> core;
    Call call;

    template <class Self>
    void operator()(Self& self) {
      core->begin();
      step(self, true);
    }
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec) {  // the socket is ready
      ec = core->after_wait(ec);
      if (ec) return finish(self, ec, 0);
      step(self, false);
    }
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, size_t n) {  // posted result
      finish(self, ec, n);
    }
    template <class Self>
    void step(Self& self, bool initiating) {
      using tcp = boost::asio::ip::tcp;
      boost::system::error_code ec;
      size_t n = 0;
      switch (core->attempt(call, n, ec)) {
        case Wait::read:
          return core->socket.async_wait(tcp::socket::wait_read, std::move(self));
        case Wait::write:
          return core->socket.async_wait(tcp::socket::wait_write, std::move(self));
        case Wait::none:
          break;
      }
      if (initiating) return boost::asio::post(boost::asio::append(std::move(self), ec, n));
      finish(self, ec, n);
    }
    template <class Self>
    void finish(Self& self, boost::system::error_code ec, size_t n) {
      core->end();
      self.complete(ec, n);
    }
  };

  template <class Call, class Token>
  auto run(Call call, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        Operation<Call>{core_, std::move(call)}, token, core_->socket);
  }

  template <class MutableBuffers>
  static boost::asio::mutable_buffer first_buffer(const MutableBuffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b(*it);
      if (b.size() > 0) return b;
    }
    return {};
  }

  // At most one record's worth, so that a write_some is one TLS record.
  static constexpr size_t kRecord = 16 * 1024;
  template <class ConstBuffers>
  static Write write_of(const ConstBuffers& buffers) {
    size_t non_empty = 0;
    boost::asio::const_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && non_empty < 2; ++it) {
      boost::asio::const_buffer b(*it);
      if (b.size() == 0) continue;
      if (non_empty++ == 0) first = b;
    }
    if (non_empty < 2) return Write{boost::asio::buffer(first, kRecord), {}};
    return Write{{}, coalesce(buffers)};
  }
  template <class ConstBuffers>
  static std::string coalesce(const ConstBuffers& buffers) {
    std::string bytes;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && bytes.size() < kRecord; ++it) {
      boost::asio::const_buffer b(*it);
      bytes.append(static_cast<const char*>(b.data()), std::min(b.size(), kRecord - bytes.size()));
    }
    return bytes;
  }

  std::shared_ptr<Core> core_;  // shared with pending operations and the deadline's wait
};

// Beast's WebSocket closes its next layer through these (found by argument lookup).
void teardown(boost::beast::role_type role, TlsSocket& socket, boost::system::error_code& ec);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type, TlsSocket& socket, TeardownHandler&& handler) {
  socket.shutdown_and_close();
  boost::asio::post(
      socket.get_executor(),
      boost::asio::append(std::forward<TeardownHandler>(handler), boost::system::error_code()));
}

}  // namespace tandem::net
