// The journal's vocabulary (DESIGN.md, Events): every record is exactly one of these facts.
// Plain values: copyable, comparable, no behaviour. journal/codec maps them to and from Cap'n
// Proto; the index of each alternative in `Event` is NOT its wire id (see EventType).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/accounts/follower_settings.h"
#include "domain/base/ids.h"
#include "domain/base/time.h"
#include "domain/copy/copy_decision.h"
#include "domain/instruments/instrument.h"
#include "domain/orders/order_failure.h"
#include "domain/orders/order_terms.h"
#include "domain/orders/order_types.h"

namespace tandem::domain {

// ---- run ----
struct EngineStarted {
  std::string version;
  std::string config_hash;  // hex SHA-256 of the effective configuration
  bool operator==(const EngineStarted&) const = default;
};
struct EngineStopped {
  std::string reason;
  bool operator==(const EngineStopped&) const = default;
};
struct TradingDayOpened {
  TradingDay day = 0;
  bool operator==(const TradingDayOpened&) const = default;
};
struct BrokerConnectionChanged {
  AccountId account;
  Broker broker = Broker::paper;
  bool connected = false;
  std::string detail;  // never a URL with credentials in it
  bool operator==(const BrokerConnectionChanged&) const = default;
};

// ---- configuration ----
struct LeaderConfigured {
  AccountId account;
  Broker broker = Broker::paper;
  LeaderId name;         // empty: the only leader
  std::string tag_code;  // what its followers' tags start with (client_tag.h); empty: nothing
  bool operator==(const LeaderConfigured&) const = default;
};
struct FollowerConfigured {
  FollowerSettings settings;
  bool operator==(const FollowerConfigured&) const = default;
};
struct FollowerPaused {
  FollowerId follower;
  std::string by;  // the operator
  std::string reason;
  bool operator==(const FollowerPaused&) const = default;
};
struct FollowerResumed {
  FollowerId follower;
  std::string by;
  bool operator==(const FollowerResumed&) const = default;
};
// An operator asked to close every open position of a follower at market (the dashboard's
// "flatten", confirmed twice). decide() turns it into one market order per open position;
// `request_id` makes their tags unique to this request.
struct FollowerFlattenRequested {
  FollowerId follower;
  std::string by;  // the operator
  std::string request_id;
  bool operator==(const FollowerFlattenRequested&) const = default;
};
// An alert the engine raised for its operators (the leader's stream down too long, order
// errors over 5%, a follower stopped, a token about to expire, an operator's action...):
// journaled so that the audit shows what operators were told and when, then delivered
// (alerts/alert_dispatcher.h). Not an input of decide().
struct AlertRaised {
  std::string kind;
  std::string key;  // deduplication key
  std::string text;
  bool operator==(const AlertRaised&) const = default;
};
struct MarketCalendarConfigured {
  std::vector<TradingDay> holidays;  // sorted; sessions are fixed per exchange (calendar/)
  bool operator==(const MarketCalendarConfigured&) const = default;
};
struct InstrumentSnapshot {
  Instrument instrument;
  bool operator==(const InstrumentSnapshot&) const = default;
};

// ---- leader ----
// The leader's order as its stream reported it: its terms (order_terms.h), and where it stands.
struct LeaderOrderUpdate : OrderTerms {
  LeaderId leader;  // whose order (LeaderConfigured::name)
  LeaderOrderId order_id;
  OrderStatus status = OrderStatus::pending;
  int64_t filled_units = 0;
  int64_t average_price_paise = 0;
  TimeNs exchange_time_ns = 0;
  TimeNs received_time_ns = 0;
  std::string raw_digest;  // hex SHA-256 of the broker payload as received
  bool recovered = false;  // found by a gap fill from the order book, not the live stream
  // A fleet shard's (docs/fleet.md): the tap stream's sequence of the message it came in,
  // the same in every shard; 0 when it came from the broker itself.
  uint64_t feed_seq = 0;
  bool operator==(const LeaderOrderUpdate&) const = default;
};

// The id a leader order is journaled under: the broker's own with one leader; with several,
// "<leader>:<broker id>", so that two brokers' ids never meet in the core's maps.
// An id already qualified (an update a fleet's tap journaled) is returned as it is.
[[nodiscard]] inline LeaderOrderId leader_order_id(const LeaderId& leader,
                                                   std::string_view broker_order_id) {
  if (leader.empty()) return LeaderOrderId{std::string(broker_order_id)};
  const std::string prefix = leader.value + ":";
  if (broker_order_id.starts_with(prefix)) return LeaderOrderId{std::string(broker_order_id)};
  return LeaderOrderId{prefix + std::string(broker_order_id)};
}

// ---- account state ----
struct FundsSnapshot {
  AccountId account;
  int64_t available_paise = 0;
  bool operator==(const FundsSnapshot&) const = default;
};
struct BrokerPosition {
  InstrumentKey instrument;
  Product product = Product::intraday;
  int64_t net_qty_units = 0;
  int64_t average_price_paise = 0;
  bool operator==(const BrokerPosition&) const = default;
};
struct PositionsSnapshot {
  AccountId account;
  std::vector<BrokerPosition> positions;
  bool operator==(const PositionsSnapshot&) const = default;
};

// ---- follower ----
struct FollowerOrderIntent {
  ClientTag tag;
  FollowerId follower;
  LeaderOrderId leader_order_id;
  CopyAction action = CopyAction::place;
  uint32_t ordinal = 0;
  OrderTerms order;
  BrokerOrderId target_order_id;  // the follower order a modify or cancel applies to
  ClientTag target_tag;           // that order's own tag (the intent that placed it)
  bool operator==(const FollowerOrderIntent&) const = default;
};
struct FollowerOrderAck {
  ClientTag tag;
  FollowerId follower;
  BrokerOrderId broker_order_id;
  bool operator==(const FollowerOrderAck&) const = default;
};
struct FollowerOrderRejected {
  ClientTag tag;
  FollowerId follower;
  OrderFailure error_class = OrderFailure::rejected;  // journaled by name
  std::string message;
  bool operator==(const FollowerOrderRejected&) const = default;
};
struct FollowerOrderUpdate {
  ClientTag tag;
  FollowerId follower;
  BrokerOrderId broker_order_id;
  OrderStatus status = OrderStatus::pending;
  int64_t filled_units = 0;
  int64_t average_price_paise = 0;
  TimeNs exchange_time_ns = 0;
  int64_t quantity_units = 0;  // the order's quantity as the broker now has it (after modifies)
  bool operator==(const FollowerOrderUpdate&) const = default;
};

// A follower order found at its broker under a tag the journal did not hold: the journal's
// tail was lost after the order went out (a restore from a backup, a damaged disk), and the
// broker's book, read at start, is the last word (DESIGN.md invariant 3). Folded as if the
// intent, its ack and this report had been journaled: its fills count in the follower's
// position, and what still works counts as working, so nothing is decided twice. An input;
// it decides nothing by itself. `leader_order_id` and `ordinal`: the copy it was, when its
// tag matches one of the leader's orders of the day; else "found:<tag>" and 1.
struct FollowerOrderFound {
  FollowerId follower;
  ClientTag tag;
  LeaderOrderId leader_order_id;
  uint32_t ordinal = 1;
  BrokerOrderId broker_order_id;
  OrderTerms order;
  OrderStatus status = OrderStatus::pending;
  int64_t filled_units = 0;
  int64_t average_price_paise = 0;
  TimeNs exchange_time_ns = 0;
  bool operator==(const FollowerOrderFound&) const = default;
};

// ---- prices ----
struct InstrumentPrice {
  InstrumentKey instrument;
  int64_t last_price_paise = 0;
  bool operator==(const InstrumentPrice&) const = default;
};
// The latest traded prices of the instruments in use, from the Kite ticker, journaled at most
// once per interval (engine setup) with the prices that changed: the marks of the daily loss
// guard, so that its decisions replay exactly. Sorted by instrument.
struct PriceSnapshot {
  std::vector<InstrumentPrice> prices;
  TimeNs received_time_ns = 0;  // when the engine took the snapshot (for the audit)
  bool operator==(const PriceSnapshot&) const = default;
};

// ---- loss guard ----
enum class GuardLimit : uint8_t { max_daily_loss = 0, profit_target = 1 };
// decide() on a PriceSnapshot: the follower's P&L for the day crossed a limit of its daily
// loss guard, which applies its action (FollowerSettings::loss_guard_action) until the next
// trading day. A decision like CopyDecision: replay recomputes it field for field.
struct LossGuardTripped {
  FollowerId follower;
  GuardLimit limit = GuardLimit::max_daily_loss;
  int64_t day_pnl_paise = 0;    // realised + open positions at the marks, since the day opened
  int64_t threshold_paise = 0;  // the limit crossed: −max loss, or the profit target
  LossGuardAction action = LossGuardAction::exits_only;
  bool operator==(const LossGuardTripped&) const = default;
};

// ---- time ----
// The exchange clock reached a point where time alone may call for a decision (copy/clock.h):
// a copy whose leader order filled catch_up_ms ago and it has not, a copy window or a
// market session that opened since the last tick. The engine journals one only when one is
// due, so the core never reads a clock and a day replays to the same decisions.
struct ClockTick {
  TimeNs exchange_time_ns = 0;
  bool operator==(const ClockTick&) const = default;
};

using Event =
    std::variant<EngineStarted, EngineStopped, TradingDayOpened, BrokerConnectionChanged,
                 LeaderConfigured, FollowerConfigured, FollowerPaused, FollowerResumed,
                 InstrumentSnapshot, LeaderOrderUpdate, FundsSnapshot, PositionsSnapshot,
                 CopyDecision, FollowerOrderIntent, FollowerOrderAck, FollowerOrderRejected,
                 FollowerOrderUpdate, MarketCalendarConfigured, FollowerFlattenRequested,
                 AlertRaised, PriceSnapshot, LossGuardTripped, ClockTick, FollowerOrderFound>;

// The stable wire id of each event type: part of the journal format, never renumbered.
enum class EventType : uint16_t {
  engine_started = 1,
  engine_stopped = 2,
  trading_day_opened = 3,
  broker_connection_changed = 4,
  leader_configured = 5,
  follower_configured = 6,
  follower_paused = 7,
  follower_resumed = 8,
  instrument_snapshot = 9,
  leader_order_update = 10,
  funds_snapshot = 11,
  positions_snapshot = 12,
  copy_decision = 13,
  follower_order_intent = 14,
  follower_order_ack = 15,
  follower_order_rejected = 16,
  follower_order_update = 17,
  market_calendar_configured = 18,
  follower_flatten_requested = 19,
  alert_raised = 20,
  price_snapshot = 21,
  loss_guard_tripped = 22,
  clock_tick = 23,
  follower_order_found = 24,
};
inline constexpr uint16_t kMaxEventType = 24;

[[nodiscard]] EventType event_type(const Event& event);
std::string_view to_string(EventType type);  // "LeaderOrderUpdate"
std::string_view to_string(GuardLimit v);    // "max_daily_loss"
std::string_view to_string(LossGuardAction v);

// The follower a decision is for, when `event` is one of decide()'s outputs (CopyDecision,
// FollowerOrderIntent, LossGuardTripped); null for every input. Replay and backtest match
// these against what was recorded.
[[nodiscard]] const FollowerId* decided_for(const Event& event);

}  // namespace tandem::domain
