// Small helpers shared by the journal tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "journal/chain_check.h"
#include "journal/codec.h"
#include "journal/hash_chain.h"
#include "journal/store.h"

namespace tandem::testing {

inline constexpr domain::TradingDay kDay = 20261120;

inline journal::AppendItem item(domain::Event event, domain::TradingDay day = kDay,
                                domain::TimeNs at = 1'795'146'300'000'000'000) {
  return journal::AppendItem{at, day, std::move(event)};
}

inline domain::Event note(const std::string& reason) { return domain::EngineStopped{reason}; }

inline std::unique_ptr<journal::Store> open_store(
    const std::string& dir, bool create = true,
    journal::OpenMode mode = journal::OpenMode::read_write) {
  journal::StoreOptions options;
  options.create_if_missing = create;
  options.mode = mode;
  auto store = journal::Store::open(dir, options);
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  return store.ok() ? std::move(store).value() : nullptr;
}

// The stored value of record `seq` with its event replaced by `event` and its own hash
// recomputed, as a careful forger would write it: only the next record's link shows it.
inline std::string forged_value(uint64_t seq, const std::string& stored,
                                const domain::Event& event) {
  auto env = journal::decode_envelope(seq, stored);
  EXPECT_TRUE(env.ok()) << env.status().to_string();
  if (!env.ok()) return stored;
  const journal::WordBytes payload = journal::encode_payload(event);
  const journal::Hash h = journal::chain_hash(env->prev_hash, env->header, payload.bytes());
  return journal::encode_envelope(env->header, payload.bytes(), env->prev_hash, h);
}

// Every record, decoded and chain-checked from seq 1.
inline std::vector<journal::Record> read_all(const journal::Store& store) {
  std::vector<journal::Record> out;
  journal::ChainChecker checker(journal::kGenesisHash);
  Status s = store.scan(1, 0, [&](const journal::Envelope& e) {
    Status c = checker.check(e);
    EXPECT_TRUE(c.ok()) << c.to_string();
    auto record = journal::to_record(e);
    EXPECT_TRUE(record.ok()) << record.status().to_string();
    if (record.ok()) out.push_back(std::move(record).value());
    return c.ok() && record.ok();
  });
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

// A new journal in `dir` holding `events`, all on trading day `day`, in one append.
inline std::unique_ptr<journal::Store> journal_of(const std::string& dir,
                                                  const std::vector<domain::Event>& events,
                                                  domain::TradingDay day = kDay) {
  auto store = open_store(dir);
  std::vector<journal::AppendItem> items;
  for (const auto& e : events) items.push_back(item(e, day));
  EXPECT_TRUE(store->append(items).ok());
  return store;
}

}  // namespace tandem::testing
