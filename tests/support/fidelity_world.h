// The copy-fidelity simulator (in the spirit of TigerBeetle's VOPR): one seeded, single-threaded
// trading day in which a generated leader trades on a model exchange, the real core (step())
// copies it to a few followers through a model broker, and a checker holds the followers to
// DESIGN.md invariant 8 at every settled point — by the broker's truth, not the journal's.
//
// What the world does, all on one discrete-event clock drawn from the seed:
//  - the leader: market entries and exits, reversals, limit orders that fill, are modified or
//    cancelled, stop-losses that trigger or are cancelled just before a market exit; fills come
//    in parts; its reports reach the engine late, sometimes merged (a change reported with the
//    final status), and its stream drops for a while, after which the engine gets "recovered"
//    reports of every order that changed meanwhile;
//  - the followers' broker: acknowledges or rejects each order after a latency, fills market
//    orders at once or in parts, fills limit and stop orders whenever it likes (before or after
//    the leader's), applies modifies and cancels late (a cancel may lose the race to a fill),
//    and reports late, sometimes merged;
//  - the engine: step() on every input, its orders sent once journaled; it offers the core its
//    clock every second or few and steps a ClockTick when one is due (a limit copy the broker
//    never fills is caught up at market catch_up_ms after the leader's filled; a copy window
//    that opens late lets the entry in); it crashes now and then and restarts from its journal
//    (the state folded again), reconciling by tag: intents the broker never saw are sent
//    again, and every order whose state moved is reported again;
//  - the checker: after every input, each follower position that is settled (nothing of the
//    leader's working there, nothing of the follower's working or in flight, no report on its
//    way, the engine up) must be at the target an independent oracle computes from the leader's
//    reports, or drift() must name a refusal that may hold it (an entry limit for an entry; a
//    broker rejection). The journal's position must equal the broker's. At the end of the day
//    no copy is left working long after catch_up_ms, and the journal must replay through
//    step() to the same decisions.
// With DayShape::max_leaders above 1 the day has 2 to 4 leaders, each trading and dropping its
// stream on its own, and follower accounts that follow several of them: every share is held to
// its own leader's target, and each account's broker position to the sum of its shares.
// Test code; the product's simulator (brokers/sim) speaks the brokers' real protocols.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "copy/clock.h"
#include "copy/decide.h"
#include "copy/drift.h"
#include "copy/target.h"
#include "tests/support/copy_sim.h"

namespace tandem::testing::fidelity {

namespace d = ::tandem::domain;

inline constexpr d::TimeNs kMs = 1'000'000;
inline constexpr d::TimeNs kOpen = kSimTenAm - 45 * 60 * 1'000'000'000LL;  // 09:15 IST

// What a day may contain; each seed draws its own mixture.
struct DayShape {
  int leader_actions = 60;
  double merge_reports = 0.15;    // a report folded into the next one of the same order
  double reject_follower = 0.02;  // the broker refuses a follower order
  bool stream_drops = true;
  bool restarts = true;
  // Above 1: each day has 2 to this many leaders (docs/domain.md, "Many leaders"), and each
  // follower account follows one or more of them, a share per leader, its account-wide
  // limits the same for all. 1: one leader, named "", as every day before many leaders.
  int max_leaders = 1;
};

// A leader or follower order at its broker.
struct BookOrder {
  std::string id;        // leader order id, or the follower order's tag
  std::string follower;  // empty for the leader's
  std::string leader;    // whose order (a leader's); the leader copied (a follower's)
  d::InstrumentKey instrument;
  d::Product product = d::Product::intraday;
  d::Side side = d::Side::buy;
  d::OrderType type = d::OrderType::market;
  int64_t qty = 0;
  int64_t filled = 0;
  int64_t price = 0;  // limit price
  int64_t avg = 0;
  d::OrderStatus status = d::OrderStatus::open;
  bool working() const { return !d::is_final(status); }
};

class World {
 public:
  World(uint64_t seed, DayShape shape) : seed_(seed), rng_(seed), shape_(shape) {}

  // Runs the day; returns the first violation (empty when none), with the seed to reproduce it.
  std::string run();

  int64_t decisions() const { return decisions_; }
  int64_t settled_checks() const { return settled_checks_; }
  int64_t off_target_named() const { return named_; }
  // How often the day hit each cause of drift (the test prints the totals).
  struct Coverage {
    int64_t reversals = 0, merged_reports = 0, merged_final_changes = 0, stop_cancel_races = 0,
            stream_drops = 0, restarts = 0, broker_rejections = 0, pauses = 0, freeze_slices = 0,
            funds_moves = 0, catch_ups = 0, late_windows = 0, reconfigures = 0, guard_trips = 0,
            guard_flattens = 0, leaders = 0, shared_accounts = 0, opposite_shares = 0;
  };
  const Coverage& coverage() const { return coverage_; }
  // The oracle's targets one lot off: a world in which the checker must find a violation.
  void TEST_skew_oracle() { skew_ = true; }

 private:
  using Action = std::function<void()>;
  struct Timed {
    d::TimeNs at;
    uint64_t order;
    Action action;
    bool operator>(const Timed& o) const { return at != o.at ? at > o.at : order > o.order; }
  };

  // ---- plumbing ----
  void at(d::TimeNs when, Action a) { queue_.push({when, next_++, std::move(a)}); }
  d::TimeNs later(int lo_ms, int hi_ms) { return now_ + uniform(lo_ms, hi_ms) * kMs; }
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  void fail(const std::string& what);

  // ---- setup ----
  void configure();
  d::FollowerSettings draw_follower(const std::string& id);
  void reconfigure(d::FollowerSettings& f);  // a restart's new config for this follower
  struct Leader {
    std::string name;  // "" with one leader
    d::AccountId account;
    std::string tag_code;
  };
  std::vector<Leader> leaders_;
  const Leader& leader_named(const std::string& name) const;
  const d::FollowerSettings& follower_named(const std::string& id) const;
  std::vector<d::FollowerSettings> followers_;  // one per (account, leader followed)
  std::vector<d::AccountId> accounts_;          // the follower accounts
  d::Instrument option_ = sim_option();
  d::Instrument equity_ = sim_equity();

  // ---- the leader and its exchange ----
  void leader_action();
  BookOrder& new_leader_order(const std::string& leader, const d::Instrument& i, d::Product p,
                              d::Side side, int64_t qty, d::OrderType type);
  void fill_leader(const std::string& id, int64_t units);
  void report_leader(const BookOrder& o);
  d::LeaderOrderUpdate recovered_report(const BookOrder& o) const;
  int64_t leader_net(const std::string& leader, const d::InstrumentKey& i, d::Product p) const;
  std::map<std::string, BookOrder> leader_book_;  // every leader's orders, by order id
  int leader_ids_ = 0;
  void drop_stream(const std::string& leader);
  bool streams_up() const;
  std::set<std::string> streams_down_;                               // by leader name
  std::map<std::string, std::set<std::string>> changed_while_down_;  // order ids, by leader
  std::map<std::string, int> leader_reports_in_flight_;              // by order id
  std::map<std::string, int> leader_versions_;                       // reports made, by order id
  std::map<std::string, d::TimeNs> leader_done_at_;  // when each order filled completely

  // ---- the followers' broker ----
  void broker_receive(const d::FollowerOrderIntent& intent);
  void fill_follower(const std::string& tag, int64_t units);
  void report_follower(const BookOrder& o);
  std::map<std::string, BookOrder> follower_book_;  // by tag
  std::set<std::string> broker_rejected_;           // tags the broker refused
  std::map<std::string, int> follower_in_flight_;   // by follower:instrument:product

  // ---- the engine ----
  void deliver(const d::Event& input);  // an input reaches the engine (if it is up)
  void engine_step(const d::Event& input);
  // Sends an intent to the broker, or — a change to an order not acknowledged yet — holds it
  // until that ack, as the engine does.
  void dispatch(const d::FollowerOrderIntent& intent);
  std::map<std::string, std::vector<d::FollowerOrderIntent>> parked_;  // by the tag they wait for
  std::set<std::string> dispatched_;
  void tick();  // the engine offers the core its clock (Engine::tick_clock)
  void resume(const d::FollowerId& who);
  // The ticker's prices move; the engine journals a PriceSnapshot, the daily loss guard's marks.
  void prices();
  int64_t mark_ = 0;  // the instruments' latest price, a random walk around the fills'
  d::TimeNs tick_every_ = 1000 * kMs;
  void crash();
  void restart();
  bool engine_up_ = true;
  bool reconciling_ = false;
  d::CopyState state_;
  std::vector<d::Event> journal_;

  // ---- the oracle and the checker ----
  void oracle_leader_report(const d::LeaderOrderUpdate& u);
  int64_t oracle_target(const d::FollowerSettings& f, const d::InstrumentKey& i,
                        d::Product p) const;
  void check_settled();
  void check_account(const d::AccountId& account, const d::InstrumentKey& i, d::Product p);
  void check_caught_up();
  void check_replay();
  std::string trace(const d::FollowerId& follower, const d::InstrumentKey& instrument) const;
  std::map<std::string, int64_t> oracle_filled_;  // leader order → filled, as reported
  // A leader's position: (leader, instrument, product).
  using LeaderKey = std::tuple<std::string, d::InstrumentKey, d::Product>;
  std::map<LeaderKey, int64_t> oracle_net_;
  // What a leader position opened with, as the oracle keeps it: a funds change while it is
  // open moves no target.
  struct Basis {
    int sign = 0;
    int64_t price = 0;
    int64_t peak = 0;
    int64_t leader_capital = 0;
    std::map<std::string, int64_t> capital;  // by follower account
  };
  std::map<LeaderKey, Basis> oracle_basis_;
  // A follower that turned capital_proportional or risk_based while the leader held a
  // position sizes it from a basis as of the change (copy/target.h, rebase), by follower.
  std::map<std::pair<std::string, LeaderKey>, Basis> oracle_rebased_;
  std::set<std::string> rejected_pairs_;  // follower:instrument:product with a refusal since
  // A loss guard that tripped with `flatten`: the follower's target is zero in every
  // instrument the leader held then, until the leader is flat there (docs/domain.md).
  void oracle_guard_tripped(const d::LossGuardTripped& trip);
  std::set<std::pair<std::string, d::InstrumentKey>> oracle_flattened_;

  uint64_t seed_;
  std::mt19937_64 rng_;
  DayShape shape_;
  std::priority_queue<Timed, std::vector<Timed>, std::greater<>> queue_;
  uint64_t next_ = 0;
  d::TimeNs now_ = kOpen;
  std::string violation_;
  int64_t decisions_ = 0;
  int64_t settled_checks_ = 0;
  int64_t named_ = 0;
  bool skew_ = false;
  Coverage coverage_;
};

std::string pair_key(const std::string& follower, const d::InstrumentKey& i, d::Product p);
// A leader order's report as its broker would send it at `at`.
d::LeaderOrderUpdate update_of(const BookOrder& o, d::TimeNs at);

}  // namespace tandem::testing::fidelity
