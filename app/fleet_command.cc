#include "app/fleet_command.h"

#include <fmt/format.h>

#include <memory>

#include "app/journal_commands.h"
#include "fleet/fleet_verify.h"

namespace tandem::app {

namespace {

struct FleetVerifyOptions {
  std::vector<std::string> journals;
  std::string day, to;
};

int verify(const FleetVerifyOptions& o) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem fleet verify: {}\n", s.message());
    return 1;
  };
  const auto days = parse_day_range(o.day, "--day", o.to);
  if (!days.ok()) return fail(days.status());
  const domain::TradingDay from = days->from, to = days->to;
  const fleet::FleetReport report = fleet::verify_fleet(o.journals, from, to);
  for (const fleet::ShardCheck& s : report.shards) {
    if (!s.opened.ok()) {
      fmt::print("{}: {}\n", s.journal, s.opened.message());
      continue;
    }
    const auto& d = s.replay->divergence;
    fmt::print("{}: {} leader updates, leader stream {}; replay {}\n", s.journal, s.leader_updates,
               s.leader_stream_sha256,
               d ? fmt::format("DIVERGES at record {}: {}", d->seq, d->what)
                 : fmt::format("OK ({} decisions and intents)", s.replay->outputs));
  }
  fmt::print("{}\n", report.same_leader_stream
                         ? "every shard holds the same leader updates in the same order"
                         : "the shards' leader streams DIFFER");
  for (const std::string& shared : report.shared_accounts) fmt::print("SHARED: {}\n", shared);
  return report.ok() ? 0 : 1;
}

}  // namespace

void add_fleet_command(CLI::App& app, int& exit_code) {
  CLI::App* fleet = app.add_subcommand("fleet", "A day across shards (docs/fleet.md)");
  fleet->require_subcommand(1);
  auto options = std::make_shared<FleetVerifyOptions>();
  CLI::App* cmd = fleet->add_subcommand(
      "verify", "Every shard's journal holds the same leader stream, and each replays");
  cmd->add_option("--journal", options->journals, "A shard's journal (give each shard's)")
      ->required();
  cmd->add_option("--day", options->day, "The first trading day (YYYY-MM-DD)")->required();
  cmd->add_option("--to", options->to, "The last trading day (default: --day)");
  cmd->footer(
      "Example: tandem fleet verify --journal /srv/s1/journal --journal /srv/s2/journal "
      "--day 2026-11-20");
  cmd->callback([options, &exit_code] { exit_code = verify(*options); });
}

}  // namespace tandem::app
