// The dispatcher's pump (dispatch.h): each follower account's send queue drained on its
// broker thread, every order carried out by execute_intent(), every outcome pushed to the
// engine's inbox.
#include "engine/dispatch.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <utility>

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

}  // namespace tandem::engine
