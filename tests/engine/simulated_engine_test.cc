// Goal: the whole engine — the sequencer, the dispatcher, the leader's order stream (Kite's
// dialect on odd seeds, Dhan's on even ones; on two-leader days a second leader in the other
// dialect), a Kite and a Dhan follower — copying a day in one thread, with faults on every
// connection:
// no tag twice at a follower's broker, no order there the journal does not hold, the day
// replays exactly, and once the faults stop and the leader trades again each follower's
// broker position is its target (the leader's position at the broker times its ratio).
// Method: Engine with EngineSetup::pump (engine/run_on.h): the gateways (scripted_world.h),
// each with a far end and a fault plan of its own, run on one io_context that the engine
// pumps whenever it would wait; the test moves the leader at the simulator and settle()s
// the engine after each move. The journal is RocksDB in a temp dir. No clock runs by
// itself: the simulator's moves a millisecond per read, the engine's steady clock likewise.
// A failure prints the `seed=` that reproduces it (TANDEM_ENGINE_SEED=n runs it alone,
// TANDEM_ENGINE_KEEP=<dir> keeps its journal); TANDEM_ENGINE_SEEDS sets how many days (100 in
// CI), TANDEM_ENGINE_FAULTS the share of fault points that fail (15%).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "replay/verify.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/owner_moves.h"
#include "tests/support/scripted_world.h"
#include "tests/support/temp_dir.h"

namespace tandem::engine::simulated_engine_test {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using testing::FaultPlan;
using testing::ScriptedWorld;

constexpr int64_t kKiteRatioPpm = 1'000'000;  // the Kite follower copies 1:1
constexpr int64_t kDhanRatioPpm = 2'000'000;  // the Dhan follower 2:1

using Move = testing::OwnerMove;

std::vector<Move> day_of(uint64_t seed) {
  std::mt19937_64 r(seed);
  std::vector<Move> moves;
  std::vector<size_t> resting;
  const size_t n = 6 + r() % 8;
  for (size_t i = 0; i < n; ++i) {
    Move m;
    const int roll = static_cast<int>(r() % 12);
    m.units = 1 + static_cast<int64_t>(r() % 3);
    if (roll < 3) {
      m.kind = Move::Kind::buy;
    } else if (roll < 5) {
      m.kind = Move::Kind::sell;
    } else if (roll < 7 || resting.empty()) {
      m.kind = Move::Kind::limit;
      m.price_paise = (1450 - static_cast<int64_t>(r() % 80)) * 100;
      resting.push_back(i);
    } else if (roll < 9) {
      m.kind = roll == 7 ? Move::Kind::modify : Move::Kind::cancel;
      const size_t pick = r() % resting.size();
      m.of = resting[pick];
      m.price_paise = (1445 - static_cast<int64_t>(i)) * 100;
      if (m.kind == Move::Kind::cancel) resting.erase(resting.begin() + static_cast<long>(pick));
    } else if (roll < 11) {
      m.kind = Move::Kind::price;
      m.price_paise = (1380 + static_cast<int64_t>(r() % 120)) * 100;
    } else {
      m.kind = Move::Kind::drop;
    }
    moves.push_back(m);
  }
  return moves;
}

// `leader`: the leader the follower's share copies ("" with one leader).
d::FollowerSettings follower(const testing::ShellLogin& login, int64_t ratio_ppm,
                             const d::LeaderId& leader = {}) {
  d::FollowerSettings f;
  f.follower = {leader.empty() ? login.user : login.user + "@" + leader.value};
  f.leader = leader;
  f.account = {login.user};
  f.broker = login.dhan ? d::Broker::dhan : d::Broker::kite;
  f.sizing = d::SizingPolicy::fixed_ratio;
  f.ratio_ppm = ratio_ppm;
  // A copy left resting on a price the leader's order no longer has (its modify refused)
  // is cancelled 5 s after the leader's filled, and the rest goes at market.
  f.catch_up_ms = 5000;
  return f;
}

int64_t net_units(ScriptedWorld& w, const std::string& user) {
  int64_t units = 0;
  for (const d::BrokerPosition& p : w.sim.positions_of(user)) {
    if (p.instrument == testing::kTestInfy) units += p.net_qty_units;
  }
  return units;
}

struct DayResult {
  std::string wrong;  // what the checks found; empty when all hold
  uint64_t faults = 0;
  std::string engine;   // the engine's counts, for a failure's message
  int off_target = 0;   // followers off target, each with its drift alerted
  int64_t intents = 0;  // the follower orders the last run of the engine sent
};

// A leader of the day: its account, name and tag code, its moves and the orders they placed.
struct DayLeader {
  testing::ShellLogin login;
  d::LeaderId name;  // "" with one leader
  std::string code;
  std::vector<Move> moves;
  std::map<size_t, d::BrokerOrderId> placed;
};

// What every run of the day shares: the simulator, the accounts' far ends and the steady
// clock, which outlive an engine killed mid-day.
struct Day {
  ScriptedWorld w{FaultPlan::none()};
  testing::ShellLogin kite = testing::shell_login(false);
  testing::ShellLogin dhan = testing::shell_login(true);
  // The first leader speaks Kite's dialect on odd seeds, Dhan's on even ones; a second one
  // (two-leader days) the other.
  std::vector<DayLeader> leaders;
  // Far ends: the first leader's, the Kite follower's, the Dhan follower's, the second
  // leader's.
  std::vector<std::shared_ptr<testing::ScriptedBroker>> ends;
  std::shared_ptr<SteadyTime> steady = std::make_shared<SteadyTime>();
  std::set<std::string> alerts;          // the keys of every alert raised
  std::set<std::string> journaled_tags;  // every follower order tag the last state holds
  std::ostringstream wrong;

  Day(uint64_t seed, int percent, bool two_leaders = false) {
    // 20 ms a read: the simulator's 10 orders a second are not all spent in one burst of
    // reads, as they would be at 1 ms (a real retry after a 429 waits; these retry at once).
    *w.step = 20'000'000;
    auto plan = [&](uint64_t k) {
      return percent > 0 ? FaultPlan::seeded(seed * 3 + k, percent) : FaultPlan::none();
    };
    const bool dhan = seed % 2 == 0;
    leaders.push_back({testing::shell_leader(dhan),
                       two_leaders ? d::LeaderId{"alpha"} : d::LeaderId{},
                       two_leaders ? "A" : "",
                       day_of(seed),
                       {}});
    ends = {w.far_end(dhan, plan(0)), w.far_end(false, plan(1)), w.far_end(true, plan(2))};
    if (two_leaders) {
      leaders.push_back(
          {testing::shell_second_leader(!dhan), {"beta"}, "B", day_of(seed + 7919), {}});
      ends.push_back(w.far_end(!dhan, plan(3)));
    }
  }
  std::shared_ptr<testing::ScriptedBroker> leader_end(size_t k) const {
    return k == 0 ? ends[0] : ends[3];
  }
};

// One run of the engine: its gateways on one io_context that it pumps, on the journal.
struct Run {
  asio::io_context io;
  std::vector<std::unique_ptr<brokers::Gateway>> leaders;
  std::unique_ptr<brokers::Gateway> kite, dhan;
  std::unique_ptr<Engine> engine;
  bool pumping = true;  // false: the engine finds nothing more to run (a kill is coming)

  Run(Day& day, journal::Store& store) {
    brokers::StreamOptions reconnect;  // at once: a real wait would need a clock
    reconnect.backoff_first = std::chrono::milliseconds(0);
    reconnect.backoff_max = std::chrono::milliseconds(0);
    EngineSetup setup;
    std::vector<brokers::Gateway*> leader_gateways;
    for (size_t k = 0; k < day.leaders.size(); ++k) {
      const DayLeader& l = day.leaders[k];
      leaders.push_back(
          testing::scripted_gateway(l.login, day.w, io, day.leader_end(k), reconnect));
      leader_gateways.push_back(leaders.back().get());
      setup.leaders.push_back(
          {{l.login.user}, l.login.dhan ? d::Broker::dhan : d::Broker::kite, l.name, l.code});
    }
    kite = testing::scripted_gateway(day.kite, day.w, io, day.ends[1], reconnect);
    dhan = testing::scripted_gateway(day.dhan, day.w, io, day.ends[2], reconnect);
    Engine::Followers followers;
    for (const DayLeader& l : day.leaders) {  // each account a share of each leader
      setup.followers.push_back(follower(day.kite, kKiteRatioPpm, l.name));
      followers[setup.followers.back().follower] = kite.get();
      setup.followers.push_back(follower(day.dhan, kDhanRatioPpm, l.name));
      followers[setup.followers.back().follower] = dhan.get();
    }
    setup.live = true;
    setup.funds_interval = std::chrono::milliseconds(0);
    setup.look_again_after = std::chrono::milliseconds(0);
    // Never dropped from a send queue: its expiry runs on Asio's real clock (dispatcher.cc),
    // not the engine's, and there is no pacing here to queue behind.
    setup.max_queue = std::chrono::milliseconds(0);
    setup.recheck_unknown_after = std::chrono::milliseconds(100);
    setup.steady = [steady = day.steady] { return *steady += std::chrono::milliseconds(1); };
    setup.pump = [this] {
      if (!pumping) return false;
      io.restart();
      return io.poll_one() > 0;
    };
    engine = std::make_unique<Engine>(store, setup, std::move(leader_gateways),
                                      std::move(followers), day.w.clock);
    engine->on_alert([&day](const AlertRow&, const std::string& key) { day.alerts.insert(key); });
    if (Status s = engine->start(); !s.ok()) day.wrong << "start: " << s.to_string() << "\n";
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // Lets the engine handle what there is, then a second of its clock passes.
  void settle(Day& day) {
    if (Status s = engine->settle(); !s.ok()) day.wrong << "settle: " << s.to_string() << "\n";
    *day.steady += std::chrono::seconds(1);
    if (Status s = engine->settle(); !s.ok()) day.wrong << "settle: " << s.to_string() << "\n";
  }

  // kill -9 after the engine has handled `batches` batches of facts of the move just made:
  // orders it has handed to the gateways by then go out, and their answers, like whatever
  // else was in flight, come back to no engine. The sockets close under the gateways, and
  // nothing is wound down or journaled.
  void kill_after(int batches) {
    engine->on_progress([this, left = batches](const EngineStats&) mutable {
      if (--left == 0) pumping = false;
    });
    (void)engine->settle();  // what the journal refused shows after the restart
    engine->on_progress(nullptr);
    for (auto& g : leaders) g->stop();
    for (auto* g : {kite.get(), dhan.get()}) g->stop();
    for (io.restart(); io.poll() > 0; io.restart()) {
    }
    engine.reset();
  }

  // A clean stop, with the engine's counts for a failure's message.
  std::string stop(Day& day, DayResult& result) {
    engine->request_stop();
    if (Status s = engine->run(); !s.ok()) day.wrong << "run: " << s.to_string() << "\n";
    for (const auto& [tag, owner] : engine->state().mappings.by_tag) {
      day.journaled_tags.insert(tag.value);
    }
    const EngineStats stats = engine->stats();
    result.intents = stats.intents;
    std::ostringstream said;
    said << "engine: leader updates " << stats.leader_updates << ", intents " << stats.intents
         << ", acks " << stats.acks << ", rejections " << stats.rejections << ", follower updates "
         << stats.follower_updates << ", unknown " << stats.unknown_outcomes << ", skips:";
    for (const auto& [reason, n] : stats.skips) said << " " << reason << " " << n;
    return said.str();
  }
};

// The day's end: the faults stop; what is unknown is looked up; the leader cancels what it
// has working (a follower's mirror of a resting leader order counts as reaching the target
// while it rests) and buys once more, so that every follower converges at market on what its
// broker says it holds.
void end_of_day(Day& day, Run& run, DayResult& result) {
  for (const auto& end : day.ends) {
    result.faults += end->faults.failed();
    end->faults = FaultPlan::none();
  }
  *day.w.now += 60'000'000'000;
  day.w.sim.set_price(testing::kTestInfy, 1420'00);
  for (int i = 0; i < 3; ++i) run.settle(day);
  for (const DayLeader& l : day.leaders) {
    for (const brokers::BrokerOrder& o : day.w.sim.orders_of(l.login.user)) {
      if (!d::is_final(o.status)) (void)day.w.sim.cancel_as_owner(l.login.user, o.order_id);
    }
  }
  for (int i = 0; i < 3; ++i) run.settle(day);
  for (const DayLeader& l : day.leaders) {
    (void)day.w.sim.place_as_owner(l.login.user, testing::terms_of(Move{}));
  }
  for (int i = 0; i < 3; ++i) run.settle(day);
}

// The brokers' books: each follower account on its target, the sum of its shares (or a
// share's drift alerted), no tag twice, no order under a tag the journal does not hold, and
// with two leaders every tag starting with the code of a leader.
void check_books(Day& day, DayResult& result) {
  int64_t leader_units = 0;  // every leader's, at its broker: each share copies at one ratio
  for (const DayLeader& l : day.leaders) leader_units += net_units(day.w, l.login.user);
  for (const auto& [login, ratio] :
       {std::pair{day.kite, kKiteRatioPpm}, std::pair{day.dhan, kDhanRatioPpm}}) {
    const int64_t target = leader_units * ratio / 1'000'000;
    const int64_t held = net_units(day.w, login.user);
    // Off target only where the engine said so: an order that would close the gap was
    // refused (a 429 past its retries), and the drift alert names the position.
    bool drift_alerted = false;
    for (const DayLeader& l : day.leaders) {
      const std::string share = l.name.empty() ? login.user : login.user + "@" + l.name.value;
      drift_alerted |= day.alerts.contains("position_drift:" + share + ":NSE:INFY (intraday)");
    }
    if (held != target && !drift_alerted) {
      day.wrong << login.user << " holds " << held << ", its target is " << target << " (leaders "
                << leader_units << "), and no drift was alerted\n";
    }
    if (held != target) ++result.off_target;
    std::map<std::string, int> tags;
    for (const brokers::BrokerOrder& o : day.w.sim.orders_of(login.user)) {
      if (++tags[o.tag] == 2) day.wrong << login.user << ": tag " << o.tag << " twice\n";
      if (!day.journaled_tags.contains(o.tag)) {
        day.wrong << login.user << ": order " << o.order_id.value << " under tag " << o.tag
                  << ", which the journal does not hold\n";
      }
      const bool named = std::any_of(day.leaders.begin(), day.leaders.end(),
                                     [&](const auto& l) { return o.tag.starts_with(l.code); });
      if (!named) day.wrong << login.user << ": tag " << o.tag << " names no leader\n";
    }
  }
}

// The journal: its chain and an exact replay.
void check_journal(const journal::Store& store, std::ostringstream& wrong) {
  const auto days = store.days();
  const auto replayed =
      days.ok() && !days->empty()
          ? replay::verify_days(store, days->begin()->first, days->rbegin()->first)
          : Result<replay::ReplayReport>(Status::not_found("no day journaled"));
  if (!replayed.ok()) {
    wrong << "replay: " << replayed.status().to_string() << "\n";
  } else if (replayed->divergence) {
    wrong << "replay diverges at " << replayed->divergence->seq << ": "
          << replayed->divergence->what << "\n";
  }
}

// One day: the engine started, the moves made under `percent`% faults on every connection
// (with the engine killed during move `kill_after` and started again on the reopened
// journal, when given), then the day's end, a clean stop, and the checks.
DayResult run_day(uint64_t seed, int percent, std::optional<size_t> kill_after = std::nullopt,
                  bool two_leaders = false) {
  testing::TempDir dir;
  Day day(seed, percent, two_leaders);
  DayResult result;
  auto store = testing::open_store(dir.path("journal"));
  if (!store) return {"the journal did not open", 0, {}};
  {
    auto run = std::make_unique<Run>(day, *store);
    run->settle(day);
    size_t steps = 0;
    for (const DayLeader& l : day.leaders) steps = std::max(steps, l.moves.size());
    for (size_t i = 0; i < steps; ++i) {
      for (DayLeader& l : day.leaders) {  // the leaders move in turn
        if (i < l.moves.size()) testing::make_move(day.w.sim, l.login.user, l.moves, i, l.placed);
      }
      if (!kill_after || *kill_after != i) {
        run->settle(day);
      } else {
        run->kill_after(1 + static_cast<int>(seed % 3));
        run.reset();
        store.reset();  // reopened as a restarted process opens it
        store = testing::open_store(dir.path("journal"));
        if (!store) return {"the journal did not reopen", 0, {}};
        run = std::make_unique<Run>(day, *store);
        run->settle(day);
      }
    }
    end_of_day(day, *run, result);
    result.engine = run->stop(day, result);
  }
  check_books(day, result);
  check_journal(*store, day.wrong);
  result.wrong = day.wrong.str();
  // TANDEM_ENGINE_KEEP=<dir>: a failing day's journal is copied there, for `tandem journal
  // dump --journal <dir>`.
  if (const char* keep = std::getenv("TANDEM_ENGINE_KEEP");
      keep != nullptr && !result.wrong.empty()) {
    store.reset();
    std::filesystem::remove_all(keep);
    std::filesystem::copy(dir.path("journal"), keep, std::filesystem::copy_options::recursive);
  }
  return result;
}

TEST(SimulatedEngine, AQuietDayEndsOnTarget) {
  const DayResult r = run_day(5, 0);
  EXPECT_EQ(r.wrong, "") << "seed=5; " << r.engine;
}

TEST(SimulatedEngine, ManySeededDays) {
  const char* env = std::getenv("TANDEM_ENGINE_SEEDS");
  const uint64_t seeds = env != nullptr ? std::strtoull(env, nullptr, 10) : 100;
  // TANDEM_ENGINE_SEED=n runs day n alone (a failure's `seed=`).
  const char* one = std::getenv("TANDEM_ENGINE_SEED");
  const uint64_t first = one != nullptr ? std::strtoull(one, nullptr, 10) : 1;
  const uint64_t last = one != nullptr ? first : seeds;
  // TANDEM_ENGINE_FAULTS: the share of fault points that fail, in percent (15).
  const char* share = std::getenv("TANDEM_ENGINE_FAULTS");
  const int percent = share != nullptr ? std::atoi(share) : 15;
  uint64_t faults = 0;
  int off_target = 0;
  std::map<bool, int64_t> intents;  // by whether the leader spoke Dhan's dialect
  for (uint64_t seed = first; seed <= last; ++seed) {
    const DayResult r = run_day(seed, percent);
    ASSERT_EQ(r.wrong, "") << "seed=" << seed << (seed % 2 == 0 ? " (dhan leader)" : "") << "; "
                           << r.engine;
    faults += r.faults;
    off_target += r.off_target;
    intents[seed % 2 == 0] += r.intents;
  }
  std::cout << last - first + 1 << " engine days, " << faults << " faults; " << off_target
            << " follower days off target, each with its drift alerted; follower orders sent "
            << intents[false] << " from a Kite leader, " << intents[true] << " from a Dhan one\n";
  if (last - first >= 1) {
    EXPECT_GT(intents[false], 0) << "nothing copied from a Kite leader";
    EXPECT_GT(intents[true], 0) << "nothing copied from a Dhan leader";
  }
}

// The same days with the engine killed in the middle of one of the leader's moves, after one
// to three batches of its facts (orders handed to the gateways go out; their answers come to
// no one), and started again on the reopened journal: start() reads the brokers' books and
// looks every unanswered intent up by its tag.
TEST(SimulatedEngine, ManySeededDaysWithAKill) {
  const char* env = std::getenv("TANDEM_ENGINE_SEEDS");
  const uint64_t seeds = env != nullptr ? std::strtoull(env, nullptr, 10) / 2 : 50;
  uint64_t faults = 0;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const size_t kill_after = seed % day_of(seed).size();
    const DayResult r = run_day(seed, 15, kill_after);
    ASSERT_EQ(r.wrong, "") << "seed=" << seed << ", killed during move " << kill_after << "; "
                           << r.engine;
    faults += r.faults;
  }
  std::cout << seeds << " engine days with a kill, " << faults << " faults\n";
}

// Two leaders (issue 27), one in each dialect, each account following both: the same days,
// and again with a kill during one of the leaders' moves. Each follower's broker position is
// the sum of its shares' targets, and every tag names a leader.
TEST(SimulatedEngine, TwoLeadersManySeededDaysWithAndWithoutAKill) {
  const char* env = std::getenv("TANDEM_ENGINE_SEEDS");
  const uint64_t seeds = env != nullptr ? std::strtoull(env, nullptr, 10) / 2 : 30;
  uint64_t faults = 0;
  int64_t intents = 0;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const DayResult r = run_day(seed, 15, std::nullopt, true);
    ASSERT_EQ(r.wrong, "") << "seed=" << seed << " (two leaders); " << r.engine;
    const size_t kill_after = seed % std::max(day_of(seed).size(), day_of(seed + 7919).size());
    const DayResult k = run_day(seed, 15, kill_after, true);
    ASSERT_EQ(k.wrong, "") << "seed=" << seed << " (two leaders), killed during move " << kill_after
                           << "; " << k.engine;
    faults += r.faults + k.faults;
    intents += r.intents;
  }
  std::cout << seeds << " two-leader engine days, and as many with a kill: " << faults
            << " faults; " << intents << " follower orders sent on the days without a kill\n";
  EXPECT_GT(intents, 0);
}

}  // namespace
}  // namespace tandem::engine::simulated_engine_test
