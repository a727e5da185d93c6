#include "brokers/csv_fields.h"

namespace tandem::brokers {

std::vector<std::string_view> csv_fields(std::string_view line, std::string& scratch) {
  std::vector<std::string_view> out;
  if (line.find('"') == std::string_view::npos) {
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i == line.size() || line[i] == ',') {
        out.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    }
    return out;
  }
  // Rare path: quoted fields, unquoted into `scratch` (reserved so views stay valid).
  scratch.clear();
  scratch.reserve(line.size());
  std::vector<std::pair<size_t, size_t>> spans;
  size_t begin = 0;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        scratch.push_back('"');
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == ',' && !quoted) {
      spans.emplace_back(begin, scratch.size() - begin);
      begin = scratch.size();
    } else {
      scratch.push_back(c);
    }
  }
  spans.emplace_back(begin, scratch.size() - begin);
  for (const auto& [b, n] : spans) out.push_back(std::string_view(scratch).substr(b, n));
  return out;
}

}  // namespace tandem::brokers
