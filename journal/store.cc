#include "journal/store.h"

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include "domain/base/assert.h"
#include "journal/chain_check.h"
#include "journal/key_format.h"

namespace tandem::journal {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLogCf = "log";
constexpr const char* kMetaCf = "meta";
constexpr const char* kDayCf = "day_index";
constexpr const char* kSnapshotCf = "snapshots";
constexpr const char* kFormatKey = "format";
constexpr const char* kFormatValue = "tandem-journal";
constexpr const char* kSchemaKey = "schema_version";
constexpr const char* kHeadSeqKey = "head_seq";
constexpr const char* kHeadHashKey = "head_hash";
// Present once the journal has a head anchor: from then on a missing anchor file is damage.
constexpr const char* kAnchoredKey = "anchored";
// Bounds on one group commit: enough to amortise a sync over many appenders, small enough
// that one group never holds the others back for long.
constexpr size_t kMaxGroupRecords = 4096;

Status from_rocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status();
  const std::string msg = what + ": " + s.ToString();
  if (s.IsCorruption()) return Status::corruption(msg);
  if (s.IsNotFound()) return Status::not_found(msg);
  if (s.IsInvalidArgument()) return Status::invalid_argument(msg);
  if (s.IsNotSupported()) return Status::unsupported(msg);
  return Status::io_error(msg);
}

// RocksDB's own log goes to standard error, warnings and errors only, instead of a LOG file in
// the journal. On a full disk that file's writer fails, and RocksDB 7.8's space-recovery
// thread then writes to it again and trips an assertion (the process aborted, exit 134).
class StderrInfoLog : public rocksdb::Logger {
 public:
  StderrInfoLog() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    std::fprintf(stderr, "rocksdb: %s\n", line);
  }
};

rocksdb::Options db_options() {
  static const auto info_log = std::make_shared<StderrInfoLog>();
  rocksdb::Options o;
  o.info_log = info_log;
  o.paranoid_checks = true;
  // A damaged write-ahead log is an error, not a tail to drop: only an incomplete last record
  // (a write cut short) is tolerated. A WAL that MANIFEST knows and the disk lacks is one too.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  o.track_and_verify_wals_in_manifest = true;
  o.max_background_jobs = 2;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // One RocksDB writer at a time (the group leader), so concurrent memtable writes buy
  // nothing; turning them off lets the log's sequential-insert hint take effect.
  o.allow_concurrent_memtable_write = false;
  return o;
}

}  // namespace

struct Store::Writer {
  std::span<const AppendItem> items;
  Durability durability = Durability::synced;
  std::vector<WordBytes> payloads;  // encoded by the caller's thread, outside the lock
  Status status;
  AppendResult result;
  bool done = false;  // GUARDED_BY(mu_)
  size_t slot = 0;    // which of wake_ this writer sleeps on
};

Store::Store(std::string dir) : dir_(std::move(dir)) {}

Store::~Store() {
  if (db_ == nullptr) return;
  if (mode_ == OpenMode::read_write) {
    // RocksDB keeps unflushed records only in its WAL on close; flushing them to SST files
    // here saves every later open from replaying that WAL into memory, and lets reads come
    // from compact blocks. A failure costs only that time: the WAL still holds the records.
    db_->Flush(rocksdb::FlushOptions(), handles_).PermitUncheckedError();
  }
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

Result<std::unique_ptr<Store>> Store::open(const std::string& dir, const StoreOptions& options) {
  std::error_code ec;
  if (options.mode == OpenMode::read_write && options.check_tail_records > 0 &&
      fs::exists(fs::path(dir) / "CURRENT", ec)) {
    // Check an existing journal through a read-only open first: a read-write open replays
    // RocksDB's WAL and rewrites files, and a damaged journal must be left exactly as it is.
    StoreOptions probe = options;
    probe.mode = OpenMode::read_only;
    Result<std::unique_ptr<Store>> checked = open(dir, probe);
    if (!checked.ok()) return checked.status();
  }
  if (options.mode == OpenMode::read_write && options.create_if_missing && !fs::exists(dir, ec)) {
    TANDEM_RETURN_IF_ERROR(create(dir));
  }
  std::unique_ptr<Store> store(new Store(dir));
  TANDEM_RETURN_IF_ERROR(store->open_db(options));
  TANDEM_RETURN_IF_ERROR(store->load_meta());
  if (options.check_tail_records > 0) {
    TANDEM_RETURN_IF_ERROR(store->check_tail(options.check_tail_records));
  }
  return store;
}

// A journal is created whole or not at all: RocksDB and the meta identity are written in a
// sibling directory that is renamed into place, so a crash during creation leaves no
// half-made journal at `dir` (only a `.creating` directory that the next attempt replaces).
Status Store::create(const std::string& dir) {
  const fs::path target = fs::absolute(fs::path(dir)).lexically_normal();
  const fs::path staging = target.string() + ".creating";
  std::error_code ec;
  fs::remove_all(staging, ec);
  // The staging directory exists before RocksDB opens it: RocksDB reads a missing directory
  // first and logs that as an [ERROR] on standard error, which an operator would take for one.
  fs::create_directories(staging, ec);
  if (ec) return Status::io_error("cannot create " + staging.string() + ": " + ec.message());
  {
    Store fresh(staging.string());
    StoreOptions options;
    options.create_if_missing = true;
    TANDEM_RETURN_IF_ERROR(fresh.open_db(options));
  }
  fs::rename(staging, target, ec);
  if (ec) return Status::io_error("cannot create journal " + dir + ": " + ec.message());
  // Make the rename itself durable.
  const int parent = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (parent < 0 || ::fsync(parent) != 0) {
    if (parent >= 0) ::close(parent);
    return Status::io_error("cannot sync " + target.parent_path().string());
  }
  ::close(parent);
  return Status();
}

Status Store::open_db(const StoreOptions& options) {
  mode_ = options.mode;
  std::error_code ec;
  const bool exists = fs::exists(dir_, ec);
  const bool has_db = exists && fs::exists(fs::path(dir_) / "CURRENT", ec);
  const bool create = options.create_if_missing && options.mode == OpenMode::read_write;
  if (!exists && !create) return Status::not_found("no journal at " + dir_);
  if (exists && !has_db) {
    if (!create) return Status::invalid_argument(dir_ + " is not a Tandem journal");
    if (!fs::is_empty(dir_, ec)) {
      return Status::invalid_argument(dir_ +
                                      " is not empty and is not a Tandem journal; refusing to "
                                      "create a journal inside it");
    }
  }

  rocksdb::Options o = db_options();
  const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, kLogCf, kMetaCf,
                                          kDayCf, kSnapshotCf};
  if (has_db) {
    std::vector<std::string> present;
    TANDEM_RETURN_IF_ERROR(
        from_rocks(rocksdb::DB::ListColumnFamilies(o, dir_, &present), "reading " + dir_));
    for (const auto& name : names) {
      if (std::find(present.begin(), present.end(), name) == present.end()) {
        return Status::invalid_argument(dir_ + " is not a Tandem journal (no column family '" +
                                        name + "')");
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& name : names) {
    rocksdb::ColumnFamilyOptions cf(o);
    if (name == kLogCf) {
      // Sequence keys only ever grow and share their top four bytes, so every memtable
      // insert can start from the previous one (RocksDB's insert-with-hint).
      cf.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(4));
      // Replay reads the log end to end; LZ4 decompresses about twice as fast as Snappy.
      cf.compression = rocksdb::kLZ4Compression;
    }
    cfs.emplace_back(name, cf);
  }

  // Read before RocksDB opens: a writer moves the anchor only after RocksDB holds the
  // records, so what is read here never runs ahead of what the open will find.
  if (has_db && options.mode != OpenMode::follower) {
    auto anchored = HeadAnchor::read(dir_);
    if (!anchored.ok()) return anchored.status();
    anchored_ = *anchored;
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  switch (options.mode) {
    case OpenMode::read_write:
      o.create_if_missing = create;
      o.create_missing_column_families = create && !has_db;
      s = rocksdb::DB::Open(o, dir_, cfs, &handles_, &raw);
      if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
        return Status::failed_precondition("journal " + dir_ +
                                           " is open for writing by another process");
      }
      break;
    case OpenMode::read_only:
      s = rocksdb::DB::OpenForReadOnly(o, dir_, cfs, &handles_, &raw);
      break;
    case OpenMode::follower:
      TANDEM_REQUIRE(!options.follower_dir.empty());
      o.max_open_files = -1;  // required by secondary instances
      s = rocksdb::DB::OpenAsSecondary(o, dir_, options.follower_dir, cfs, &handles_, &raw);
      break;
  }
  if (s.IsCorruption() && anchored_) return lost_past_damage(s, cfs);
  TANDEM_RETURN_IF_ERROR(from_rocks(s, "opening journal " + dir_));
  db_.reset(raw);
  log_cf_ = handles_[1];
  meta_cf_ = handles_[2];
  day_cf_ = handles_[3];
  snapshot_cf_ = handles_[4];

  if (!has_db) {
    // A fresh journal: write its identity once, durably.
    rocksdb::WriteBatch batch;
    const uint16_t v = kSchemaVersion;
    const char version[2] = {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
    TANDEM_ASSERT(batch.Put(meta_cf_, kFormatKey, kFormatValue).ok());
    TANDEM_ASSERT(batch.Put(meta_cf_, kSchemaKey, rocksdb::Slice(version, 2)).ok());
    TANDEM_ASSERT(batch.Put(meta_cf_, kHeadSeqKey, encode_u64_key(0)).ok());
    TANDEM_ASSERT(batch
                      .Put(meta_cf_, kHeadHashKey,
                           rocksdb::Slice(reinterpret_cast<const char*>(kGenesisHash.data()), 32))
                      .ok());
    TANDEM_ASSERT(batch.Put(meta_cf_, kAnchoredKey, "1").ok());
    rocksdb::WriteOptions wo;
    wo.sync = true;
    TANDEM_RETURN_IF_ERROR(from_rocks(db_->Write(wo, &batch), "initialising journal " + dir_));
    TANDEM_RETURN_IF_ERROR(HeadAnchor::create(dir_, {0, kGenesisHash}));
    anchored_ = AnchoredHead{0, kGenesisHash};
  }
  return Status();
}

// RocksDB refused its write-ahead log as damaged. What is lost, by sequence: a read-only
// open that stops at the damage (RocksDB's point-in-time recovery; it writes nothing) finds
// where the whole records end, and the anchor says where the journal ended.
Status Store::lost_past_damage(const rocksdb::Status& refused,
                               const std::vector<rocksdb::ColumnFamilyDescriptor>& cfs) const {
  const Status plain = from_rocks(refused, "opening journal " + dir_);
  rocksdb::Options o = db_options();
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(o, dir_, cfs, &handles, &raw).ok()) return plain;
  uint64_t whole = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), handles[1]));
    it->SeekToLast();
    if (it->Valid()) whole = decode_u64_key(it->key().ToStringView()).value_or(0);
  }
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete raw;
  if (whole >= anchored_->seq) return plain;
  return Status::corruption(plain.message() + ": its write-ahead log is damaged; records " +
                            std::to_string(whole + 1) + " to " + std::to_string(anchored_->seq) +
                            " are missing past the damage (the journal's head anchor says it "
                            "reached " +
                            std::to_string(anchored_->seq) + ")");
}

// The head RocksDB recovered against the anchor read before it opened (head_anchor.h).
Status Store::check_anchor(const Head& head) {
  if (mode_ == OpenMode::follower) return Status();  // the writer may be ahead of its view
  std::string flag;
  const bool anchored_journal =
      db_->Get(rocksdb::ReadOptions(), meta_cf_, kAnchoredKey, &flag).ok();
  if (!anchored_) {
    if (anchored_journal) {
      return Status::corruption("journal " + dir_ + ": its head anchor " + HeadAnchor::kFileName +
                                " is missing; records written last may be lost");
    }
    if (mode_ != OpenMode::read_write) return Status();  // older than anchors: anchored on write
    TANDEM_RETURN_IF_ERROR(HeadAnchor::create(dir_, {head.seq, head.hash}));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    TANDEM_RETURN_IF_ERROR(
        from_rocks(db_->Put(wo, meta_cf_, kAnchoredKey, "1"), "anchoring journal " + dir_));
    anchored_ = AnchoredHead{head.seq, head.hash};
  }
  if (head.seq < anchored_->seq) {
    return Status::corruption(
        "records " + std::to_string(head.seq + 1) + " to " + std::to_string(anchored_->seq) +
        " are missing: the journal's head anchor says it reached " +
        std::to_string(anchored_->seq) + ", its log ends at " + std::to_string(head.seq) +
        " (RocksDB's write-ahead log was damaged, truncated or deleted)");
  }
  if (anchored_->seq > 0) {
    std::string value;
    TANDEM_RETURN_IF_ERROR(from_rocks(
        db_->Get(rocksdb::ReadOptions(), log_cf_, encode_u64_key(anchored_->seq), &value),
        "reading record " + std::to_string(anchored_->seq) + " of " + dir_));
    Result<Envelope> env = decode_envelope(anchored_->seq, value);
    if (!env.ok()) return env.status();
    if (env->hash != anchored_->hash) {
      return Status::corruption("record " + std::to_string(anchored_->seq) +
                                ": hash differs from the journal's head anchor");
    }
  }
  if (mode_ == OpenMode::read_write) {
    auto anchor = HeadAnchor::open(dir_);
    if (!anchor.ok()) return anchor.status();
    anchor_.emplace(std::move(*anchor));
  }
  return Status();
}

Status Store::load_meta() {
  auto get = [&](const char* key, std::string* value) {
    return db_->Get(rocksdb::ReadOptions(), meta_cf_, key, value);
  };
  std::string format, version, head_seq, head_hash;
  if (!get(kFormatKey, &format).ok() || format != kFormatValue) {
    return Status::invalid_argument(dir_ + " is not a Tandem journal (no format marker)");
  }
  if (!get(kSchemaKey, &version).ok() || version.size() != 2) {
    return Status::corruption("journal " + dir_ + ": schema version missing from meta");
  }
  const uint16_t v = static_cast<uint16_t>((uint8_t(version[0]) << 8) | uint8_t(version[1]));
  if (v > kSchemaVersion) {
    return Status::unsupported("journal " + dir_ + " has schema version " + std::to_string(v) +
                               ", newer than this tandem's " + std::to_string(kSchemaVersion) +
                               "; upgrade tandem to read it");
  }
  const bool seq_ok = get(kHeadSeqKey, &head_seq).ok() && decode_u64_key(head_seq).has_value();
  if (!seq_ok || !get(kHeadHashKey, &head_hash).ok() || head_hash.size() != 32) {
    return Status::corruption("journal " + dir_ + ": head missing from meta");
  }
  Head head;
  head.seq = *decode_u64_key(head_seq);
  std::copy(head_hash.begin(), head_hash.end(), head.hash.begin());

  // The head must name the last record in the log, and that record must carry the head hash.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_cf_));
  it->SeekToLast();
  TANDEM_RETURN_IF_ERROR(from_rocks(it->status(), "reading journal " + dir_));
  const uint64_t last = it->Valid() ? decode_u64_key(it->key().ToStringView()).value_or(0) : 0;
  if (it->Valid() && last == 0) {
    return Status::corruption("journal " + dir_ + ": the log holds a key that is not a sequence");
  }
  if (last > head.seq) {
    return Status::corruption("record " + std::to_string(head.seq + 1) +
                              ": exists beyond the head " + std::to_string(head.seq) +
                              " recorded in meta");
  }
  if (last < head.seq) {
    return Status::corruption("record " + std::to_string(last + 1) +
                              ": missing (meta says the "
                              "journal ends at " +
                              std::to_string(head.seq) + ")");
  }
  if (head.seq > 0) {
    Result<Envelope> env = decode_envelope(head.seq, it->value().ToStringView());
    if (!env.ok()) return env.status();
    if (env->hash != head.hash) {
      return Status::corruption("record " + std::to_string(head.seq) +
                                ": hash differs from the head hash recorded in meta");
    }
  }
  TANDEM_RETURN_IF_ERROR(check_anchor(head));
  Result<std::map<domain::TradingDay, uint64_t>> known_days = days();
  if (!known_days.ok()) return known_days.status();
  std::lock_guard<std::mutex> lock(mu_);
  head_ = head;
  days_ = std::move(known_days).value();
  return Status();
}

Status Store::check_tail(uint64_t records) const {
  const Head h = head();
  if (h.seq == 0) return Status();
  const uint64_t from = h.seq > records ? h.seq - records + 1 : 1;
  ChainChecker checker(from == 1 ? std::optional<Hash>(kGenesisHash) : std::nullopt);
  Status bad;
  TANDEM_RETURN_IF_ERROR(scan(from, h.seq, [&](const Envelope& e) {
    bad = checker.check(e);
    return bad.ok();
  }));
  return bad;
}

Result<AppendResult> Store::append(std::span<const AppendItem> items, Durability durability) {
  TANDEM_REQUIRE(!items.empty());
  TANDEM_REQUIRE(mode_ == OpenMode::read_write);
  Writer w;
  w.items = items;
  w.durability = durability;
  w.payloads.reserve(items.size());
  for (const AppendItem& item : items) {
    if (!domain::is_valid_trading_day(item.trading_day)) {
      return Status::invalid_argument("append: trading day " + std::to_string(item.trading_day) +
                                      " is not a YYYYMMDD date");
    }
    w.payloads.push_back(encode_payload(item.event));
  }

  std::unique_lock<std::mutex> lock(mu_);
  if (!bg_error_.ok()) return bg_error_;
  w.slot = next_ticket_++ % kWakeSlots;
  writers_.push_back(&w);
  wake_[w.slot].wait(lock, [&] { return w.done || &w == writers_.front(); });
  if (w.done) {
    if (!w.status.ok()) return w.status;
    return w.result;
  }

  // This thread leads a group: everyone queued behind it, up to the bound.
  std::vector<Writer*> group;
  size_t records = 0;
  Durability durable = Durability::written;
  for (Writer* other : writers_) {
    if (!group.empty() && records + other->items.size() > kMaxGroupRecords) break;
    group.push_back(other);
    records += other->items.size();
    if (other->durability == Durability::synced) durable = Durability::synced;
  }
  Status s = bg_error_;
  if (s.ok()) {
    lock.unlock();  // others may queue up for the next group while this one syncs
    s = write_group(group, durable);
    lock.lock();
    if (!s.ok()) bg_error_ = s;  // fail closed: nothing more is written
  }
  std::vector<size_t> to_wake;
  to_wake.reserve(group.size() + 1);
  for (Writer* member : group) {
    TANDEM_ASSERT(writers_.front() == member);
    writers_.pop_front();
    member->status = s;
    member->done = true;
    if (member != &w) to_wake.push_back(member->slot);
  }
  // The next leader is woken first: the next group's sync is the critical path, the
  // finished members are not.
  if (!writers_.empty()) to_wake.insert(to_wake.begin(), writers_.front()->slot);
  lock.unlock();
  // After this point the members may already have returned; only the pool is touched.
  for (size_t slot : to_wake) wake_[slot].notify_all();
  appended_.notify_all();
  if (!s.ok()) return s;
  return w.result;
}

// Called by the group leader only, without mu_: head_ and days_ change only here (and
// head_ under mu_ at the end), so reading them unlocked is safe.
Status Store::write_group(std::vector<Writer*>& group, Durability durability) {
  rocksdb::WriteBatch batch;
  uint64_t seq = head_.seq;
  Hash prev = head_.hash;
  std::map<domain::TradingDay, uint64_t> new_days;
  for (Writer* w : group) {
    w->result.first_seq = seq + 1;
    for (size_t i = 0; i < w->items.size(); ++i) {
      const AppendItem& item = w->items[i];
      ++seq;
      const ChainHeader header{seq, item.recorded_at_ns, item.trading_day, item.schema_version,
                               static_cast<uint16_t>(domain::event_type(item.event))};
      const auto payload = w->payloads[i].bytes();
      const Hash hash = chain_hash(prev, header, payload);
      const std::string envelope = encode_envelope(header, payload, prev, hash);
      w->result.bytes += envelope.size();
      TANDEM_ASSERT(batch.Put(log_cf_, encode_u64_key(seq), envelope).ok());
      if (!days_.contains(item.trading_day) && !new_days.contains(item.trading_day)) {
        new_days.emplace(item.trading_day, seq);
        TANDEM_ASSERT(
            batch.Put(day_cf_, encode_day_key(item.trading_day), encode_u64_key(seq)).ok());
      }
      prev = hash;
    }
    w->result.last_seq = seq;
  }
  TANDEM_ASSERT(batch.Put(meta_cf_, kHeadSeqKey, encode_u64_key(seq)).ok());
  TANDEM_ASSERT(batch
                    .Put(meta_cf_, kHeadHashKey,
                         rocksdb::Slice(reinterpret_cast<const char*>(prev.data()), prev.size()))
                    .ok());
  rocksdb::WriteOptions wo;
  // Durable before any caller acts on it (DESIGN.md invariant 1). The anchor moves only with
  // a sync: it names a head that a power cut cannot take back.
  wo.sync = durability == Durability::synced;
  TANDEM_RETURN_IF_ERROR(from_rocks(db_->Write(wo, &batch), "appending to journal " + dir_));
  if (wo.sync) TANDEM_RETURN_IF_ERROR(anchor_->write({seq, prev}));
  days_.merge(new_days);
  std::lock_guard<std::mutex> lock(mu_);
  commit_stats_.records += seq - head_.seq;
  ++commit_stats_.groups;
  head_ = {seq, prev};
  return Status();
}

Store::CommitStats Store::commit_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commit_stats_;
}

Head Store::head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_;
}

Status Store::scan(uint64_t from_seq, uint64_t to_seq, const EnvelopeVisitor& visit) const {
  const uint64_t head_seq = head().seq;
  const uint64_t to = to_seq == 0 ? head_seq : std::min(to_seq, head_seq);
  const uint64_t from = std::max<uint64_t>(from_seq, 1);
  if (from > to) return Status();
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2u << 20;
  ro.fill_cache = false;  // a scan reads each block once; caching it would evict useful ones
  ro.verify_checksums = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_cf_));
  uint64_t expected = from;
  Envelope envelope;  // reused: decoding allocates only while its buffer grows
  for (it->Seek(encode_u64_key(from)); it->Valid() && expected <= to; it->Next(), ++expected) {
    const std::optional<uint64_t> key = decode_u64_key(it->key().ToStringView());
    if (!key.has_value() || *key != expected) {
      return Status::corruption("record " + std::to_string(expected) + ": missing" +
                                (key ? " (next stored record is " + std::to_string(*key) + ")"
                                     : std::string(" (a malformed key stands in its place)")));
    }
    TANDEM_RETURN_IF_ERROR(decode_envelope(expected, it->value().ToStringView(), envelope));
    if (!visit(envelope)) return Status();
  }
  TANDEM_RETURN_IF_ERROR(from_rocks(it->status(), "reading journal " + dir_));
  if (expected <= to) {
    return Status::corruption("record " + std::to_string(expected) +
                              ": missing (the log ends before the head " +
                              std::to_string(head_seq) + ")");
  }
  return Status();
}

Result<std::map<domain::TradingDay, uint64_t>> Store::days() const {
  std::map<domain::TradingDay, uint64_t> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), day_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto day = decode_day_key(it->key().ToStringView());
    const auto seq = decode_u64_key(it->value().ToStringView());
    if (!day || !seq) return Status::corruption("journal " + dir_ + ": malformed day index entry");
    out.emplace(*day, *seq);
  }
  TANDEM_RETURN_IF_ERROR(from_rocks(it->status(), "reading day index of " + dir_));
  return out;
}

Result<std::pair<uint64_t, uint64_t>> Store::day_range(domain::TradingDay day) const {
  Result<std::map<domain::TradingDay, uint64_t>> all = days();
  if (!all.ok()) return all.status();
  const auto it = all->find(day);
  if (it == all->end()) {
    return Status::not_found("journal " + dir_ + " holds no record of trading day " +
                             std::to_string(day));
  }
  const auto next = std::next(it);
  const uint64_t last = next == all->end() ? head().seq : next->second - 1;
  return std::pair(it->second, last);
}

Status Store::put_snapshot(uint64_t seq, std::span<const uint8_t> bytes) {
  TANDEM_REQUIRE(mode_ == OpenMode::read_write);
  TANDEM_REQUIRE(seq <= head().seq, seq);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const rocksdb::Slice value(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return from_rocks(db_->Put(wo, snapshot_cf_, encode_u64_key(seq), value),
                    "writing snapshot to journal " + dir_);
}

Result<std::optional<std::pair<uint64_t, std::string>>> Store::latest_snapshot(uint64_t seq) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), snapshot_cf_));
  it->SeekForPrev(encode_u64_key(seq));
  TANDEM_RETURN_IF_ERROR(from_rocks(it->status(), "reading snapshots of " + dir_));
  if (!it->Valid()) return std::optional<std::pair<uint64_t, std::string>>();
  const auto at = decode_u64_key(it->key().ToStringView());
  if (!at) return Status::corruption("journal " + dir_ + ": malformed snapshot key");
  return std::optional(std::pair(*at, it->value().ToString()));
}

Status Store::catch_up() {
  TANDEM_REQUIRE(mode_ == OpenMode::follower);
  TANDEM_RETURN_IF_ERROR(from_rocks(db_->TryCatchUpWithPrimary(), "following journal " + dir_));
  return load_meta();
}

bool Store::wait_for(uint64_t seq, int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  return appended_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [&] { return head_.seq >= seq; });
}

Status Store::checkpoint(const std::string& to) const {
  rocksdb::Checkpoint* raw = nullptr;
  TANDEM_RETURN_IF_ERROR(from_rocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // UINT64_MAX: never flush the memtable first (a read-only instance cannot); the log is
  // copied instead, and replayed when the copy is opened.
  const Head at = head();  // the copy holds at least this much
  TANDEM_RETURN_IF_ERROR(from_rocks(checkpoint->CreateCheckpoint(to, UINT64_MAX),
                                    "checkpoint of " + dir_ + " into " + to));
  return HeadAnchor::create(to, {at.seq, at.hash});
}

uint64_t Store::disk_bytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

}  // namespace tandem::journal
