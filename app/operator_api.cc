#include "app/operator_api.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <functional>

namespace tandem::app {

namespace json = boost::json;
using engine::OperatorView;

namespace {

json::object histogram_json(const engine::LatencyHistogram& h) {
  json::array buckets;
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    buckets.push_back(
        json::object{{"le_ms", engine::kLatencyBucketsMs[i]}, {"count", h.buckets[i]}});
  }
  return {{"buckets", std::move(buckets)}, {"count", h.count}, {"sum_ms", h.sum_ms}};
}

json::array followers_json(const OperatorView& v) {
  json::array out;
  for (const auto& f : v.followers) {
    json::array positions;
    for (const auto& p : f.positions) {
      positions.push_back(json::object{{"instrument", p.instrument},
                                       {"product", p.product},
                                       {"net_units", p.net_units},
                                       {"average_price_paise", p.average_price_paise},
                                       {"realized_pnl_paise", p.realized_pnl_paise},
                                       {"mark_paise", p.mark_paise}});
    }
    out.push_back(json::object{{"id", f.id},
                               {"account", f.account},
                               {"broker", f.broker},
                               {"enabled", f.enabled},
                               {"paused", f.paused},
                               {"stopped", f.stopped},
                               {"orders_today", f.orders_today},
                               {"rejected_today", f.rejected_today},
                               {"skipped_today", f.skipped_today},
                               {"turnover_today_paise", f.turnover_today_paise},
                               {"funds_paise", f.funds_paise},
                               {"leader", f.leader},
                               {"account_shares", f.account_shares},
                               {"day_pnl_paise", f.day_pnl_paise},
                               {"share_pnl_paise", f.share_pnl_paise},
                               {"max_daily_loss_paise", f.max_daily_loss_paise},
                               {"daily_profit_target_paise", f.daily_profit_target_paise},
                               {"guard", f.guard},
                               {"latency_p50_ms", f.latency_p50_ms},
                               {"latency_p99_ms", f.latency_p99_ms},
                               {"last_answer", f.last_answer},
                               {"last_answer_ns", f.last_answer_ns},
                               {"positions", std::move(positions)}});
  }
  return out;
}

// Each leader's stream, in the configuration's order.
json::array leaders_json(const OperatorView& v) {
  json::array out;
  for (const engine::LeaderRow& l : v.leaders) {
    json::object row{
        {"name", l.name}, {"account", l.account}, {"broker", l.broker}, {"connected", l.connected}};
    if (l.feed) {  // a fleet shard's: where it stands in the tap's stream
      row["feed"] = json::object{{"journaled_seq", l.journaled_seq},
                                 {"delivered_seq", l.feed->delivered_seq},
                                 {"pending", l.feed->pending},
                                 {"redelivered", l.feed->redelivered}};
    }
    out.push_back(std::move(row));
  }
  return out;
}

// All of it with `full`; otherwise the last kCompactCopies rows, each with a count per state
// and at most kCompactFollowers followers (the refused ones first): what a page can draw
// several times a second with a thousand followers.
constexpr size_t kCompactCopies = 50;
constexpr size_t kCompactFollowers = 12;

json::array copies_json(const OperatorView& v, bool full) {
  json::array out;
  const size_t skip =
      full || v.copies.size() <= kCompactCopies ? 0 : v.copies.size() - kCompactCopies;
  for (size_t k = skip; k < v.copies.size(); ++k) {
    const engine::CopyRow& c = *v.copies[k];
    json::object states;
    for (const auto& f : c.followers) {
      auto& n = states[f.state];
      n = n.is_null() ? 1 : n.as_int64() + 1;
    }
    std::vector<const engine::CopyRow::Follower*> shown;
    for (const auto& f : c.followers) {
      if (f.state == "rejected") shown.push_back(&f);
    }
    for (const auto& f : c.followers) {
      if (f.state != "rejected") shown.push_back(&f);
    }
    if (!full && shown.size() > kCompactFollowers) shown.resize(kCompactFollowers);
    json::array followers;
    for (const auto* p : shown) {
      const auto& f = *p;
      followers.push_back(json::object{{"follower", f.follower},
                                       {"action", f.action},
                                       {"skip_reason", f.skip_reason},
                                       {"quantity_units", f.quantity_units},
                                       {"tag", f.tag},
                                       {"state", f.state},
                                       {"detail", f.detail},
                                       {"latency_ms", f.latency_ms}});
    }
    out.push_back(
        json::object{{"at_ns", c.at_ns},
                     {"leader_order_id", c.leader_order_id},
                     {"instrument", c.instrument},
                     {"side", c.side},
                     {"status", c.status},
                     {"quantity_units", c.quantity_units},
                     {"filled_units", c.filled_units},
                     {"recovered", c.recovered},
                     {"states", std::move(states)},
                     {"more_followers", static_cast<int64_t>(c.followers.size() - shown.size())},
                     {"followers", std::move(followers)}});
  }
  return out;
}

}  // namespace

std::string view_json(const OperatorView& v, bool full) {
  json::array alerts;
  for (const auto& a : v.alerts) {
    alerts.push_back(json::object{{"at_ns", a.at_ns}, {"kind", a.kind}, {"text", a.text}});
  }
  json::object skips;
  for (const auto& [reason, n] : v.counters.skips) skips[reason] = n;
  json::object orders;
  for (const auto& [key, n] : v.counters.orders) orders[key.first + "/" + key.second] = n;
  const Readiness ready = readiness(v);
  json::object out{
      {"version", v.version},
      {"at_ns", v.at_ns},
      {"day", v.day},
      {"mode", v.live ? "live" : "paper"},
      {"leader",
       json::object{
           {"account", v.leader}, {"broker", v.leader_broker}, {"connected", v.leader_connected}}},
      {"leaders", leaders_json(v)},
      {"journal", json::object{{"ok", v.journal_ok}, {"head", v.journal_head}}},
      {"ready", ready.ready},
      {"followers", followers_json(v)},
      {"copies", copies_json(v, full)},
      {"alerts", std::move(alerts)},
      {"counters", json::object{{"leader_updates", v.counters.leader_updates},
                                {"intents", v.counters.intents},
                                {"orders", std::move(orders)},
                                {"skips", std::move(skips)},
                                {"leader_reconnects", v.counters.leader_reconnects},
                                {"inbox_depth", v.counters.inbox_depth},
                                {"copy_latency", histogram_json(v.counters.copy_latency)}}}};
  return json::serialize(out);
}

namespace {

// A label's value in the exposition format: \\, \" and \n escaped.
std::string label_value(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

// One histogram's series; `labels` ("follower=\"f1\",") go before `le`.
void histogram_series(std::string& out, const std::string& name, const std::string& labels,
                      const engine::LatencyHistogram& h) {
  int64_t cumulative = 0;
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    cumulative += h.buckets[i];
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, labels,
                       engine::kLatencyBucketsMs[i] / 1000.0, cumulative);
  }
  const std::string plain = labels.empty() ? "" : "{" + labels.substr(0, labels.size() - 1) + "}";
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n{}_sum{} {}\n{}_count{} {}\n", name, labels,
                     h.count, name, plain, h.sum_ms / 1000.0, name, plain, h.count);
}

void histogram_text(std::string& out, const std::string& name, const std::string& help,
                    const engine::LatencyHistogram& h) {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  histogram_series(out, name, "", h);
}

// A metric family's header; its labelled series follow.
void family_header(std::string& out, const char* name, const char* help, const char* type) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// Each follower's own series, labelled follower="ID" (docs/operations.md, "Watching it").
void follower_metrics(std::string& out, const OperatorView& v) {
  auto family = [&](const char* name, const char* help, const char* type) {
    family_header(out, name, help, type);
  };
  family("tandem_follower_orders_total",
         "The follower's orders answered by its broker, by outcome.", "counter");
  for (const auto& f : v.followers) {
    const std::string who = label_value(f.id);
    out += fmt::format("tandem_follower_orders_total{{follower=\"{}\",status=\"acked\"}} {}\n", who,
                       f.acked_total);
    out += fmt::format("tandem_follower_orders_total{{follower=\"{}\",status=\"rejected\"}} {}\n",
                       who, f.rejected_total);
  }
  family("tandem_follower_skips_total",
         "The follower's copies refused today, by reason (from 0 at each trading day's opening).",
         "counter");
  for (const auto& f : v.followers) {
    for (const auto& [reason, n] : f.skipped_today_by_reason) {
      out += fmt::format("tandem_follower_skips_total{{follower=\"{}\",reason=\"{}\"}} {}\n",
                         label_value(f.id), label_value(reason), n);
    }
  }
  // A follower of several leaders has a series per share, each its own leader's book, so that
  // a sum over followers is the accounts' P&L counted once.
  family("tandem_follower_day_pnl_paise",
         "The follower's P&L today in paise: realised plus open positions at the ticker's prices "
         "(a share's own, when the account follows several leaders).",
         "gauge");
  for (const auto& f : v.followers) {
    out += fmt::format("tandem_follower_day_pnl_paise{{follower=\"{}\"}} {}\n", label_value(f.id),
                       f.share_pnl_paise);
  }
  family("tandem_follower_position_value_paise",
         "What the follower's open positions are worth at their marks (else their average), in "
         "paise, long and short alike.",
         "gauge");
  for (const auto& f : v.followers) {
    int64_t value = 0;
    for (const auto& p : f.positions) {
      const int64_t price = p.mark_paise > 0 ? p.mark_paise : p.average_price_paise;
      value += (p.net_units < 0 ? -p.net_units : p.net_units) * price;
    }
    out += fmt::format("tandem_follower_position_value_paise{{follower=\"{}\"}} {}\n",
                       label_value(f.id), value);
  }
  family("tandem_follower_copy_latency_seconds",
         "Leader update read off the socket to this follower's broker acknowledgement.",
         "histogram");
  for (const auto& f : v.followers) {
    histogram_series(out, "tandem_follower_copy_latency_seconds",
                     "follower=\"" + label_value(f.id) + "\",", f.latency);
  }
}

void counter(std::string& out, const std::string& name, const std::string& help, int64_t value,
             const char* type = "counter") {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

// A counter with one label: a line per value of the label.
template <class Rows, class Labels>
void labeled_counter(std::string& out, const std::string& name, const std::string& help,
                     const Rows& rows, Labels labels) {
  out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, help, name);
  for (const auto& [key, n] : rows) out += fmt::format("{}{{{}}} {}\n", name, labels(key), n);
}

// A fleet shard's leader feeds (docs/fleet.md): where each stands in the tap's stream.
void feed_metrics(std::string& out, const OperatorView& v) {
  struct Family {
    const char *name, *help, *type;
    std::function<uint64_t(const engine::LeaderRow&)> value;
  };
  const Family families[] = {
      {"tandem_feed_journaled_seq", "The tap stream's last sequence durable in this journal.",
       "gauge", [](const engine::LeaderRow& l) { return l.journaled_seq; }},
      {"tandem_feed_pending", "Leader updates in the tap's stream not yet read here (the lag).",
       "gauge", [](const engine::LeaderRow& l) { return l.feed->pending; }},
      {"tandem_feed_redelivered_total",
       "Leader updates the stream delivered again (unacknowledged in time, or a restart).",
       "counter",
       [](const engine::LeaderRow& l) { return static_cast<uint64_t>(l.feed->redelivered); }},
  };
  for (const Family& f : families) {
    bool headed = false;
    for (const engine::LeaderRow& l : v.leaders) {
      if (!l.feed) continue;
      if (!headed) family_header(out, f.name, f.help, f.type);
      headed = true;
      out += fmt::format("{}{{leader=\"{}\",account=\"{}\"}} {}\n", f.name, label_value(l.name),
                         label_value(l.account), f.value(l));
    }
  }
}

}  // namespace

std::string metrics_text(const OperatorView& v) {
  std::string out;
  out += fmt::format(
      "# HELP tandem_build_info The running tandem's version.\n# TYPE tandem_build_info "
      "gauge\ntandem_build_info{{version=\"{}\"}} 1\n",
      label_value(v.build_version));
  histogram_text(out, "tandem_copy_latency_seconds",
                 "Leader update read off the socket to the follower's broker acknowledgement.",
                 v.counters.copy_latency);
  histogram_text(out, "tandem_copy_send_latency_seconds",
                 "Leader update read off the socket to the follower's order written to its "
                 "broker's socket (the engine's own time: decide, journal, send).",
                 v.counters.send_latency);
  counter(out, "tandem_leader_updates_total", "Leader order updates journaled.",
          v.counters.leader_updates);
  counter(out, "tandem_intents_total", "Follower orders decided and journaled before sending.",
          v.counters.intents);
  labeled_counter(out, "tandem_orders_total",
                  "Follower orders answered by their broker, by outcome.", v.counters.orders,
                  [](const auto& key) {
                    return fmt::format("broker=\"{}\",status=\"{}\"", key.first, key.second);
                  });
  labeled_counter(out, "tandem_skips_total", "Copies refused, by reason.", v.counters.skips,
                  [](const std::string& reason) { return fmt::format("reason=\"{}\"", reason); });
  counter(out, "tandem_leader_reconnects_total", "Reconnects of the leader's order stream.",
          v.counters.leader_reconnects);
  counter(out, "tandem_rate_limit_waits_total",
          "Order calls that waited for their account's rate limiter.", v.counters.rate_limit_waits);
  counter(out, "tandem_send_queue_waits_total",
          "Follower orders that waited in their account's send queue (4 at its broker already).",
          v.counters.send_queue_waits);
  counter(out, "tandem_rate_limited_total",
          "Broker answers 'too many requests' (the call is sent again).",
          v.counters.rate_limited_answers);
  histogram_text(out, "tandem_journal_append_seconds", "One synced journal write.",
                 v.counters.journal_append);
  counter(out, "tandem_journal_batches_total", "Synced journal writes.",
          v.counters.journal_batches);
  counter(out, "tandem_journal_records_total", "Records in them (records / batches = batch size).",
          v.counters.journal_records);
  counter(out, "tandem_inbox_depth", "Facts waiting for the engine thread.", v.counters.inbox_depth,
          "gauge");
  counter(out, "tandem_orders_outcome_unknown",
          "Follower places whose answer and lookups by tag failed, kept and looked up again.",
          v.counters.unknown_places, "gauge");
  counter(out, "tandem_leader_connected",
          "1 while the leader's order stream is up (every leader's).", v.leader_connected ? 1 : 0,
          "gauge");
  family_header(out, "tandem_leader_stream_connected", "1 while this leader's order stream is up.",
                "gauge");
  for (const engine::LeaderRow& l : v.leaders) {
    out += fmt::format("tandem_leader_stream_connected{{leader=\"{}\",account=\"{}\"}} {}\n",
                       label_value(l.name), label_value(l.account), l.connected ? 1 : 0);
  }
  feed_metrics(out, v);
  int64_t paused = 0, stopped = 0, guarded = 0;
  for (const auto& f : v.followers) {
    paused += f.paused;
    stopped += !f.stopped.empty();
    guarded += !f.guard.empty();
  }
  counter(out, "tandem_followers", "Followers configured.",
          static_cast<int64_t>(v.followers.size()), "gauge");
  counter(out, "tandem_followers_paused", "Followers an operator paused.", paused, "gauge");
  counter(out, "tandem_followers_stopped", "Followers whose broker refused their token.", stopped,
          "gauge");
  counter(out, "tandem_followers_loss_guard_tripped",
          "Followers whose daily loss guard tripped today (max loss or profit target).", guarded,
          "gauge");
  follower_metrics(out, v);
  return out;
}

Readiness readiness(const OperatorView& v) {
  Readiness r;
  if (!v.journal_ok) r.reasons.push_back("the journal refused a write");
  if (!v.leader_connected) r.reasons.push_back("the leader's order stream is not connected");
  for (const auto& f : v.followers) {
    if (!f.stopped.empty()) r.reasons.push_back("follower " + f.id + " is stopped: " + f.stopped);
  }
  r.ready = r.reasons.empty();
  return r;
}

}  // namespace tandem::app
