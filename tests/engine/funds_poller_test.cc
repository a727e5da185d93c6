// Goal (issue 26, the engine by job): the funds poller asks every account's broker each
// interval and hands the engine what they answered; at a stop it pushes nothing more and
// stop() returns once the poll has ended; with no interval it never asks.
// Method: a FundsPoller on a real io_context thread (the leader's), two PaperGateways as the
// accounts' brokers on it, the engine's inbox read with a timeout.
#include "engine/funds_poller.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <map>
#include <thread>

#include "brokers/paper/paper_gateway.h"
#include "tests/support/sim_loop.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

brokers::PaperAccount funded(int64_t paise) {
  brokers::PaperAccount a;
  a.funds.available_paise = paise;
  return a;
}

struct LeaderThread {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  brokers::PaperGateway leader{io.get_executor(), funded(20'00'000'00), testing::wall_clock};
  brokers::PaperGateway follower{io.get_executor(), funded(5'00'000'00), testing::wall_clock};
  std::shared_ptr<Inbox<Fact>> inbox = std::make_shared<Inbox<Fact>>(1024);
  std::thread thread{[this] { io.run(); }};
  ~LeaderThread() {
    work.reset();
    io.stop();
    thread.join();
  }
  FundsPoller::Accounts accounts() {
    return {{d::AccountId{"L1"}, &leader}, {d::AccountId{"F1"}, &follower}};
  }
};

TEST(FundsPoller, EveryAccountsFundsAreHandedInEachInterval) {
  LeaderThread t;
  FundsPoller poller(t.io.get_executor(), 10ms, t.inbox);
  poller.start(t.accounts());
  std::map<std::string, std::vector<int64_t>> answers;
  while (answers["L1"].size() < 2 || answers["F1"].size() < 2) {
    auto fact = t.inbox->pop(5s);
    ASSERT_TRUE(fact) << "no funds within 5 s";
    const auto* funds = std::get_if<FundsFact>(&*fact);
    ASSERT_NE(funds, nullptr);
    answers[funds->account.value].push_back(funds->available_paise);
  }
  poller.stop();
  EXPECT_EQ(answers["L1"].front(), 20'00'000'00);
  EXPECT_EQ(answers["F1"].front(), 5'00'000'00);
  while (t.inbox->try_pop()) {
  }
  EXPECT_FALSE(t.inbox->pop(100ms)) << "nothing after stop()";
}

TEST(FundsPoller, AStopRequestedPushesNothingMore) {
  LeaderThread t;
  FundsPoller poller(t.io.get_executor(), 10ms, t.inbox);
  poller.start(t.accounts());
  ASSERT_TRUE(t.inbox->pop(5s)) << "polling";
  poller.request_stop();
  // A funds call under way when the stop came does not push either: after what had been
  // pushed before it, nothing arrives.
  std::this_thread::sleep_for(20ms);
  while (t.inbox->try_pop()) {
  }
  EXPECT_FALSE(t.inbox->pop(100ms));
  poller.stop();
}

TEST(FundsPoller, NoIntervalNeverAsks) {
  LeaderThread t;
  FundsPoller poller(t.io.get_executor(), 0ms, t.inbox);
  poller.start(t.accounts());
  EXPECT_FALSE(t.inbox->pop(100ms));
  poller.stop();
}

}  // namespace
}  // namespace tandem::engine
