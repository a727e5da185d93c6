// Reading a request as the simulator's dialects need: a header by name (any case), and a
// decoded parameter of a query string or form body. Shared by the Kite and Dhan dialects.
#pragma once

#include <string>
#include <string_view>

#include "brokers/net/https_client.h"

namespace tandem::brokers::sim {

[[nodiscard]] std::string_view header(const net::HttpRequest& r, std::string_view name);
// The decoded value of `key` in a query string or form body; empty when absent.
[[nodiscard]] std::string param(std::string_view query, std::string_view key);
// The query string of a request target ("" when none).
[[nodiscard]] std::string query_of(const std::string& target);

}  // namespace tandem::brokers::sim
