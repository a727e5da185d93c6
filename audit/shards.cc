// The audit export of a fleet's day (issue 28): the shards' exports as one, each follower's
// register from the shard that holds it.
#include <algorithm>

#include "audit/register.h"

namespace tandem::audit {

namespace {

std::vector<std::string> lines_of(std::string_view bytes) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < bytes.size()) {
    const size_t end = bytes.find('\n', at);
    const size_t stop = end == std::string_view::npos ? bytes.size() : end + 1;
    out.emplace_back(bytes.substr(at, stop - at));
    at = stop;
  }
  return out;
}

// The summaries of several shards as one: a CSV's header once, then every row in (day,
// follower) order. Each row starts with its trading day (eight digits) and its follower, and
// the character after a follower id (',' in CSV, '"' in JSON lines) sorts before every
// character an id may hold, so the rows sorted as text are sorted by (day, follower).
ExportFile merged_summary(const std::vector<const ExportFile*>& parts, Format format) {
  ExportFile out;
  std::vector<std::string> rows;
  for (const ExportFile* part : parts) {
    std::vector<std::string> lines = lines_of(part->bytes);
    auto body = lines.begin();
    if (format == Format::csv && body != lines.end()) {
      if (out.bytes.empty()) out.bytes = *body;
      ++body;
    }
    rows.insert(rows.end(), std::make_move_iterator(body), std::make_move_iterator(lines.end()));
  }
  std::sort(rows.begin(), rows.end());
  for (const std::string& row : rows) out.bytes += row;
  out.rows = rows.size();
  return out;
}

}  // namespace

Result<ExportContent> build_export(std::span<const journal::Store* const> shards,
                                   const ExportRequest& request,
                                   const journal::ReadProgress& progress) {
  if (shards.size() == 1) return build_export(*shards.front(), request, progress);
  const std::string summary_name = "summary." + std::string(to_string(request.format));
  ExportContent out;
  std::vector<ExportContent> parts;
  std::map<std::string, size_t> shard_of;  // register file → the journal it came from
  for (size_t k = 0; k < shards.size(); ++k) {
    auto part = build_journal_export(*shards[k], request, progress);
    if (!part.ok()) {
      return Status(part.status().code(),
                    "journal " + std::to_string(k + 1) + ": " + part.status().message());
    }
    for (const std::string& name : part->journals.front().registers) {
      if (const auto [at, fresh] = shard_of.emplace(name, k); !fresh) {
        return Status::invalid_argument(name + " is in journal " + std::to_string(at->second + 1) +
                                        " and journal " + std::to_string(k + 1) +
                                        ": a follower belongs to one shard");
      }
      out.files[name] = std::move(part->files.at(name));
    }
    out.journals.push_back(std::move(part->journals.front()));
    parts.push_back(std::move(*part));
  }
  TANDEM_RETURN_IF_ERROR(registers_found(out, request));
  std::vector<const ExportFile*> summaries;
  for (const ExportContent& part : parts) summaries.push_back(&part.files.at(summary_name));
  out.files[summary_name] = merged_summary(summaries, request.format);
  return out;
}

}  // namespace tandem::audit
