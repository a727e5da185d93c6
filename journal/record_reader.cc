#include "journal/record_reader.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/base/assert.h"
#include "journal/chain_check.h"

namespace tandem::journal {

namespace {

// Bounds: at most kChunks × kChunkRecords envelopes are in flight between the two threads.
constexpr size_t kChunks = 4;
constexpr size_t kChunkRecords = 1024;

struct Chunk {
  std::vector<Envelope> envelopes;      // reused: copies into them keep their buffers' capacity
  std::vector<Result<Record>> records;  // each envelope decoded, by the reader thread too
  size_t count = 0;
  Status status;  // set on the last chunk when the reader thread met an error
  bool last = false;
};

// A bounded hand-off of chunks in both directions: full ones to the decoder, empty ones
// back to the reader.
class ChunkQueue {
 public:
  ChunkQueue() {
    for (auto& c : storage_) {
      c.envelopes.resize(kChunkRecords);
      c.records.resize(kChunkRecords, Status::failed_precondition("not read"));
      free_.push_back(&c);
    }
  }
  Chunk* take_free() { return pop(free_); }
  void give_free(Chunk* c) { push(free_, c); }
  Chunk* take_full() { return pop(full_); }
  void give_full(Chunk* c) { push(full_, c); }
  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  Chunk* pop(std::deque<Chunk*>& q) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !q.empty() || stopped_; });
    if (stopped_) return nullptr;
    Chunk* c = q.front();
    q.pop_front();
    return c;
  }
  void push(std::deque<Chunk*>& q, Chunk* c) {
    std::lock_guard<std::mutex> lock(mu_);
    q.push_back(c);
    cv_.notify_all();
  }

  std::array<Chunk, kChunks> storage_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk*> free_;  // GUARDED_BY(mu_)
  std::deque<Chunk*> full_;  // GUARDED_BY(mu_)
  bool stopped_ = false;     // GUARDED_BY(mu_)
};

// The hash the chain is anchored at: the genesis hash, or that of record seq - 1.
Result<Hash> anchor(const Store& store, uint64_t from_seq) {
  if (from_seq <= 1) return kGenesisHash;
  std::optional<Hash> hash;
  Status bad;
  TANDEM_RETURN_IF_ERROR(store.scan(from_seq - 1, from_seq - 1, [&](const Envelope& e) {
    if (!e.hash_matches()) {
      bad = Status::corruption("record " + std::to_string(e.header.seq) +
                               ": hash does not match the record's contents (edited)");
    }
    hash = e.hash;
    return false;
  }));
  TANDEM_RETURN_IF_ERROR(bad);
  if (!hash) return Status::not_found("record " + std::to_string(from_seq - 1) + " not found");
  return *hash;
}

void read_ahead(const Store& store, ReadRange range, Hash prev, ChunkQueue& queue) {
  ChainChecker checker(prev);
  Chunk* chunk = queue.take_free();
  Status s = store.scan(range.from_seq, range.to_seq, [&](const Envelope& e) {
    if (chunk == nullptr) return false;  // stopped
    Status c = checker.check(e);
    if (!c.ok()) {
      chunk->status = c;
      return false;
    }
    chunk->envelopes[chunk->count] = e;
    // Decoded here too: the two threads then share the work about evenly (the caller's
    // visit is the other half).
    chunk->records[chunk->count] = to_record(e, HashCheck::already_done);
    ++chunk->count;
    if (chunk->count == kChunkRecords) {
      queue.give_full(chunk);
      chunk = queue.take_free();
      if (chunk != nullptr) chunk->count = 0;
    }
    return true;
  });
  if (chunk == nullptr) return;
  if (chunk->status.ok()) chunk->status = s;
  chunk->last = true;
  queue.give_full(chunk);
}

}  // namespace

Result<ReadRange> days_range(const Store& store, domain::TradingDay from, domain::TradingDay to) {
  auto days = store.days();
  if (!days.ok()) return days.status();
  ReadRange out{0, 0};
  for (const auto& [day, seq] : *days) {
    if (day < from || day > to) continue;
    auto range = store.day_range(day);
    if (!range.ok()) return range.status();
    if (out.from_seq == 0) out.from_seq = range->first;
    out.to_seq = range->second;
  }
  if (out.from_seq == 0) return Status::not_found("the journal has no record of those days");
  return out;
}

Status read_records(const Store& store, ReadRange range, const std::function<bool(Record&&)>& visit,
                    const ReadProgress& progress) {
  return read_records_with_payload(
      store, range, [&](Record&& r, std::span<const uint8_t>) { return visit(std::move(r)); },
      progress);
}

Status read_records_with_payload(const Store& store, ReadRange range, const PayloadVisitor& visit,
                                 const ReadProgress& progress) {
  Result<Hash> prev = anchor(store, range.from_seq);
  if (!prev.ok()) return prev.status();
  const uint64_t first = std::max<uint64_t>(range.from_seq, 1);
  const uint64_t last = range.to_seq == 0 ? store.head().seq : range.to_seq;
  const uint64_t total = last >= first ? last - first + 1 : 0;
  uint64_t records_done = 0;
  ChunkQueue queue;
  std::thread reader([&] { read_ahead(store, range, *prev, queue); });
  Status result;
  for (bool done = false; !done;) {
    Chunk* chunk = queue.take_full();
    TANDEM_ASSERT(chunk != nullptr);  // only this thread stops the queue
    for (size_t i = 0; i < chunk->count && !done; ++i) {
      Result<Record>& record = chunk->records[i];
      if (!record.ok()) {
        result = record.status();
        done = true;
      } else if (!visit(std::move(record).value(), chunk->envelopes[i].payload())) {
        done = true;
      }
    }
    records_done += chunk->count;
    if (progress) progress(std::min(records_done, total), total);
    if (chunk->last) {
      if (result.ok()) result = chunk->status;
      done = true;
    }
    chunk->count = 0;
    chunk->last = false;
    chunk->status = Status();
    queue.give_free(chunk);
  }
  queue.stop();
  reader.join();
  return result;
}

}  // namespace tandem::journal
