// The dispatcher: how the engine's follower orders reach their brokers (issue 26, the
// engine by job). On the engine's thread it takes each intent the core decided and queues
// it for its account: a change to an order not acknowledged yet is parked until that ack;
// every order of a leader update is handed to its broker thread in one post per thread,
// held at that thread's send gate until the update is durable (input before effect). On
// each broker thread, pump() drains the account's send queue (send_queue.h: at most
// `max_at_broker` out, cancels and exits first), carries each order out with the
// exactly-once rule (intent_executor.h) and pushes its outcome to the engine's inbox.
//
// A place whose outcome is unknown (`network`: its sends and the lookups by tag failed)
// keeps its slot and is looked up again kLookAgain times before that is reported. Reported
// unknown, it is kept unanswered here (unknown_places.h) and looked up again later.
// Thread-safety: the class on the engine's thread; pump() on the queue's broker thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "brokers/gateway.h"
#include "copy/copy_state.h"
#include "domain/instruments/freeze_limits.h"
#include "domain/orders/order_failure.h"
#include "engine/facts.h"
#include "engine/inbox.h"
#include "engine/run_on.h"
#include "engine/send_queue.h"
#include "engine/steady_clock.h"
#include "engine/unknown_places.h"
#include "net/send_gate.h"

namespace tandem::engine {

// How the pump waits (the engine's settings, EngineSetup): an entry dropped after
// `max_queue` behind the rate limit (0: never); a place whose outcome is unknown looked up
// again by its tag after `look_again_after`, up to kLookAgain times, before it is reported
// unknown.
struct DispatchTimes {
  std::chrono::milliseconds max_queue{};
  std::chrono::milliseconds look_again_after{};
};
inline constexpr int kLookAgain = 3;

void pump(const std::shared_ptr<SendQueue>& queue, const boost::asio::any_io_executor& executor,
          const std::shared_ptr<Inbox<Fact>>& inbox, DispatchTimes times);

// The outcome of an order the engine did not send: `unsent` or `queue_timeout`.
OutcomeFact not_sent(QueuedOrder&& order, domain::OrderFailure error_class, std::string message);

struct DispatcherSetup {
  int max_at_broker = 4;
  DispatchTimes times;
  std::chrono::milliseconds recheck_unknown_after{};
  // Index derivatives' freeze quantities (the brokers' instrument lists do not say them).
  domain::FreezeLimits freeze_limits;
  Pump pump;  // the simulated shell's (run_on.h); unset live
};

class Dispatcher {
 public:
  using Followers = std::map<domain::FollowerId, brokers::Gateway*>;
  using LeaderTime = std::optional<SteadyTime>;
  // A leader update's send gates, one per broker thread that has orders in it.
  using SendGates = std::vector<std::shared_ptr<net::SendGate>>;
  // The followers whose gateways run on one broker thread.
  using ThreadFollowers = std::vector<std::pair<domain::FollowerId, brokers::Gateway*>>;
  // A change decided before the order it changes was acknowledged.
  struct Parked {
    domain::FollowerOrderIntent intent;
    LeaderTime leader_received;
    bool look_first = false;
  };

  // `state` (the engine's) orders the send lanes and sizes freeze splits; `followers` and
  // `state` outlive the dispatcher. The leader's executor is broker thread 0.
  Dispatcher(DispatcherSetup setup, const domain::CopyState& state, const Followers& followers,
             boost::asio::any_io_executor leader_executor, std::shared_ptr<Inbox<Fact>> inbox,
             SteadyClock steady);

  // Queues the intent for its broker, or parks a change whose order is not acknowledged
  // yet; false when this run has no session for the follower. `gates`: held until the
  // input is durable (open_gates()); none when it is already. `look_first`: an earlier
  // send may have placed it (reconcile, a place of unknown outcome).
  bool dispatch(const domain::FollowerOrderIntent& intent, LeaderTime leader_received,
                bool look_first, SendGates* gates = nullptr);
  // Hands what dispatch() queued to the broker threads, one post per thread: each thread
  // wakes once per leader update, and its orders start back to back.
  void release();
  // Opens every gate of a leader update once it is durable, or closes them (nothing sent).
  void open_gates(const SendGates& gates, bool open);

  // An order handed to a broker has its outcome (or a parked change is refused with its order).
  void finished(const domain::FollowerOrderIntent& intent);
  // The changes parked behind the place of `tag`, taken out (still in flight each).
  [[nodiscard]] std::vector<Parked> take_parked(const domain::ClientTag& tag);
  // The place of `tag` was acknowledged with `id`: its later changes go straight out.
  void acknowledged(const domain::ClientTag& tag, const domain::BrokerOrderId& id);
  // Sends the changes that waited for the place acknowledged as `id` (after its ack is durable).
  void send_parked(std::vector<Parked> parked, const domain::BrokerOrderId& id);
  // The order the place of `tag` was acknowledged with in this run (or found in its book).
  [[nodiscard]] const domain::BrokerOrderId* acked_order(const domain::ClientTag& tag) const;

  // Places of unknown outcome (unknown_places.h): kept (true when new), settled, looked up.
  bool keep_unknown(const domain::FollowerOrderIntent& intent, LeaderTime leader_received);
  void settle_unknown(const domain::ClientTag& tag) { (void)unknown_.settle(tag); }
  [[nodiscard]] const UnknownPlaces::Place* unknown_place(const domain::ClientTag& tag) const {
    return unknown_.find(tag);
  }
  [[nodiscard]] size_t unknown_places() const { return unknown_.size(); }
  // The places of unknown outcome that are due, looked up by their tags (and sent under
  // them if the broker has none).
  void look_up_unknown_places();

  // Each follower's order book as read at start: a place whose tag is there is looked up,
  // never sent again; when the book could not be read, every place is looked up first.
  void book_read(const domain::FollowerId& follower, std::set<std::string> tags);
  void book_unread(const domain::FollowerId& follower) { book_unread_.insert(follower); }

  // Orders handed to brokers and not answered yet (parked changes included).
  [[nodiscard]] int in_flight() const { return in_flight_.load(); }
  // Those a stop waits for: all, less the changes parked behind a place of unknown outcome
  // (the next start looks that place up).
  [[nodiscard]] int answers_awaited() const;
  // At a stop request: the queued entries come back through the inbox as not sent; cancels
  // and exits stay queued and go out within the shutdown bound.
  void drop_queued_entries();
  // At the shutdown bound: whatever is still queued, or parked, taken out as not sent.
  [[nodiscard]] std::vector<OutcomeFact> take_unsent(const std::string& why);
  // Orders that could not start when queued, over every account (for /metrics).
  [[nodiscard]] int64_t queue_waits() const;

  // Posts `f` to every broker thread, with that thread's followers.
  void on_each_thread(std::function<void(const ThreadFollowers&)> f) const;

 private:
  void send(const domain::FollowerOrderIntent& intent, LeaderTime leader_received, bool look_first,
            SendGates* gates);
  // The queue lane of an order: a change (cancel or modify); an exit (a place that reduces
  // the follower's position); else an entry.
  [[nodiscard]] SendLane lane_of(const domain::FollowerOrderIntent& intent) const;
  [[nodiscard]] bool in_broker_book(const domain::FollowerOrderIntent& intent) const;
  // The index in threads_ of the gateway's executor; size() when not there yet.
  [[nodiscard]] size_t thread_of(const brokers::Gateway& gateway) const;

  DispatcherSetup setup_;
  const domain::CopyState& state_;
  const Followers& followers_;
  std::shared_ptr<Inbox<Fact>> inbox_;
  SteadyClock steady_;
  // The executors the gateways run on, each with its followers; [0] is the leader's.
  struct BrokerThread {
    boost::asio::any_io_executor executor;
    ThreadFollowers followers;
  };
  std::vector<BrokerThread> threads_;
  // Each follower gateway's send queue, used on the gateway's broker thread only (the map
  // itself is fixed at construction).
  std::map<const brokers::Gateway*, std::shared_ptr<SendQueue>> queues_;
  struct Outgoing {
    size_t thread;  // its gateway's, in threads_
    std::shared_ptr<SendQueue> queue;
    QueuedOrder order;
  };
  std::vector<Outgoing> outgoing_;  // queued by send(), handed over by release()
  std::map<domain::ClientTag, std::vector<Parked>> parked_;  // by the tag they wait for
  // Every ack heard; at start also, for a tag whose ack the journal lost, the first order the
  // broker holds under it (broker_books.cc), so that a second one is told apart.
  std::map<domain::ClientTag, domain::BrokerOrderId> acked_ids_;
  UnknownPlaces unknown_;
  std::map<domain::FollowerId, std::set<std::string>> book_tags_;  // tags at the broker at start
  std::set<domain::FollowerId> book_unread_;  // their book could not be read: look up every place
  std::atomic<int> in_flight_{0};             // read by Engine::stats() from any thread
};

}  // namespace tandem::engine
