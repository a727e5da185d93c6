// The funds poller (issue 26, the engine by job): capital-proportional and risk-based sizing
// read each account's funds, which change through the day. Every interval it asks each
// account's gateway (on that gateway's executor) and pushes what it answered as a
// FundsFact; the engine journals a change as a FundsSnapshot. A failed answer is skipped:
// the next interval asks again.
// Thread-safety: start() and stop() from the engine's thread; the poll runs on `executor`.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "brokers/gateway.h"
#include "engine/facts.h"
#include "engine/inbox.h"

namespace tandem::engine {

class FundsPoller {
 public:
  using Accounts = std::vector<std::pair<domain::AccountId, brokers::Gateway*>>;

  FundsPoller(boost::asio::any_io_executor executor, std::chrono::milliseconds interval,
              std::shared_ptr<Inbox<Fact>> inbox);
  ~FundsPoller() { stop(); }
  FundsPoller(const FundsPoller&) = delete;
  FundsPoller& operator=(const FundsPoller&) = delete;

  // Starts polling `accounts` (none when the interval is 0). Once.
  void start(Accounts accounts);
  // No more facts from now on (the engine is stopping); the poll ends at its next step.
  void request_stop() { stopping_ = true; }
  // Ends the poll and waits for it (a funds call under way first returns).
  void stop();

 private:
  boost::asio::awaitable<void> poll(Accounts accounts);

  boost::asio::any_io_executor executor_;
  const std::chrono::milliseconds interval_;
  std::shared_ptr<Inbox<Fact>> inbox_;
  std::atomic<bool> stopping_{false};       // read on `executor`
  boost::asio::steady_timer timer_;         // used on `executor` only
  std::optional<std::promise<void>> done_;  // set when the poll has ended
};

}  // namespace tandem::engine
