#include "app/gateway_factory.h"

#include <boost/url/parse.hpp>

#include <fstream>
#include <sstream>

#include "app/text_file.h"
#include "brokers/kite/kite_gateway.h"

namespace tandem::app {

namespace asio = boost::asio;

// "https://host[:port]" or "wss://host[:port]" → a target; the CA file's contents if any.
Result<brokers::net::HttpsTarget> target_of(const std::string& url, const config::Connection& c,
                                            const std::string& what) {
  const auto u = boost::urls::parse_uri(url);
  if (!u || (u->scheme() != "https" && u->scheme() != "wss") || u->host().empty()) {
    return Status::invalid_argument(what + ": '" + url + "' is not an https:// or wss:// URL");
  }
  auto t = brokers::net::https_target(u->host(), u->has_port() ? std::string(u->port()) : "443");
  t.ca_pem = c.ca_pem;
  if (!c.ca_file.empty()) {
    auto pem = read_text(c.ca_file, what + " ca_file");
    if (!pem.ok()) return pem.status();
    t.ca_pem = *pem;
  }
  return t;
}

Result<std::unique_ptr<brokers::Gateway>> make_kite_gateway(asio::io_context& io,
                                                            const std::string& account,
                                                            const config::Connection& c,
                                                            const SecretLookup& secret,
                                                            std::function<domain::TimeNs()> clock) {
  const std::string what = "kite account " + account;
  auto rest = target_of(c.api_url, c, what + " api_url");
  if (!rest.ok()) return rest.status();
  auto stream = target_of(c.ws_url, c, what + " ws_url");
  if (!stream.ok()) return stream.status();
  rest->local_address = c.source_ip;
  const auto api_key = secret("kite." + account + ".api_key");
  const auto token = secret("kite." + account + ".access_token");
  if (!api_key || !token) {
    return Status(StatusCode::unauthenticated,
                  what + ": no " + std::string(!api_key ? "api_key" : "access_token") +
                      " in the secrets file (tandem secrets set kite." + account +
                      ".api_key; tandem login kite)");
  }
  brokers::kite::KiteAccount a;
  a.rest = *rest;
  a.stream = *stream;
  a.credentials = {*api_key, *token};
  return std::unique_ptr<brokers::Gateway>(
      new brokers::kite::KiteGateway(io.get_executor(), a, std::move(clock)));
}

}  // namespace tandem::app
