#include "app/gateway_factory.h"

#include <boost/url/parse.hpp>

#include <fstream>
#include <optional>
#include <sstream>

#include "app/text_file.h"
#include "brokers/await_on.h"
#include "brokers/dhan/dhan_gateway.h"
#include "brokers/kite/kite_gateway.h"

namespace tandem::app {

namespace asio = boost::asio;

// "https://host[:port]" or "wss://host[:port]" → a target; the CA file's contents if any.
Result<net::HttpsTarget> target_of(const std::string& url, const config::Connection& c,
                                   const std::string& what) {
  const auto u = boost::urls::parse_uri(url);
  if (!u || (u->scheme() != "https" && u->scheme() != "wss") || u->host().empty()) {
    return Status::invalid_argument(what + ": '" + url + "' is not an https:// or wss:// URL");
  }
  auto t = net::https_target(u->host(), u->has_port() ? std::string(u->port()) : "443");
  t.ca_pem = c.ca_pem;
  if (!c.ca_file.empty()) {
    auto pem = read_text(c.ca_file, what + " ca_file");
    if (!pem.ok()) return pem.status();
    t.ca_pem = *pem;
  }
  return t;
}

std::string path_of(const std::string& url) {
  const auto u = boost::urls::parse_uri(url);
  if (!u) return {};
  std::string path(u->encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

asio::awaitable<Result<brokers::dhan::SecurityMap>> load_dhan_securities(
    asio::io_context& io, config::Connection c,
    std::vector<domain::Instrument> engine_instruments) {
  auto target = target_of(c.scrip_master_url, c, "dhan scrip_master_url");
  if (!target.ok()) co_return target.status();
  net::HttpsClient http(io.get_executor(), *target, 1, std::chrono::seconds(60));
  net::HttpRequest request;
  request.target = path_of(c.scrip_master_url);
  auto response = co_await http.request(request);
  if (!response.ok()) co_return response.status();
  if (response->status != 200) {
    co_return Status(StatusCode::unavailable, "dhan scrip master " + c.scrip_master_url +
                                                  ": HTTP " + std::to_string(response->status));
  }
  auto master = brokers::dhan::parse_scrip_master(response->body);
  if (!master.ok()) co_return master.status();
  brokers::dhan::SecurityMap dhan(*master);
  if (engine_instruments.empty()) co_return dhan;  // Dhan's own names (a Dhan leader)
  co_return dhan.for_instruments(engine_instruments);
}

Result<std::unique_ptr<brokers::Gateway>> make_dhan_gateway(asio::io_context& io,
                                                            const std::string& account,
                                                            const config::Connection& c,
                                                            const SecretLookup& secret,
                                                            std::function<domain::TimeNs()> clock,
                                                            brokers::dhan::SecurityMap securities) {
  const std::string what = "dhan account " + account;
  auto rest = target_of(c.api_url, c, what + " api_url");
  if (!rest.ok()) return rest.status();
  auto stream = target_of(c.ws_url, c, what + " ws_url");
  if (!stream.ok()) return stream.status();
  rest->local_address = c.source_ip;
  const auto token = secret("dhan." + account + ".access_token");
  if (!token) {
    return Status(StatusCode::unauthenticated,
                  what + ": no access_token in the secrets file (tandem login dhan --account " +
                      account + ")");
  }
  brokers::dhan::DhanAccount a;
  a.rest = *rest;
  a.rest_path = path_of(c.api_url);
  a.stream = *stream;
  a.credentials = {account, *token};
  a.securities = std::move(securities);
  return std::unique_ptr<brokers::Gateway>(
      new brokers::dhan::DhanGateway(io.get_executor(), std::move(a), std::move(clock)));
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
    // Both come from the morning login, which stores the API key the first time it is given.
    return Status(StatusCode::unauthenticated,
                  what + ": no kite." + account + (!api_key ? ".api_key" : ".access_token") +
                      " in the secrets file (tandem login kite --account " + account +
                      (!api_key ? " --api-key KEY)" : ")"));
  }
  brokers::kite::KiteAccount a;
  a.rest = *rest;
  a.stream = *stream;
  a.credentials = {*api_key, *token};
  return std::unique_ptr<brokers::Gateway>(
      new brokers::kite::KiteGateway(io.get_executor(), a, std::move(clock)));
}

asio::awaitable<Result<std::unique_ptr<brokers::Gateway>>> make_leader_gateway(
    asio::io_context& io, asio::io_context& master_io, const config::LeaderConfig& lead,
    const SecretLookup& secret, std::function<domain::TimeNs()> clock) {
  std::optional<Result<std::unique_ptr<brokers::Gateway>>> made;
  if (lead.broker == domain::Broker::dhan) {
    auto master = co_await load_dhan_securities(master_io, lead.connection, {});
    if (!master.ok()) co_return master.status();
    made.emplace(make_dhan_gateway(io, lead.account, lead.connection, secret, std::move(clock),
                                   std::move(master).value()));
  } else {
    made.emplace(make_kite_gateway(io, lead.account, lead.connection, secret, std::move(clock)));
  }
  if (made->ok()) {
    brokers::Gateway& g = ***made;
    (void)co_await brokers::await_on<Status>(g.executor(), [&g] { return g.warm(); });
  }
  co_return std::move(*made);
}

}  // namespace tandem::app
