// `tandem demo`: the main job on the embedded default, with no configuration at all. Starts
// the broker simulator on loopback with the scripted NSE day shipped in data/demo (NIFTY and
// BANKNIFTY options and equities, a few hundred leader orders with modifies, cancels,
// partial fills, stop-losses and exits), five followers with different policies (three on
// the simulator's Kite, two on paper), and the real engine against it with time
// accelerated. Shows progress while it runs, a per-follower summary at the end, and the
// commands to verify the journal, which stays in ./tandem-demo.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_demo_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
