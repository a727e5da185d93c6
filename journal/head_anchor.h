// The head anchor: the journal's last durable sequence and hash, kept outside RocksDB in the
// file `tandem-head` beside it. RocksDB recovers from a damaged or truncated write-ahead log
// by dropping its tail, and the head in its own meta column family goes with it, so on its own
// a journal that lost records opens "cleanly". The anchor is written after every durable
// append and read before RocksDB opens; a journal whose records end before the anchor, or
// whose record at the anchor has another hash, has lost records and is refused.
//
// Format: two 64-byte slots, written in turn (a write torn by a power cut spoils only the slot
// being written; the other still holds the head before it). A slot: "TNDMHEAD", seq (u64 LE),
// hash (32 bytes), the first 8 bytes of SHA-256 of those 48 bytes, 8 zero bytes. Overwritten in
// place, so a write allocates nothing: it works on a full disk.
//
// Thread-safety: one writer (the journal's group leader); reading is for open only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/base/status.h"
#include "journal/codec.h"

namespace tandem::journal {

struct AnchoredHead {
  uint64_t seq = 0;
  Hash hash{};
};

class HeadAnchor {
 public:
  static constexpr const char* kFileName = "tandem-head";

  // Creates the file in `dir` holding `head` in both slots, synced (and the directory).
  static Status create(const std::string& dir, const AnchoredHead& head);
  // The newest valid slot of `dir`'s anchor; nullopt when there is no anchor file; corruption
  // when the file is there but neither slot is whole.
  static Result<std::optional<AnchoredHead>> read(const std::string& dir);
  // Opens `dir`'s anchor for writing.
  static Result<HeadAnchor> open(const std::string& dir);

  HeadAnchor(HeadAnchor&& other) noexcept;
  HeadAnchor& operator=(HeadAnchor&&) = delete;
  HeadAnchor(const HeadAnchor&) = delete;
  ~HeadAnchor();

  // Writes `head` into the next slot and syncs it.
  Status write(const AnchoredHead& head);

 private:
  HeadAnchor(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
  unsigned next_slot_ = 0;
};

}  // namespace tandem::journal
