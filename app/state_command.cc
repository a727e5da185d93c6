#include "app/state_command.h"

#include <date/date.h>
#include <fmt/format.h>

#include <memory>

#include "app/journal_commands.h"
#include "brokers/json_reader.h"
#include "replay/point_in_time.h"
#include "replay/state_view.h"

namespace tandem::app {

namespace {

namespace d = ::tandem::domain;
namespace json = boost::json;

struct StateOptions {
  std::string journal;
  std::string at;
  std::string follower;
  std::string format = "table";
};

std::string ist_text(d::TimeNs ns) {
  using Ns = std::chrono::nanoseconds;
  const auto ist = std::chrono::sys_time<Ns>(Ns(ns)) + d::kIstOffset;
  return date::format("%F %T", std::chrono::floor<std::chrono::milliseconds>(ist));
}

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_object() && v.as_object().contains("text")) return text_of(v.at("text"));
  return json::serialize(v);
}

void print_table(const json::object& f) {
  fmt::print("{}  (account {}, {})  {}  funds {}\n", text_of(f.at("follower")),
             text_of(f.at("account")), text_of(f.at("broker")),
             f.at("paused").as_bool() ? "PAUSED" : "active",
             f.at("funds").is_null() ? "unknown" : text_of(f.at("funds")));
  const json::object& today = f.at("today").as_object();
  std::string skipped;
  for (const auto& [reason, n] : today.at("skipped").as_object()) {
    skipped +=
        fmt::format("{}{} {}", skipped.empty() ? "" : ", ", std::string_view(reason), n.as_int64());
  }
  fmt::print("  today: {} orders placed, {} rejected, turnover {}, skipped: {}\n",
             today.at("orders_placed").as_int64(), today.at("orders_rejected").as_int64(),
             text_of(today.at("turnover")), skipped.empty() ? "none" : skipped);
  const json::array& positions = f.at("positions").as_array();
  fmt::print("  positions{}\n", positions.empty() ? ": none" : "");
  for (const auto& p : positions) {
    fmt::print("    {:<28} {:<13} net {:>7}  avg {:>10}  realised {:>12}\n",
               text_of(p.at("instrument")), text_of(p.at("product")), p.at("net_units").as_int64(),
               text_of(p.at("average_price")), text_of(p.at("realized_pnl")));
  }
  const json::array& copies = f.at("open_copies").as_array();
  fmt::print("  open copies{}\n", copies.empty() ? ": none" : "");
  for (const auto& c : copies) {
    fmt::print("    leader {:<10} tag {:<16} broker order {:<12} {} {} {} @ {}  {} filled {}\n",
               text_of(c.at("leader_order_id")), text_of(c.at("tag")),
               text_of(c.at("broker_order_id")), text_of(c.at("side")),
               c.at("quantity_units").as_int64(), text_of(c.at("instrument")),
               text_of(c.at("price")), text_of(c.at("status")), c.at("filled_units").as_int64());
  }
  fmt::print("  settings {}\n\n", json::serialize(f.at("settings")));
}

int state(const StateOptions& o) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem state: {}\n", s.message());
    return 1;
  };
  const auto at = brokers::parse_ist_timestamp(o.at);
  if (!at) {
    return fail(Status::invalid_argument("--at \"" + o.at +
                                         "\" is not an IST time like \"2026-11-20 11:32:05\""));
  }
  auto store = open_read_only(o.journal);
  if (!store.ok()) return fail(store.status());
  auto point = replay::state_at(**store, *at);
  if (!point.ok()) return fail(point.status());
  const d::CopyState& s = point->state;
  if (!o.follower.empty() && !s.followers.contains(d::FollowerId{o.follower})) {
    return fail(Status::not_found("no follower \"" + o.follower + "\" was configured by then"));
  }
  json::array followers;
  for (const auto& [id, settings] : s.followers) {
    if (!o.follower.empty() && id.value != o.follower) continue;
    followers.push_back(replay::follower_state_json(s, id));
  }
  if (o.format == "json") {
    json::object out{{"at_ist", ist_text(*at)},
                     {"record_seq", point->seq},
                     {"record_at_ist", ist_text(point->recorded_at_ns)},
                     {"trading_day", s.day},
                     {"leader", s.leader.value},
                     {"followers", std::move(followers)}};
    fmt::print("{}\n", json::serialize(out));
    return 0;
  }
  fmt::print("state at {} IST: record {} (journaled {} IST), trading day {}, leader {}\n\n",
             ist_text(*at), point->seq, ist_text(point->recorded_at_ns), s.day, s.leader.value);
  for (const auto& f : followers) print_table(f.as_object());
  return 0;
}

}  // namespace

void add_state_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<StateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "state", "Every follower's positions, counters, open copies and settings at an instant");
  cmd->add_option("--journal", options->journal, "The journal directory")->required();
  cmd->add_option("--at", options->at, "The instant, IST: \"YYYY-MM-DD HH:MM:SS\"")->required();
  cmd->add_option("--follower", options->follower, "Only this follower");
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->footer("Example: tandem state --journal ./tandem-demo --at \"2026-11-20 11:32:05\"");
  cmd->callback([options, &exit_code] { exit_code = state(*options); });
}

}  // namespace tandem::app
