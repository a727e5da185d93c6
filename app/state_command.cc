#include "app/state_command.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "app/journal_commands.h"
#include "brokers/json_reader.h"
#include "replay/point_in_time.h"
#include "replay/state_view.h"

namespace tandem::app {

namespace {

// The leaders in force: each one's account, with its name when there are several.
std::string leaders_text(const domain::CopyState& s) {
  std::string out;
  for (const auto& [name, leader] : s.leaders) {
    if (!out.empty()) out += ", ";
    out += name.empty() ? leader.account.value : name.value + " (" + leader.account.value + ")";
  }
  return out;
}

namespace d = ::tandem::domain;
namespace json = boost::json;

struct StateOptions {
  std::string journal;
  std::string at;
  std::string follower;
  std::string leader;
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

// snake_case of a camelCase key.
std::string snake(std::string_view camel) {
  std::string out;
  for (const char c : camel) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

// A fixed-point number with `digits` decimals as the config writes it: "2", "0.5", "1500.25".
std::string decimal(int64_t value, int64_t scale) {
  const std::string sign = value < 0 ? "-" : "";
  const int64_t abs = value < 0 ? -value : value;
  std::string frac = std::to_string(abs % scale);
  frac = std::string(std::to_string(scale).size() - 1 - frac.size(), '0') + frac;
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return sign + std::to_string(abs / scale) + (frac.empty() ? "" : "." + frac);
}

// The settings in the words and units of tandem.toml (docs/configuration.md): `ratio = 2`,
// not ratioPpm; rupees, not paise; the copy window as "HH:MM-HH:MM". Limits that are off and
// empty lists are left out.
std::vector<std::string> settings_words(const json::object& settings) {
  auto number = [](const json::value& v) {
    return v.is_string() ? std::stoll(std::string(v.as_string())) : v.to_number<int64_t>();
  };
  std::vector<std::string> out;
  int64_t window_start = 0, window_end = 0;
  for (const auto& [key_view, v] : settings) {
    const std::string key(key_view);
    if (key == "follower" || key == "account" || key == "broker") continue;
    if (key == "copyWindowStartMin") {
      window_start = number(v);
      continue;
    }
    if (key == "copyWindowEndMin") {
      window_end = number(v);
      continue;
    }
    if (v.is_array()) {
      if (v.as_array().empty()) continue;
      std::string list;
      for (const auto& item : v.as_array())
        list += (list.empty() ? "" : ", ") + json::serialize(item);
      out.push_back(snake(key) + " = [" + list + "]");
    } else if (v.is_bool()) {
      out.push_back(snake(key) + " = " + (v.as_bool() ? "true" : "false"));
    } else if (key == "ratioPpm") {
      out.push_back("ratio = " + decimal(number(v), 1'000'000));
    } else if (key.ends_with("Paise")) {
      if (number(v) == 0) continue;  // 0 = none
      out.push_back(snake(key.substr(0, key.size() - 5)) + " = " + decimal(number(v), 100));
    } else if (key == "maxPositionPctBp") {
      if (number(v) == 0) continue;
      out.push_back("max_position_pct = " + decimal(number(v), 100));
    } else if (v.is_string() && !std::string(v.as_string()).empty() &&
               std::string(v.as_string()).find_first_not_of("0123456789-") != std::string::npos) {
      out.push_back(snake(key) + " = \"" + std::string(v.as_string()) + "\"");
    } else {
      if (number(v) == 0) continue;  // a limit that is off
      out.push_back(snake(key) + " = " + std::to_string(number(v)));
    }
  }
  if (window_start != 0 || window_end != 0) {
    out.push_back(fmt::format("copy_window = \"{:02}:{:02}-{:02}:{:02}\"", window_start / 60,
                              window_start % 60, window_end / 60, window_end % 60));
  }
  return out;
}

void print_table(const json::object& f) {
  const std::string leader = text_of(f.at("leader"));
  fmt::print("{}  (account {}, {}{})  {}  funds {}\n", text_of(f.at("follower")),
             text_of(f.at("account")), text_of(f.at("broker")),
             leader.empty() ? "" : ", leader " + leader,
             f.at("paused").as_bool() ? "PAUSED" : "active",
             f.at("funds").is_null() ? "unknown" : text_of(f.at("funds")));
  // A share's own P&L, and the account's over every share (its loss guard's) beside it.
  fmt::print("  P&L today: {}{}\n", text_of(f.at("share_pnl")),
             leader.empty()
                 ? ""
                 : fmt::format(" ({}'s share; the account {})", leader, text_of(f.at("day_pnl"))));
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
  fmt::print("  settings (as in tandem.toml):\n");
  for (const std::string& line : settings_words(f.at("settings").as_object())) {
    fmt::print("    {}\n", line);
  }
  fmt::print("\n");
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
  // A follower of several leaders by its own id: each of its shares.
  const std::vector<d::FollowerId> named = d::shares_named(s, d::FollowerId{o.follower});
  if (!o.follower.empty() && named.empty()) {
    return fail(Status::not_found("no follower \"" + o.follower + "\" was configured by then"));
  }
  if (!o.leader.empty() && !s.leaders.contains(d::LeaderId{o.leader})) {
    return fail(Status::not_found("no leader named \"" + o.leader + "\" was configured by then (" +
                                  leaders_text(s) + ")"));
  }
  json::array followers;
  for (const auto& [id, settings] : s.followers) {
    if (!o.follower.empty() && std::find(named.begin(), named.end(), id) == named.end()) continue;
    if (!o.leader.empty() && settings.leader.value != o.leader) continue;
    followers.push_back(replay::follower_state_json(s, id));
  }
  if (o.format == "json") {
    json::object out{{"at_ist", ist_text(*at)},
                     {"record_seq", point->seq},
                     {"record_at_ist", ist_text(point->recorded_at_ns)},
                     {"trading_day", s.day},
                     {"leader", leaders_text(s)},
                     {"followers", std::move(followers)}};
    fmt::print("{}\n", json::serialize(out));
    return 0;
  }
  fmt::print("state at {} IST: record {} (journaled {} IST), trading day {}, leader {}\n\n",
             ist_text(*at), point->seq, ist_text(point->recorded_at_ns), s.day, leaders_text(s));
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
  cmd->add_option("--follower", options->follower,
                  "Only this follower (each share of it), or one share (family@scalper)");
  cmd->add_option("--leader", options->leader, "Only the shares that copy this named leader");
  cmd->add_option("--format", options->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->footer("Example: tandem state --journal ./tandem-demo --at \"2026-11-20 11:32:05\"");
  cmd->callback([options, &exit_code] { exit_code = state(*options); });
}

}  // namespace tandem::app
