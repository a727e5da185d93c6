// Reading a request on the server side: a header by name (any case), and a decoded
// parameter of a query string or form body. The simulator's Kite and Dhan dialects and the
// operator's server use it.
#pragma once

#include <string>
#include <string_view>

#include "net/https_client.h"

namespace tandem::net {

[[nodiscard]] std::string_view header(const HttpRequest& r, std::string_view name);
// The decoded value of `key` in a query string or form body; empty when absent.
[[nodiscard]] std::string param(std::string_view query, std::string_view key);
// The query string of a request target ("" when none).
[[nodiscard]] std::string query_of(const std::string& target);

}  // namespace tandem::net
