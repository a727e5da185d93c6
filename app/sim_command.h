// `tandem sim`: the broker simulator as a server on this machine — Kite's REST and
// WebSocket over HTTPS with its own CA (written out with --ca-out so clients can trust it),
// accounts and instruments from a settings file, faults from the file or the command line,
// and optionally a scripted leader day (--script) played against it.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_sim_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
