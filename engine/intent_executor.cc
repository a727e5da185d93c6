#include "engine/intent_executor.h"

#include "brokers/net/send_gate.h"
#include "domain/base/assert.h"

namespace tandem::engine {

namespace d = ::tandem::domain;
using brokers::ErrorClass;

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

}  // namespace

boost::asio::awaitable<IntentOutcome> execute_intent(brokers::Gateway& gateway,
                                                     d::FollowerOrderIntent intent,
                                                     brokers::PlaceOptions options, bool look_first,
                                                     int max_attempts) {
  IntentOutcome out;
  if (intent.action == d::CopyAction::skip) co_return out;  // nothing to carry out
  const bool gateway_holds = intent.action == d::CopyAction::place && gateway.holds_at_gate();
  if (options.gate && !gateway_holds && !co_await options.gate->wait()) {
    out.error_class = std::string(brokers::to_string(ErrorClass::input));
    out.message = "not sent: its journal write failed";
    co_return out;
  }
  Status last;
  if (look_first && intent.action == d::CopyAction::place) {
    Result<std::vector<brokers::BrokerOrder>> found =
        co_await brokers::find_by_tag(gateway, intent.tag);
    if (!found.ok()) {
      out.error_class = std::string(brokers::to_string(brokers::error_class(found.status())));
      out.message = "cannot reconcile: " + found.status().message();
      co_return out;
    }
    if (!found->empty()) {
      out.acked = found->front().order_id;
      co_return out;
    }
  }
  TANDEM_REQUIRE(max_attempts > 0, max_attempts);
  while (out.attempts < max_attempts) {
    ++out.attempts;
    TANDEM_ASSERT(out.attempts <= max_attempts);
    Result<d::BrokerOrderId> done = co_await send_once(gateway, intent, options);
    if (done.ok()) {
      out.acked = *done;
      co_return out;
    }
    last = done.status();
    if (brokers::error_class(last) != ErrorClass::network) break;
    if (intent.action != d::CopyAction::place) continue;  // modify/cancel repeat harmlessly
    // Unknown outcome: look for the tag before sending it again.
    Result<std::vector<brokers::BrokerOrder>> found =
        co_await brokers::find_by_tag(gateway, intent.tag);
    if (found.ok() && !found->empty()) {
      out.acked = found->front().order_id;
      co_return out;
    }
    if (!found.ok()) {  // cannot tell: do not risk a second order
      last = found.status();
      break;
    }
  }
  out.error_class = std::string(brokers::to_string(brokers::error_class(last)));
  out.message = last.message();
  co_return out;
}

}  // namespace tandem::engine
