// The `tandem` command. The only place that builds concrete clocks, loggers and stores
// (STYLE.md §1); subcommands live one concept per file beside this one.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/audit_command.h"
#include "app/backtest_command.h"
#include "app/check_command.h"
#include "app/config_commands.h"
#include "app/demo_command.h"
#include "app/fleet_command.h"
#include "app/journal_commands.h"
#include "app/login_command.h"
#include "app/replay_command.h"
#include "app/run_command.h"
#include "app/secrets_commands.h"
#include "app/sim_command.h"
#include "app/state_command.h"
#include "app/tap_command.h"

namespace {

// Edits (insert, delete, replace) between two words: how far a typo is from a command.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// `tandem help [COMMAND]`, and a word that is no command: the help, or the nearest command
// and the list, instead of CLI11's bare "A subcommand is required". Exit 0 for help, 2 for a
// word it does not know; nullopt when the arguments name a command (CLI11 parses them).
std::optional<int> help_or_unknown(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  const auto known = [&](const std::string& w) {
    return std::find(names.begin(), names.end(), w) != names.end();
  };
  std::string word = argv[1];
  if (known(word)) return std::nullopt;
  if (word == "help") {
    if (argc < 3) {
      std::cout << app.help();
      return 0;
    }
    word = argv[2];
    if (known(word)) {
      std::cout << app.get_subcommand(word)->help();
      return 0;
    }
  }
  // The nearest command: one that starts with the word, else the fewest edits (at most 2).
  std::string nearest;
  size_t best = 3;
  for (const auto& n : names) {
    const size_t d = n.rfind(word, 0) == 0 && word.size() >= 2 ? 0 : edit_distance(word, n);
    if (d < best) {
      best = d;
      nearest = n;
    }
  }
  std::cerr << "tandem: '" << word << "' is not a command.";
  if (!nearest.empty()) std::cerr << " Did you mean 'tandem " << nearest << "'?";
  std::cerr << "\nCommands:";
  for (const auto& n : names) std::cerr << " " << n;
  std::cerr << "\nRun 'tandem help COMMAND' for one command's options.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tandem: copy trading with a verifiable journal", "tandem"};
  app.set_version_flag("--version", std::string("tandem ") + TANDEM_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  tandem::app::add_journal_commands(app, exit_code);
  tandem::app::add_demo_command(app, exit_code);
  tandem::app::add_sim_command(app, exit_code);
  tandem::app::add_secrets_commands(app, exit_code);
  tandem::app::add_login_command(app, exit_code);
  tandem::app::add_run_command(app, exit_code);
  tandem::app::add_tap_command(app, exit_code);
  tandem::app::add_fleet_command(app, exit_code);
  tandem::app::add_check_command(app, exit_code);
  tandem::app::add_replay_command(app, exit_code);
  tandem::app::add_audit_commands(app, exit_code);
  tandem::app::add_backtest_command(app, exit_code);
  tandem::app::add_state_command(app, exit_code);
  tandem::app::add_config_commands(app, exit_code);
  if (const auto exit = help_or_unknown(app, argc, argv)) return *exit;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
