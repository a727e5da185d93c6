// Write-ahead across two threads. The engine hands a leader update's follower orders to the
// broker thread before their journal batch is synced, so that each request is built while
// the disk syncs (its connection taken, its form and HTTP message made); every such request
// then waits here, just before its first byte is written, until the engine says the batch
// is durable (open) or that it will never be (close: nothing is sent). One gate per batch.
// Thread-safety: open(), close() and wait() run on the executor given (the broker thread's);
// the engine posts open() or close() there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tandem::net {

class SendGate {
 public:
  explicit SendGate(boost::asio::any_io_executor executor);

  void open();   // the batch is durable: every waiter goes on
  void close();  // the batch was not journaled: every waiter gives up
  // True once open, false once closed; suspends while neither.
  boost::asio::awaitable<bool> wait();

 private:
  enum class State { held, open, closed };
  State state_ = State::held;
  boost::asio::steady_timer wake_;  // never expires: open() and close() cancel its waits
};

}  // namespace tandem::net
