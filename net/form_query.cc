#include "net/form_query.h"

#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace tandem::net {

std::optional<std::vector<FormParam>> parse_form(std::string_view text) {
  const std::string owned(text);  // NUL-terminated, as Boost 1.81 needs (form_query.h)
  auto params = boost::urls::parse_query(boost::urls::string_view(owned.data(), owned.size()));
  if (!params) return std::nullopt;
  std::vector<FormParam> out;
  for (const auto& p : *params) {
    out.push_back({p.key.decode(), p.has_value ? std::optional(p.value.decode()) : std::nullopt});
  }
  return out;
}

void add_form_field(std::string& form, std::string_view key, std::string_view value) {
  if (!form.empty()) form.push_back('&');
  form.append(key);
  form.push_back('=');
  form.append(boost::urls::encode(boost::urls::string_view(value.data(), value.size()),
                                  boost::urls::unreserved_chars));
}

}  // namespace tandem::net
