// `tandem config import-env FILE`: a seed copier's .env → tandem.toml, its secrets into the
// encrypted secrets file, and every setting that could not be carried over named.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_config_commands(CLI::App& app, int& exit_code);

}  // namespace tandem::app
