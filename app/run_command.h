// `tandem run --config tandem.toml [--live]`: the live engine. Paper trading unless the
// config says mode = "live" AND --live is given. SIGINT/SIGTERM stop it cleanly (in-flight
// orders finish within a bound, EngineStopped is journaled, exit 0); a second signal exits
// at once, and the next start reconciles what was in flight.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_run_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
