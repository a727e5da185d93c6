// Forgetting ended orders: when a trading day opens, every leader order that has ended, with
// every copy of it ended too, leaves the order- and tag-keyed indexes (copy mappings, order
// states, the positions' follower orders and leader fills, the counters' placed orders) and
// is remembered only by its id, in CopyState::ended_leader_orders, for that day (until the
// next opening). Orders Tandem made itself (a flatten's closing orders) leave the same way
// once every copy has ended, and are not remembered. Without this the state holds every order
// of every day: a long-running engine's memory, its snapshots and a long replay's time grow
// with the journal.
//
// What is kept decides exactly as before. An order is forgotten only when nothing about it
// can still change: the leader's report is final, each copy's is final (or it never placed),
// and no follower order of it still counts as working in the positions. Forgetting happens
// only as a day opens, so nothing changes within a day.
//
// decide() answers any later report of a forgotten leader order with nothing. For a known
// final order it did the same, except that copy_on = fill would copy a report claiming more
// fills than the final one, which brokers do not send. It must not take such a report for a
// new order: one seen first as complete with a fill is placed, so the remembered id is what
// stands between a stale report and a second copy. That guard is needed for the day after
// the order's own: a broker's order book and its updates hold only the day's orders, so no
// report of it comes later, and the id is dropped as that day ends. A later report of a
// forgotten follower order is not journaled at all: the engine drops follower reports that do
// not change a final order (Engine::handle), as it drops those of tags it does not know.
#pragma once

#include "copy/copy_state.h"

namespace tandem::domain {

// Called by apply() on TradingDayOpened, after the day is set.
void forget_ended_orders(CopyState& state);

}  // namespace tandem::domain
