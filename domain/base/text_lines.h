// The lines of a small data file the shell hands the core as text (the holiday list, the
// freeze quantities): each line with its number, trailing spaces and CRs trimmed, blank lines
// and '#' comments skipped. Stops at the first line `visit` refuses and returns its Status.
#pragma once

#include <string_view>

#include "domain/base/status.h"

namespace tandem::domain {

template <class Visit>  // Status visit(std::string_view line, int line_no)
[[nodiscard]] Status for_each_data_line(std::string_view text, Visit visit) {
  int line_no = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (Status s = visit(line, line_no); !s.ok()) return s;
  }
  return Status();
}

}  // namespace tandem::domain
