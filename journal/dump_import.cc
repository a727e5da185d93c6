#include "journal/dump_import.h"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tandem::journal {

namespace {

namespace json = boost::json;

constexpr size_t kBatchRecords = 4096;

Result<uint64_t> uint_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Status::invalid_argument("has no \"" + std::string(key) + "\"");
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<uint64_t>(v->as_int64());
  return Status::invalid_argument("\"" + std::string(key) + "\" is not a whole number");
}

Result<std::string> string_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return Status::invalid_argument("has no string \"" + std::string(key) + "\"");
  }
  return std::string(v->as_string());
}

struct Line {
  ChainHeader header;
  std::string hash_hex;
  domain::Event event;
};

Result<Line> parse_line(const std::string& text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::invalid_argument("is not a JSON object");
  const json::object& o = v.as_object();
  Line line;
  auto seq = uint_field(o, "seq");
  auto at = uint_field(o, "recorded_at_ns");
  auto day = uint_field(o, "trading_day");
  auto version = uint_field(o, "schema_version");
  auto type_name = string_field(o, "type");
  auto hash = string_field(o, "hash");
  for (const Status& s : {seq.status(), at.status(), day.status(), version.status(),
                          type_name.status(), hash.status()}) {
    if (!s.ok()) return s;
  }
  auto type = event_type_named(*type_name);
  if (!type.ok()) return type.status();
  const json::value* event = o.if_contains("event");
  if (event == nullptr || !event->is_object()) {
    return Status::invalid_argument("has no \"event\" object");
  }
  auto decoded = event_from_json(*type, json::serialize(*event));
  if (!decoded.ok()) return decoded.status();
  line.header = {*seq, static_cast<domain::TimeNs>(*at), static_cast<domain::TradingDay>(*day),
                 static_cast<uint16_t>(*version), static_cast<uint16_t>(*type)};
  line.hash_hex = *hash;
  line.event = std::move(decoded).value();
  return line;
}

}  // namespace

Result<std::optional<AppendItem>> DumpChecker::check(const std::string& text) {
  ++line_no_;
  if (text.find_first_not_of(" \t\r") == std::string::npos) return std::optional<AppendItem>();
  const std::string where = "line " + std::to_string(line_no_) + ": ";
  auto line = parse_line(text);
  if (!line.ok()) return Status::invalid_argument(where + line.status().message());
  const ChainHeader& h = line->header;
  if (h.seq != records_ + 1) {
    return Status::invalid_argument(where + "holds seq " + std::to_string(h.seq) + ", expected " +
                                    std::to_string(records_ + 1));
  }
  if (h.schema_version < 1 || h.schema_version > kSchemaVersion) {
    return Status::unsupported(where + "schema version " + std::to_string(h.schema_version) +
                               ", this tandem reads 1 to " + std::to_string(kSchemaVersion));
  }
  const Hash hash = chain_hash(prev_, h, encode_payload(line->event).bytes());
  if (to_hex(hash) != line->hash_hex) {
    return Status::corruption(where + "seq " + std::to_string(h.seq) +
                              " does not re-create its recorded hash (the line was changed)");
  }
  prev_ = hash;
  ++records_;
  return std::optional<AppendItem>(
      AppendItem{h.recorded_at_ns, h.trading_day, std::move(line->event), h.schema_version});
}

Result<ImportReport> import_dump(std::istream& dump, Store& store) {
  if (store.head().seq != 0)
    return Status::invalid_argument("the journal to import into is not empty");
  DumpChecker checker;
  std::vector<AppendItem> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status();
    auto appended = store.append(batch);
    if (!appended.ok()) return appended.status();
    batch.clear();
    return Status();
  };
  std::string text;
  while (std::getline(dump, text)) {
    auto item = checker.check(text);
    if (!item.ok()) return item.status();
    if (!item->has_value()) continue;
    batch.push_back(std::move(**item));
    if (batch.size() == kBatchRecords) TANDEM_RETURN_IF_ERROR(flush());
  }
  TANDEM_RETURN_IF_ERROR(flush());
  if (store.head().hash != checker.head()) {
    return Status::corruption("the imported journal's head differs from the dump's last hash");
  }
  return ImportReport{checker.records(), checker.head()};
}

}  // namespace tandem::journal
