// `tandem login kite`: Kite's daily login (brokers.md §1.3). Prints the login URL, takes
// the address Kite redirects to (or the bare request_token) on standard input, trades it
// for an access token with the checksum, and stores the token in the secrets file as
// kite.<user_id>.access_token. The API secret comes from the secrets file too
// (kite.<api_key>.api_secret); neither is ever printed.
#pragma once

#include <CLI/CLI.hpp>

namespace tandem::app {

void add_login_command(CLI::App& app, int& exit_code);

}  // namespace tandem::app
