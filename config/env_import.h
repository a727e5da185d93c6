// `tandem config import-env`: the settings of the two copiers Tandem replaces, read from
// their `.env` files and written as tandem.toml, so people switching keep their settings.
// The Zerodha copier's (MASTER_*, FOLLOWER_COUNT, FOLLOWER_N_*, PAPER_TRADING,
// MAX_DAILY_TRADES, LOG_LEVEL) and the Dhan options copier's (LEADER_CLIENT_ID,
// FOLLOWER_CLIENT_ID, *_ACCESS_TOKEN, SIZING_STRATEGY, COPY_RATIO, MAX_POSITION_SIZE_PCT).
// Secrets (API keys and secrets, access tokens) are returned apart, for the encrypted
// store; they never appear in the TOML or in a note. Whatever has no Tandem equivalent is
// named in a note, and what would change sizing is a warning. Pure: text in, values out.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"

namespace tandem::config {

struct EnvImport {
  std::string seed;  // "zerodha" or "dhan"
  std::string toml;
  std::map<std::string, std::string> secrets;  // name in the secrets file → value
  std::vector<std::string> notes;              // what was not carried over, and why
  std::vector<std::string> warnings;           // what the user must review before going live
};

// KEY=VALUE lines; `#` comments, `export `, quotes and blank lines as dotenv reads them.
[[nodiscard]] Result<std::map<std::string, std::string>> parse_dotenv(std::string_view text);

[[nodiscard]] Result<EnvImport> import_env(const std::map<std::string, std::string>& env);

}  // namespace tandem::config
