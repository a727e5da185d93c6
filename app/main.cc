// The `tandem` command. The only place that builds concrete clocks, loggers and stores
// (STYLE.md §1); subcommands live one concept per file beside this one.
#include <CLI/CLI.hpp>

#include "app/audit_command.h"
#include "app/backtest_command.h"
#include "app/check_command.h"
#include "app/config_commands.h"
#include "app/demo_command.h"
#include "app/journal_commands.h"
#include "app/login_command.h"
#include "app/replay_command.h"
#include "app/run_command.h"
#include "app/secrets_commands.h"
#include "app/sim_command.h"
#include "app/state_command.h"

int main(int argc, char** argv) {
  CLI::App app{"tandem: copy trading with a verifiable journal"};
  app.set_version_flag("--version", std::string("tandem ") + TANDEM_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  tandem::app::add_journal_commands(app, exit_code);
  tandem::app::add_demo_command(app, exit_code);
  tandem::app::add_sim_command(app, exit_code);
  tandem::app::add_secrets_commands(app, exit_code);
  tandem::app::add_login_command(app, exit_code);
  tandem::app::add_run_command(app, exit_code);
  tandem::app::add_check_command(app, exit_code);
  tandem::app::add_replay_command(app, exit_code);
  tandem::app::add_audit_commands(app, exit_code);
  tandem::app::add_backtest_command(app, exit_code);
  tandem::app::add_state_command(app, exit_code);
  tandem::app::add_config_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
