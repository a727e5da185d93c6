#include "brokers/dhan/login.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "brokers/dhan/wire.h"
#include "brokers/json_reader.h"

namespace tandem::brokers::dhan {

namespace json = boost::json;

Result<std::string> parse_consent_id(std::string_view body) {
  return read_object<std::string>(body, "dhan consent",
                                  [](const json::object& o) -> Result<std::string> {
                                    ObjectReader r(o, "dhan consent");
                                    std::string id = r.text("consentAppId");
                                    if (!r.status().ok()) return r.status();
                                    return id;
                                  });
}

Result<ConsumedConsent> parse_consumed_consent(std::string_view body) {
  return read_object<ConsumedConsent>(
      body, "dhan consent", [](const json::object& o) -> Result<ConsumedConsent> {
        ObjectReader r(o, "dhan consent");
        ConsumedConsent c{r.text("dhanClientId"), r.text("accessToken"), r.text_or("expiryTime")};
        if (!r.status().ok()) return r.status();
        return c;
      });
}

std::string consent_login_url(std::string_view auth_base, std::string_view consent_id) {
  return std::string(auth_base) + "/login/consentApp-login?consentAppId=" + std::string(consent_id);
}

Result<std::string> token_id_from(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const size_t at = text.find("tokenId=");
  std::string_view id = at == std::string_view::npos ? text : text.substr(at + 8);
  id = id.substr(0, id.find('&'));
  const bool plain = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!plain) return Status::invalid_argument("no tokenId in what was pasted");
  return std::string(id);
}

}  // namespace tandem::brokers::dhan
