// Goal: every projection is a fold — a snapshot taken anywhere plus the tail equals a
// rebuild from scratch (DESIGN.md invariant 4) — and order states reach the same end
// whatever duplication, reordering or loss of intermediate broker updates happened.
// Method: journals come from generated leader histories run through decide()/evolve()
// (tests/support/leader_gen.h); order lifecycles are generated per order and perturbed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "copy/copy_state.h"
#include "projections/fold.h"
#include "tests/support/leader_gen.h"

namespace tandem::projections {
namespace {

namespace d = ::tandem::domain;

std::vector<d::Event> generated_journal() {
  const auto followers = *rc::gen::mapcat(rc::gen::inRange(1, 3), [](int n) {
    return rc::gen::exec([n] {
      std::vector<d::FollowerSettings> out;
      for (int i = 0; i < n; ++i)
        out.push_back(*testing::follower_settings("f" + std::to_string(i)));
      return out;
    });
  });
  const auto ops = *rc::gen::resize(
      50, rc::gen::container<std::vector<testing::LeaderOp>>(testing::leader_op()));
  testing::CopySim sim(false);
  sim.setup(followers);
  testing::LeaderModel leader;
  for (const auto& op : ops) leader.step(op, sim);
  return sim.journal();
}

template <class State>
void check_snapshot_plus_tail(const std::vector<d::Event>& journal, size_t split) {
  const std::span<const d::Event> all(journal);
  const State rebuilt = fold(State{}, all);
  const State snapshot = fold(State{}, all.first(split));
  RC_ASSERT(fold(snapshot, all.subspan(split)) == rebuilt);
}

RC_GTEST_PROP(ProjectionsProp, SnapshotPlusTailEqualsRebuild, ()) {
  const std::vector<d::Event> journal = generated_journal();
  const size_t split = *rc::gen::inRange<size_t>(0, journal.size() + 1);
  check_snapshot_plus_tail<Positions>(journal, split);
  check_snapshot_plus_tail<DailyCounters>(journal, split);
  check_snapshot_plus_tail<CopyMappings>(journal, split);
  check_snapshot_plus_tail<OrderStates>(journal, split);
  check_snapshot_plus_tail<d::CopyState>(journal, split);
}

// One order's broker reports: working updates with growing fills, then one final report.
std::vector<d::LeaderOrderUpdate> lifecycle(const std::string& id) {
  const int64_t qty = *rc::gen::inRange<int64_t>(1, 20) * 75;
  const int steps = *rc::gen::inRange(0, 8);
  std::vector<d::LeaderOrderUpdate> out;
  d::LeaderOrderUpdate u =
      testing::leader_order(id, testing::sim_option(), d::Side::buy, qty, d::OrderStatus::pending);
  out.push_back(u);
  for (int i = 0; i < steps; ++i) {
    u.status = *rc::gen::element(d::OrderStatus::open, d::OrderStatus::trigger_pending);
    u.filled_units = std::min(qty, u.filled_units + *rc::gen::inRange<int64_t>(0, 3) * 75);
    u.average_price_paise = u.filled_units > 0 ? *rc::gen::inRange<int64_t>(9'000, 11'000) : 0;
    out.push_back(u);
  }
  u.status = *rc::gen::element(d::OrderStatus::complete, d::OrderStatus::cancelled,
                               d::OrderStatus::rejected, d::OrderStatus::expired);
  if (u.status == d::OrderStatus::complete) u.filled_units = qty;
  if (u.status == d::OrderStatus::rejected) u.filled_units = 0;
  u.average_price_paise = u.filled_units > 0 ? 10'000 : 0;
  out.push_back(u);
  return out;
}

RC_GTEST_PROP(ProjectionsProp, DuplicatedReorderedOrDroppedUpdatesLeaveTheSameFinalStates, ()) {
  const int orders = *rc::gen::inRange(1, 5);
  std::vector<std::vector<d::LeaderOrderUpdate>> clean, noisy;
  for (int o = 0; o < orders; ++o) {
    clean.push_back(lifecycle("L" + std::to_string(o)));
    // Drop some intermediate reports, duplicate some, then shuffle the order's reports.
    std::vector<d::LeaderOrderUpdate> reports;
    const auto& c = clean.back();
    for (size_t i = 0; i < c.size(); ++i) {
      const bool is_final = i + 1 == c.size();
      if (!is_final && *rc::gen::inRange(0, 4) == 0) continue;
      reports.push_back(c[i]);
      if (*rc::gen::inRange(0, 3) == 0) reports.push_back(c[i]);
    }
    for (size_t i = reports.size(); i > 1; --i) {  // Fisher-Yates, with generated picks
      std::swap(reports[i - 1], reports[*rc::gen::inRange<size_t>(0, i)]);
    }
    noisy.push_back(reports);
  }
  // Interleave orders in a generated way; each order's own reports keep the noisy order.
  auto interleave = [&](const std::vector<std::vector<d::LeaderOrderUpdate>>& per_order) {
    std::vector<d::Event> out;
    std::vector<size_t> next(per_order.size(), 0);
    for (;;) {
      std::vector<size_t> open;
      for (size_t o = 0; o < per_order.size(); ++o) {
        if (next[o] < per_order[o].size()) open.push_back(o);
      }
      if (open.empty()) return out;
      const size_t o = open[*rc::gen::inRange<size_t>(0, open.size())];
      out.push_back(per_order[o][next[o]++]);
    }
  };
  const auto clean_events = interleave(clean);
  const auto noisy_events = interleave(noisy);
  const OrderStates expected = fold(OrderStates{}, std::span<const d::Event>(clean_events));
  const OrderStates got = fold(OrderStates{}, std::span<const d::Event>(noisy_events));
  RC_ASSERT(got == expected);
  // And the final state is each order's final report.
  for (const auto& c : clean) {
    const auto& final_report = c.back();
    const OrderState& s = got.leader.at(final_report.order_id);
    RC_ASSERT(s.status == final_report.status);
    RC_ASSERT(s.filled_units == final_report.filled_units);
  }
}

}  // namespace
}  // namespace tandem::projections
