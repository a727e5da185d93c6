// `tandem secrets init|set|list|remove`: the encrypted secrets file (crypto/secret_store.h).
// Values are read from standard input, never from the command line (which `ps` shows).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "crypto/secret_store.h"

namespace tandem::app {

struct SecretsPaths {
  std::string file = "tandem.secrets";
  std::string key_file = "tandem.key";
};

// Adds --secrets and --key-file to a command.
void add_secrets_options(CLI::App& command, SecretsPaths& paths);
// Opens the store with the key from TANDEM_SECRET_KEY or the key file.
Result<crypto::SecretStore> open_secrets(const SecretsPaths& paths);

void add_secrets_commands(CLI::App& app, int& exit_code);

}  // namespace tandem::app
