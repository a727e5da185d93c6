// Goal: whatever breaks a leader's order stream — a refused connect, a failed handshake, a
// login or a subscription that breaks the socket, a message lost with its socket, silence
// past the liveness timeout, the broker dropping the socket, the gap fill's REST call
// failing at any of its points — the stream ends the day having emitted every order in the
// leader's book, each in its state at the broker, and Kite's ticker ends on the last price.
// A follower left holding what the leader closed starts with an order state never seen.
// Checked against the broker simulator's own book, on Kite and on Dhan.
// Method: the product's gateways (the order stream in each broker's dialect, its gap fill
// through the REST session) on scripted sockets and connections whose far end is the
// simulator (tests/support/scripted_world.h). One thread, no clock: a run is a function of
// its fault plan. EveryStreamFaultPointInTurn fails each point of a fixed day, one per run
// (Beast's fail_count loop); ManySeededStreamDays runs TANDEM_SHELL_SEEDS days (1000 in CI)
// with faults everywhere, and a failure prints the `seed=` that reproduces it.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/owner_moves.h"
#include "tests/support/scripted_world.h"

namespace tandem::brokers::simulated_stream_test {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using testing::FaultPlan;
using testing::ScriptedWorld;

// What the leader's owner does, between which the loop runs until nothing is left to do.
using Move = testing::OwnerMove;

std::vector<Move> day_of(uint64_t seed) {
  std::mt19937_64 r(seed);
  std::vector<Move> moves;
  std::vector<size_t> resting;  // limit moves not cancelled
  const size_t n = 8 + r() % 10;
  for (size_t i = 0; i < n; ++i) {
    Move m;
    const int roll = static_cast<int>(r() % 10);
    if (roll < 4 || (resting.empty() && roll < 7)) {
      m.kind = roll == 0 ? Move::Kind::buy : Move::Kind::limit;
      m.units = 1 + static_cast<int64_t>(r() % 4);
      m.price_paise = (1450 - static_cast<int64_t>(r() % 100)) * 100;
      if (m.kind == Move::Kind::limit) resting.push_back(i);
    } else if (roll < 7) {
      m.kind = roll < 6 ? Move::Kind::modify : Move::Kind::cancel;
      const size_t pick = r() % resting.size();
      m.of = resting[pick];
      m.price_paise = (1440 - static_cast<int64_t>(i)) * 100;
      if (m.kind == Move::Kind::cancel) resting.erase(resting.begin() + static_cast<long>(pick));
    } else if (roll < 9) {
      m.kind = Move::Kind::price;
      m.price_paise = (1350 + static_cast<int64_t>(r() % 150)) * 100;
    } else {
      m.kind = Move::Kind::drop;
    }
    moves.push_back(m);
  }
  return moves;
}

// What an order stream tells the engine of one order.
std::string state_of(const BrokerOrder& o) {
  std::ostringstream out;
  out << d::to_string(o.status) << " " << o.filled_units << "/" << o.quantity_units << " @"
      << o.price_paise << " trigger " << o.trigger_price_paise << " avg " << o.average_price_paise;
  return out.str();
}

struct StreamDay {
  std::map<std::string, std::vector<std::string>> emitted;  // by order id, in order
  int64_t last_tick_paise = 0;                              // Kite: the last price ticked
  int64_t last_price_paise = 1500'00;                       // the market's, as set
  int ups = 0;
  bool gave_up = false;
  bool settled = true;
};

// Runs the loop until nothing is ready; false if it never stops.
bool settle(asio::io_context& io) {
  for (int rounds = 0; rounds < 1'000'000; ++rounds) {
    io.restart();
    if (io.poll() == 0) return true;
  }
  return false;
}

StreamDay run_day(const std::vector<Move>& moves, bool dhan, ScriptedWorld& w) {
  asio::io_context io;
  StreamOptions reconnect;  // at once: a real wait would need a clock
  reconnect.backoff_first = std::chrono::milliseconds(0);
  reconnect.backoff_max = std::chrono::milliseconds(0);
  std::unique_ptr<Gateway> gateway =
      testing::scripted_gateway(testing::shell_login(dhan), w, io, w.far, reconnect);
  StreamDay day;
  gateway->subscribe(
      [&](const BrokerOrder& o, bool) { day.emitted[o.order_id.value].push_back(state_of(o)); },
      [&](bool up, const Status& why) {
        day.ups += up ? 1 : 0;
        if (!up && why.message().find("giving up") != std::string::npos) day.gave_up = true;
      });
  if (!dhan) {
    gateway->watch_prices(testing::test_instruments(),
                          [&](const std::vector<d::InstrumentPrice>& prices) {
                            for (const auto& p : prices) {
                              if (p.instrument == testing::kTestInfy) {
                                day.last_tick_paise = p.last_price_paise;
                              }
                            }
                          });
  }
  day.settled = settle(io);
  std::map<size_t, d::BrokerOrderId> placed;
  const std::string user = w.user(dhan);
  for (size_t i = 0; i < moves.size() && day.settled; ++i) {
    testing::make_move(w.sim, user, moves, i, placed);
    if (moves[i].kind == Move::Kind::price) day.last_price_paise = moves[i].price_paise;
    day.settled = settle(io);
  }
  // The day's end: every order due to fill has, and the broker has said so on its sockets.
  *w.now += 60'000'000'000;
  w.sim.set_price(testing::kTestInfy, day.last_price_paise);
  day.settled = day.settled && settle(io);
  gateway->stop();
  io.poll();
  return day;
}

// The stream against the broker's book; empty when they agree.
std::string disagreement(const StreamDay& day, bool dhan, ScriptedWorld& w) {
  std::ostringstream out;
  if (!day.settled) out << "the loop never stopped\n";
  if (day.gave_up) out << "the stream gave up\n";
  if (day.ups == 0) out << "the stream never connected\n";
  std::map<std::string, bool> at_broker;
  for (const BrokerOrder& o : w.sim.orders_of(w.user(dhan))) {
    at_broker[o.order_id.value] = true;
    const auto seen = day.emitted.find(o.order_id.value);
    if (seen == day.emitted.end()) {
      out << o.order_id.value << " never emitted; at the broker " << state_of(o) << "\n";
    } else if (seen->second.back() != state_of(o)) {
      out << o.order_id.value << " last emitted " << seen->second.back() << "; at the broker "
          << state_of(o) << "\n";
    }
  }
  for (const auto& [id, states] : day.emitted) {
    if (!at_broker.contains(id)) out << id << " emitted, but not at the broker\n";
    for (size_t i = 1; i < states.size(); ++i) {
      if (states[i] == states[i - 1]) out << id << " emitted " << states[i] << " twice in a row\n";
    }
  }
  if (!dhan && day.last_tick_paise != day.last_price_paise) {
    out << "the ticker ended on " << day.last_tick_paise << ", the market on "
        << day.last_price_paise << "\n";
  }
  return out.str();
}

TEST(SimulatedStream, AQuietDayEmitsEveryOrderInItsStateAtTheBroker) {
  for (bool dhan : {false, true}) {
    SCOPED_TRACE(dhan ? "dhan" : "kite");
    ScriptedWorld w(FaultPlan::none(), dhan);
    const std::vector<Move> moves = day_of(7);
    const StreamDay day = run_day(moves, dhan, w);
    EXPECT_EQ(disagreement(day, dhan, w), "");
    const auto drops = std::count_if(moves.begin(), moves.end(),
                                     [](const Move& m) { return m.kind == Move::Kind::drop; });
    EXPECT_EQ(day.ups, 1 + static_cast<int>(drops))
        << "one connect at the start and one after each drop";
    EXPECT_FALSE(day.emitted.empty());
  }
}

TEST(SimulatedStream, EveryStreamFaultPointInTurn) {
  const std::vector<Move> moves = day_of(11);
  for (bool dhan : {false, true}) {
    uint64_t n = 1;
    std::map<std::string, int> failed;
    for (;; ++n) {
      ScriptedWorld w(FaultPlan::nth(n), dhan);
      const StreamDay day = run_day(moves, dhan, w);
      const std::string wrong = disagreement(day, dhan, w);
      ASSERT_EQ(wrong, "") << (dhan ? "dhan" : "kite") << " n=" << n << " failing "
                           << (w.far->faults.failures().empty() ? std::string("nothing")
                                                                : w.far->faults.failures()[0]);
      if (w.far->faults.failed() == 0) break;  // the day met fewer than n points
      ++failed[w.far->faults.failures()[0]];
    }
    std::cout << (dhan ? "dhan" : "kite") << ": " << n - 1 << " fault points, each failed in turn:";
    for (const auto& [point, count] : failed) std::cout << " " << point << " " << count;
    std::cout << "\n";
    for (const char* point : {"connect", "handshake", "socket_write", "socket_read", "silence",
                              "write", "answer_lost", "stall"}) {
      EXPECT_GT(failed[point], 0) << (dhan ? "dhan: " : "kite: ") << point << " never met";
    }
  }
}

TEST(SimulatedStream, ManySeededStreamDays) {
  const char* env = std::getenv("TANDEM_SHELL_SEEDS");
  const uint64_t seeds = env != nullptr ? std::strtoull(env, nullptr, 10) : 1000;
  std::map<std::string, int> failed;
  int64_t connects = 0;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const bool dhan = seed % 2 == 0;
    ScriptedWorld w(FaultPlan::seeded(seed, 10), dhan);
    const StreamDay day = run_day(day_of(seed), dhan, w);
    const std::string wrong = disagreement(day, dhan, w);
    ASSERT_EQ(wrong, "") << "seed=" << seed << (dhan ? " (dhan)" : " (kite)");
    for (const std::string& f : w.far->faults.failures()) ++failed[f];
    connects += day.ups;
  }
  std::cout << seeds << " stream days, " << connects << " connects; faults:";
  for (const auto& [point, count] : failed) std::cout << " " << point << " " << count;
  std::cout << "\n";
  if (seeds >= 100) {
    for (const char* point : {"connect", "handshake", "socket_write", "socket_read", "silence",
                              "write", "answer_lost", "stall"}) {
      EXPECT_GT(failed[point], 0) << point << " never failed";
    }
  }
}

}  // namespace
}  // namespace tandem::brokers::simulated_stream_test
