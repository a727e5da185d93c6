#include "app/replay_command.h"

#include <fmt/format.h>

#include <memory>

#include "app/journal_commands.h"
#include "app/progress_bar.h"
#include "replay/verify.h"

namespace tandem::app {

namespace {

struct ReplayOptions {
  std::string journal;
  std::string day;
  std::string to;
  bool verify = false;
};

int replay(const ReplayOptions& o) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem replay: {}\n", s.message());
    return 1;
  };
  if (!o.verify) return fail(Status::invalid_argument("only --verify is supported so far"));
  const auto days = parse_day_range(o.day, "--day", o.to);
  if (!days.ok()) return fail(days.status());
  const domain::TradingDay from = days->from, to = days->to;
  auto store = open_read_only(o.journal);
  if (!store.ok()) return fail(store.status());
  auto report = [&] {
    ProgressBar bar("replay --verify");
    return replay::verify_days(**store, from, to, bar.callback());
  }();
  if (!report.ok()) return fail(report.status());
  if (const auto& d = report->divergence) {
    fmt::print("DIVERGENCE at seq {}: {}\n", d->seq, d->what);
    if (!d->fields.empty()) {
      std::string fields;
      for (const auto& f : d->fields) fields += (fields.empty() ? "" : ", ") + f;
      fmt::print("  fields that differ: {}\n", fields);
    }
    if (!d->recorded.empty()) fmt::print("  recorded:   {}\n", d->recorded);
    if (!d->recomputed.empty()) fmt::print("  recomputed: {}\n", d->recomputed);
    return 1;
  }
  fmt::print(
      "replay {} {}..{}: records {}..{}, {} leader updates decided again, {} decisions "
      "and intents equal to the recorded ones\n",
      o.journal, from, to, report->first_seq, report->last_seq, report->inputs, report->outputs);
  if (report->undecided_head != 0) {
    fmt::print(
        "  record {} (the head) is an input whose decisions are not journaled yet: the engine "
        "stopped between its sync and their append; the next tandem run decides them again\n",
        report->undecided_head);
  }
  for (const auto& f : report->digests) {
    fmt::print("  {:<20} {:>6} decisions and intents  digest {}\n", f.follower, f.decisions,
               f.sha256);
  }
  return 0;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand("replay", "Replay recorded days through the core");
  cmd->add_option("--journal", options->journal, "The journal directory")->required();
  cmd->add_option("--day", options->day, "The first trading day (YYYY-MM-DD)")->required();
  cmd->add_option("--to", options->to, "The last trading day (default: --day)");
  cmd->add_flag("--verify", options->verify,
                "Recompute every decision and compare it with the recorded one");
  cmd->footer("Example: tandem replay --journal ./tandem-demo --day 2026-11-20 --verify");
  cmd->callback([options, &exit_code] { exit_code = replay(*options); });
}

}  // namespace tandem::app
