// `tandem audit export` and `tandem audit verify`: the compliance audit export
// (audit/register.h, audit/manifest.h) written to and checked in a directory.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_audit_commands(CLI::App& app, int& exit_code);

}  // namespace tandem::app
