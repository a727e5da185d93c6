// Goal: read_records delivers every record of a range once, in order, decoded, with the
// chain checked — across chunk boundaries, from the middle of a journal, when stopped early,
// and it names the first damaged record, however the two threads shared the checking.
// Method: a 3,000-record journal (three reader chunks) on RocksDB; damage through RocksDB.
#include "journal/record_reader.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "journal/key_format.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::journal {
namespace {

constexpr uint64_t kRecords = 3000;

class RecordReader : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::open_store(dir_.path("j"));
    std::vector<AppendItem> batch;
    for (uint64_t i = 1; i <= kRecords; ++i) batch.push_back(testing::item(note(i)));
    ASSERT_TRUE(store_->append(batch).ok());
  }
  static domain::Event note(uint64_t i) {
    std::string text = "n";
    text += std::to_string(i);  // not "n" + …: GCC 12 -O3 warns falsely (-Wrestrict)
    return testing::note(text);
  }

  std::vector<Record> read(ReadRange range, Status* status, size_t stop_after = 0) {
    std::vector<Record> out;
    *status = read_records(*store_, range, [&](Record&& r) {
      out.push_back(std::move(r));
      return stop_after == 0 || out.size() < stop_after;
    });
    return out;
  }

  std::string get(uint64_t seq) {
    std::string v;
    EXPECT_TRUE(store_->TEST_db()
                    ->Get(rocksdb::ReadOptions(), store_->TEST_log_cf(), encode_u64_key(seq), &v)
                    .ok());
    return v;
  }
  void put(uint64_t seq, const std::string& v) {
    ASSERT_TRUE(store_->TEST_db()
                    ->Put(rocksdb::WriteOptions(), store_->TEST_log_cf(), encode_u64_key(seq), v)
                    .ok());
  }
  // Flips a bit of record `seq`'s payload: its own hash no longer matches.
  void edit(uint64_t seq) {
    std::string v = get(seq);
    v[v.size() - 10] ^= 0x20;
    put(seq, v);
  }
  // Replaces record `seq`'s event and re-hashes it: only the next record's link shows it.
  void forge(uint64_t seq) {
    put(seq, testing::forged_value(seq, get(seq), testing::note("forged")));
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RecordReader, ReadsEveryRecordInOrderAcrossChunks) {
  Status s;
  const auto records = read({1, 0}, &s);
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(records.size(), kRecords);
  for (uint64_t i = 0; i < kRecords; ++i) {
    EXPECT_EQ(records[i].seq, i + 1);
    EXPECT_EQ(records[i].event, note(i + 1));
  }
}

TEST_F(RecordReader, ReadsARangeFromTheMiddle) {
  Status s;
  const auto records = read({1500, 2600}, &s);
  ASSERT_TRUE(s.ok()) << s.to_string();
  ASSERT_EQ(records.size(), 1101u);
  EXPECT_EQ(records.front().seq, 1500u);
  EXPECT_EQ(records.back().seq, 2600u);
}

TEST_F(RecordReader, StopsWhenTheVisitorSaysSo) {
  Status s;
  const auto records = read({1, 0}, &s, 1500);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(records.size(), 1500u);
}

TEST_F(RecordReader, NamesTheFirstDamagedRecordAfterDeliveringThoseBefore) {
  std::string v;
  auto* db = store_->TEST_db();
  ASSERT_TRUE(
      db->Get(rocksdb::ReadOptions(), store_->TEST_log_cf(), encode_u64_key(2222), &v).ok());
  v[v.size() - 10] ^= 0x20;
  ASSERT_TRUE(
      db->Put(rocksdb::WriteOptions(), store_->TEST_log_cf(), encode_u64_key(2222), v).ok());
  Status s;
  const auto records = read({1, 0}, &s);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::corruption);
  EXPECT_NE(s.message().find("record 2222"), std::string::npos) << s.to_string();
  EXPECT_EQ(records.size(), 2221u);
}

TEST_F(RecordReader, FindsARehashedEditAtTheNextLink) {
  forge(2500);
  Status s;
  const auto records = read({1, 0}, &s);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("record 2501"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("chain broken"), std::string::npos) << s.to_string();
  ASSERT_EQ(records.size(), 2500u);
  EXPECT_EQ(records.back().event, testing::note("forged"));
}

// Links are checked as records are scanned, each record's own hash later and possibly on the
// other thread: the first damage in sequence order is still the one reported.
TEST_F(RecordReader, ReportsTheEarlierOfTwoDamagesWhicheverIsFoundFirst) {
  edit(1200);
  forge(2800);
  Status s;
  const auto records = read({1, 0}, &s);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("record 1200"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("edited"), std::string::npos) << s.to_string();
  EXPECT_EQ(records.size(), 1199u);
}

}  // namespace
}  // namespace tandem::journal
