// `tandem replay --journal DIR --day D [--to D] --verify`: exact replay of recorded days
// (replay/verify.h). Exit 1 at the first divergence, with what differs.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
