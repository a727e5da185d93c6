#include "net/tls_socket.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>

#include <cerrno>
#include <cstdint>

namespace tandem::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

int socket_of(BIO* bio) { return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio))); }

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

// send() with MSG_NOSIGNAL: OpenSSL's own socket BIO uses write(), which raises SIGPIPE
// (and ends the process) when the broker has closed the connection.
int bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(socket_of(bio), data, static_cast<size_t>(size), MSG_NOSIGNAL);
  if (n >= 0) return static_cast<int>(n);
  if (would_block(errno)) BIO_set_retry_write(bio);
  return -1;
}

int bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(socket_of(bio), data, static_cast<size_t>(size), 0);
  if (n > 0) return static_cast<int>(n);
  if (n == 0) {
    BIO_set_flags(bio, BIO_FLAGS_IN_EOF);  // lets OpenSSL tell a truncated stream apart
    return 0;
  }
  if (would_block(errno)) BIO_set_retry_read(bio);
  return -1;
}

long bio_ctrl(BIO* bio, int command, long, void* out) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;  // nothing is buffered here
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    case BIO_C_GET_FD:
      if (out != nullptr) *static_cast<int*>(out) = socket_of(bio);
      return socket_of(bio);
    default:
      return 0;
  }
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tandem socket");
    if (m != nullptr) {
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
    }
    return m;
  }();
  return method;
}

SSL* new_session(SSL_CTX* tls) {
  SSL* ssl = SSL_new(tls);
  if (ssl != nullptr) {
    SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }
  return ssl;
}

}  // namespace

TlsSocket::Core::Core(executor_type executor, SSL_CTX* tls)
    : socket(executor), deadline(executor), ssl(new_session(tls)) {}

TlsSocket::Core::Core(asio::ip::tcp::socket accepted, SSL_CTX* tls)
    : socket(std::move(accepted)), deadline(socket.get_executor()), ssl(new_session(tls)) {}

TlsSocket::Core::~Core() { SSL_free(ssl); }

// Attaches OpenSSL to the socket on the first call after it is connected. A closed socket
// is never handed to OpenSSL: its descriptor may already belong to another connection.
bool TlsSocket::Core::socket_ready(error_code& ec) {
  if (!socket.is_open()) {
    ec = asio::error::bad_descriptor;
    return false;
  }
  if (bio_attached) return true;
  const BIO_METHOD* method = socket_method();
  BIO* bio = (ssl != nullptr && method != nullptr) ? BIO_new(method) : nullptr;
  if (bio == nullptr) {
    ec = asio::error::no_memory;
    return false;
  }
  socket.native_non_blocking(true, ec);
  if (ec) {
    BIO_free(bio);
    return false;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(socket.native_handle())));
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl, bio, bio);  // one reference, owned by the SSL from here
  bio_attached = true;
  return true;
}

TlsSocket::Wait TlsSocket::Core::classify(int ssl_error, int saved_errno, error_code& ec) {
  switch (ssl_error) {
    case SSL_ERROR_WANT_READ:
      return Wait::read;
    case SSL_ERROR_WANT_WRITE:
      return Wait::write;
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      ec = asio::error::eof;
      break;
    case SSL_ERROR_SYSCALL:
      ec = saved_errno != 0 ? error_code(saved_errno, boost::system::system_category())
                            : error_code(asio::ssl::error::stream_truncated);
      break;
    default: {
      const unsigned long e = ERR_get_error();
      if (e == 0) {  // a failure with nothing queued: never report it as success
        ec = asio::ssl::error::unspecified_system_error;
      } else if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ec = asio::ssl::error::stream_truncated;
      } else {
        ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
      }
      break;
    }
  }
  ERR_clear_error();
  return Wait::none;
}

error_code TlsSocket::Core::after_wait(const error_code& ec) const {
  return ec == asio::error::operation_aborted && timed_out ? timeout_error() : ec;
}

error_code TlsSocket::Core::timeout_error() { return boost::beast::error::timeout; }

TlsSocket::TlsSocket(executor_type executor, asio::ssl::context& tls)
    : core_(std::make_shared<Core>(std::move(executor), tls.native_handle())) {
  core_->self = core_;
}

TlsSocket::TlsSocket(asio::ip::tcp::socket accepted, asio::ssl::context& tls)
    : core_(std::make_shared<Core>(std::move(accepted), tls.native_handle())) {
  core_->self = core_;
}

TlsSocket::~TlsSocket() {
  if (!core_) return;  // moved from
  error_code ignored;
  core_->deadline.cancel();
  core_->socket.close(ignored);
}

void TlsSocket::Core::begin() {
  if (pending++ > 0 || !expiry) return;
  if (*expiry <= std::chrono::steady_clock::now()) {
    timed_out = true;  // passed while idle: this operation fails at once
    return;
  }
  arm();
}

void TlsSocket::Core::end() {
  if (--pending == 0) disarm();
}

void TlsSocket::Core::arm() {
  const uint64_t generation = ++deadline_generation;
  deadline.expires_at(*expiry);
  deadline.async_wait([weak = self, generation](const error_code& ec) {
    if (ec) return;  // cancelled: disarmed, or the socket is gone
    auto core = weak.lock();
    if (!core || core->deadline_generation != generation) return;
    core->timed_out = true;
    error_code ignored;
    core->socket.close(ignored);  // as beast::tcp_stream does: the session is not reusable
  });
}

void TlsSocket::Core::disarm() {
  ++deadline_generation;
  deadline.cancel();
}

void TlsSocket::expires_after(std::chrono::steady_clock::duration d) {
  Core& c = *core_;
  c.expiry = std::chrono::steady_clock::now() + d;
  c.timed_out = false;
  if (c.pending > 0) c.arm();
}

void TlsSocket::expires_never() {
  core_->expiry.reset();
  core_->timed_out = false;
  core_->disarm();
}

bool TlsSocket::try_write(asio::const_buffer bytes, error_code& ec) {
  ec = {};
  // Nothing is started that async_write could not finish with the same bytes.
  if (core_->pending > 0 || bytes.size() > kRecord) return false;
  Write write{bytes, {}};
  size_t n = 0;
  const Wait wait = core_->attempt(write, n, ec);
  return wait == Wait::none && !ec && n == bytes.size();
}

void TlsSocket::shutdown_and_close() {
  Core& c = *core_;
  c.deadline.cancel();
  if (!c.socket.is_open()) return;
  if (c.bio_attached && SSL_is_init_finished(c.ssl)) {
    ERR_clear_error();
    (void)SSL_shutdown(c.ssl);  // non-blocking: close_notify goes out if the socket has room
    ERR_clear_error();
  }
  error_code ignored;
  c.socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  c.socket.close(ignored);
}

void teardown(boost::beast::role_type, TlsSocket& socket, error_code& ec) {
  socket.shutdown_and_close();
  ec = {};
}

}  // namespace tandem::net
