// The compliance audit export's content (DESIGN.md, three jobs: audit): one trade register
// per follower — every leader event, each decision with every sizing input and its skip
// reason, the intent with its client tag, the broker's ack or rejection, each order update
// and fill — in journal order with IST and UTC times and each record's chain hash, plus a
// day summary. Built only from the journal (read with the chain checked), so the same
// range always gives the same bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/base/time.h"
#include "journal/record_reader.h"
#include "journal/store.h"

namespace tandem::audit {

enum class Format : uint8_t { csv, jsonl };

struct ExportRequest {
  domain::TradingDay from = 0;
  domain::TradingDay to = 0;
  std::optional<std::string> follower;  // only this follower's register
  // Only the registers of the followers' shares of this leader (`[[leader]]` name), each with
  // that leader's events only.
  std::optional<std::string> leader;
  Format format = Format::csv;
};

struct ExportFile {
  std::string bytes;
  uint64_t rows = 0;
};

// The records of one journal an export was built from.
struct JournalRange {
  uint64_t first_seq = 0, last_seq = 0;
  std::string last_hash;                    // hex chain hash of record last_seq
  std::map<std::string, uint64_t> records;  // records in the range, by event type
  std::vector<std::string> registers;       // the register files built from it
};

struct ExportContent {
  std::vector<JournalRange> journals;       // one; or each shard's, in the order given
  std::map<std::string, ExportFile> files;  // by file name, e.g. "register-f1.csv"
};

// not_found when the journal has no record of those days, or the follower (or the leader) is
// unknown there.
[[nodiscard]] Result<ExportContent> build_export(const journal::Store& store,
                                                 const ExportRequest& request,
                                                 const journal::ReadProgress& progress = {});

// build_export's content of one journal, even when the follower or leader asked for has no
// register there; registers_found() says not_found when none of `content`'s journals had one.
[[nodiscard]] Result<ExportContent> build_journal_export(const journal::Store& store,
                                                         const ExportRequest& request,
                                                         const journal::ReadProgress& progress);
[[nodiscard]] Status registers_found(const ExportContent& content, const ExportRequest& request);

// One export over several shards' journals of the same days (issue 28, docs/fleet.md): each
// follower's register from the shard that holds it, the day summary's rows of every shard
// in (day, follower) order, and each journal's range. invalid_argument when a follower's
// register is in two of them (a follower belongs to one shard); not_found when none holds
// the follower (or leader) asked for. With one journal, build_export's content.
[[nodiscard]] Result<ExportContent> build_export(std::span<const journal::Store* const> shards,
                                                 const ExportRequest& request,
                                                 const journal::ReadProgress& progress = {});

[[nodiscard]] std::string_view to_string(Format format);  // "csv", "jsonl"

}  // namespace tandem::audit
