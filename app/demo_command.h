// `tandem demo`: the main job on the embedded default. For now it records a scripted NSE
// trading day's inputs into a fresh journal in ./tandem-demo with concurrent appenders (group
// commit), then verifies and summarises it. The replication demo replaces the script with
// the live engine against the broker simulator.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_demo_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
