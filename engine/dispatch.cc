// The dispatcher's pump (dispatch.h): each follower account's send queue drained on its
// broker thread, every order carried out by execute_intent(), every outcome pushed to the
// engine's inbox.
#include "engine/dispatch.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>
#include <utility>

#include "engine/intent_executor.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

namespace {

void arm_expiry(const std::shared_ptr<SendQueue>& queue, const asio::any_io_executor& executor,
                const std::shared_ptr<Inbox<Fact>>& inbox, std::chrono::milliseconds max_queue);

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
          const std::shared_ptr<Inbox<Fact>>& inbox, std::chrono::milliseconds max_queue) {
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
        [queue, executor, inbox, max_queue, o = std::move(*next)]() -> asio::awaitable<void> {
          std::optional<std::chrono::steady_clock::time_point> sent;
          brokers::PlaceOptions timed = o.options;
          timed.on_sent = [&sent] { sent = std::chrono::steady_clock::now(); };
          IntentOutcome out = co_await execute_intent(*o.gateway, o.intent, timed, o.look_first);
          inbox->push(OutcomeFact{o.intent, out.acked.value_or(d::BrokerOrderId{}), out.error_class,
                                  out.message, o.leader_received, sent});
          queue->finished(o);
          pump(queue, executor, inbox, max_queue);
        },
        asio::detached);
  }
  if (max_queue.count() > 0) arm_expiry(queue, executor, inbox, max_queue);
}

namespace {

void arm_expiry(const std::shared_ptr<SendQueue>& queue, const asio::any_io_executor& executor,
                const std::shared_ptr<Inbox<Fact>>& inbox, std::chrono::milliseconds max_queue) {
  const auto due = queue->next_expiry(max_queue);
  if (!due || !queue->arm_expiry()) return;
  auto timer = std::make_shared<asio::steady_timer>(executor, *due);
  timer->async_wait([timer, queue, executor, inbox, max_queue](const boost::system::error_code&) {
    queue->expiry_fired();
    pump(queue, executor, inbox, max_queue);
  });
}

}  // namespace

}  // namespace tandem::engine
