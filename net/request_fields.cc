#include "net/request_fields.h"

#include <algorithm>
#include <cctype>

#include "net/form_query.h"

namespace tandem::net {

std::string_view header(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (std::equal(k.begin(), k.end(), name.begin(), name.end(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

std::string param(std::string_view query, std::string_view key) {
  auto params = parse_form(query);
  if (!params) return {};
  for (const auto& p : *params) {
    if (p.key == key) return p.value.value_or("");
  }
  return {};
}

std::string query_of(const std::string& target) {
  const size_t q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

}  // namespace tandem::net
