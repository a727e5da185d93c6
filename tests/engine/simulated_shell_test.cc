// Goal: wherever a follower's REST call fails — refused connect, failed TLS handshake, a
// write that breaks, an answer lost after the broker carried the order out, an answer past
// the deadline — and whatever the broker answers (429, an expired token), an order intent
// ends at the broker exactly once, or not at all with a final error; never twice. Checked
// against the simulated broker's own book, on Kite and on Dhan.
// Method: the product's gateways (KiteGateway, DhanGateway: codec, RestSession, RestCaller,
// HttpsPool) on scripted streams (tests/support/scripted_stream.h) whose far end is the
// broker simulator's own handler; the engine's dispatcher (its send queue and pump, with
// execute_intent's exactly-once rule) carries the intents out. One thread, no socket, a clock that
// moves only when read: a run is a function of its seed, and a failure prints `seed=` (or the fault
// point `n=`) that reproduces it. EveryFaultPointInTurn fails each point of a fixed day, one per
// run (Beast's fail_count loop); ManySeededDays runs TANDEM_SHELL_SEEDS days (1000 in CI) with
// faults everywhere.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/dispatcher.h"
#include "engine/intent_executor.h"
#include "tests/support/scripted_world.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using testing::FaultPlan;
using testing::ScriptedBroker;
using testing::ScriptedWorld;

constexpr size_t kConnections = testing::kShellConnections;
constexpr int kMaxAtBroker = 4;  // the engine's default max_at_broker
// The dispatcher's wait before it looks an unknown outcome up again: none here (a real wait
// would need a clock), the same rounds.
constexpr std::chrono::milliseconds kLookAgainAfter{0};

// One step of a follower's day: a new order, or a change to the order step `of` placed.
struct Step {
  d::CopyAction action = d::CopyAction::place;
  size_t of = 0;         // modify, cancel: the place step whose order they change
  bool market = false;   // place: a market order (fills at once) or a limit that rests
  bool refused = false;  // place: in an instrument the broker refuses (OrderException)
  int64_t lots = 1;
  int64_t price_paise = 0;     // limit, modify
  bool with_previous = false;  // sent while the previous step is still in flight
  bool expire_token_before = false;
  bool look_first = false;   // place: looked up by its tag before it is sent
  bool may_be_sent = false;  // place: an earlier send may have placed it (a restart's)
};

std::vector<Step> day_of(uint64_t seed) {
  std::mt19937_64 r(seed);
  std::vector<Step> steps;
  std::vector<size_t> limits;  // place steps of resting orders
  const size_t n = 8 + r() % 10;
  for (size_t i = 0; i < n; ++i) {
    Step s;
    const int roll = static_cast<int>(r() % 10);
    if (roll < 6 || limits.empty()) {
      s.market = roll == 0;
      s.refused = roll == 1;
      s.lots = 1 + static_cast<int64_t>(r() % 4);
      s.price_paise = (1400 - static_cast<int64_t>(r() % 50)) * 100;
      if (!s.market && !s.refused) limits.push_back(i);
    } else {
      // Each change asks for a price of its own, and an order is cancelled at most once: a
      // change reported refused must then have left the order as it was.
      s.action = roll < 8 ? d::CopyAction::modify : d::CopyAction::cancel;
      const size_t pick = r() % limits.size();
      s.of = limits[pick];
      s.price_paise = (1350 - static_cast<int64_t>(i)) * 100;
      if (s.action == d::CopyAction::cancel) limits.erase(limits.begin() + static_cast<long>(pick));
    }
    s.with_previous = i > 0 && r() % 3 == 0;
    s.expire_token_before = r() % 40 == 0;
    steps.push_back(s);
  }
  return steps;
}

struct Outcome {
  bool ran = false;
  IntentOutcome result;
  d::ClientTag tag;
};

// The first answer that the token was refused, and what the broker had handled by then.
struct Refusal {
  bool seen = false;
  int64_t handled = 0;
  int in_flight = 0;  // calls of other steps under way at that moment
};

d::OrderTerms order_of(const Step& s) {
  d::OrderTerms o;
  o.instrument = s.refused ? testing::kTestNifty : testing::kTestInfy;
  o.side = d::Side::buy;
  o.product = d::Product::intraday;
  o.order_type = s.market ? d::OrderType::market : d::OrderType::limit;
  o.quantity_units = s.refused ? 75 * s.lots : s.lots;  // NIFTY's lot is 75
  o.price_paise = s.market ? 0 : s.price_paise;
  return o;
}

// Runs one follower's day as the engine sends it: each step's intent queued on the
// account's send queue (engine/send_queue.h: changes first, one change of an order at a
// time, at most kMaxAtBroker out) and carried out by the dispatcher (engine/dispatcher.h:
// execute_intent on the gateway), its outcome read from the inbox. The outcome of each step,
// in order.
std::vector<Outcome> run_day(const std::vector<Step>& steps, bool dhan, ScriptedWorld& w,
                             std::shared_ptr<ScriptedBroker> far, Refusal& refusal) {
  asio::io_context io;
  std::unique_ptr<brokers::Gateway> gateway =
      testing::scripted_gateway(testing::shell_login(dhan), w, io, far);
  auto queue = std::make_shared<SendQueue>(kMaxAtBroker);
  auto inbox = std::make_shared<Inbox<Fact>>(1024);
  std::vector<Outcome> outcomes(steps.size());
  std::map<d::ClientTag, size_t> step_of;
  int in_flight = 0;
  // Runs the loop until every queued order has its outcome; false if it stalls.
  const auto settle = [&]() {
    io.restart();  // it stops each time it runs out of work
    while (in_flight > 0) {
      if (io.run_one_for(std::chrono::seconds(5)) == 0) return false;
      while (std::optional<Fact> fact = inbox->try_pop()) {
        const auto* f = std::get_if<OutcomeFact>(&*fact);
        if (f == nullptr) continue;
        Outcome& o = outcomes[step_of.at(f->intent.tag)];
        o.ran = true;
        if (!f->acked.empty()) o.result.acked = f->acked;
        o.result.error_class = f->error_class;
        o.result.message = f->message;
        --in_flight;
        if (f->acked.empty() && f->error_class == d::OrderFailure::unauthenticated &&
            !refusal.seen) {
          refusal = {true, far->handled, in_flight};
        }
      }
    }
    return true;
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (!s.with_previous && !settle()) break;
    if (s.expire_token_before) {
      EXPECT_TRUE(
          w.sim.expire_token(dhan ? testing::kShellDhanUser : testing::kShellKiteUser).ok());
    }
    QueuedOrder q;
    q.gateway = gateway.get();
    q.intent.action = s.action;
    q.intent.tag = d::ClientTag{"shell" + std::to_string(i)};
    q.intent.order = order_of(s);
    q.lane = SendLane::entry;
    q.look_first = s.look_first;
    q.may_be_sent = s.may_be_sent;
    if (s.action != d::CopyAction::place) {
      const Outcome& placed = outcomes[s.of];
      if (!placed.ran || !placed.result.acked) continue;  // nothing there to change
      q.intent.target_order_id = *placed.result.acked;
      q.intent.target_tag = placed.tag;
      q.intent.order = order_of(steps[s.of]);
      q.intent.order.price_paise = s.price_paise;
      q.lane = SendLane::change;
    }
    outcomes[i].tag = q.intent.tag;
    step_of[q.intent.tag] = i;
    ++in_flight;
    queue->push(std::move(q));
    pump(queue, io.get_executor(), inbox, {std::chrono::milliseconds(0), kLookAgainAfter});
  }
  EXPECT_TRUE(settle()) << "the day did not finish: a call is waiting for ever";
  gateway->stop();
  io.poll();
  return outcomes;
}

std::string to_text(const Outcome& o) {
  std::ostringstream out;
  out << o.tag.value << ": "
      << (o.result.acked ? "acked " + o.result.acked->value
                         : std::string(d::to_string(o.result.error_class)))
      << (o.result.message.empty() ? "" : ", ") << o.result.message;
  return out.str();
}

void print_day(const std::vector<Step>& steps, const std::vector<Outcome>& outcomes) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    std::cout << i << " " << d::to_string(s.action);
    if (s.action != d::CopyAction::place) std::cout << " of " << s.of;
    std::cout << (s.with_previous ? " (with the previous)" : "")
              << (s.expire_token_before ? " (token expired before)" : "") << ": "
              << (outcomes[i].ran ? to_text(outcomes[i]) : "not run") << "\n";
  }
}

// The broker's book against what each step was told.
void check_book(const std::vector<Step>& steps, const std::vector<Outcome>& outcomes, bool dhan,
                ScriptedWorld& w, const ScriptedBroker& far, const Refusal& refusal) {
  std::map<std::string, std::vector<brokers::BrokerOrder>> by_tag;
  std::map<std::string, brokers::BrokerOrder> by_id;
  for (const brokers::BrokerOrder& o :
       w.sim.orders_of(dhan ? testing::kShellDhanUser : testing::kShellKiteUser)) {
    by_tag[o.tag].push_back(o);
    by_id[o.order_id.value] = o;
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const Outcome& o = outcomes[i];
    if (!o.ran) continue;
    SCOPED_TRACE(to_text(o));
    const std::string error(d::to_string(o.result.error_class));
    if (steps[i].action == d::CopyAction::place) {
      const auto& found = by_tag[o.tag.value];
      EXPECT_LE(found.size(), 1u) << "the tag is at the broker " << found.size() << " times";
      if (o.result.acked) {
        ASSERT_EQ(found.size(), 1u) << "acknowledged, but not at the broker";
        EXPECT_EQ(found.front().order_id, *o.result.acked);
      } else if (error != "network") {
        EXPECT_TRUE(found.empty()) << "refused (" << error << "), yet at the broker";
      }
      continue;
    }
    const auto at = by_id.find(outcomes[steps[i].of].result.acked->value);
    ASSERT_NE(at, by_id.end()) << "the changed order is not at the broker";
    const brokers::BrokerOrder& now = at->second;
    const bool cancelled = now.status == d::OrderStatus::cancelled;
    if (steps[i].action == d::CopyAction::cancel) {
      if (o.result.acked) {
        EXPECT_TRUE(cancelled) << "cancel acknowledged, order " << d::to_string(now.status);
      } else if (error != "network") {
        EXPECT_FALSE(cancelled) << "cancel refused (" << error << "), yet the order is cancelled";
      }
    } else if (!o.result.acked && error != "network") {
      EXPECT_NE(now.price_paise, steps[i].price_paise) << "modify refused, yet at the broker";
    }
  }
  // Each order's price is its own or one a modify asked for that was acknowledged or whose
  // outcome is unknown; and the last modify of an order, when acknowledged, is its price.
  std::map<size_t, std::set<int64_t>> prices;  // by place step
  std::map<size_t, size_t> last_modify;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!outcomes[i].ran) continue;
    if (steps[i].action == d::CopyAction::place) prices[i].insert(steps[i].price_paise);
    if (steps[i].action != d::CopyAction::modify) continue;
    last_modify[steps[i].of] = i;
    if (outcomes[i].result.acked || outcomes[i].result.error_class == d::OrderFailure::network) {
      prices[steps[i].of].insert(steps[i].price_paise);
    }
  }
  for (const auto& [place, allowed] : prices) {
    if (!outcomes[place].result.acked || steps[place].market) continue;
    const brokers::BrokerOrder& now = by_id[outcomes[place].result.acked->value];
    SCOPED_TRACE(to_text(outcomes[place]));
    EXPECT_TRUE(allowed.count(now.price_paise) > 0)
        << "a price no one asked for: " << now.price_paise;
    const auto last = last_modify.find(place);
    if (last != last_modify.end() && outcomes[last->second].result.acked &&
        now.status != d::OrderStatus::cancelled) {
      EXPECT_EQ(now.price_paise, steps[last->second].price_paise)
          << "the last modify was acknowledged, but the order is not at its price";
    }
  }
  // Once the token is refused the account stops: only calls already under way may still
  // reach the broker (one request each), nothing new.
  if (refusal.seen) {
    EXPECT_LE(far.handled - refusal.handled, refusal.in_flight)
        << "calls reached the broker after its token was refused";
  }
  EXPECT_LE(far.most_open, static_cast<int>(kConnections)) << "the pool opened past its bound";
  EXPECT_EQ(far.open, 0) << "connections left open after the gateway stopped";
}

// Runs the day against the world's simulator and checks the simulator's book.
std::vector<Outcome> run_checked_day(const std::vector<Step>& steps, bool dhan, ScriptedWorld& w) {
  Refusal refusal;
  std::vector<Outcome> outcomes = run_day(steps, dhan, w, w.far, refusal);
  check_book(steps, outcomes, dhan, w, *w.far, refusal);
  return outcomes;
}

TEST(SimulatedShell, EveryFaultPointInTurn) {
  const std::vector<Step> steps = day_of(7);
  for (bool dhan : {false, true}) {
    uint64_t n = 1;
    for (;; ++n) {
      SCOPED_TRACE((dhan ? "dhan" : "kite") + std::string(" n=") + std::to_string(n));
      ScriptedWorld w(FaultPlan::nth(n));
      const std::vector<Outcome> outcomes = run_checked_day(steps, dhan, w);
      if (HasFailure()) return print_day(steps, outcomes);
      if (w.far->faults.failed() == 0) break;  // the day met fewer than n points
    }
    std::cout << (dhan ? "dhan" : "kite") << ": " << n - 1
              << " fault points, each failed in turn\n";
    EXPECT_GT(n, 20u) << "a day of " << steps.size() << " steps met only " << n - 1 << " points";
  }
}

// A place whose answer is lost, and whose lookups by tag fail after it, is looked up again by
// the dispatcher (engine/dispatcher.h) before it is reported unknown: three more times. On a
// fresh pool the place meets connect (1), handshake (2), write (3), answer_lost (4), stall
// (5); each lookup after it opens a new connection, at 6, 7, 8, 9.
TEST(SimulatedShell, AnUnknownOutcomeIsLookedUpAgainBeforeItIsReported) {
  Step place;
  place.price_paise = 1400'00;
  const std::vector<Step> steps{place};
  const std::vector<std::pair<std::set<uint64_t>, bool>> cases{
      {{4, 6}, true}, {{4, 6, 7, 8}, true}, {{4, 6, 7, 8, 9}, false}};
  for (bool dhan : {false, true}) {
    for (const auto& [failing, acked] : cases) {
      SCOPED_TRACE(std::string(dhan ? "dhan" : "kite") + ", failing " +
                   std::to_string(failing.size()) + " points");
      ScriptedWorld w(FaultPlan::at(failing));
      const std::vector<Outcome> outcomes = run_checked_day(steps, dhan, w);
      ASSERT_TRUE(outcomes[0].ran);
      EXPECT_EQ(outcomes[0].result.acked.has_value(), acked) << to_text(outcomes[0]);
      if (!acked) {
        EXPECT_EQ(outcomes[0].result.error_class, d::OrderFailure::network);
      }
      EXPECT_EQ(w.sim.orders_of(dhan ? testing::kShellDhanUser : testing::kShellKiteUser).size(),
                1u)
          << "the broker carried it out once, whatever we were told";
    }
  }
}

// A place looked up before it is sent, whose lookup meets a refused token: the refusal is its
// outcome when nothing was sent before (a precaution: the book was unread at start); when an
// earlier run may have sent it, its outcome is unknown, since it may be at the broker.
TEST(SimulatedShell, AFailedLookupIsTheOutcomeOnlyWhenNoEarlierSendMayHavePlacedIt) {
  for (bool dhan : {false, true}) {
    for (bool may_be_sent : {false, true}) {
      SCOPED_TRACE(std::string(dhan ? "dhan" : "kite") + (may_be_sent ? ", maybe sent" : ""));
      Step place;
      place.price_paise = 1400'00;
      place.expire_token_before = true;
      place.look_first = true;
      place.may_be_sent = may_be_sent;
      ScriptedWorld w(FaultPlan::none());
      const std::vector<Outcome> outcomes = run_checked_day({place}, dhan, w);
      ASSERT_TRUE(outcomes[0].ran);
      EXPECT_FALSE(outcomes[0].result.acked.has_value());
      EXPECT_EQ(outcomes[0].result.error_class,
                may_be_sent ? d::OrderFailure::network : d::OrderFailure::unauthenticated)
          << to_text(outcomes[0]);
      EXPECT_TRUE(
          w.sim.orders_of(dhan ? testing::kShellDhanUser : testing::kShellKiteUser).empty());
    }
  }
}

TEST(SimulatedShell, ManySeededDays) {
  const char* env = std::getenv("TANDEM_SHELL_SEEDS");
  const uint64_t seeds = env != nullptr ? std::strtoull(env, nullptr, 10) : 1000;
  std::map<std::string, int> faults;
  std::map<std::string, int> outcomes_by_class;  // "acked", "network", "rate_limited", …
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const bool dhan = seed % 2 == 0;
    SCOPED_TRACE("seed=" + std::to_string(seed) + (dhan ? " (dhan)" : " (kite)"));
    const std::vector<Step> steps = day_of(seed);
    ScriptedWorld w(FaultPlan::seeded(seed, 15));
    const std::vector<Outcome> outcomes = run_checked_day(steps, dhan, w);
    if (HasFailure()) return print_day(steps, outcomes);
    for (const std::string& f : w.far->faults.failures()) ++faults[f];
    for (const Outcome& o : outcomes) {
      if (o.ran)
        ++outcomes_by_class[o.result.acked ? "acked"
                                           : std::string(d::to_string(o.result.error_class))];
    }
  }
  std::cout << seeds << " days; faults:";
  for (const auto& [point, count] : faults) std::cout << " " << point << " " << count;
  std::cout << "; outcomes:";
  for (const auto& [what, count] : outcomes_by_class) std::cout << " " << what << " " << count;
  std::cout << "\n";
  for (const char* point : {"connect", "handshake", "write", "answer_lost", "stall"}) {
    if (seeds >= 100) {
      EXPECT_GT(faults[point], 0) << point << " never failed";
    }
  }
}

}  // namespace
}  // namespace tandem::engine
