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

Status for_each_csv_row(std::string_view csv, std::string_view what, const CsvRow& row) {
  std::string scratch;
  size_t line_no = 0;
  while (!csv.empty()) {
    const size_t end = csv.find('\n');
    std::string_view line = csv.substr(0, end);
    csv = end == std::string_view::npos ? std::string_view() : csv.substr(end + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const Status s = row(csv_fields(line, scratch));
    if (!s.ok()) {
      return Status(s.code(),
                    std::string(what) + " line " + std::to_string(line_no) + ": " + s.message());
    }
  }
  return Status();
}

}  // namespace tandem::brokers
