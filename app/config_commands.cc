#include "app/config_commands.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "app/secrets_commands.h"
#include "app/text_file.h"
#include "config/env_import.h"

namespace tandem::app {

namespace {

struct ImportOptions {
  std::string env_file;
  std::string out = "tandem.toml";
  bool force = false;
  SecretsPaths secrets;
};

int fail(const std::string& why) {
  fmt::print(stderr, "tandem config import-env: {}\n", why);
  return 1;
}

int import_env(const ImportOptions& o) {
  auto text = read_text(o.env_file, "the .env file");
  if (!text.ok()) return fail(text.status().message());
  auto env = config::parse_dotenv(*text);
  if (!env.ok()) return fail(o.env_file + ": " + env.status().message());
  auto imported = config::import_env(*env);
  if (!imported.ok()) return fail(o.env_file + ": " + imported.status().message());
  std::error_code ec;
  if (std::filesystem::exists(o.out, ec) && !o.force) {
    return fail(o.out + " exists; not replaced (--force to replace it)");
  }
  // Secrets first: a config that names accounts without credentials is worse than none.
  if (!imported->secrets.empty()) {
    auto store = open_secrets(o.secrets);
    if (!store.ok()) {
      return fail(store.status().message() + " (run `tandem secrets init` first)");
    }
    for (const auto& [name, value] : imported->secrets) {
      if (Status s = store->set(name, value); !s.ok()) return fail(s.message());
    }
    if (Status s = store->save(); !s.ok()) return fail(s.message());
  }
  std::ofstream out(o.out, std::ios::trunc);
  out << imported->toml;
  if (!out.flush()) return fail("cannot write " + o.out);
  fmt::print("imported the {} copier's settings from {} into {}\n", imported->seed, o.env_file,
             o.out);
  fmt::print("stored {} secrets in {} (names only: tandem secrets list)\n",
             imported->secrets.size(), o.secrets.file);
  for (const auto& w : imported->warnings) fmt::print("WARNING: {}\n", w);
  for (const auto& n : imported->notes) fmt::print("note: {}\n", n);
  fmt::print("Review {}, then run `tandem check --config {}`.\n", o.out, o.out);
  return 0;
}

}  // namespace

void add_config_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* config = app.add_subcommand("config", "Configuration tools");
  config->require_subcommand(1);
  CLI::App* cmd = config->add_subcommand(
      "import-env", "Convert the Zerodha or Dhan copier's .env into tandem.toml and secrets");
  cmd->add_option("env_file", options->env_file, "The copier's .env file")->required();
  cmd->add_option("--out", options->out, "The tandem.toml to write")->capture_default_str();
  cmd->add_flag("--force", options->force, "Replace --out when it exists");
  cmd->footer("Example: tandem config import-env ../copier/.env --out tandem.toml");
  add_secrets_options(*cmd, options->secrets);
  cmd->callback([options, &exit_code] { exit_code = import_env(*options); });
}

}  // namespace tandem::app
