// `tandem backtest --journal DIR --day D [--to D] --config alt.toml --report out.html`: the
// recorded days again with other follower settings (replay/backtest.h); an HTML report with
// CSV beside it, and a summary on the terminal.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_backtest_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
