// Two leaders for the pure core's tests: "scalper" (account LA, tag code S) and "writer"
// (LB, W); account "fam" follows both (the writer at 2×), "solo" only the scalper.
#pragma once

#include <string>

#include "tests/support/copy_sim.h"

namespace tandem::testing {

inline const domain::LeaderId kScalper{"scalper"};
inline const domain::LeaderId kWriter{"writer"};

inline domain::FollowerSettings follows(const std::string& id, const std::string& account,
                                        const domain::LeaderId& leader,
                                        int64_t ratio_ppm = domain::kPpm) {
  domain::FollowerSettings f = sim_follower(id, domain::SizingPolicy::multiplier, ratio_ppm);
  f.account = {account};
  f.leader = leader;
  return f;
}

// Two leaders (tag codes S and W); "fam" follows both (the writer at 2×), "solo" the scalper.
inline CopySim two_leaders(int64_t max_daily_trades = 0) {
  CopySim sim;
  sim.apply(domain::LeaderConfigured{{"LA"}, domain::Broker::kite, kScalper, "S"});
  sim.apply(domain::LeaderConfigured{{"LB"}, domain::Broker::dhan, kWriter, "W"});
  sim.apply(domain::MarketCalendarConfigured{});
  sim.apply(domain::TradingDayOpened{kSimDay});
  sim.apply(domain::InstrumentSnapshot{sim_option()});
  sim.apply(domain::FundsSnapshot{{"LA"}, 20'00'000'00});
  sim.apply(domain::FundsSnapshot{{"LB"}, 20'00'000'00});
  for (domain::FollowerSettings f : {follows("fam@scalper", "fam", kScalper),
                                     follows("fam@writer", "fam", kWriter, 2 * domain::kPpm),
                                     follows("solo", "solo", kScalper)}) {
    f.max_daily_trades = max_daily_trades;
    sim.apply(domain::FollowerConfigured{f});
  }
  sim.apply(domain::FundsSnapshot{{"fam"}, 10'00'000'00});
  sim.apply(domain::FundsSnapshot{{"solo"}, 10'00'000'00});
  return sim;
}

inline domain::LeaderOrderUpdate order_of(const domain::LeaderId& leader, const std::string& id,
                                          domain::Side side, int64_t qty) {
  domain::LeaderOrderUpdate u = leader_order(leader.value + ":" + id, sim_option(), side, qty,
                                             domain::OrderStatus::complete, qty);
  u.leader = leader;
  return u;
}

}  // namespace tandem::testing
