// The broker threads: a few io_contexts, each run by a thread of its own, over which the
// gateways are spread by account. A leader update's orders for accounts on different
// threads are then built and written at the same time, each thread's behind its own send
// gate (send_gate.h). An io_context per thread rather than one shared by all: a gateway's
// calls stay on one thread, which is its strand without a strand's locking.
// Thread-safety: construct and stop() from one thread; io() from any.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace tandem::engine {

class BrokerThreads {
 public:
  explicit BrokerThreads(int count);  // at least one
  ~BrokerThreads();                   // stop()
  BrokerThreads(const BrokerThreads&) = delete;
  BrokerThreads& operator=(const BrokerThreads&) = delete;

  size_t size() const { return threads_.size(); }
  boost::asio::io_context& io(size_t i) { return threads_[i]->io; }
  // Where the account with this ordinal runs: round robin, so that consecutive accounts
  // (the followers of one leader update) land on different threads.
  boost::asio::io_context& for_account(size_t ordinal) { return io(ordinal % size()); }
  // Stops each io_context and joins its thread. Idempotent.
  void stop();

 private:
  struct Thread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        io.get_executor()};
    std::thread thread;
  };
  std::vector<std::unique_ptr<Thread>> threads_;
};

}  // namespace tandem::engine
