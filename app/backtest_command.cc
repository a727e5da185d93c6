#include "app/backtest_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "app/journal_commands.h"
#include "app/progress_bar.h"
#include "config/tandem_config.h"
#include "domain/base/money.h"
#include "replay/backtest.h"
#include "replay/backtest_report.h"

namespace tandem::app {

namespace {

namespace d = ::tandem::domain;
namespace fs = std::filesystem;

struct BacktestOptions {
  std::string journal, day, to, config, leader, report = "backtest.html";
};

Status write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.flush();
  if (!out) return Status::io_error("cannot write " + path);
  return Status();
}

// "out.html" → "out.csv", "out-series.csv".
std::string beside(const std::string& report, const std::string& suffix) {
  fs::path p(report);
  return (p.parent_path() / (p.stem().string() + suffix)).string();
}

int run_backtest(const BacktestOptions& o) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem backtest: {}\n", s.message());
    return 1;
  };
  const auto days = parse_day_range(o.day, "--day", o.to);
  if (!days.ok()) return fail(days.status());
  const domain::TradingDay from = days->from, to = days->to;
  auto config = config::read_tandem_config(o.config);
  if (!config.ok()) return fail(config.status());
  if (config->followers.empty())
    return fail(Status::invalid_argument(o.config + " has no followers"));

  if (!o.leader.empty() &&
      std::none_of(config->leaders.begin(), config->leaders.end(),
                   [&](const config::LeaderConfig& l) { return l.name == o.leader; })) {
    return fail(Status::not_found(o.config + " has no [[leader]] named \"" + o.leader + "\""));
  }

  replay::BacktestRequest request;
  request.from = from;
  request.to = to;
  for (const auto& f : config->followers) {
    // --leader: only the shares that copy it (each share's outcome is its own book's).
    if (!o.leader.empty() && f.settings.leader.value != o.leader) continue;
    request.followers.push_back({f.settings, f.paper_capital_paise, f.paper_slippage_bp});
  }
  auto store = open_read_only(o.journal);
  if (!store.ok()) return fail(store.status());
  auto report = [&] {
    ProgressBar bar("backtest");
    return replay::backtest(**store, request, bar.callback());
  }();
  if (!report.ok()) return fail(report.status());

  if (const fs::path parent = fs::path(o.report).parent_path(); !parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
  }
  const std::string summary_csv = beside(o.report, ".csv");
  const std::string series_csv = beside(o.report, "-series.csv");
  for (const auto& [path, bytes] :
       {std::pair{o.report, replay::backtest_html(*report, o.journal, o.config)},
        std::pair{summary_csv, replay::backtest_summary_csv(*report)},
        std::pair{series_csv, replay::backtest_series_csv(*report)}}) {
    if (Status s = write_file(path, bytes); !s.ok()) return fail(s);
  }

  fmt::print("backtest {} {}..{}: records {}..{}, {} leader events, settings from {}\n\n",
             o.journal, from, to, report->first_seq, report->last_seq, report->leader_updates,
             o.config);
  fmt::print("{:<16} {:>6} {:>7} {:>7} {:>14} {:>14}   {}\n", "follower", "run", "placed",
             "skipped", "realised ₹", "P&L ₹", "decisions equal / different to recorded");
  for (const auto& f : report->followers) {
    auto line = [&](const char* run, const replay::Outcome& out, bool with_decisions) {
      int64_t skipped = 0;
      for (const auto& [reason, n] : out.skips) skipped += n;
      fmt::print("{:<16} {:>6} {:>7} {:>7} {:>14} {:>14}   {}\n", f.follower, run, out.placed,
                 skipped, d::paise_text(out.realized_pnl_paise), d::paise_text(out.pnl_paise),
                 with_decisions ? fmt::format("{} / {}", f.decisions_equal, f.decisions_different)
                                : std::string());
    };
    line("test", f.simulated, f.recorded);
    if (f.recorded) line("real", f.actual, false);
  }
  fmt::print("\nreport {} (open in a browser; it loads nothing from the network)\n", o.report);
  fmt::print("csv    {}, {}\n", summary_csv, series_csv);
  return 0;
}

}  // namespace

void add_backtest_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BacktestOptions>();
  CLI::App* cmd = app.add_subcommand(
      "backtest", "Recorded days again with other follower settings; an HTML report and CSV");
  cmd->add_option("--journal", options->journal, "The journal directory")->required();
  cmd->add_option("--day", options->day, "The first trading day (YYYY-MM-DD)")->required();
  cmd->add_option("--to", options->to, "The last trading day (default: --day)");
  cmd->add_option("--config", options->config,
                  "A tandem.toml whose followers are backtested (new ones welcome)")
      ->required();
  cmd->add_option("--leader", options->leader,
                  "Only the followers' shares of this named leader ([[leader]] name)");
  cmd->add_option("--report", options->report, "The HTML report; CSV goes beside it")
      ->capture_default_str();
  cmd->footer(
      "Example: tandem backtest --journal ./tandem-demo --day 2026-11-20 --config what-if.toml "
      "--report what-if.html");
  cmd->callback([options, &exit_code] { exit_code = run_backtest(*options); });
}

}  // namespace tandem::app
