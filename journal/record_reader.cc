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
constexpr size_t kChunks = 8;
constexpr size_t kChunkRecords = 1024;

// A chunk's second stage — each record's own hash checked and its event decoded — is done
// by whichever thread gets to it first: the reader when it is ahead (no free chunk to fill),
// oldest chunk first, so the caller finds its next chunk done; the caller when it is (the
// next chunk is not started), and while it waits for the reader to finish its next chunk it
// takes the newest pending one, the one furthest from both. The two stages cost about as
// much as the caller's visit, but their share varies with the journal (decisions decode
// slower than acks) and the visitor (replay --verify's core work per record is the larger);
// letting either thread take a chunk keeps both cores busy.
enum class Work { pending, claimed, done };

struct Chunk {
  std::vector<Envelope> envelopes;  // reused: swapped with scan's, buffers and all
  std::vector<Record> records;      // each envelope decoded, reusing the slot's storage
  std::vector<Status> errors;       // per record: why it could not be checked or decoded
  size_t count = 0;
  Status status;  // set on the last chunk when the reader thread met an error
  bool last = false;
  Work work = Work::pending;  // GUARDED_BY(ChunkQueue::mu_) once the chunk is full
};

void check_and_decode(Chunk& c) {
  for (size_t i = 0; i < c.count; ++i) {
    const Envelope& e = c.envelopes[i];
    c.errors[i] = ChainChecker::check_contents(e);
    if (c.errors[i].ok()) c.errors[i] = decode_into(e, c.records[i]);
  }
}

// A bounded hand-off of chunks in both directions: full ones to the caller, empty ones back
// to the reader; and the claiming of each full chunk's second stage.
class ChunkQueue {
 public:
  ChunkQueue() {
    for (auto& c : storage_) {
      c.envelopes.resize(kChunkRecords);
      c.records.resize(kChunkRecords);
      c.errors.resize(kChunkRecords);
      free_.push_back(&c);
    }
  }

  // The reader: a free chunk to fill, doing pending chunks' second stage while it waits.
  // nullptr once stopped.
  Chunk* take_free() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (stopped_) return nullptr;
      if (!free_.empty()) {
        Chunk* c = free_.front();
        free_.pop_front();
        return c;
      }
      if (!help(lock, Order::oldest_first)) cv_.wait(lock);
    }
  }
  // The reader, after the last chunk: helps with what is pending, then returns.
  void help_until_none_pending() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_ && help(lock, Order::oldest_first)) {
    }
  }
  void give_full(Chunk* c) {
    std::lock_guard<std::mutex> lock(mu_);
    c->work = Work::pending;
    full_.push_back(c);
    cv_.notify_all();
  }

  // The caller: the next full chunk, its second stage done (here, if nobody has started it).
  Chunk* take_full() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty(); });
    Chunk* c = full_.front();
    full_.pop_front();
    while (c->work != Work::done) {
      if (c->work == Work::pending) {
        run(c, lock);
      } else if (!help(lock, Order::newest_first)) {
        cv_.wait(lock);  // woken as any chunk's second stage ends, or a full one arrives
      }
    }
    return c;
  }
  void give_free(Chunk* c) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(c);
    cv_.notify_all();
  }
  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  enum class Order { oldest_first, newest_first };
  // Runs one pending chunk's second stage, the oldest or the newest; false when none is
  // pending.
  bool help(std::unique_lock<std::mutex>& lock, Order order) {
    const auto pending = [](const Chunk* c) { return c->work == Work::pending; };
    Chunk* c = nullptr;
    if (order == Order::oldest_first) {
      const auto it = std::find_if(full_.begin(), full_.end(), pending);
      if (it != full_.end()) c = *it;
    } else {
      const auto it = std::find_if(full_.rbegin(), full_.rend(), pending);
      if (it != full_.rend()) c = *it;
    }
    if (c == nullptr) return false;
    run(c, lock);
    return true;
  }
  void run(Chunk* c, std::unique_lock<std::mutex>& lock) {
    c->work = Work::claimed;
    lock.unlock();
    check_and_decode(*c);
    lock.lock();
    c->work = Work::done;
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
  ChainChecker links(prev);  // each record's own hash: check_and_decode
  Chunk* chunk = queue.take_free();
  Status s = store.scan(range.from_seq, range.to_seq, [&](Envelope& e) {
    if (chunk == nullptr) return false;  // stopped
    Status c = links.check_link(e);
    if (!c.ok()) {
      chunk->status = c;
      return false;
    }
    std::swap(chunk->envelopes[chunk->count], e);  // scan reuses the slot's old buffer
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
  queue.help_until_none_pending();
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
      if (!chunk->errors[i].ok()) {
        result = chunk->errors[i];
        done = true;
      } else if (!visit(std::move(chunk->records[i]), chunk->envelopes[i].payload())) {
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
