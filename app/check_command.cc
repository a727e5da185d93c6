#include "app/check_command.h"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "app/clock.h"
#include "app/gateway_factory.h"
#include "app/secrets_commands.h"
#include "app/text_file.h"
#include "domain/base/money.h"
#include "domain/calendar/market_calendar.h"
#include "journal/store.h"
#include "journal/verify.h"

namespace tandem::app {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

struct CheckOptions {
  std::string config = "tandem.toml";
  SecretsPaths secrets;
};

struct Row {
  std::string what;
  bool ok = true;
  std::string detail;
};

std::string rupees(int64_t paise) { return "₹" + d::paise_text(paise); }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// The kinds of market a broker's segment names stand for: Kite names exchanges (NSE, NFO,
// CDS, MCX, …), Dhan names segments (Equity, Derivative, Currency, Commodity).
std::set<d::Segment> segments_of(const std::vector<std::string>& names) {
  static const std::map<std::string, d::Segment> kKinds = {
      {"NSE", d::Segment::equity},         {"BSE", d::Segment::equity},
      {"Equity", d::Segment::equity},      {"NFO", d::Segment::derivatives},
      {"BFO", d::Segment::derivatives},    {"Derivative", d::Segment::derivatives},
      {"CDS", d::Segment::currency},       {"BCD", d::Segment::currency},
      {"Currency", d::Segment::currency},  {"MCX", d::Segment::commodity},
      {"Commodity", d::Segment::commodity}};
  std::set<d::Segment> out;
  for (const auto& n : names) {
    if (const auto kind = kKinds.find(n); kind != kKinds.end()) out.insert(kind->second);
  }
  return out;
}

// The kinds of market the leader's account may trade that a follower's may not, and that the
// follower's own settings do not keep it out of: its copies there would be refused.
std::vector<std::string> segments_missing(const std::set<d::Segment>& leader,
                                          const std::vector<std::string>& follower_names,
                                          const d::FollowerSettings& settings) {
  const std::set<d::Segment> follower = segments_of(follower_names);
  std::vector<std::string> missing;
  for (const d::Segment s : leader) {
    const auto& allow = settings.allow_segments;
    const auto& deny = settings.deny_segments;
    const bool kept_out =
        std::find(deny.begin(), deny.end(), s) != deny.end() ||
        (!allow.empty() && std::find(allow.begin(), allow.end(), s) == allow.end());
    if (!follower.contains(s) && !kept_out) missing.emplace_back(d::to_string(s));
  }
  return missing;
}

// What the broker says about the account: its segments, when its token ends, and whether
// order calls from this machine's source address would pass the static-IP rule (SEBI 2026:
// orders only from a registered IP). Fails when the broker lists its registered IPs and the
// configured source_ip is not one of them, or none is registered.
Row account_row(const std::string& what, const config::Connection& connection,
                const Result<brokers::AccountFacts>& facts,
                const std::vector<std::string>& missing_segments) {
  if (!facts.ok()) return {what + " account", false, facts.status().message()};
  std::string detail =
      "segments " + (facts->segments.empty() ? "not told" : joined(facts->segments));
  if (!missing_segments.empty()) {
    return {what + " account", false,
            detail + "; the leader's account trades " + joined(missing_segments) +
                ", which this one has not enabled: its copies there would be refused (enable "
                "it at the broker, or deny_segments it)"};
  }
  if (!facts->token_valid_until.empty())
    detail += "; token valid until " + facts->token_valid_until;
  const std::string from =
      connection.source_ip.empty() ? "this machine's default address" : connection.source_ip;
  if (!facts->registered_ips) {
    return {what + " account", true,
            detail + "; the broker lists no static IP: orders go from " + from +
                ", which must be the one registered with it"};
  }
  const std::vector<std::string>& ips = *facts->registered_ips;
  if (ips.empty()) {
    return {what + " account", false,
            detail +
                "; no static IP is registered with the broker: it refuses order calls "
                "(register this machine's, then set source_ip)"};
  }
  const bool listed = std::find(ips.begin(), ips.end(), connection.source_ip) != ips.end();
  if (!listed) {
    return {what + " account", false,
            detail + "; orders would go from " + from + ", but the broker has " + joined(ips) +
                " registered: set source_ip to one of them"};
  }
  return {what + " account", true,
          detail + "; orders go from " + connection.source_ip + ", registered"};
}

int check(const CheckOptions& o) {
  std::vector<Row> rows;
  auto config = config::read_tandem_config(o.config);
  if (!config.ok()) {
    fmt::print(stderr, "tandem check: {}\n", config.status().message());
    return 1;
  }
  rows.push_back({"config " + o.config, true,
                  fmt::format("{} mode, {} followers, hash {}", config->live ? "live" : "paper",
                              config->followers.size(), config->hash.substr(0, 16))});
  if (!config->holidays_file.empty()) {
    auto text = read_text(config->holidays_file, "holidays");
    auto parsed =
        text.ok() ? d::parse_holidays(*text) : Result<std::set<d::TradingDay>>(text.status());
    rows.push_back(
        {"holidays " + config->holidays_file, parsed.ok(),
         parsed.ok() ? fmt::format("{} holidays", parsed->size()) : parsed.status().message()});
  }
  std::error_code ec;
  if (std::filesystem::exists(config->journal, ec)) {
    journal::StoreOptions read_only;
    read_only.mode = journal::OpenMode::read_only;
    auto store = journal::Store::open(config->journal, read_only);
    // The whole chain, not only the tail an open checks: damage anywhere is found before a
    // run (which checks only the last 1,024 records) would append to the journal.
    const journal::VerifyReport report =
        store.ok() ? journal::verify_journal(**store) : journal::VerifyReport{};
    const Status verified = store.ok() ? report.status : store.status();
    rows.push_back({"journal " + config->journal, verified.ok(),
                    verified.ok() ? fmt::format("{} records, hash chain verified from genesis "
                                                "to head",
                                                report.records_checked)
                                  : verified.message()});
  } else {
    rows.push_back({"journal " + config->journal, true, "absent: created on the first run"});
  }
  auto secrets = open_secrets(o.secrets);
  rows.push_back({"secrets " + o.secrets.file, secrets.ok(),
                  secrets.ok() ? fmt::format("{} entries", secrets->names().size())
                               : secrets.status().message()});

  // Every broker account: reachable, token valid, funds; the leader's instruments.
  struct Account {
    std::string id;
    const config::Connection* connection;
    d::Broker broker;
    const d::FollowerSettings* settings;  // nullptr for the leader
  };
  std::vector<Account> accounts;
  for (const auto& l : config->leaders) {
    accounts.push_back({l.account, &l.connection, l.broker, nullptr});
  }
  for (const auto& f : config->followers) {
    const bool listed = std::any_of(accounts.begin(), accounts.end(), [&](const Account& a) {
      return a.settings != nullptr && a.id == f.settings.account.value;
    });  // an account following several leaders is checked once
    if (f.settings.broker != d::Broker::paper && !listed)
      accounts.push_back({f.settings.account.value, &f.connection, f.settings.broker, &f.settings});
  }
  std::optional<std::set<d::Segment>> leader_segments;  // once the leader's are read
  std::set<std::string> allowed;
  for (const auto& f : config->followers) {
    allowed.insert(f.settings.allow_symbols.begin(), f.settings.allow_symbols.end());
    if (f.settings.broker == d::Broker::paper) {
      rows.push_back({"follower " + f.settings.follower.value, true,
                      "paper, " + rupees(f.paper_capital_paise)});
    }
    const d::FollowerSettings& g = f.settings;
    if (g.max_daily_loss_paise > 0 || g.daily_profit_target_paise > 0) {
      // Where the guard's marks come from: Kite's ticker, or only the leader's fills.
      const bool ticker = config->leaders.front().broker == d::Broker::kite;
      rows.push_back(
          {"loss guard " + g.follower.value, true,
           fmt::format(
               "max loss {}, profit target {}, then {}; positions marked at {}",
               g.max_daily_loss_paise > 0 ? rupees(g.max_daily_loss_paise) : "none",
               g.daily_profit_target_paise > 0 ? rupees(g.daily_profit_target_paise) : "none",
               d::to_string(g.loss_guard_action),
               ticker ? "the leader's Kite ticker prices"
                      : "the leader's fills only (a Dhan leader has no Kite ticker here)")});
    }
  }
  asio::io_context io;
  const SecretLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
    return secrets.ok() ? secrets->get(name) : std::nullopt;
  };
  for (size_t i = 0; i < accounts.size(); ++i) {
    const Account& a = accounts[i];
    const std::string broker(d::to_string(a.broker));
    const std::string what =
        (a.settings == nullptr ? "leader " : "follower ") + a.id + " (" + broker + ")";
    std::unique_ptr<brokers::Gateway> holder;
    asio::co_spawn(
        io,
        [&, what, leader = a.settings == nullptr]() -> asio::awaitable<void> {
          if (a.broker == d::Broker::dhan) {
            // Dhan names instruments by security id: its scrip master must load too.
            auto master = co_await load_dhan_securities(io, *a.connection, {});
            rows.push_back({what + " scrip master", master.ok(),
                            master.ok() ? fmt::format("{} instruments", master->size())
                                        : master.status().message()});
            if (!master.ok()) co_return;
            auto made = make_dhan_gateway(io, a.id, *a.connection, lookup, wall_clock_ns,
                                          std::move(master).value());
            if (!made.ok()) {
              rows.push_back({what, false, made.status().message()});
              co_return;
            }
            holder = std::move(made).value();
          } else {
            auto made = make_kite_gateway(io, a.id, *a.connection, lookup, wall_clock_ns);
            if (!made.ok()) {
              rows.push_back({what, false, made.status().message()});
              co_return;
            }
            holder = std::move(made).value();
          }
          brokers::Gateway* account_gateway = holder.get();
          const Status warmed = co_await account_gateway->warm();
          if (!warmed.ok()) {
            rows.push_back({what, false, "unreachable: " + warmed.message()});
            co_return;
          }
          auto funds = co_await account_gateway->funds();
          if (!funds.ok()) {
            rows.push_back(
                {what, false,
                 domain::failure_of(funds.status()) == domain::OrderFailure::unauthenticated
                     ? "token expired or invalid: tandem login " + broker
                     : funds.status().message()});
            co_return;
          }
          rows.push_back(
              {what, true,
               "reached over TLS, token valid, funds " + rupees(funds->available_paise)});
          auto facts = co_await account_gateway->account_facts();
          std::vector<std::string> unenabled;
          if (leader && facts.ok()) leader_segments = segments_of(facts->segments);
          if (!leader && facts.ok() && leader_segments && !facts->segments.empty()) {
            unenabled = segments_missing(*leader_segments, facts->segments, *a.settings);
          }
          rows.push_back(account_row(what, *a.connection, facts, unenabled));
          if (!leader) co_return;
          auto instruments = co_await account_gateway->instruments();
          if (!instruments.ok()) {
            rows.push_back({"instruments", false, instruments.status().message()});
            co_return;
          }
          std::set<std::string> known;
          for (const auto& inst : *instruments) known.insert(inst.key.tradingsymbol);
          std::string missing;
          for (const auto& s : allowed) {
            if (!known.contains(s)) missing += (missing.empty() ? "" : ", ") + s;
          }
          rows.push_back({"instruments", missing.empty(),
                          missing.empty() ? fmt::format("{} listed, every allowed symbol found",
                                                        instruments->size())
                                          : "not in the instrument list: " + missing});
        },
        asio::detached);
    io.run();
    io.restart();
    if (holder) holder->stop();
  }

  bool all_ok = true;
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.what.size());
  for (const auto& r : rows) {
    all_ok &= r.ok;
    fmt::print("{:<{}}  {:<4}  {}\n", r.what, width, r.ok ? "ok" : "FAIL", r.detail);
  }
  return all_ok ? 0 : 1;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Pre-flight: config, journal, secrets, brokers");
  cmd->footer("Example: tandem check --config tandem.toml   # every morning, after the logins");
  cmd->add_option("--config", options->config, "The engine's settings")->capture_default_str();
  add_secrets_options(*cmd, options->secrets);
  cmd->callback([options, &exit_code] { exit_code = check(*options); });
}

}  // namespace tandem::app
