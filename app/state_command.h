// `tandem state --journal DIR --at "YYYY-MM-DD HH:MM:SS" [--follower F] [--format table|json]`:
// every follower's positions, today's counters, open copies and effective settings as the
// journal knew them at an IST instant (replay/point_in_time.h).
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_state_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
