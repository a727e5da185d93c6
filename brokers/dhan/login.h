// DhanHQ v2's login by API key (brokers.md §2.3): generate-consent gives a consentAppId; the
// user logs in in a browser; consumeApp-consent gives the account's access token. Pure.
#pragma once

#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::brokers::dhan {

[[nodiscard]] Result<std::string> parse_consent_id(std::string_view body);
struct ConsumedConsent {
  std::string client_id;
  std::string access_token;  // never logged
  std::string expiry_time;   // as Dhan writes it
};
[[nodiscard]] Result<ConsumedConsent> parse_consumed_consent(std::string_view body);
// The browser step: where the user logs in, and the tokenId from the address Dhan sends the
// browser back to (or the bare tokenId, pasted alone).
[[nodiscard]] std::string consent_login_url(std::string_view auth_base,
                                            std::string_view consent_id);
[[nodiscard]] Result<std::string> token_id_from(std::string_view redirect_url);

}  // namespace tandem::brokers::dhan
