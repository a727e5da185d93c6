// A form body or query string's parameters, decoded, by Boost.URL. The text is copied first:
// Boost 1.81's parse_query reads its input's data() as a C string in places (strlen past the
// end of a view that is not NUL-terminated, found by the fuzz targets, tests/fuzz).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::net {

struct FormParam {
  std::string key;
  std::optional<std::string> value;  // nullopt: the key stood alone ("a&b=1" gives a)
};

// nullopt when the text is not a query string.
[[nodiscard]] std::optional<std::vector<FormParam>> parse_form(std::string_view text);

// Appends `key=value` to a form body or query string, the value percent-encoded (all but
// RFC 3986's unreserved characters), after a '&' unless `form` is empty.
void add_form_field(std::string& form, std::string_view key, std::string_view value);

}  // namespace tandem::net
