#include "domain/instruments/freeze_limits.h"

#include <algorithm>
#include <charconv>

#include "domain/base/text_lines.h"

namespace tandem::domain {

Result<FreezeLimits> parse_freeze_limits(std::string_view text) {
  FreezeLimits out;
  Status read = for_each_data_line(text, [&](std::string_view line, int line_no) -> Status {
    const size_t space = line.find(' ');
    int64_t units = 0;
    const std::string_view number = space == std::string_view::npos ? "" : line.substr(space + 1);
    const auto parsed = std::from_chars(number.data(), number.data() + number.size(), units);
    if (space == 0 || number.empty() || parsed.ec != std::errc() ||
        parsed.ptr != number.data() + number.size() || units <= 0) {
      return Status::invalid_argument("freeze quantity list line " + std::to_string(line_no) +
                                      ": expected 'UNDERLYING UNITS', got '" + std::string(line) +
                                      "'");
    }
    out[std::string(line.substr(0, space))] = units;
    return Status();
  });
  if (!read.ok()) return read;
  return out;
}

int64_t freeze_units(const FreezeLimits& limits, const Instrument& i) {
  const int64_t lot = std::max<int64_t>(i.lot_size_units, 1);
  int64_t units = i.freeze_qty_units;
  if (units <= 0 && i.segment != Segment::equity) {
    const auto it = limits.find(i.underlying);
    if (it != limits.end()) units = it->second;
  }
  return units <= 0 ? 0 : units / lot * lot;
}

}  // namespace tandem::domain
