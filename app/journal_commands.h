// `tandem journal …`: verify, stats, dump, tail. Each returns the process exit code:
// 0 success, 1 the journal is damaged or a command failed (with a message on stderr).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace tandem::app {

void add_journal_commands(CLI::App& app, int& exit_code);

// The bodies of `journal verify` and `journal stats`, for other commands to reuse.
int run_verify(const std::string& dir);
int run_stats(const std::string& dir);

}  // namespace tandem::app
