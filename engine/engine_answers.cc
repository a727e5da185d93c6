// What the brokers answer: a follower order's outcome (acknowledged, rejected, not sent),
// a follower's order reports, a connection that changed. Each is journaled and stepped
// through the core, which may decide more orders (convergence).
#include "engine/engine.h"

#include <algorithm>
#include "domain/base/assert.h"
#include "domain/copy/client_tag.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

// Counts the outcome in the stats and the live view: acks with their latency from the leader
// update (to the ack, and to the request's write), rejections.
void Engine::count_outcome(const OutcomeFact& f) {
  std::lock_guard lock(stats_mu_);
  if (!f.acked.empty()) {
    ++stats_.acks;
    if (f.leader_received) {
      const auto since_leader = [&](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(t - *f.leader_received).count();
      };
      const int64_t ns = since_leader(setup_.steady());
      add_latency_sample(stats_.ack_latency_ns, ns);
      if (f.sent) {
        const int64_t sent_ns = since_leader(*f.sent);
        add_latency_sample(stats_.send_latency_ns, sent_ns);
        feed_.counters().send_latency.add(static_cast<double>(sent_ns) / 1e6);
      }
      feed_.counters().copy_latency.add(static_cast<double>(ns) / 1e6);
      record_outcome(f, static_cast<double>(ns) / 1e6);
    } else {
      record_outcome(f, -1);
    }
  } else {
    record_outcome(f, -1);
    ++stats_.rejections;
  }
}

// A follower's token was refused: once per follower (until an ack), the connection change
// journaled with what to do, an alert, and the follower counted as stopped.
void Engine::token_refused(const d::FollowerId& follower, const std::string& message,
                           std::vector<d::Event>& events) {
  if (!token_refused_.insert(follower).second) return;
  // One alert per follower, not one per order: the session has stopped calling the
  // broker, and every later order of this account is refused the same way until a new
  // token is stored (tandem login).
  const auto settings = std::find_if(setup_.followers.begin(), setup_.followers.end(),
                                     [&](const auto& s) { return s.follower == follower; });
  const d::AccountId account =
      settings == setup_.followers.end() ? d::AccountId{follower.value} : settings->account;
  const d::Broker broker = settings == setup_.followers.end() ? d::Broker::paper : settings->broker;
  const std::string why = "stopped: the broker refused the access token (" + message +
                          "); store a new one with tandem login " +
                          std::string(d::to_string(broker)) +
                          ", then systemctl reload tandem (SIGHUP)";
  events.push_back(d::BrokerConnectionChanged{account, broker, false, why});
  alert("follower_stopped", follower.value + " " + why, "follower_stopped:" + follower.value);
  std::lock_guard lock(stats_mu_);
  stats_.stopped_followers[follower.value] = why;
}

Status Engine::handle(OutcomeFact& f) {
  dispatcher_.finished(f.intent);
  const bool unknown = f.acked.empty() && f.error_class == d::OrderFailure::network &&
                       f.intent.action == d::CopyAction::place;
  if (unknown) return keep_unknown(f);
  dispatcher_.settle_unknown(f.intent.tag);
  return answered(f);
}

// A place whose outcome stayed unknown (dispatcher.h): acknowledged if its broker reported it
// meanwhile; else nothing journaled, its changes still parked, looked up again later
// (unknown_places.h), and the operator told once.
Status Engine::keep_unknown(const OutcomeFact& f) {
  if (const d::BrokerOrderId* reported = order_of_tag(f.intent.tag)) {
    // Its broker reported the order under its tag meanwhile (handle(FollowerFact)).
    return acknowledge_reported(f, *reported);
  }
  if (!dispatcher_.keep_unknown(f.intent, f.leader_received)) {
    return Status();  // looked up again, still unknown: kept, already alerted
  }
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.unknown_outcomes;
  }
  alert("order_outcome_unknown",
        f.intent.follower.value + " " + f.intent.tag.value +
            ": neither its answer nor a lookup by its tag came back (" + f.message +
            "); it counts as working and is looked up by its tag every " +
            std::to_string(setup_.recheck_unknown_after.count() / 1000) +
            " s until its broker answers",
        "order_outcome_unknown:" + f.intent.follower.value);
  return Status();
}

// A settled outcome: the ack or the rejection journaled, and the changes that waited for the
// order sent now or refused with it.
Status Engine::answered(OutcomeFact& f) {
  count_outcome(f);
  std::vector<d::Event> events;
  if (!f.acked.empty()) {
    events.push_back(d::FollowerOrderAck{f.intent.tag, f.intent.follower, f.acked});
    if (token_refused_.erase(f.intent.follower) > 0) {
      std::lock_guard lock(stats_mu_);
      stats_.stopped_followers.erase(f.intent.follower.value);
    }
  } else {
    events.push_back(
        d::FollowerOrderRejected{f.intent.tag, f.intent.follower, f.error_class, f.message});
    if (f.error_class == d::OrderFailure::unsent ||
        f.error_class == d::OrderFailure::queue_timeout) {
      // Raised (journaled, shown) per order; delivered once per follower and kind within
      // the dispatcher's dedupe window, by its key: the operator needs to know that some
      // were not sent, the journal has each one.
      alert(f.error_class == d::OrderFailure::unsent ? "orders_unsent" : "orders_dropped",
            f.intent.follower.value + " " + std::string(d::to_string(f.intent.action)) + " " +
                f.intent.tag.value + " " + f.message,
            std::string(d::to_string(f.error_class)) + ":" + f.intent.follower.value);
    }
    if (f.error_class == d::OrderFailure::unauthenticated)
      token_refused(f.intent.follower, f.message, events);
  }
  // Changes that waited for this order: sent now, or refused with it.
  std::vector<Dispatcher::Parked> parked = dispatcher_.take_parked(f.intent.tag);
  if (f.acked.empty()) {
    for (const Dispatcher::Parked& p : parked) {
      dispatcher_.finished(p.intent);
      events.push_back(
          d::FollowerOrderRejected{p.intent.tag, p.intent.follower, f.error_class,
                                   "the order it changes was not placed: " + f.message});
    }
  }
  if (Status s = append(std::move(events)); !s.ok()) return s;
  if (f.acked.empty()) return Status();
  dispatcher_.acknowledged(f.intent.tag, f.acked);
  if (parked.empty()) return Status();
  if (Status s = flush(); !s.ok()) return s;  // the ack is durable before the change goes
  dispatcher_.send_parked(std::move(parked), f.acked);
  return Status();
}

// A report under the tag of a place whose outcome was unknown: the order is at its broker.
// Acknowledged with the reported order, unless a lookup is on its way (its answer will be).
Status Engine::settle_by_report(const d::ClientTag& tag, const d::BrokerOrderId& order_id) {
  const UnknownPlaces::Place* place = dispatcher_.unknown_place(tag);
  if (place == nullptr || place->looking) return Status();
  return acknowledge_reported({place->intent, {}, {}, {}, std::nullopt, std::nullopt}, order_id);
}

Status Engine::acknowledge_reported(OutcomeFact ack, const d::BrokerOrderId& id) {
  ack.acked = id;
  dispatcher_.settle_unknown(ack.intent.tag);
  return answered(ack);
}

Status Engine::handle(FollowerFact& f) {
  const d::FollowerOrderReport& r = f.report;
  if (r.tag.empty()) return Status();
  d::ClientTag tag{r.tag};
  if (!state().mappings.by_tag.contains(tag)) return Status();  // not an order of ours
  if (const d::BrokerOrderId* ours = order_of_tag(tag); ours != nullptr && !(*ours == r.order_id)) {
    const d::ClientTag second = d::second_order_tag(tag, r.order_id);
    if (!state().mappings.by_tag.contains(second)) return found_second_order(r);
    tag = second;  // found before: its reports fold under its own key
  }
  if (Status s = settle_by_report(tag, r.order_id); !s.ok()) return s;
  // The share the order is for (an account following several leaders reports every share's
  // orders on one stream).
  d::FollowerOrderUpdate u{tag,
                           state().mappings.by_tag.at(tag).follower,
                           r.order_id,
                           r.status,
                           r.filled_units,
                           r.average_price_paise,
                           r.exchange_time_ns,
                           r.quantity_units};
  const auto known = state().orders.follower.find(tag);
  if (known != state().orders.follower.end()) {
    projections::OrderState update{u.status,
                                   u.quantity_units,
                                   u.filled_units,
                                   u.average_price_paise,
                                   known->second.price_paise,
                                   known->second.trigger_price_paise};
    if (projections::merge(known->second, update) == known->second) return Status();
  }
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.follower_updates;
  }
  if (const auto order = state().positions.follower_orders.find(tag);
      order != state().positions.follower_orders.end()) {
    rules_.watch_drift(order->second.key.instrument, setup_.steady());
  }
  return append({std::move(u)});
}

Status Engine::handle(ConnectionFact& f) {
  d::Broker broker = d::Broker::kite;
  bool all_connected = true;
  for (size_t k = 0; k < leaders_.size(); ++k) {
    LeaderLink& l = leaders_[k];
    if (setup_.leaders[k].account == f.account) {
      broker = setup_.leaders[k].broker;
      l.connected = f.connected;
      if (f.connected) {
        if (l.was_connected) ++feed_.counters().leader_reconnects;
        l.was_connected = true;
      }
    }
    all_connected = all_connected && l.connected;
  }
  // Any leader's stream down too long is alerted (each one's gap fill runs on its return).
  rules_.leader_connection(all_connected, setup_.steady());
  return append({d::BrokerConnectionChanged{f.account, broker, f.connected, f.detail}});
}

void Engine::record_outcome(const OutcomeFact& f, double latency_ms) {
  const auto settings = state().followers.find(f.intent.follower);
  const std::string broker = settings == state().followers.end()
                                 ? "unknown"
                                 : std::string(d::to_string(settings->second.broker));
  feed_.record_outcome(f, broker, latency_ms, clock_());
  rules_.answered(f.acked.empty(), setup_.steady());
}

}  // namespace tandem::engine
