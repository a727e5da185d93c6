#include "net/send_gate.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tandem::net {

namespace asio = boost::asio;

SendGate::SendGate(asio::any_io_executor executor)
    : wake_(std::move(executor), asio::steady_timer::time_point::max()) {}

void SendGate::open() {
  if (state_ != State::held) return;
  state_ = State::open;
  wake_.cancel();
}

void SendGate::close() {
  if (state_ != State::held) return;
  state_ = State::closed;
  wake_.cancel();
}

asio::awaitable<bool> SendGate::wait() {
  while (state_ == State::held) {
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return state_ == State::open;
}

}  // namespace tandem::net
