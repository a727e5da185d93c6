// What operators see of the running engine (the dashboard, /api/, /metrics, /readyz): a
// snapshot the engine thread rebuilds after handling facts — at most every few hundred
// milliseconds, so a busy day with 1000 followers costs it little — and publishes for any
// thread to read. Plain data; the server turns it into JSON and Prometheus text.
// Also the operator's commands, which the engine journals as FollowerPaused/Resumed events
// (with who gave them) so that replay and the audit see them.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "brokers/leader_feed.h"
#include "copy/copy_state.h"

namespace tandem::engine {

// Upper bounds of the copy-latency histogram buckets, in milliseconds (Prometheus `le`).
inline constexpr std::array<double, 12> kLatencyBucketsMs{0.5, 1,   2,   5,   10,   20,
                                                          50,  100, 200, 500, 1000, 5000};

struct LatencyHistogram {
  std::array<int64_t, kLatencyBucketsMs.size()> buckets{};  // not cumulative
  int64_t count = 0;
  double sum_ms = 0;
  void add(double ms);
};

struct OperatorCommand {
  // flatten: cancel the follower's working copies and close its positions at market
  // (FollowerFlattenRequested, decided in the core).
  enum class Kind : uint8_t { pause, resume, pause_all, resume_all, flatten };
  Kind kind = Kind::pause;
  domain::FollowerId follower;  // pause, resume and flatten only
  std::string by;               // who: the operator's name and where the request came from
  std::string reason;
  bool pause_first = false;  // flatten: pause the follower in the same durable batch first
};

// What a command did, once durable: `changed` false when it found things as it asked (a
// pause of a paused follower journals nothing and alerts no one); `seq` the journal's head
// after it.
struct CommandDone {
  bool changed = false;
  uint64_t seq = 0;
};

// One leader order update as it arrived, and what each follower did with it.
struct CopyRow {
  struct Follower {
    std::string follower;
    std::string action;       // place, modify, cancel, skip
    std::string skip_reason;  // for skips
    int64_t quantity_units = 0;
    std::string tag;
    std::string state;       // sent, acked, rejected, skipped
    std::string detail;      // the broker's order id or its refusal
    double latency_ms = -1;  // leader update read → ack, when acked
  };
  domain::TimeNs at_ns = 0;
  std::string leader_order_id;
  std::string instrument;
  std::string side;
  std::string status;
  int64_t quantity_units = 0;
  int64_t filled_units = 0;
  bool recovered = false;
  std::vector<Follower> followers;
};

struct AlertRow {
  domain::TimeNs at_ns = 0;
  std::string kind;  // leader_disconnected, follower_stopped, operator, journal_failed
  std::string text;
};

struct PositionRow {
  std::string instrument;
  std::string product;
  int64_t net_units = 0;
  int64_t average_price_paise = 0;
  int64_t realized_pnl_paise = 0;
  int64_t mark_paise = 0;  // the price it is marked at (loss_guard.h); 0 when unknown
};

struct FollowerRow {
  std::string id;
  std::string account;
  std::string broker;
  bool enabled = true;
  bool paused = false;
  std::string stopped;  // why its broker stopped it (a refused token), else empty
  int64_t orders_today = 0;
  int64_t rejected_today = 0;
  int64_t skipped_today = 0;
  int64_t turnover_today_paise = 0;
  int64_t funds_paise = 0;
  std::string leader;          // the leader this share copies; empty with one leader
  int64_t account_shares = 1;  // the shares of its account: > 1 when it follows several leaders
  // Realised + open at the marks, since the day opened: the account's (its loss guard's), on
  // each of its shares' rows when it follows several leaders...
  int64_t day_pnl_paise = 0;
  // ...and this share's own (its leader's book): the shares' rows sum to the account's.
  int64_t share_pnl_paise = 0;
  int64_t max_daily_loss_paise = 0;
  int64_t daily_profit_target_paise = 0;
  std::string guard;  // the loss guard's action once it tripped today, else empty
  std::vector<PositionRow> positions;
  // Leader update → broker ack of its recent copies (the engine's, not the journal's): -1
  // when none yet. The last broker answer: "acked B123", "rejected: …".
  double latency_p50_ms = -1;
  double latency_p99_ms = -1;
  std::string last_answer;
  domain::TimeNs last_answer_ns = 0;
  std::map<std::string, int64_t> skipped_today_by_reason;  // the journal's daily counters
  // Since the engine started, for /metrics: its orders' answers, and leader update → ack of
  // each acknowledged copy.
  int64_t acked_total = 0;
  int64_t rejected_total = 0;
  LatencyHistogram latency;
};

// Counters for /metrics, since the engine started.
struct OperatorCounters {
  int64_t leader_updates = 0;
  int64_t intents = 0;
  std::map<std::pair<std::string, std::string>, int64_t> orders;  // (broker, acked|rejected)
  std::map<std::string, int64_t> skips;                           // by reason
  LatencyHistogram copy_latency;
  LatencyHistogram send_latency;    // read off the socket → the place written to its broker
  LatencyHistogram journal_append;  // one synced write, ms
  int64_t journal_batches = 0;
  int64_t journal_records = 0;
  int64_t leader_reconnects = 0;
  int64_t inbox_depth = 0;
  int64_t rate_limit_waits = 0;      // order calls that waited for their account's limiter
  int64_t rate_limited_answers = 0;  // HTTP 429 / DH-904 answers (sent again)
  int64_t send_queue_waits = 0;      // orders that queued behind their account's (send_queue.h)
  int64_t unknown_places = 0;        // now: places of unknown outcome kept (unknown_places.h)
};

// One leader's stream, for the operator: which one is down when several are followed.
struct LeaderRow {
  std::string name;  // empty with one `[leader]`
  std::string account;
  std::string broker;
  bool connected = false;
  // A fleet shard's leader (its updates from the tap's stream): the feed's figures.
  std::optional<brokers::FeedStats> feed;
  uint64_t journaled_seq = 0;  // the stream sequence durable in this shard's journal
};

struct OperatorView {
  uint64_t version = 0;  // changes whenever anything below does
  domain::TimeNs at_ns = 0;
  std::string leader;
  std::string leader_broker;
  bool live = false;              // orders reach the followers' brokers; false: paper accounts
  std::string build_version;      // tandem's version (tandem_build_info)
  bool leader_connected = false;  // every leader's stream is up
  std::vector<LeaderRow> leaders;
  bool journal_ok = true;
  uint64_t journal_head = 0;
  domain::TradingDay day = 0;
  std::vector<FollowerRow> followers;
  // Newest last, at most kRecentCopies. Shared with the engine, which copies a row before
  // changing it once published, so publishing costs pointers, not rows.
  std::deque<std::shared_ptr<const CopyRow>> copies;
  std::deque<AlertRow> alerts;  // newest last, at most kRecentAlerts
  OperatorCounters counters;
};

inline constexpr size_t kRecentCopies = 200;
inline constexpr size_t kRecentAlerts = 50;

// The followers' rows from the engine's state (positions, today's counters, pauses).
[[nodiscard]] std::vector<FollowerRow> follower_rows(
    const domain::CopyState& state, const std::map<std::string, std::string>& stopped);

}  // namespace tandem::engine
