// Kite Connect v3's login (brokers.md §1.3): the URL the user logs in at, the request_token
// from the address Kite redirects to, and POST /session/token with its checksum. Pure.
#pragma once

#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::brokers::kite {

// ---- login (brokers.md §1.3): POST /session/token with api_key, request_token, checksum ----
struct SessionGrant {
  std::string user_id;
  std::string access_token;  // secret
};
[[nodiscard]] std::string session_token_form(std::string_view api_key,
                                             std::string_view request_token,
                                             std::string_view api_secret);
[[nodiscard]] Result<SessionGrant> parse_session(std::string_view body);
// The login URL to send the user to, and the request_token from the URL Kite redirects to
// (or the bare token, pasted alone).
[[nodiscard]] std::string login_url(std::string_view api_key,
                                    std::string_view base = "https://kite.zerodha.com");
[[nodiscard]] Result<std::string> request_token_from(std::string_view redirect_url);
// ---- checksums (lowercase hex SHA-256 of plain concatenations) ----
[[nodiscard]] std::string session_checksum(std::string_view api_key, std::string_view request_token,
                                           std::string_view api_secret);

}  // namespace tandem::brokers::kite
