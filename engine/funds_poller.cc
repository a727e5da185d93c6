#include "engine/funds_poller.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "brokers/await_on.h"
#include "domain/base/assert.h"

namespace tandem::engine {

namespace asio = boost::asio;

FundsPoller::FundsPoller(asio::any_io_executor executor, std::chrono::milliseconds interval,
                         std::shared_ptr<Inbox<Fact>> inbox)
    : executor_(std::move(executor)),
      interval_(interval),
      inbox_(std::move(inbox)),
      timer_(executor_) {}

void FundsPoller::start(Accounts accounts) {
  TANDEM_REQUIRE(!done_, "the funds poller starts once");
  if (interval_.count() <= 0 || stopping_) return;
  done_.emplace();
  asio::co_spawn(executor_, poll(std::move(accounts)),
                 [this](std::exception_ptr) { done_->set_value(); });
}

void FundsPoller::stop() {
  stopping_ = true;
  if (!done_) return;
  asio::post(executor_, [this] { timer_.cancel(); });
  done_->get_future().wait();
  done_.reset();
}

asio::awaitable<void> FundsPoller::poll(Accounts accounts) {
  while (!stopping_) {
    timer_.expires_after(interval_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    for (const auto& [account, gateway] : accounts) {
      if (stopping_) break;
      brokers::Gateway* g = gateway;
      Result<brokers::Funds> funds = co_await brokers::await_on<Result<brokers::Funds>>(
          g->executor(), [g] { return g->funds(); });
      if (funds.ok() && !stopping_) inbox_->push(FundsFact{account, funds->available_paise});
    }
  }
}

}  // namespace tandem::engine
