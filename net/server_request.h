// A request as the HTTP server hands it to its handler: what Beast parsed, copied into an
// HttpRequest. `parse_request` reads one from raw bytes with the parser the server's reads
// use (Beast's defaults: 8 KiB of header, 1 MiB of body), which is how the fuzz target
// (tests/fuzz) reaches exactly what a socket would.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

#include "domain/base/status.h"
#include "net/https_client.h"

namespace tandem::net {

[[nodiscard]] HttpRequest request_from(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    std::string remote_address);

// One whole request from `bytes`; invalid_argument when Beast refuses them or they end
// before the request does.
[[nodiscard]] Result<HttpRequest> parse_request(std::string_view bytes);

}  // namespace tandem::net
