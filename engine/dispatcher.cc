// The dispatcher (dispatcher.h): on the engine's thread, intents queued, parked or looked up
// again, and handed to the broker threads; on each broker thread, the pump draining an
// account's send queue, every order carried out by execute_intent(), every outcome pushed
// to the engine's inbox.
#include "engine/dispatcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <future>
#include <string>
#include <utility>

#include "domain/base/assert.h"
#include "engine/intent_executor.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

namespace {

void arm_expiry(const std::shared_ptr<SendQueue>& queue, const asio::any_io_executor& executor,
                const std::shared_ptr<Inbox<Fact>>& inbox, DispatchTimes times);

bool unknown_place(const QueuedOrder& o, const IntentOutcome& out) {
  return !out.acked && out.error_class == d::OrderFailure::network &&
         o.intent.action == d::CopyAction::place;
}

// A place an earlier send may have placed, whose lookup by tag failed: unknown, whatever the
// lookup's own failure (a token refused since must not make it read as refused).
void unknown_if_maybe_sent(IntentOutcome& out, bool may_be_sent) {
  if (out.lookup_failed && may_be_sent) out.error_class = d::OrderFailure::network;
}

// Carries the order out; a place whose outcome stays unknown is looked up again (and sent
// again under its tag only if the broker has none) after each wait, kLookAgain times.
asio::awaitable<IntentOutcome> carry_out_looking_again(const QueuedOrder& o,
                                                       brokers::PlaceOptions options,
                                                       std::chrono::milliseconds look_again_after) {
  IntentOutcome out = co_await execute_intent(*o.gateway, o.intent, options, o.look_first);
  unknown_if_maybe_sent(out, o.may_be_sent);
  for (int round = 1; round <= kLookAgain && unknown_place(o, out); ++round) {
    if (look_again_after.count() > 0) {
      asio::steady_timer wait(co_await asio::this_coro::executor, look_again_after);
      co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
    } else {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
    out = co_await execute_intent(*o.gateway, o.intent, options, /*look_first=*/true);
    unknown_if_maybe_sent(out, /*may_be_sent=*/true);
  }
  co_return out;
}

}  // namespace

OutcomeFact not_sent(QueuedOrder&& o, d::OrderFailure error_class, std::string message) {
  return OutcomeFact{std::move(o.intent), {},          error_class, std::move(message),
                     o.leader_received,   std::nullopt};
}

// On the queue's broker thread: entries queued past max_queue are dropped (reported as not
// sent), then orders start while the account has room at its broker. Each started order
// pumps again once its outcome is in; if none comes (a broker that hangs until its request
// times out), the expiry timer pumps at the oldest entry's deadline.
void pump(const std::shared_ptr<SendQueue>& queue, const asio::any_io_executor& executor,
          const std::shared_ptr<Inbox<Fact>>& inbox, DispatchTimes times) {
  const std::chrono::milliseconds max_queue = times.max_queue;
  if (max_queue.count() > 0) {
    for (QueuedOrder& o : queue->expire(std::chrono::steady_clock::now(), max_queue)) {
      inbox->push(not_sent(std::move(o), d::OrderFailure::queue_timeout,
                           "dropped: this entry waited more than " +
                               std::to_string(max_queue.count()) +
                               " ms behind the account's rate limit (max_queue_ms)"));
    }
  }
  while (std::optional<QueuedOrder> next = queue->start_next()) {
    asio::co_spawn(
        executor,
        [queue, executor, inbox, times, o = std::move(*next)]() -> asio::awaitable<void> {
          std::optional<std::chrono::steady_clock::time_point> sent;
          brokers::PlaceOptions timed = o.options;
          timed.on_sent = [&sent] { sent = std::chrono::steady_clock::now(); };
          IntentOutcome out = co_await carry_out_looking_again(o, timed, times.look_again_after);
          inbox->push(OutcomeFact{o.intent, out.acked.value_or(d::BrokerOrderId{}), out.error_class,
                                  out.message, o.leader_received, sent});
          queue->finished(o);
          pump(queue, executor, inbox, times);
        },
        asio::detached);
  }
  if (max_queue.count() > 0) arm_expiry(queue, executor, inbox, times);
}

namespace {

void arm_expiry(const std::shared_ptr<SendQueue>& queue, const asio::any_io_executor& executor,
                const std::shared_ptr<Inbox<Fact>>& inbox, DispatchTimes times) {
  const auto due = queue->next_expiry(times.max_queue);
  if (!due || !queue->arm_expiry()) return;
  auto timer = std::make_shared<asio::steady_timer>(executor, *due);
  timer->async_wait([timer, queue, executor, inbox, times](const boost::system::error_code&) {
    queue->expiry_fired();
    pump(queue, executor, inbox, times);
  });
}

}  // namespace

// ---- the engine's thread ----

Dispatcher::Dispatcher(DispatcherSetup setup, const d::CopyState& state, const Followers& followers,
                       asio::any_io_executor leader_executor, std::shared_ptr<Inbox<Fact>> inbox,
                       SteadyClock steady)
    : setup_(std::move(setup)),
      state_(state),
      followers_(followers),
      inbox_(std::move(inbox)),
      steady_(std::move(steady)),
      unknown_(setup_.recheck_unknown_after) {
  threads_.push_back({std::move(leader_executor), {}});
  for (const auto& [id, g] : followers_) {
    const size_t t = thread_of(*g);
    if (t == threads_.size()) threads_.push_back({g->executor(), {}});
    threads_[t].followers.emplace_back(id, g);
    if (!queues_.contains(g)) queues_[g] = std::make_shared<SendQueue>(setup_.max_at_broker);
  }
}

size_t Dispatcher::thread_of(const brokers::Gateway& gateway) const {
  const auto executor = gateway.executor();
  size_t t = 0;
  while (t < threads_.size() && threads_[t].executor != executor) ++t;
  return t;
}

void Dispatcher::on_each_thread(std::function<void(const ThreadFollowers&)> f) const {
  for (const BrokerThread& t : threads_) {
    asio::post(t.executor, [f, &followers = t.followers] { f(followers); });
  }
}

bool Dispatcher::dispatch(const d::FollowerOrderIntent& intent, LeaderTime leader_received,
                          bool look_first, SendGates* gates) {
  if (!followers_.contains(intent.follower)) return false;
  ++in_flight_;
  const bool needs_target =
      intent.action == d::CopyAction::modify || intent.action == d::CopyAction::cancel;
  if (needs_target && intent.target_order_id.empty()) {
    // Decided before the order it changes was acknowledged: it goes once that ack comes.
    const auto acked = acked_ids_.find(intent.target_tag);
    if (acked == acked_ids_.end()) {
      auto& waiting = parked_[intent.target_tag];
      waiting.push_back({intent, leader_received, look_first});
      // Each parked change is an order in flight: their count is bounded by in_flight_.
      TANDEM_ASSERT(waiting.size() <= static_cast<size_t>(in_flight_.load()),
                    intent.target_tag.value, waiting.size());
      return true;
    }
    d::FollowerOrderIntent resolved = intent;
    resolved.target_order_id = acked->second;
    send(resolved, leader_received, look_first, gates);
    return true;
  }
  send(intent, leader_received, look_first, gates);
  return true;
}

SendLane Dispatcher::lane_of(const d::FollowerOrderIntent& intent) const {
  if (intent.action != d::CopyAction::place) return SendLane::change;
  const auto settings = state_.followers.find(intent.follower);
  if (settings == state_.followers.end()) return SendLane::entry;
  const int64_t net = state_.positions.net(d::book_of(settings->second), intent.order.instrument,
                                           intent.order.product);
  const bool reduces = (net > 0 && intent.order.side == d::Side::sell) ||
                       (net < 0 && intent.order.side == d::Side::buy);
  return reduces ? SendLane::exit : SendLane::entry;
}

void Dispatcher::send(const d::FollowerOrderIntent& intent, LeaderTime leader_received,
                      bool look_first, SendGates* gates) {
  brokers::Gateway* gateway = followers_.at(intent.follower);
  const size_t thread = thread_of(*gateway);
  // `look_first` from the callers: an earlier send may have placed it (reconcile, a place
  // of unknown outcome), or the tag is in the broker's book read at start. Looked up too,
  // as a precaution only, when that book could not be read.
  const bool place = intent.action == d::CopyAction::place;
  const bool in_book = place && in_broker_book(intent);
  const bool book_unread = place && book_unread_.contains(intent.follower);
  QueuedOrder order{gateway,
                    intent,
                    {},
                    leader_received,
                    look_first || in_book || book_unread,
                    place && (look_first || in_book),
                    lane_of(intent),
                    steady_()};
  if (gates != nullptr) {
    gates->resize(threads_.size());
    auto& gate = (*gates)[thread];
    if (!gate) gate = std::make_shared<net::SendGate>(threads_[thread].executor);
    order.options.gate = gate;
  }
  const auto inst = state_.instruments.find(intent.order.instrument);
  if (inst != state_.instruments.end()) {
    order.options.freeze_quantity_units = d::freeze_units(setup_.freeze_limits, inst->second);
    order.options.freeze_unknown =
        order.options.freeze_quantity_units == 0 && inst->second.segment != d::Segment::equity;
  }
  outgoing_.push_back({thread, queues_.at(gateway), std::move(order)});
}

void Dispatcher::release() {
  if (outgoing_.empty()) return;
  std::vector<std::vector<Outgoing>> by_thread(threads_.size());
  for (Outgoing& o : outgoing_) by_thread[o.thread].push_back(std::move(o));
  outgoing_.clear();
  for (size_t t = 0; t < by_thread.size(); ++t) {
    if (by_thread[t].empty()) continue;
    // Nothing of the engine is captured: the orders may outlive it (see Engine::inbox_).
    const auto executor = threads_[t].executor;
    asio::post(executor, [executor, inbox = inbox_, times = setup_.times,
                          orders = std::move(by_thread[t])]() mutable {
      std::vector<std::shared_ptr<SendQueue>> touched;
      for (Outgoing& o : orders) {
        o.queue->push(std::move(o.order));
        if (std::find(touched.begin(), touched.end(), o.queue) == touched.end()) {
          touched.push_back(o.queue);
        }
      }
      for (const auto& queue : touched) pump(queue, executor, inbox, times);
    });
  }
}

void Dispatcher::open_gates(const SendGates& gates, bool open) {
  for (size_t t = 0; t < gates.size(); ++t) {
    if (!gates[t]) continue;
    asio::post(threads_[t].executor,
               [gate = gates[t], open] { open ? gate->open() : gate->close(); });
  }
}

void Dispatcher::finished(const d::FollowerOrderIntent& intent) {
  --in_flight_;
  TANDEM_ASSERT(in_flight_ >= 0, "an outcome for an order never handed to a broker",
                intent.tag.value);
}

std::vector<Dispatcher::Parked> Dispatcher::take_parked(const d::ClientTag& tag) {
  auto parked = parked_.extract(tag);
  return parked.empty() ? std::vector<Parked>{} : std::move(parked.mapped());
}

void Dispatcher::acknowledged(const d::ClientTag& tag, const d::BrokerOrderId& id) {
  acked_ids_[tag] = id;
}

void Dispatcher::send_parked(std::vector<Parked> parked, const d::BrokerOrderId& id) {
  for (Parked& p : parked) {
    p.intent.target_order_id = id;
    send(p.intent, p.leader_received, p.look_first, nullptr);
  }
  release();
}

const d::BrokerOrderId* Dispatcher::acked_order(const d::ClientTag& tag) const {
  const auto acked = acked_ids_.find(tag);
  return acked == acked_ids_.end() ? nullptr : &acked->second;
}

bool Dispatcher::keep_unknown(const d::FollowerOrderIntent& intent, LeaderTime leader_received) {
  return unknown_.keep(intent, leader_received, steady_());
}

void Dispatcher::look_up_unknown_places() {
  if (unknown_.size() == 0) return;
  for (const UnknownPlaces::Place& p : unknown_.take_due(steady_())) {
    dispatch(p.intent, p.leader_received, /*look_first=*/true);
  }
  release();
}

void Dispatcher::book_read(const d::FollowerId& follower, std::set<std::string> tags) {
  book_tags_[follower] = std::move(tags);
}

bool Dispatcher::in_broker_book(const d::FollowerOrderIntent& intent) const {
  const auto tags = book_tags_.find(intent.follower);
  return tags != book_tags_.end() && tags->second.contains(intent.tag.value);
}

int Dispatcher::answers_awaited() const {
  int parked_behind_unknown = 0;
  for (const auto& [tag, place] : unknown_.all()) {
    const auto waiting = parked_.find(tag);
    if (waiting != parked_.end()) parked_behind_unknown += static_cast<int>(waiting->second.size());
  }
  return in_flight_.load() - parked_behind_unknown;
}

void Dispatcher::drop_queued_entries() {
  for (const auto& [gateway, queue] : queues_) {
    asio::post(gateway->executor(), [queue, inbox = inbox_] {
      for (QueuedOrder& o : queue->take(/*entries_only=*/true)) {
        inbox->push(not_sent(std::move(o), d::OrderFailure::unsent,
                             "not sent: the engine was stopping (no entry goes out after a stop "
                             "is asked; the next run decides it again)"));
      }
    });
  }
}

std::vector<OutcomeFact> Dispatcher::take_unsent(const std::string& why) {
  std::vector<std::future<std::vector<QueuedOrder>>> taken;
  for (const auto& [gateway, queue] : queues_) {
    auto done = std::make_shared<std::promise<std::vector<QueuedOrder>>>();
    taken.push_back(done->get_future());
    asio::post(gateway->executor(), [queue, done] { done->set_value(queue->take(false)); });
  }
  std::vector<OutcomeFact> unsent;
  for (auto& f : taken) {
    for (QueuedOrder& o : wait_for(f, setup_.pump))
      unsent.push_back(not_sent(std::move(o), d::OrderFailure::unsent, why));
  }
  // Changes still waiting for the ack of the order they change (dispatch()).
  for (auto& [target, waiting] : std::exchange(parked_, {})) {
    for (Parked& p : waiting) {
      unsent.push_back(OutcomeFact{
          std::move(p.intent), {}, d::OrderFailure::unsent, why, p.leader_received, std::nullopt});
    }
  }
  return unsent;
}

int64_t Dispatcher::queue_waits() const {
  int64_t waits = 0;
  for (const auto& [gateway, queue] : queues_) waits += queue->waits();
  return waits;
}

}  // namespace tandem::engine
