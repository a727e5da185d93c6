#include "app/operator_access.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "crypto/sha256.h"

namespace tandem::app {

namespace {

bool same_text_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// The name part of a Host header: "[::1]:8780" → "::1", "desk.lan:8780" → "desk.lan".
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    const size_t close = host.find(']');
    return close == std::string_view::npos ? std::string_view() : host.substr(1, close - 1);
  }
  return host.substr(0, host.find(':'));
}

std::string base64(std::span<const uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// The text between the page's first <script> and </script>.
std::string_view inline_script(std::string_view page) {
  const size_t open = page.find("<script>");
  const size_t close = page.find("</script>");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return page.substr(open + 8, close - open - 8);
}

}  // namespace

bool host_allowed(std::string_view host, const std::vector<std::string>& names) {
  const std::string_view name = host_name(host);
  if (name.empty()) return false;
  // After the name only a port: the Host goes into the page's policy header.
  const std::string_view port = host.substr(host.starts_with('[') ? name.size() + 2 : name.size());
  if (!port.empty()) {
    if (!port.starts_with(':') || port.size() < 2 || port.size() > 6) return false;
    if (port.find_first_not_of("0123456789", 1) != std::string_view::npos) return false;
    if (std::stoul(std::string(port.substr(1))) > 65535) return false;
  }
  if (same_text_ignoring_case(name, "localhost")) return true;
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(name), ec);
  if (!ec) return true;
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return same_text_ignoring_case(name, n); });
}

bool same_origin(std::string_view origin, std::string_view host) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.starts_with(scheme) && same_text_ignoring_case(origin.substr(scheme.size()), host)) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> bearer_token(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer) || authorization.size() == kBearer.size()) {
    return std::nullopt;
  }
  return std::string(authorization.substr(kBearer.size()));
}

std::optional<std::string> websocket_token(std::string_view protocols) {
  constexpr std::string_view kBearer = "bearer.";
  while (!protocols.empty()) {
    const size_t comma = protocols.find(',');
    std::string_view one = protocols.substr(0, comma);
    while (one.starts_with(' ')) one.remove_prefix(1);
    while (one.ends_with(' ')) one.remove_suffix(1);
    if (one.starts_with(kBearer)) return crypto::from_hex(one.substr(kBearer.size()));
    if (comma == std::string_view::npos) break;
    protocols.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

std::string page_security_policy(std::string_view page, std::string_view host) {
  crypto::Sha256 sha;
  sha.update(inline_script(page));
  const crypto::Digest digest = sha.finish();
  // Styles may be inline (the page sets a few style attributes); scripts may not.
  return "default-src 'none'; script-src 'sha256-" + base64(digest) +
         "'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://" +
         std::string(host) + " wss://" + std::string(host) +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

std::string random_access_token() {
  std::array<uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return "";
  return crypto::to_hex(bytes);
}

}  // namespace tandem::app
