// Who may use the operator's server (docs/api.md "Access"). Three checks, each against a
// different attack:
// - the token, in an Authorization header (a WebSocket, which a browser cannot give headers,
//   offers it as a subprotocol): a page elsewhere cannot add either to its requests;
// - the Host header names this server (an IP address, localhost, or a configured name): a
//   DNS name rebound to 127.0.0.1 does not;
// - an Origin, when the browser sends one, is the Host's own: no other site's page.
// Never a query parameter: a URL ends up in histories, proxies and referrers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::app {

// `host` is a Host header ("127.0.0.1:8780", "[::1]:8780", "localhost:8780", "desk.lan").
bool host_allowed(std::string_view host, const std::vector<std::string>& names);

// `origin` is the Origin header of a request whose Host header was `host`.
bool same_origin(std::string_view origin, std::string_view host);

// The token of "Authorization: Bearer TOKEN".
std::optional<std::string> bearer_token(std::string_view authorization);

// The token a WebSocket offers in Sec-WebSocket-Protocol: "tandem, bearer.HEX" with the
// token's bytes in hex (a subprotocol allows only a few characters).
std::optional<std::string> websocket_token(std::string_view protocols);

// The page's Content-Security-Policy: its one inline script allowed by its SHA-256, nothing
// loaded from elsewhere, no framing, and connections back to `host` only.
std::string page_security_policy(std::string_view page, std::string_view host);

// A fresh random access token (128 bits, hex); empty when the system has no randomness.
std::string random_access_token();

}  // namespace tandem::app
