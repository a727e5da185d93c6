#include "domain/instruments/freeze_limits.h"

#include <algorithm>
#include <charconv>

namespace tandem::domain {

Result<FreezeLimits> parse_freeze_limits(std::string_view text) {
  FreezeLimits out;
  int line_no = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
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
  }
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
