#include "brokers/kite/login.h"

#include <boost/json.hpp>

#include "brokers/json_reader.h"
#include "brokers/kite/parse.h"
#include "crypto/sha256.h"
#include "net/form_query.h"

namespace tandem::brokers::kite {

namespace json = boost::json;

Result<SessionGrant> parse_session(std::string_view body) {
  Result<json::value> data = data_of(body, "kite session");
  if (!data.ok()) return data.status();
  if (!data->is_object()) return Status::invalid_argument("kite session: not an object");
  ObjectReader r(data->get_object(), "kite session");
  SessionGrant g{r.text("user_id"), r.text("access_token")};
  if (!r.status().ok()) return r.status();
  return g;
}

std::string session_token_form(std::string_view api_key, std::string_view request_token,
                               std::string_view api_secret) {
  std::string form;
  net::add_form_field(form, "api_key", api_key);
  net::add_form_field(form, "request_token", request_token);
  net::add_form_field(form, "checksum", session_checksum(api_key, request_token, api_secret));
  return form;
}

std::string login_url(std::string_view api_key, std::string_view base) {
  std::string url = std::string(base) + "/connect/login?v=3";
  net::add_form_field(url, "api_key", api_key);
  return url;
}

Result<std::string> request_token_from(std::string_view redirect_url) {
  const auto alnum = [](std::string_view t) {
    return !t.empty() && t.find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789") == std::string_view::npos;
  };
  if (redirect_url.find('?') == std::string_view::npos) {
    if (alnum(redirect_url)) return std::string(redirect_url);  // the token pasted alone
    return Status::invalid_argument("kite login: not a redirect URL or a request token");
  }
  auto params = net::parse_form(redirect_url.substr(redirect_url.find('?') + 1));
  if (params) {
    for (const auto& p : *params) {
      if (p.key == "status" && p.value && *p.value != "success") {
        return Status(StatusCode::unauthenticated,
                      "kite login: the redirect says status " + *p.value);
      }
    }
    for (const auto& p : *params) {
      if (p.key == "request_token" && p.value && alnum(*p.value)) return *p.value;
    }
  }
  return Status::invalid_argument("kite login: the redirect URL has no request_token");
}

std::string session_checksum(std::string_view api_key, std::string_view request_token,
                             std::string_view api_secret) {
  std::string joined;
  joined.append(api_key).append(request_token).append(api_secret);
  return crypto::sha256_hex(joined);
}

}  // namespace tandem::brokers::kite
