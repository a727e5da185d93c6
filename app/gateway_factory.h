// Building broker gateways from the configuration: the URLs and CA of a connection, the
// credentials from the secrets lookup. One place, for `tandem run`, `tandem demo` and
// `tandem check`. Errors name the account and what is missing; never a credential.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "brokers/dhan/scrip_master.h"
#include "brokers/gateway.h"
#include "config/tandem_config.h"
#include "net/https_client.h"

namespace tandem::app {

using SecretLookup = std::function<std::optional<std::string>(const std::string& name)>;

// "https://host[:port]" or "wss://host[:port]", with the connection's CA, as a target.
[[nodiscard]] Result<net::HttpsTarget> target_of(const std::string& url,
                                                 const config::Connection& c,
                                                 const std::string& what);

// The path part of a URL ("/v2" of https://api.dhan.co/v2); empty when none.
[[nodiscard]] std::string path_of(const std::string& url);

// Reads a Dhan scrip master over HTTPS (its URL from the connection) and keys it by the
// instruments the engine uses (the leader's): a Dhan follower of a Kite leader trades the
// same contracts under Dhan's security ids. With no engine instruments (a Dhan leader,
// whose names are the engine's), the whole master under Dhan's names. Runs on `io`'s thread.
[[nodiscard]] boost::asio::awaitable<Result<brokers::dhan::SecurityMap>> load_dhan_securities(
    boost::asio::io_context& io, config::Connection c,
    std::vector<domain::Instrument> engine_instruments);

// A Dhan gateway for `account` (its dhanClientId), the token from dhan.<account>.access_token.
[[nodiscard]] Result<std::unique_ptr<brokers::Gateway>> make_dhan_gateway(
    boost::asio::io_context& io, const std::string& account, const config::Connection& c,
    const SecretLookup& secret, std::function<domain::TimeNs()> clock,
    brokers::dhan::SecurityMap securities);

// A Kite gateway for `account`, credentials from kite.<account>.api_key / .access_token.
[[nodiscard]] Result<std::unique_ptr<brokers::Gateway>> make_kite_gateway(
    boost::asio::io_context& io, const std::string& account, const config::Connection& c,
    const SecretLookup& secret, std::function<domain::TimeNs()> clock);

// A leader's gateway, made for `io` (its thread) and warmed there; a Dhan leader's scrip
// master is read on `master_io` under Dhan's own names (the engine's, when it names them).
[[nodiscard]] boost::asio::awaitable<Result<std::unique_ptr<brokers::Gateway>>> make_leader_gateway(
    boost::asio::io_context& io, boost::asio::io_context& master_io,
    const config::LeaderConfig& lead, const SecretLookup& secret,
    std::function<domain::TimeNs()> clock);

}  // namespace tandem::app
