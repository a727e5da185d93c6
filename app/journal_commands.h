// `tandem journal …`: verify, stats, dump, tail. Each returns the process exit code:
// 0 success, 1 the journal is damaged or a command failed (with a message on stderr).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "domain/base/time.h"
#include "journal/store.h"

namespace tandem::app {

void add_journal_commands(CLI::App& app, int& exit_code);

// The bodies of `journal verify` and `journal stats`, for other commands to reuse.
int run_verify(const std::string& dir);

// A journal opened read-only (never a byte written), its last records' chain checked.
Result<std::unique_ptr<journal::Store>> open_read_only(const std::string& dir,
                                                       bool check_tail = true);
// "2026-11-20" or "20261120" → a trading day; invalid_argument naming `option` otherwise.
Result<domain::TradingDay> parse_day_option(const std::string& text, const std::string& option);
// The days `first`..`last` of a command's options (`first_option` names the first, e.g.
// "--day"; the last is --to, `first` itself when empty); an error names the option at fault.
struct DayRange {
  domain::TradingDay from = 0, to = 0;
};
Result<DayRange> parse_day_range(const std::string& first, const std::string& first_option,
                                 const std::string& last);
int run_stats(const std::string& dir);

}  // namespace tandem::app
