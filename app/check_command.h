// `tandem check`: the pre-flight the seeds promise. Validates the configuration, opens the
// journal (read-only), opens the secrets, reaches every Kite account over TLS and checks
// its token and funds, resolves every allowed symbol in the leader's instrument list, and
// prints one table. Exit 1 when anything fails. Sends no order and writes nothing.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_check_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
