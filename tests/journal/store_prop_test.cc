// Goal: whatever is appended is read back exactly, in order, with consecutive sequences and
// a chain that verifies — for one appender and for many concurrent ones (group commit).
// Method: RapidCheck generates batches of arbitrary events; each run uses a fresh journal.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <thread>

#include "journal/verify.h"
#include "tests/support/event_gen.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::journal {
namespace {

namespace d = ::tandem::domain;

rc::Gen<std::vector<AppendItem>> batch_gen() {
  return rc::gen::map(
      rc::gen::resize(8, rc::gen::nonEmpty(rc::gen::arbitrary<std::vector<d::Event>>())),
      [](std::vector<d::Event> events) {
        std::vector<AppendItem> batch;
        for (auto& e : events) batch.push_back(testing::item(std::move(e)));
        return batch;
      });
}

RC_GTEST_PROP(StoreProp, SequentialBatchesReadBackExactly, ()) {
  const auto batches =
      *rc::gen::resize(12, rc::gen::container<std::vector<std::vector<AppendItem>>>(batch_gen()));
  testing::TempDir dir;
  std::vector<d::Event> expected;
  {
    auto store = testing::open_store(dir.path("j"));
    uint64_t next = 1;
    for (const auto& batch : batches) {
      auto r = store->append(batch);
      RC_ASSERT(r.ok());
      RC_ASSERT(r->first_seq == next);
      RC_ASSERT(r->last_seq == next + batch.size() - 1);
      next = r->last_seq + 1;
      for (const auto& i : batch) expected.push_back(i.event);
    }
  }
  auto store = testing::open_store(dir.path("j"), false, OpenMode::read_only);
  const auto records = testing::read_all(*store);
  RC_ASSERT(records.size() == expected.size());
  for (size_t i = 0; i < records.size(); ++i) {
    RC_ASSERT(records[i].seq == i + 1);
    RC_ASSERT(records[i].event == expected[i]);
  }
  RC_ASSERT(verify_journal(*store).ok());
}

// Each thread's appends land whole (an append's records are consecutive), in the thread's
// own order, and nothing else is in the journal.
RC_GTEST_PROP(StoreProp, ConcurrentAppendersAreGroupCommittedWithoutLoss, ()) {
  const int threads = *rc::gen::inRange(2, 9);
  const int appends_each = *rc::gen::inRange(1, 30);
  testing::TempDir dir;
  auto store = testing::open_store(dir.path("j"));
  std::vector<std::vector<AppendResult>> results(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int k = 0; k < appends_each; ++k) {
        std::vector<AppendItem> batch;
        for (int j = 0; j <= k % 3; ++j) {
          batch.push_back(testing::item(testing::note(std::to_string(t) + ":" + std::to_string(k) +
                                                      ":" + std::to_string(j))));
        }
        auto r = store->append(batch);
        if (r.ok()) results[t].push_back(*r);
      }
    });
  }
  for (auto& th : pool) th.join();
  const auto records = testing::read_all(*store);
  size_t total = 0;
  for (int t = 0; t < threads; ++t) {
    RC_ASSERT(results[t].size() == static_cast<size_t>(appends_each));
    uint64_t last = 0;
    for (int k = 0; k < appends_each; ++k) {
      const AppendResult& r = results[t][k];
      RC_ASSERT(r.first_seq > last);
      last = r.last_seq;
      RC_ASSERT(r.last_seq - r.first_seq == static_cast<uint64_t>(k % 3));
      for (uint64_t s = r.first_seq; s <= r.last_seq; ++s) {
        const std::string want =
            std::to_string(t) + ":" + std::to_string(k) + ":" + std::to_string(s - r.first_seq);
        RC_ASSERT(records.at(s - 1).event == testing::note(want));
        ++total;
      }
    }
  }
  RC_ASSERT(records.size() == total);
  RC_ASSERT(verify_journal(*store).ok());
}

}  // namespace
}  // namespace tandem::journal
