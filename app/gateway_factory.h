// Building broker gateways from the configuration: the URLs and CA of a connection, the
// credentials from the secrets lookup. One place, for `tandem run`, `tandem demo` and
// `tandem check`. Errors name the account and what is missing; never a credential.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "brokers/gateway.h"
#include "brokers/net/https_client.h"
#include "config/tandem_config.h"

namespace tandem::app {

using SecretLookup = std::function<std::optional<std::string>(const std::string& name)>;

// "https://host[:port]" or "wss://host[:port]", with the connection's CA, as a target.
[[nodiscard]] Result<brokers::net::HttpsTarget> target_of(const std::string& url,
                                                          const config::Connection& c,
                                                          const std::string& what);

// A Kite gateway for `account`, credentials from kite.<account>.api_key / .access_token.
[[nodiscard]] Result<std::unique_ptr<brokers::Gateway>> make_kite_gateway(
    boost::asio::io_context& io, const std::string& account, const config::Connection& c,
    const SecretLookup& secret, std::function<domain::TimeNs()> clock);

}  // namespace tandem::app
