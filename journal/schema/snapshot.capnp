# A snapshot of the core's state (domain::CopyState, which holds every projection) as of a
# journal sequence, stored in the `snapshots` column family. Restoring it and folding the
# records after it equals folding the whole journal (DESIGN.md invariant 4).
# Maps are written as lists in key order, so equal states give equal (canonical) bytes.
# Evolution: as for events — fields are only added; a snapshot a binary cannot read is
# simply not used (the journal is the truth; the state is rebuilt from it).
@0x97b4fb9572172d41;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("tandem::journal::schema");
using E = import "events.capnp";

struct AccountAmount { account @0 :Text; amount @1 :Int64; }
struct InstrumentAmount { instrument @0 :E.InstrumentKey; amount @1 :Int64; }
struct FollowerInstrumentAmount {
  follower @0 :Text; instrument @1 :E.InstrumentKey; amount @2 :Int64;
}
struct TextPair { first @0 :Text; second @1 :Text; }

struct PositionKey {
  account @0 :Text; instrument @1 :E.InstrumentKey; product @2 :E.Product;
  leader @3 :Text;  # state version 8: the leader the position is held for
}
struct PositionEntry {
  key @0 :PositionKey; netQtyUnits @1 :Int64; openCostPaise @2 :Int64; realizedPnlPaise @3 :Int64;
}
struct OrderFill { filledUnits @0 :Int64; costPaise @1 :Int64; }
struct OrderFillEntry { id @0 :Text; fill @1 :OrderFill; }
struct FollowerOrderEntry {
  tag @0 :Text; key @1 :PositionKey; side @2 :E.Side; quantityUnits @3 :Int64;
  final @4 :Bool; fill @5 :OrderFill;
}
struct KeyAmount { key @0 :PositionKey; amount @1 :Int64; }
struct Positions {
  leader @0 :Text;  # before state version 8
  followerAccounts @1 :List(TextPair);
  byKey @2 :List(PositionEntry);
  leaderFills @3 :List(OrderFillEntry);
  followerOrders @4 :List(FollowerOrderEntry);
  workingBuy @5 :List(KeyAmount);
  workingSell @6 :List(KeyAmount);
  # State version 8: many leaders. Each leader's account by name; each follower's leader.
  leaders @7 :List(TextPair);
  followerLeaders @8 :List(TextPair);
}

struct ReasonCount { reason @0 :E.SkipReason; count @1 :Int64; }
struct DayCountersEntry {
  follower @0 :Text; day @1 :UInt32; ordersPlaced @2 :Int64; ordersRejected @3 :Int64;
  skipped @4 :List(ReasonCount); turnoverPaise @5 :Int64;
}
struct PlacedEntry { tag @0 :Text; follower @1 :Text; fill @2 :OrderFill; }
struct DailyCounters {
  day @0 :UInt32; byFollowerDay @1 :List(DayCountersEntry); placed @2 :List(PlacedEntry);
}

struct FollowerCopy {
  nextOrdinal @0 :UInt32; placedTag @1 :Text; brokerOrderId @2 :Text; order @3 :E.OrderRequest;
  status @4 :E.OrderStatus; filledUnits @5 :Int64; cancelSent @6 :Bool;
  tags @7 :List(Text);  # no longer written: CopyMappings.tags holds every tag and its copy
  modifyRefused @8 :Bool;
}
struct CopyEntry { leaderOrderId @0 :Text; follower @1 :Text; copy @2 :FollowerCopy; }
struct TagEntry { tag @0 :Text; leaderOrderId @1 :Text; follower @2 :Text; action @3 :E.CopyAction; }
struct CopyMappings { copies @0 :List(CopyEntry); tags @1 :List(TagEntry); }

struct OrderState {
  status @0 :E.OrderStatus; quantityUnits @1 :Int64; filledUnits @2 :Int64;
  averagePricePaise @3 :Int64; pricePaise @4 :Int64; triggerPricePaise @5 :Int64;
  firstSeenRecovered @6 :Bool;
  finalTimeNs @7 :Int64;  # state version 4
}
struct OrderStateEntry { id @0 :Text; state @1 :OrderState; }
struct OrderStates { leader @0 :List(OrderStateEntry); follower @1 :List(OrderStateEntry); }

struct CopyState {
  leader @0 :Text;  # before state version 8
  followers @1 :List(E.FollowerSettings);
  paused @2 :List(Text);
  instruments @3 :List(E.Instrument);
  funds @4 :List(AccountAmount);
  holidays @5 :List(UInt32);
  day @6 :UInt32;
  referencePrices @7 :List(InstrumentAmount);
  remainders @8 :List(FollowerInstrumentAmount);  # state version 2; no longer written
  positions @9 :Positions;
  counters @10 :DailyCounters;
  mappings @11 :CopyMappings;
  orders @12 :OrderStates;
  marks @13 :List(InstrumentAmount);
  guards @14 :List(DayGuardEntry);
  # What the state holds: a snapshot from a binary whose state lacked fields a fold now
  # fills (0 before the loss guard) is not used; the state is rebuilt from the journal.
  stateVersion @15 :UInt16;
  endedLeaderOrders @16 :List(EndedOrderEntry);
  # State version 3: position targets (copy/target.h).
  bases @17 :List(BasisEntry);
  leaderWorking @18 :List(LeaderWorkingEntry);
  flattened @19 :List(FollowerInstrument);
  clockNs @20 :Int64;
  # State version 4: time as an input (copy/clock.h).
  tickedNs @21 :Int64;
  # State version 5: followers whose every position the next tick converges (their settings
  # changed, or an order of theirs was not sent at a stop).
  reconfigured @22 :List(Text);
  # State version 8: many leaders.
  leaders @23 :List(E.LeaderConfigured);
  # State version 10: a fleet shard's highest tap stream sequence per leader.
  fedSeqs @24 :List(LeaderSeq);
}
struct LeaderSeq { leader @0 :Text; seq @1 :UInt64; }
struct BasisEntry {
  follower @0 :Text; instrument @1 :E.InstrumentKey; product @2 :E.Product; sign @3 :Int8;
  leaderCapitalPaise @4 :Int64; followerCapitalPaise @5 :Int64; pricePaise @6 :Int64;
  peakUnits @7 :Int64;
}
struct LeaderWorkingEntry {
  instrument @0 :E.InstrumentKey; product @1 :E.Product; buyUnits @2 :Int64; sellUnits @3 :Int64;
  leader @4 :Text;  # state version 8
}
struct FollowerInstrument { follower @0 :Text; instrument @1 :E.InstrumentKey; }
struct EndedOrderEntry { id @0 :Text; day @1 :UInt32; }
struct DayGuardEntry {
  follower @0 :Text; openingValuePaise @1 :Int64; tripped @2 :Bool; action @3 :E.LossGuardAction;
  shareOpeningValuePaise @4 :Int64;  # state version 9
}
