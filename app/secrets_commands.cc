#include "app/secrets_commands.h"

#include "app/command_error.h"

#include <iostream>
#include <memory>

namespace tandem::app {

void add_secrets_options(CLI::App& command, SecretsPaths& paths) {
  command.add_option("--secrets", paths.file, "The encrypted secrets file")->capture_default_str();
  command
      .add_option("--key-file", paths.key_file,
                  "Its key (64 hex, mode 0600) unless TANDEM_SECRET_KEY is set")
      ->capture_default_str();
}

Result<crypto::SecretStore> open_secrets(const SecretsPaths& paths) {
  auto key = crypto::load_secret_key(paths.key_file);
  if (!key.ok()) return key.status();
  return crypto::SecretStore::open(paths.file, *key);
}

void add_secrets_commands(CLI::App& app, int& exit_code) {
  auto paths = std::make_shared<SecretsPaths>();
  auto name = std::make_shared<std::string>();
  CLI::App* secrets = app.add_subcommand("secrets", "Manage the encrypted secrets file");
  secrets->require_subcommand(1);

  CLI::App* init = secrets->add_subcommand("init", "Create a new random key file (mode 0600)");
  init->footer("Example: tandem secrets init --key-file /var/lib/tandem/tandem.key");
  add_secrets_options(*init, *paths);
  init->callback([paths, &exit_code] {
    const Status s = crypto::create_key_file(paths->key_file);
    if (!s.ok()) {
      exit_code = command_error("secrets init", s);
      return;
    }
    std::cout << "wrote a new key to " << paths->key_file
              << " (mode 0600); keep a copy: without it the secrets cannot be read\n";
  });

  CLI::App* set = secrets->add_subcommand("set", "Store a secret read from standard input");
  set->footer("Example: echo \"$API_SECRET\" | tandem secrets set kite.AB1234.api_secret");
  add_secrets_options(*set, *paths);
  set->add_option("name", *name, "e.g. kite.LEADER1.access_token")->required();
  set->callback([paths, name, &exit_code] {
    auto store = open_secrets(*paths);
    if (!store.ok()) {
      exit_code = command_error("secrets set", store.status());
      return;
    }
    std::string value;
    std::getline(std::cin, value);
    if (value.empty()) {
      exit_code = command_error(
          "secrets set", Status::invalid_argument("no value on standard input for " + *name));
      return;
    }
    Status s = store->set(*name, std::move(value));
    if (s.ok()) s = store->save();
    if (!s.ok()) {
      exit_code = command_error("secrets set", s);
      return;
    }
    std::cout << "stored " << *name << " in " << paths->file << "\n";
  });

  CLI::App* list = secrets->add_subcommand("list", "List the names of stored secrets");
  list->footer("Example: tandem secrets list   # names only, never values");
  add_secrets_options(*list, *paths);
  list->callback([paths, &exit_code] {
    auto store = open_secrets(*paths);
    if (!store.ok()) {
      exit_code = command_error("secrets list", store.status());
      return;
    }
    for (const auto& n : store->names()) std::cout << n << "\n";
  });

  CLI::App* remove = secrets->add_subcommand("remove", "Remove a stored secret");
  remove->footer("Example: tandem secrets remove kite.AB1234.access_token");
  add_secrets_options(*remove, *paths);
  remove->add_option("name", *name)->required();
  remove->callback([paths, name, &exit_code] {
    auto store = open_secrets(*paths);
    if (!store.ok()) {
      exit_code = command_error("secrets remove", store.status());
      return;
    }
    if (!store->remove(*name)) {
      exit_code = command_error(
          "secrets remove", Status::not_found("no secret named " + *name + " in " + paths->file));
      return;
    }
    if (const Status s = store->save(); !s.ok()) exit_code = command_error("secrets remove", s);
  });
}

}  // namespace tandem::app
