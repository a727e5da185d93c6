// Splitting one line of a broker's CSV (Kite's instruments, Dhan's scrip master) into its
// fields, RFC 4180 quoting included (instrument names may hold commas).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tandem::brokers {

// The fields of `line`. Unquoted fields are views into `line`; when any field is quoted,
// all are views into `scratch`, which must outlive them.
[[nodiscard]] std::vector<std::string_view> csv_fields(std::string_view line, std::string& scratch);

}  // namespace tandem::brokers
