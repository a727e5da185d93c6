// Goal: `verify` finds any edited, removed, reordered or truncated record, or one from a
// newer schema, and names the first bad sequence (DESIGN.md invariant 5); opening a damaged
// journal fails with the same precision and leaves its files untouched.
// Method: build a 20-record journal, damage it directly through RocksDB, verify read-only.
#include <capnp/message.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>

#include "journal/key_format.h"
#include "journal/schema/envelope.capnp.h"
#include "journal/verify.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::journal {
namespace {

constexpr uint64_t kRecords = 20;

class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::open_store(path());
    std::vector<AppendItem> batch;
    for (uint64_t i = 1; i <= kRecords; ++i) {
      batch.push_back(testing::item(testing::note("record " + std::to_string(i)),
                                    i <= 10 ? 20261119 : 20261120));
    }
    ASSERT_TRUE(store->append(batch).ok());
  }

  std::string path() const { return dir_.path("j"); }

  // Runs `edit` against the raw database of the journal, then closes it.
  template <class Edit>
  void tamper(Edit edit) {
    StoreOptions options;
    options.check_tail_records = 0;
    auto store = Store::open(path(), options);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    edit((*store)->TEST_db(), (*store)->TEST_log_cf());
  }

  std::string get(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, uint64_t seq) {
    std::string value;
    EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), cf, encode_u64_key(seq), &value).ok());
    return value;
  }
  void put(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, uint64_t seq, const std::string& v) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), cf, encode_u64_key(seq), v).ok());
  }

  VerifyReport verify_read_only() {
    StoreOptions options;
    options.mode = OpenMode::read_only;
    options.check_tail_records = 0;
    auto store = Store::open(path(), options);
    if (!store.ok()) {
      VerifyReport r;
      r.status = store.status();
      return r;
    }
    return verify_journal(**store);
  }

  testing::TempDir dir_;
};

TEST_F(Tamper, UntouchedJournalVerifies) {
  const VerifyReport r = verify_read_only();
  EXPECT_TRUE(r.ok()) << r.status.to_string();
  EXPECT_EQ(r.records_checked, kRecords);
}

TEST_F(Tamper, FlippedByteIsFoundAtItsSequence) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::string v = get(db, cf, 7);
    v[v.size() - 12] ^= 0x01;  // inside the payload text
    put(db, cf, 7, v);
  });
  const VerifyReport r = verify_read_only();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_seq, 7u) << r.status.to_string();
  EXPECT_NE(r.status.message().find("record 7"), std::string::npos);
}

TEST_F(Tamper, DeletedRecordIsFoundAtItsSequence) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), cf, encode_u64_key(7)).ok());
  });
  const VerifyReport r = verify_read_only();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_seq, 7u) << r.status.to_string();
  EXPECT_NE(r.status.message().find("missing"), std::string::npos);
}

TEST_F(Tamper, SwappedRecordsAreFoundAtTheFirst) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    const std::string a = get(db, cf, 7), b = get(db, cf, 8);
    put(db, cf, 7, b);
    put(db, cf, 8, a);
  });
  const VerifyReport r = verify_read_only();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_seq, 7u) << r.status.to_string();
}

TEST_F(Tamper, TruncatedValueIsFoundAtItsSequence) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    const std::string v = get(db, cf, 12);
    put(db, cf, 12, v.substr(0, v.size() / 2 + 3));
  });
  const VerifyReport r = verify_read_only();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_seq, 12u) << r.status.to_string();
}

// A careful forger re-hashes the record it edits; the next record's link still breaks.
TEST_F(Tamper, RehashedEditBreaksTheNextLink) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    put(db, cf, 5, testing::forged_value(5, get(db, cf, 5), testing::note("forged")));
  });
  const VerifyReport r = verify_read_only();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_seq, 6u) << r.status.to_string();
  EXPECT_NE(r.status.message().find("chain broken"), std::string::npos);
}

TEST_F(Tamper, RecordFromANewerSchemaIsRefusedByName) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    auto env = decode_envelope(9, get(db, cf, 9));
    ASSERT_TRUE(env.ok());
    capnp::MallocMessageBuilder message;
    auto b = message.initRoot<schema::Envelope>();
    b.setSeq(9);
    b.setSchemaVersion(kSchemaVersion + 1);
    b.setEventType(env->header.event_type);
    b.setPayload(kj::arrayPtr(env->payload().data(), env->payload_size));
    b.setPrevHash(kj::arrayPtr(env->prev_hash.data(), 32));
    b.setHash(kj::arrayPtr(env->hash.data(), 32));
    auto words = capnp::canonicalize(b.asReader());
    put(db, cf, 9, std::string(reinterpret_cast<const char*>(words.begin()), words.size() * 8));
  });
  const VerifyReport r = verify_read_only();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_bad_seq, 9u);
  EXPECT_EQ(r.status.code(), StatusCode::unsupported) << r.status.to_string();
  EXPECT_NE(r.status.message().find("newer"), std::string::npos);
}

TEST_F(Tamper, DamagedHeadFailsOpenAndLeavesFilesUntouched) {
  tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) {
    std::string v = get(db, cf, kRecords);
    v[v.size() - 12] ^= 0x01;
    put(db, cf, kRecords, v);
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  });
  auto snapshot = [&] {
    std::map<std::string, std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(path())) {
      std::ifstream in(e.path(), std::ios::binary);
      files[e.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return files;
  };
  const auto before = snapshot();
  for (OpenMode mode : {OpenMode::read_only, OpenMode::read_write}) {
    StoreOptions options;
    options.mode = mode;
    auto store = Store::open(path(), options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::corruption);
    EXPECT_NE(store.status().message().find("record " + std::to_string(kRecords)),
              std::string::npos)
        << store.status().to_string();
  }
  // RocksDB's own diagnostic LOG may rotate; every other file is byte-for-byte the same.
  auto without_logs = [](std::map<std::string, std::string> files) {
    std::erase_if(files, [](const auto& f) { return f.first.rfind("LOG", 0) == 0; });
    return files;
  };
  EXPECT_EQ(without_logs(snapshot()), without_logs(before));
}

}  // namespace
}  // namespace tandem::journal
