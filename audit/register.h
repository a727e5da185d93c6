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
#include <string>

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

struct ExportContent {
  uint64_t first_seq = 0, last_seq = 0;
  std::string last_hash;                    // hex chain hash of record last_seq
  std::map<std::string, uint64_t> records;  // records in the range, by event type
  std::map<std::string, ExportFile> files;  // by file name, e.g. "register-f1.csv"
};

// not_found when the journal has no record of those days, or the follower (or the leader) is
// unknown there.
[[nodiscard]] Result<ExportContent> build_export(const journal::Store& store,
                                                 const ExportRequest& request,
                                                 const journal::ReadProgress& progress = {});

[[nodiscard]] std::string_view to_string(Format format);  // "csv", "jsonl"

}  // namespace tandem::audit
