// `tandem tap`: one leader's order stream journaled and published to a JetStream stream that
// the shards read (issue 28, docs/fleet.md).
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_tap_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
