// How the engine's orders reach their brokers: each follower account's send queue
// (send_queue.h) on its broker thread, cancels and exits ahead of entries behind a rate
// limit, and what a stop does with the orders still queued.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <future>
#include <utility>

#include "domain/base/assert.h"
#include "engine/dispatch.h"
#include "engine/engine.h"
#include "engine/intent_executor.h"
#include "net/send_gate.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

bool Engine::dispatch(const d::FollowerOrderIntent& intent, LeaderTime leader_received,
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

SendLane Engine::lane_of(const d::FollowerOrderIntent& intent) const {
  if (intent.action != d::CopyAction::place) return SendLane::change;
  const auto settings = state_.followers.find(intent.follower);
  if (settings == state_.followers.end()) return SendLane::entry;
  const int64_t net =
      state_.positions.net(settings->second.account, intent.order.instrument, intent.order.product);
  const bool reduces = (net > 0 && intent.order.side == d::Side::sell) ||
                       (net < 0 && intent.order.side == d::Side::buy);
  return reduces ? SendLane::exit : SendLane::entry;
}

void Engine::send(const d::FollowerOrderIntent& intent, LeaderTime leader_received, bool look_first,
                  SendGates* gates) {
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
                    std::chrono::steady_clock::now()};
  if (gates != nullptr) {
    gates->resize(broker_threads_.size());
    auto& gate = (*gates)[thread];
    if (!gate) gate = std::make_shared<net::SendGate>(broker_threads_[thread].executor);
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

void Engine::release_sends() {
  if (outgoing_.empty()) return;
  std::vector<std::vector<Outgoing>> by_thread(broker_threads_.size());
  for (Outgoing& o : outgoing_) by_thread[o.thread].push_back(std::move(o));
  outgoing_.clear();
  for (size_t t = 0; t < by_thread.size(); ++t) {
    if (by_thread[t].empty()) continue;
    // Nothing of the engine is captured: the orders may outlive it (see inbox_).
    const auto executor = broker_threads_[t].executor;
    const DispatchTimes times{setup_.max_queue, setup_.look_again_after};
    asio::post(executor,
               [executor, inbox = inbox_, times, orders = std::move(by_thread[t])]() mutable {
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

void Engine::look_up_unknown_places() {
  if (unknown_places_.size() == 0) return;
  for (const UnknownPlaces::Place& p : unknown_places_.take_due(std::chrono::steady_clock::now())) {
    dispatch(p.intent, p.leader_received, /*look_first=*/true);
  }
  release_sends();
}

int Engine::answers_awaited() const {
  int parked_behind_unknown = 0;
  for (const auto& [tag, place] : unknown_places_.all()) {
    const auto waiting = parked_.find(tag);
    if (waiting != parked_.end()) parked_behind_unknown += static_cast<int>(waiting->second.size());
  }
  return in_flight_.load() - parked_behind_unknown;
}

void Engine::drop_queued_entries() {
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

int Engine::journal_unsent() {
  std::vector<std::future<std::vector<QueuedOrder>>> taken;
  for (const auto& [gateway, queue] : queues_) {
    auto done = std::make_shared<std::promise<std::vector<QueuedOrder>>>();
    taken.push_back(done->get_future());
    asio::post(gateway->executor(), [queue, done] { done->set_value(queue->take(false)); });
  }
  int count = 0;
  const std::string why = "not sent: the engine stopped before its turn at the broker (" +
                          std::to_string(setup_.shutdown_bound.count()) +
                          " ms shutdown bound); the next run decides it again";
  std::vector<OutcomeFact> unsent;
  for (auto& f : taken) {
    for (QueuedOrder& o : f.get())
      unsent.push_back(not_sent(std::move(o), d::OrderFailure::unsent, why));
  }
  // Changes still waiting for the ack of the order they change (dispatch()).
  for (auto& [target, waiting] : std::exchange(parked_, {})) {
    for (Parked& p : waiting) {
      unsent.push_back(OutcomeFact{
          std::move(p.intent), {}, d::OrderFailure::unsent, why, p.leader_received, std::nullopt});
    }
  }
  for (OutcomeFact& fact : unsent) {
    if (!handle(fact).ok()) return count;  // the journal failed: run() reports it
    ++count;
  }
  return count;
}

}  // namespace tandem::engine
