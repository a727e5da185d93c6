// The journal store: an append-only, hash-chained log of records in RocksDB, the only file
// that talks to RocksDB (STYLE.md §3). Column families (DESIGN.md, Storage layout):
//   log        8-byte big-endian seq → envelope bytes
//   meta       "format", "schema_version", "head_seq", "head_hash"
//   day_index  4-byte big-endian YYYYMMDD → first seq of that trading day
//   snapshots  8-byte big-endian seq → serialized projection state
// A record, the new head and any new day index entry go in one WriteBatch (synced unless the
// appender said Durability::written), so the head in `meta` always names the last record
// that exists, even after a crash. The head is
// also anchored outside RocksDB (head_anchor.h), so a write-ahead log that lost records is
// refused instead of recovered without them.
//
// Thread-safety: append() may be called from any number of threads; concurrent appends are
// group-committed (one fdatasync serves every appender waiting at that moment, as LevelDB's
// DBImpl::Write does). After a failed write every later append fails (fail closed). Reads
// are safe concurrently with appends.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/base/status.h"
#include "domain/events.h"
#include "journal/codec.h"
#include "journal/head_anchor.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
struct ColumnFamilyDescriptor;
class Status;
}  // namespace rocksdb

namespace tandem::journal {

enum class OpenMode : uint8_t {
  read_write,  // the one writer; takes RocksDB's lock
  read_only,   // never writes a byte; sees the journal as of open
  follower,    // a read-only secondary that can catch up with a live writer (tail)
};

struct StoreOptions {
  OpenMode mode = OpenMode::read_write;
  bool create_if_missing = false;
  // Records at the head whose chain is checked on open; `verify` walks them all instead.
  uint64_t check_tail_records = 1024;
  // Directory for a follower's own metadata (OpenMode::follower only).
  std::string follower_dir;
};

struct AppendItem {
  domain::TimeNs recorded_at_ns = 0;
  domain::TradingDay trading_day = 0;
  domain::Event event;
  // The version the record was written under: this binary's, except when `journal import`
  // copies an older record as it was (its hash covers the version).
  uint16_t schema_version = kSchemaVersion;
};

// How durable an append is when append() returns.
enum class Durability : uint8_t {
  // fdatasync'd, and the head anchor moved (head_anchor.h): survives a power cut.
  synced,
  // In RocksDB's write-ahead log without a sync: it survives the process's death (the kernel
  // holds the bytes), not a power cut, until the next synced append, which syncs the log it
  // is in. For records that can be derived again from synced ones (DESIGN.md invariant 1:
  // the decisions and intents of a journaled input).
  written,
};

struct AppendResult {
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  uint64_t bytes = 0;  // the records' envelopes as stored (payloads, headers and hashes)
};

struct Head {
  uint64_t seq = 0;  // 0 for an empty journal
  Hash hash{};
};

class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens the journal in `dir`. Errors: not_found (no journal there), invalid_argument (the
  // directory is not a Tandem journal), unsupported (written by a newer schema), corruption
  // (the head and the log disagree, or the tail does not chain; names the first bad seq).
  static Result<std::unique_ptr<Store>> open(const std::string& dir, const StoreOptions& options);

  // Appends `items` as consecutive records and returns once they are as durable as asked.
  // REQUIRES: items is not empty; valid trading days. Thread-safe. A group of appenders is
  // synced when any of them asked for it.
  Result<AppendResult> append(std::span<const AppendItem> items,
                              Durability durability = Durability::synced);

  Head head() const;
  const std::string& dir() const { return dir_; }

  // Calls `visit` for each record envelope from `from_seq` to `to_seq` inclusive (0 = head),
  // in order, stopping early when it returns false. A missing sequence inside the range is
  // corruption naming it. Envelopes are shape-checked, not hash-checked (see ChainChecker).
  // The envelope is scan's buffer, reused for the next record; a visitor that keeps records
  // may swap it with one of its own instead of copying it.
  using EnvelopeVisitor = std::function<bool(Envelope&)>;
  Status scan(uint64_t from_seq, uint64_t to_seq, const EnvelopeVisitor& visit) const;

  // The trading days in the day index, each with its first sequence, in day order.
  Result<std::map<domain::TradingDay, uint64_t>> days() const;

  // The first and last sequence of one trading day, through the day index: from the day's
  // first record to the record before the next indexed day (or the head). not_found when
  // the journal holds no record of that day.
  Result<std::pair<uint64_t, uint64_t>> day_range(domain::TradingDay day) const;

  // Stores a snapshot of the state as of record `seq` (synced). REQUIRES: seq <= head.
  Status put_snapshot(uint64_t seq, std::span<const uint8_t> bytes);
  // The latest snapshot at or before `seq`: its sequence and bytes; nullopt when none.
  Result<std::optional<std::pair<uint64_t, std::string>>> latest_snapshot(uint64_t seq) const;

  // Follower mode: catches up with the writer; the head moves forward.
  Status catch_up();

  // Blocks until head().seq >= seq or `timeout_ms` passes; true when reached (same process).
  bool wait_for(uint64_t seq, int64_t timeout_ms) const;

  // Group commits so far and the records they wrote (mean batch size, for metrics).
  struct CommitStats {
    uint64_t groups = 0;
    uint64_t records = 0;
  };
  CommitStats commit_stats() const;

  // Writes a RocksDB checkpoint of the journal as this instance sees it into `to` (which
  // must not exist): hard links to the immutable table files where the filesystem allows,
  // copies otherwise, and a copy of the write-ahead log up to now (no flush, so it works on
  // a read-only instance beside a live writer). See journal/backup.h.
  Status checkpoint(const std::string& to) const;

  // Bytes on disk in the journal's SST files and WAL (an estimate, for stats).
  uint64_t disk_bytes() const;

  // Raw access for tests that tamper with the log on purpose.
  rocksdb::DB* TEST_db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* TEST_log_cf() { return log_cf_; }

 private:
  struct Writer;
  explicit Store(std::string dir);
  static Status create(const std::string& dir);
  Status open_db(const StoreOptions& options);
  Status load_meta();
  Status check_anchor(const Head& head);
  Status lost_past_damage(const rocksdb::Status& refused,
                          const std::vector<rocksdb::ColumnFamilyDescriptor>& cfs) const;
  Status check_tail(uint64_t records) const;
  Status write_group(std::vector<Writer*>& group, Durability durability);

  const std::string dir_;
  OpenMode mode_ = OpenMode::read_write;
  std::unique_ptr<rocksdb::DB> db_;
  // The head anchor as read before RocksDB opened (nullopt: no anchor file), and for the
  // writer, the file it keeps current (head_anchor.h).
  std::optional<AnchoredHead> anchored_;
  std::optional<HeadAnchor> anchor_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* log_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* day_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshot_cf_ = nullptr;

  // Waiters sleep on a condition variable from this pool (by ticket), not on one of their
  // own: the pool outlives every waiter, so a finished group can be woken after the lock is
  // released, and the woken threads do not pile up on a mutex the leader still holds.
  static constexpr size_t kWakeSlots = 256;

  mutable std::mutex mu_;
  mutable std::condition_variable appended_;
  std::array<std::condition_variable, kWakeSlots> wake_;
  uint64_t next_ticket_ = 0;                     // GUARDED_BY(mu_)
  std::deque<Writer*> writers_;                  // GUARDED_BY(mu_); front is the leader
  Status bg_error_;                              // GUARDED_BY(mu_); sticky after a failed write
  Head head_;                                    // GUARDED_BY(mu_)
  CommitStats commit_stats_;                     // GUARDED_BY(mu_)
  std::map<domain::TradingDay, uint64_t> days_;  // written only by the group leader
};

}  // namespace tandem::journal
