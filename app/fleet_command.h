// `tandem fleet verify`: the shards of a day read one leader stream, and each replays
// (issue 28, docs/fleet.md).
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_fleet_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
