# One struct per event of DESIGN.md's catalogue. Enumerant order matches the domain enums
# (domain/orders/order_types.h, domain/copy/copy_decision.h): append only, never reorder.
@0xab7dfb529a84b941;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("tandem::journal::schema");

enum Broker { kite @0; dhan @1; paper @2; }
enum Side { buy @0; sell @1; }
enum OrderType { market @0; limit @1; stopLoss @2; stopLossMarket @3; }
enum Product { delivery @0; intraday @1; carryForward @2; mtf @3; }
enum Validity { day @0; ioc @1; ttl @2; }
enum Exchange { nse @0; bse @1; nfo @2; bfo @3; cds @4; bcd @5; mcx @6; }
enum Segment { equity @0; derivatives @1; currency @2; commodity @3; index @4; }
enum OptionType { none @0; call @1; put @2; }
enum OrderStatus {
  pending @0; open @1; triggerPending @2; complete @3; cancelled @4; rejected @5; expired @6;
}
enum SizingPolicy { multiplier @0; fixedRatio @1; capitalProportional @2; riskBased @3; }
enum CopyOn { placement @0; fill @1; }
enum DisallowedProductAction { skip @0; useIntraday @1; useDelivery @2; }
enum LateEvents { skip @0; copy @1; converge @2; }
enum LossGuardAction { exitsOnly @0; stop @1; flatten @2; }
enum GuardLimit { maxDailyLoss @0; profitTarget @1; }
enum CopyAction { place @0; modify @1; cancel @2; skip @3; }
enum SkipReason {
  none @0; followerDisabled @1; followerPaused @2; marketClosed @3; outsideCopyWindow @4;
  instrumentNotAllowed @5; productNotAllowed @6; dailyTradeLimit @7; maxPositionReached @8;
  maxOrderValue @9; priceGuard @10; staleEvent @11; belowOneLot @12; noPositionToExit @13;
  unknownInstrument @14; noCapitalSnapshot @15; leaderRejected @16; noMappedOrder @17;
  alreadyFilled @18; noReferencePrice @19; lossGuard @20; atTarget @21; flattened @22;
}
enum Clamp {
  none @0; maxPosition @1; maxPositionValue @2; maxOrderValue @3; exitPosition @4;
  alreadyFilled @5; lossGuard @6; entryLimit @7; freezeQuantity @8; catchUp @9;
}

struct InstrumentKey {
  exchange @0 :Exchange;
  tradingsymbol @1 :Text;
}

struct Instrument {
  key @0 :InstrumentKey;
  underlying @1 :Text;
  segment @2 :Segment;
  kiteToken @3 :UInt32;
  dhanSecurityId @4 :Text;
  lotSizeUnits @5 :Int64;
  tickSizePaise @6 :Int64;
  expiryDay @7 :UInt32;
  strikePaise @8 :Int64;
  optionType @9 :OptionType;
  freezeQtyUnits @10 :Int64;
}

struct FollowerSettings {
  follower @0 :Text;
  account @1 :Text;
  broker @2 :Broker;
  enabled @3 :Bool;
  sizing @4 :SizingPolicy;
  ratioPpm @5 :Int64;
  maxPositionPctBp @6 :Int64;
  carryRemainder @7 :Bool;
  maxPositionUnits @8 :Int64;
  maxPositionValuePaise @9 :Int64;
  maxOrderValuePaise @10 :Int64;
  maxDailyTrades @11 :Int64;
  allowSymbols @12 :List(Text);
  denySymbols @13 :List(Text);
  allowUnderlyings @14 :List(Text);
  denyUnderlyings @15 :List(Text);
  allowSegments @16 :List(Segment);
  denySegments @17 :List(Segment);
  allowProducts @18 :List(Product);
  disallowedProduct @19 :DisallowedProductAction;
  reverse @20 :Bool;
  copyWindowStartMin @21 :Int32;
  copyWindowEndMin @22 :Int32;
  stalenessLimitMs @23 :Int64;
  priceGuardBp @24 :Int64;
  copyOn @25 :CopyOn;
  lateEvents @26 :LateEvents;
  maxDailyLossPaise @27 :Int64;
  dailyProfitTargetPaise @28 :Int64;
  lossGuardAction @29 :LossGuardAction;
  catchUpMs @30 :Int64;  # schema 5
  leader @31 :Text;  # many leaders (issue 27); empty: the only leader
}

struct SizingInputs {
  policy @0 :SizingPolicy;
  ratioPpm @1 :Int64;
  leaderQtyUnits @2 :Int64;
  leaderCapitalPaise @3 :Int64;
  followerCapitalPaise @4 :Int64;
  lotSizeUnits @5 :Int64;
  premiumPaise @6 :Int64;
  maxPositionPctBp @7 :Int64;
  rawQtyMicro @8 :Int64;
  remainderInMicro @9 :Int64;
  roundedQtyUnits @10 :Int64;
  remainderOutMicro @11 :Int64;
  positionBeforeUnits @12 :Int64;
  finalQtyUnits @13 :Int64;
  targetUnits @14 :Int64;  # schema 4: the position target the order was sized toward
}

struct OrderRequest {
  instrument @0 :InstrumentKey;
  side @1 :Side;
  orderType @2 :OrderType;
  product @3 :Product;
  validity @4 :Validity;
  quantityUnits @5 :Int64;
  pricePaise @6 :Int64;
  triggerPricePaise @7 :Int64;
}

struct BrokerPosition {
  instrument @0 :InstrumentKey;
  product @1 :Product;
  netQtyUnits @2 :Int64;
  averagePricePaise @3 :Int64;
}

# ---- events (wire id in the comment) ----
struct EngineStarted {  # 1
  version @0 :Text;
  configHash @1 :Text;
}
struct EngineStopped {  # 2
  reason @0 :Text;
}
struct TradingDayOpened {  # 3
  day @0 :UInt32;
}
struct BrokerConnectionChanged {  # 4
  account @0 :Text;
  broker @1 :Broker;
  connected @2 :Bool;
  detail @3 :Text;
}
struct LeaderConfigured {  # 5
  account @0 :Text;
  broker @1 :Broker;
  name @2 :Text;  # many leaders (issue 27); empty: the only leader
  tagCode @3 :Text;
}
struct FollowerConfigured {  # 6
  settings @0 :FollowerSettings;
}
struct FollowerPaused {  # 7
  follower @0 :Text;
  by @1 :Text;
  reason @2 :Text;
}
struct FollowerResumed {  # 8
  follower @0 :Text;
  by @1 :Text;
}
struct InstrumentSnapshot {  # 9
  instrument @0 :Instrument;
}
struct LeaderOrderUpdate {  # 10
  orderId @0 :Text;
  status @1 :OrderStatus;
  instrument @2 :InstrumentKey;
  side @3 :Side;
  orderType @4 :OrderType;
  product @5 :Product;
  validity @6 :Validity;
  quantityUnits @7 :Int64;
  filledUnits @8 :Int64;
  pricePaise @9 :Int64;
  triggerPricePaise @10 :Int64;
  averagePricePaise @11 :Int64;
  exchangeTimeNs @12 :Int64;
  receivedTimeNs @13 :Int64;
  rawDigest @14 :Text;
  recovered @15 :Bool;
  leader @16 :Text;  # many leaders (issue 27); empty: the only leader
  feedSeq @17 :UInt64;  # journal schema 8: the tap stream's sequence (a fleet shard's)
}
struct FundsSnapshot {  # 11
  account @0 :Text;
  availablePaise @1 :Int64;
}
struct PositionsSnapshot {  # 12
  account @0 :Text;
  positions @1 :List(BrokerPosition);
}
struct CopyDecision {  # 13
  leaderOrderId @0 :Text;
  follower @1 :Text;
  action @2 :CopyAction;
  ordinal @3 :UInt32;
  quantityUnits @4 :Int64;
  sizing @5 :SizingInputs;
  skipReason @6 :SkipReason;
  clamp @7 :Clamp;
  instrument @8 :InstrumentKey;
  side @9 :Side;
}
struct FollowerOrderIntent {  # 14
  tag @0 :Text;
  follower @1 :Text;
  leaderOrderId @2 :Text;
  action @3 :CopyAction;
  ordinal @4 :UInt32;
  order @5 :OrderRequest;
  targetOrderId @6 :Text;
  targetTag @7 :Text;
}
struct FollowerOrderAck {  # 15
  tag @0 :Text;
  follower @1 :Text;
  brokerOrderId @2 :Text;
}
struct FollowerOrderRejected {  # 16
  tag @0 :Text;
  follower @1 :Text;
  errorClass @2 :Text;
  message @3 :Text;
}
struct FollowerOrderUpdate {  # 17
  tag @0 :Text;
  follower @1 :Text;
  brokerOrderId @2 :Text;
  status @3 :OrderStatus;
  filledUnits @4 :Int64;
  averagePricePaise @5 :Int64;
  exchangeTimeNs @6 :Int64;
  quantityUnits @7 :Int64;
}
struct MarketCalendarConfigured {  # 18
  holidays @0 :List(UInt32);
}
struct FollowerFlattenRequested {  # 19
  follower @0 :Text;
  by @1 :Text;
  requestId @2 :Text;
}
struct AlertRaised {  # 20
  kind @0 :Text;
  key @1 :Text;
  text @2 :Text;
}
struct InstrumentPrice {
  instrument @0 :InstrumentKey;
  lastPricePaise @1 :Int64;
}
struct PriceSnapshot {  # 21
  prices @0 :List(InstrumentPrice);
  receivedTimeNs @1 :Int64;
}
struct LossGuardTripped {  # 22
  follower @0 :Text;
  limit @1 :GuardLimit;
  dayPnlPaise @2 :Int64;
  thresholdPaise @3 :Int64;
  action @4 :LossGuardAction;
}
struct ClockTick {  # 23, schema 5
  exchangeTimeNs @0 :Int64;
}
struct FollowerOrderFound {  # 24, schema 5
  follower @0 :Text;
  tag @1 :Text;
  leaderOrderId @2 :Text;
  ordinal @3 :UInt32;
  brokerOrderId @4 :Text;
  order @5 :OrderRequest;
  status @6 :OrderStatus;
  filledUnits @7 :Int64;
  averagePricePaise @8 :Int64;
  exchangeTimeNs @9 :Int64;
}
