#include "engine/intent_executor.h"

#include "domain/base/assert.h"
#include "net/send_gate.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

namespace {

// One send of the intent's action; the broker's order id, or why not. By value: the
// coroutine starts lazily.
boost::asio::awaitable<Result<d::BrokerOrderId>> send_once(brokers::Gateway& gateway,
                                                           d::FollowerOrderIntent intent,
                                                           brokers::PlaceOptions options) {
  if (intent.action == d::CopyAction::modify) {
    co_return co_await gateway.modify(intent.target_order_id, intent.order);
  }
  if (intent.action == d::CopyAction::cancel) {
    co_return co_await gateway.cancel(intent.target_order_id);
  }
  Result<brokers::Placement> placed = co_await gateway.place(intent.order, intent.tag, options);
  if (!placed.ok()) co_return placed.status();
  co_return placed->order_id;
}

// After a change's unknown outcome: whether the broker's order already shows it (cancelled,
// or at the asked size and prices). Sent again blindly, a cancel that took is refused
// ("order is cancelled") and would be reported as refused.
boost::asio::awaitable<Result<bool>> change_taken(brokers::Gateway& gateway,
                                                  d::FollowerOrderIntent intent) {
  Result<std::vector<brokers::BrokerOrder>> history =
      co_await gateway.order_history(intent.target_order_id);
  if (!history.ok()) co_return history.status();
  if (history->empty()) co_return false;
  const brokers::BrokerOrder& now = history->back();
  if (intent.action == d::CopyAction::cancel) {
    co_return now.status == d::OrderStatus::cancelled;
  }
  const d::OrderTerms& asked = intent.order;
  const bool shows_it =
      now.quantity_units == asked.quantity_units && now.price_paise == asked.price_paise &&
      now.trigger_price_paise == asked.trigger_price_paise && now.order_type == asked.order_type;
  co_return shows_it;
}

// An unknown outcome that a lookup could not settle.
Status still_unknown(const Status& sent, const Status& lookup) {
  return Status(StatusCode::disconnected,
                sent.message() + "; looking it up failed: " + lookup.message());
}

// A place: sent again under its tag only once the broker's book shows no order with it.
boost::asio::awaitable<Result<d::BrokerOrderId>> place_at_most_once(brokers::Gateway& gateway,
                                                                    d::FollowerOrderIntent intent,
                                                                    brokers::PlaceOptions options,
                                                                    int max_attempts,
                                                                    int& attempts) {
  Status last;
  while (attempts < max_attempts) {
    ++attempts;
    Result<d::BrokerOrderId> done = co_await send_once(gateway, intent, options);
    if (done.ok() || d::failure_of(done.status()) != d::OrderFailure::network) co_return done;
    last = done.status();
    Result<std::vector<brokers::BrokerOrder>> found =
        co_await brokers::find_by_tag(gateway, intent.tag);
    // Cannot tell (the token refused since, say): no second order is risked, and the order
    // may be at the broker, so the outcome stays unknown rather than refused.
    if (!found.ok()) co_return still_unknown(last, found.status());
    if (!found->empty()) co_return found->front().order_id;
  }
  co_return last;
}

// A modify or cancel: sent again after an unknown outcome unless the broker's order already
// shows it. A refusal after an unknown outcome is checked the same way: the earlier one may
// have taken ("order is cancelled").
boost::asio::awaitable<Result<d::BrokerOrderId>> change(brokers::Gateway& gateway,
                                                        d::FollowerOrderIntent intent,
                                                        int max_attempts, int& attempts) {
  Status last;
  bool unknown_before = false;
  while (attempts < max_attempts) {
    ++attempts;
    Result<d::BrokerOrderId> done = co_await send_once(gateway, intent, {});
    if (done.ok()) co_return done;
    const bool unknown = d::failure_of(done.status()) == d::OrderFailure::network;
    if (!unknown && !unknown_before) co_return done;
    last = done.status();
    Result<bool> taken = co_await change_taken(gateway, intent);
    if (taken.ok() && *taken) co_return intent.target_order_id;
    if (!unknown) co_return taken.ok() ? last : still_unknown(last, taken.status());
    unknown_before = true;
  }
  co_return last;
}

boost::asio::awaitable<Result<d::BrokerOrderId>> carry_out(brokers::Gateway& gateway,
                                                           d::FollowerOrderIntent intent,
                                                           brokers::PlaceOptions options,
                                                           int max_attempts, int& attempts) {
  if (intent.action == d::CopyAction::place) {
    co_return co_await place_at_most_once(gateway, intent, options, max_attempts, attempts);
  }
  co_return co_await change(gateway, intent, max_attempts, attempts);
}

}  // namespace

boost::asio::awaitable<IntentOutcome> execute_intent(brokers::Gateway& gateway,
                                                     d::FollowerOrderIntent intent,
                                                     brokers::PlaceOptions options, bool look_first,
                                                     int max_attempts) {
  IntentOutcome out;
  if (intent.action == d::CopyAction::skip) co_return out;  // nothing to carry out
  const bool gateway_holds = intent.action == d::CopyAction::place && gateway.holds_at_gate();
  if (options.gate && !gateway_holds && !co_await options.gate->wait()) {
    out.error_class = d::OrderFailure::input;
    out.message = "not sent: its journal write failed";
    co_return out;
  }
  if (look_first && intent.action == d::CopyAction::place) {
    Result<std::vector<brokers::BrokerOrder>> found =
        co_await brokers::find_by_tag(gateway, intent.tag);
    if (!found.ok()) {
      out.error_class = d::failure_of(found.status());
      out.message = "cannot reconcile: " + found.status().message();
      out.lookup_failed = true;
      co_return out;
    }
    if (!found->empty()) {
      out.acked = found->front().order_id;
      co_return out;
    }
  }
  TANDEM_REQUIRE(max_attempts > 0, max_attempts);
  Result<d::BrokerOrderId> done =
      co_await carry_out(gateway, intent, options, max_attempts, out.attempts);
  TANDEM_ASSERT(out.attempts <= max_attempts, out.attempts, max_attempts);
  if (done.ok()) {
    out.acked = *done;
  } else {
    out.error_class = d::failure_of(done.status());
    out.message = done.status().message();
  }
  co_return out;
}

}  // namespace tandem::engine
