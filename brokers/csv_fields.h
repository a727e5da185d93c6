// Splitting one line of a broker's CSV (Kite's instruments, Dhan's scrip master) into its
// fields, RFC 4180 quoting included (instrument names may hold commas).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"

namespace tandem::brokers {

// The fields of `line`. Unquoted fields are views into `line`; when any field is quoted,
// all are views into `scratch`, which must outlive them.
[[nodiscard]] std::vector<std::string_view> csv_fields(std::string_view line, std::string& scratch);

// Calls `row` with the fields of each non-empty line (CR-LF tolerated), in order, stopping
// at the first error it returns; that error comes back as "<what> line N: <its message>".
using CsvRow = std::function<Status(const std::vector<std::string_view>& fields)>;
[[nodiscard]] Status for_each_csv_row(std::string_view csv, std::string_view what,
                                      const CsvRow& row);

}  // namespace tandem::brokers
