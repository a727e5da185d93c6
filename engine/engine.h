// The live engine (DESIGN.md, the shape): one thread owns the state and is the only caller
// of decide(); broker gateways run on their own executor and only post facts into the
// bounded inbox. For each leader update: decide, hand every follower order to its broker
// at once, held at its send gate until the update itself is synced (input before effect),
// then append the decisions and intents without a sync of their own (lost_outputs.h decides
// them again after a crash in between). Acks, rejections and follower fills come back as facts and
// are journaled and folded as they arrive. Startup restores the state from the journal, journals
// what changed in the configuration, and reconciles every unacknowledged intent by its tag.
// Thread-safety: run() on one thread; post_*() and request_stop() from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "brokers/gateway.h"
#include "brokers/leader_feed.h"
#include "copy/copy_state.h"
#include "domain/instruments/freeze_limits.h"
#include "engine/alert_rules.h"
#include "engine/dispatcher.h"
#include "engine/facts.h"
#include "engine/funds_poller.h"
#include "engine/inbox.h"
#include "engine/operator_feed.h"
#include "engine/operator_view.h"
#include "engine/price_watch.h"
#include "engine/run_on.h"
#include "engine/sequencer.h"
#include "engine/steady_clock.h"
#include "journal/store.h"

namespace tandem::engine {

struct EngineSetup {
  // Every leader: its account, broker, name and tag code. One `[leader]` has no name; a
  // named one's orders are journaled as "<name>:<broker id>" and its followers' tags start
  // with its code (docs/domain.md, "Many leaders"). The first one's broker names the
  // instruments, and its ticker gives the loss guard's marks.
  std::vector<domain::LeaderConfigured> leaders;
  std::vector<domain::FollowerSettings> followers;
  std::vector<domain::TradingDay> holidays;
  // Index derivatives' freeze quantities by underlying (data/nse/freeze_quantities.txt):
  // what the brokers' instrument lists do not say.
  domain::FreezeLimits freeze_limits;
  std::string version;
  std::string config_hash;
  bool live = false;  // the followers' real brokers; false: paper accounts (shown to operators)
  size_t inbox_capacity = 1 << 16;
  // At a stop, queued cancels and exits and the orders at the brokers get this long; what is
  // still queued then is journaled as not sent (Dispatcher::take_unsent, Engine::journal_unsent).
  std::chrono::milliseconds shutdown_bound{5000};
  // An entry queued behind its account's rate limit longer than this is dropped, journaled
  // as not sent (send_queue.h); 0 = never. Exits and cancels are never dropped.
  std::chrono::milliseconds max_queue{30000};
  // A place whose outcome is unknown is looked up again by its tag this long after, a few
  // times, before it is reported unknown (dispatcher.h); then, kept unanswered, it is looked
  // up every recheck_unknown_after until its broker answers (unknown_places.h).
  std::chrono::milliseconds look_again_after{2000};
  std::chrono::milliseconds recheck_unknown_after{30000};
  // Orders of one account with its broker at once; the rest wait in its send queue, where
  // cancels and exits go first.
  int max_at_broker = 4;
  // Funds are taken again this often (capital-proportional and risk-based sizing read
  // them); a change is journaled as a FundsSnapshot. 0 = only at start.
  std::chrono::milliseconds funds_interval{std::chrono::minutes(5)};
  // The leader's stream down this long raises leader_disconnected (reconnects are normal).
  std::chrono::milliseconds leader_down_alert_after{std::chrono::seconds(30)};
  // The leader's market data (Kite's ticker) is journaled as a PriceSnapshot of the prices
  // that changed at most this often, in the engine clock's time: the daily loss guard's
  // marks. 0 = every batch of ticks.
  std::chrono::milliseconds price_snapshot_interval{1000};
  // Real time for the shell's time-based rules (steady_clock.h); a test may move it by hand.
  SteadyClock steady = steady_now;
  // Unset live: broker threads run the gateways and the engine thread blocks on them. Set,
  // one thread runs everything (the simulated shell): the engine runs the gateways' ready
  // handlers itself whenever it would wait (run_on.h), and is driven by settle().
  Pump pump;
};

struct EngineStats {
  int64_t leader_updates = 0;  // journaled (duplicates are not)
  int64_t intents = 0;
  int64_t acks = 0;
  int64_t rejections = 0;
  int64_t follower_updates = 0;
  int64_t clock_ticks = 0;               // journaled ClockTicks (copy/clock.h)
  std::map<std::string, int64_t> skips;  // by reason
  // Leader update read off the socket → follower ack handled, on the steady clock (real
  // time, whatever clock the decisions run on). Both lists keep the latest samples only
  // (add_latency_sample): an engine left running for weeks must not grow with every ack.
  std::vector<int64_t> ack_latency_ns;
  // Leader update read off the socket → the copy's place request written to its broker's
  // socket (the engine's own time: decide, journal durably, send), per copy placed.
  std::vector<int64_t> send_latency_ns;
  size_t inbox_high_water = 0;
  int in_flight = 0;  // follower orders handed to brokers and not yet answered
  // Places whose outcome stayed unknown after the look-again, kept unanswered and looked up
  // again (unknown_places.h).
  int64_t unknown_outcomes = 0;
  // Followers whose broker refused their token (Kite TokenException, Dhan DH-901), with the
  // broker's words; cleared by the next order the account's broker accepts.
  std::map<std::string, std::string> stopped_followers;
  // At start: decisions and intents of a crashed run's last input, decided again because
  // the crash came between the input's sync and their append (lost_outputs.h).
  size_t decided_again = 0;
  // The bytes synced before a leader update's orders leave (its input record, and anything
  // staged before it), summed over the leader updates that decided orders: independent of
  // the number of followers (the decisions and intents follow without a sync).
  uint64_t leader_sync_bytes = 0;
  int64_t leader_syncs = 0;
};

// At most this many samples per latency list: 1 MiB each, about a month at 6,000 copies a
// day; the operator view's histograms cover the engine's whole life.
inline constexpr size_t kMaxLatencySamples = size_t{1} << 17;

// Appends `ns`; at the bound, first drops the older half (amortised O(1) per sample).
void add_latency_sample(std::vector<int64_t>& samples, int64_t ns);

// A leader's gateway and whether its stream is up (Engine, one per EngineSetup::leaders).
struct LeaderLink {
  brokers::Gateway* gateway = nullptr;
  brokers::LeaderFeed* feed = nullptr;  // when set, the updates come from it, not the gateway
  bool connected = false;
  bool was_connected = false;
};

class Engine {
 public:
  using Clock = std::function<domain::TimeNs()>;
  using Followers = std::map<domain::FollowerId, brokers::Gateway*>;

  // Each gateway runs on its own executor (Gateway::executor()), several may share a broker
  // thread; the engine never calls them from its thread.
  // `leaders`: each of setup.leaders' gateways, in its order. REQUIRES: at least one.
  Engine(journal::Store& store, EngineSetup setup, std::vector<brokers::Gateway*> leaders,
         Followers followers, Clock clock);
  ~Engine();

  // Before start(): leader `k`'s updates come from `feed` (a fleet shard's, fleet/feed.h)
  // instead of its gateway's order stream. The gateway still answers funds and the
  // instrument master; its market data comes by prices_ticked() (fleet/marks.h).
  void feed_leader(size_t k, brokers::LeaderFeed& feed);
  // Any thread: the leader's latest prices from elsewhere than its gateway's ticker (a fleet
  // shard's, from the tap), taken as the ticker's are: journaled in PriceSnapshots.
  void prices_ticked(const std::vector<domain::InstrumentPrice>& prices) { prices_.ticked(prices); }

  // Restores the state, journals the start and the configuration, takes funds and the
  // instrument master, subscribes to every stream and reconciles unacknowledged intents.
  // Runs on the engine thread, before run().
  Status start();
  // Processes facts until request_stop(); then finishes in-flight orders within the bound
  // and journals EngineStopped. Returns the first journal failure, if any (the engine stops
  // at once then: nothing may be sent that was not written).
  Status run();
  void request_stop();
  // With setup.pump only: handles facts, running the gateways' handlers between them, until
  // neither is left, then does a quiet moment's work once (when_quiet). The journal's
  // failure, if any. A day is driven by settle() after each move; request_stop() then run()
  // winds it down.
  Status settle();

  const domain::CopyState& state() const { return sequencer_.state(); }  // engine thread only
  EngineStats stats() const;
  // Called on the engine thread after each fact is handled (progress displays).
  void on_progress(std::function<void(const EngineStats&)> f) { progress_ = std::move(f); }

  // From any thread: the engine journals the operator's command (FollowerPaused/Resumed
  // with who gave it) and folds it in; the future holds the outcome once it is durable —
  // not_found for an unknown follower, failed_precondition once the engine has stopped.
  std::future<Result<CommandDone>> command(OperatorCommand command);
  // From any thread: the latest operator view (rebuilt at most every OperatorFeed::kViewInterval
  // while facts arrive, and when idle); never null.
  std::shared_ptr<const OperatorView> view() const;
  // Called on the engine thread with every alert raised, after it is journaled (delivery:
  // alerts/alert_dispatcher.h). Set before run().
  void on_alert(std::function<void(const AlertRow&, const std::string& key)> f) {
    on_alert_ = std::move(f);
  }

 private:
  // Steps each input through the core and journals it with what it decided (sequencer.h):
  // durably at once, or — while the run loop drains a burst of facts — at flush(), one
  // synced write for the burst. An input that decided orders goes the copy path's way
  // (send_and_journal): nothing is sent to a broker before it is durable.
  Status append(std::vector<domain::Event> events);
  // The sequencer's write of what is staged; a refused write raises journal_failed.
  Status flush() { return noted(sequencer_.flush()); }
  // A journal write's outcome; a refusal raises journal_failed (the engine stops).
  Status noted(Status written);
  // run()'s steps (engine.cc). One turn of the loop handles a burst of facts, or does the
  // quiet moment's work when none came; true when the loop is to end.
  struct Loop {
    bool begun = false;
    bool stopping = false;
    SteadyTime deadline = SteadyTime::max();
    Status failure;
    bool quiet = false;  // the last turn found no fact
  };
  void begin_loop();
  bool turn();
  std::optional<Fact> next_fact();
  Status when_quiet(bool stopping);
  Status wind_down(Status failure);
  // One fact from the inbox; a StopFact sets `stopping` and the shutdown `deadline`.
  Status handle_fact(Fact& fact, bool& stopping, SteadyTime& deadline);
  Status handle(LeaderFact& f);
  Status handle_leader(LeaderFact& f);
  Status handle(OutcomeFact& f);
  Status keep_unknown(const OutcomeFact& f);
  Status answered(OutcomeFact& f);
  Status settle_by_report(const domain::ClientTag& tag, const domain::BrokerOrderId& order_id);
  // A place of unknown outcome that its broker reported under its tag: `ack` (its outcome)
  // acknowledged with that order, the place settled.
  Status acknowledge_reported(OutcomeFact ack, const domain::BrokerOrderId& id);
  void count_outcome(const OutcomeFact& f);
  void token_refused(const domain::FollowerId& follower, const std::string& message,
                     std::vector<domain::Event>& events);
  Status handle(FollowerFact& f);
  Status handle(ConnectionFact& f);
  Status handle(FundsFact& f);
  Status handle(OperatorFact& f);
  Status handle(PricesFact& f);
  Status handle(FoundFact& f);
  // The daily loss guard's inputs (engine_prices.cc): the prices that changed journaled as a
  // PriceSnapshot once the interval has passed (price_watch.h) — decided like a leader
  // update, so a tripped guard's orders go out at once.
  Status snapshot_prices();
  void on_guard_tripped(const domain::LossGuardTripped& trip, size_t orders);
  // Time as an input (engine_clock.cc; copy/clock.h): at most every kTickInterval of the
  // engine's clock (the demo's runs fast), the clock is offered to the core, and a ClockTick
  // journaled and decided on when one is due (a late copy to catch up, a session or copy
  // window that opened).
  Status tick_clock();
  static constexpr domain::TimeNs kTickInterval = 1'000'000'000;
  domain::TimeNs tick_checked_at_ = 0;
  using LeaderTime = Dispatcher::LeaderTime;
  // The copy path, input before effect (DESIGN.md invariant 1): the input's synced append
  // begins on its own thread (Sequencer::begin_input); the core decides on it meanwhile; the orders
  // go to their broker threads, held at their send gates until the input is durable; then the
  // decisions and intents are appended without a sync of their own. With `copied`, the leader
  // update decided on, the decisions are shown in the operator view's copies; `decided` (if given)
  // receives the decisions. An error is the journal's (it stops the engine).
  Status decide_and_send(const domain::Event& input, LeaderTime received,
                         const domain::LeaderOrderUpdate* copied,
                         std::vector<domain::Event>* decided = nullptr);
  // Its second half, also taken by append() for an input it has already decided: the
  // orders dispatched, the input's write waited for, the outputs appended.
  Status send_and_journal(std::vector<domain::Event> outputs, LeaderTime received,
                          const domain::LeaderOrderUpdate* copied);
  // An outcome shown to operators (operator_feed.h) and counted by the alert rules.
  void record_outcome(const OutcomeFact& f, double latency_ms);
  // Raises an alert: shown in the view, journaled (AlertRaised), handed to on_alert.
  void alert(std::string kind, std::string text, std::string key = {});
  // The rules' alerts due now (alert_rules.h), raised; the drift rule's only when quiet.
  void check_alert_rules(bool quiet = false);
  void publish_view(bool force);
  Status open_day(domain::TimeNs at);
  Status ensure_instrument(const domain::InstrumentKey& key);
  // At the shutdown bound: whatever is still queued, or parked for the ack of the order it
  // changes, is journaled as not sent (each a FollowerOrderRejected "unsent", with an alert
  // per follower); returns how many.
  int journal_unsent();
  Status reconcile_pending();
  // start()'s steps (engine_start.cc).
  std::vector<domain::Event> configuration_changes() const;
  Status take_master_and_funds();
  bool take_master();  // the leader broker's instrument list into master_; false if unread
  void subscribe_streams();
  void restore_paper_books();
  // The broker's book as the last word (broker_books.cc): each follower's orders of the day,
  // read at start; a place under a tag already there is looked up, never sent again, and an
  // order under a tag the journal lost is journaled as found (FollowerOrderFound).
  void read_broker_books();
  void read_broker_book(const domain::FollowerId& follower, brokers::Gateway* gateway,
                        std::vector<domain::FollowerOrderReport>& orphans);
  // Journals the found orders that copied `leader_order` (all that are left when null).
  Status journal_found(const domain::LeaderOrderId* leader_order);
  // The broker order a tag's place was acknowledged with: this run's acks, the journal's of
  // the last two days, or the copy's mapping; nullptr when none is known.
  const domain::BrokerOrderId* order_of_tag(const domain::ClientTag& tag) const;
  // A second order under one of our tags at a follower's broker (the tag reused by hand, or
  // a broker's autoslice child): journaled as found under a key of its own, with an alert,
  // so that its fills count in the follower's position and not as the first order's.
  Status found_second_order(const domain::FollowerOrderReport& order);
  std::vector<domain::Event> control_events(const OperatorCommand& c,
                                            const std::vector<domain::FollowerId>& shares) const;
  // The share of `gateway`'s account an order under `tag` is for: the one the journal holds
  // it for, else the one whose leader's tag code starts it, else `fallback`.
  domain::FollowerId share_of_tag(const brokers::Gateway* gateway, const domain::ClientTag& tag,
                                  const domain::FollowerId& fallback) const;
  // Orders found at follower brokers under tags the journal lost, by the leader order they
  // copied ("found:<tag>" when none matched), until journaled (FollowerOrderFound).
  std::map<domain::LeaderOrderId, std::vector<domain::FollowerOrderFound>> found_;
  void feed_paper_price(const domain::InstrumentKey& key, int64_t price_paise);

  journal::Store& store_;
  EngineSetup setup_;
  std::vector<LeaderLink> leaders_;  // each leader's gateway and stream, as setup_.leaders
  brokers::Gateway& main_leader() { return *leaders_.front().gateway; }  // names the instruments
  Followers followers_;
  boost::asio::any_io_executor leader_executor_;  // the first leader's gateway's
  Clock clock_;
  Sequencer sequencer_;  // the state and the journal's writes (sequencer.h)
  Loop loop_;            // run()'s and settle()'s place in the loop
  std::map<domain::InstrumentKey, domain::Instrument> master_;  // the broker's instrument list
  bool master_taken_ = false;                                   // master_ was read (take_master)
  bool master_alerted_ = false;                                 // its failure was alerted
  // Shared with the broker threads' callbacks and in-flight orders, which may outlive a
  // stopped engine (an order still unanswered at the shutdown bound).
  std::shared_ptr<Inbox<Fact>> inbox_;
  Dispatcher dispatcher_;  // the follower orders on their way (dispatcher.h)
  PriceWatch prices_;      // the loss guard's marks, from the leader's ticks (price_watch.h)
  FundsPoller funds_;      // each account's funds, on the leader's executor (funds_poller.h)
  std::set<domain::FollowerId> token_refused_;  // alerted once; cleared by an ack
  EngineStats stats_;
  mutable std::mutex stats_mu_;
  OperatorFeed feed_;  // what operators see (operator_feed.h)
  AlertRules rules_;
  std::function<void(const AlertRow&, const std::string& key)> on_alert_;
  std::function<void(const EngineStats&)> progress_;
};

}  // namespace tandem::engine
