// Goal: the store's contract on ordinary and bad input, one scenario per test.
// Method: real RocksDB journals in temp directories; every error names what is wrong and
// leaves the directory as it was.
#include "journal/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "journal/verify.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::journal {
namespace {

using testing::item;
using testing::note;
using testing::open_store;
using testing::read_all;
using testing::TempDir;

TEST(Store, AppendGivesConsecutiveSequencesAndChains) {
  TempDir dir;
  auto store = open_store(dir.path("j"));
  const std::vector<AppendItem> a = {item(note("a")), item(note("b"))};
  const std::vector<AppendItem> b = {item(note("c"))};
  auto r1 = store->append(a);
  auto r2 = store->append(b);
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_EQ(r1->first_seq, 1u);
  EXPECT_EQ(r1->last_seq, 2u);
  EXPECT_EQ(r2->first_seq, 3u);
  EXPECT_EQ(r2->last_seq, 3u);
  const auto records = read_all(*store);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].prev_hash, kGenesisHash);
  EXPECT_EQ(records[1].prev_hash, records[0].hash);
  EXPECT_EQ(records[2].event, note("c"));
  EXPECT_EQ(store->head().hash, records[2].hash);
}

// Goal (DESIGN.md invariants 1 and 7): an append without a sync of its own is in the journal
// at once, and the head anchor moves only with a synced one, so it never names a record a
// power cut could take back.
TEST(Store, AWrittenAppendIsReadAtOnceAndTheAnchorMovesOnlyWithASync) {
  testing::TempDir dir;
  {
    auto store = open_store(dir.path("j"));
    const std::vector<AppendItem> synced = {item(note("input"))};
    const std::vector<AppendItem> written = {item(note("decision")), item(note("intent"))};
    ASSERT_TRUE(store->append(synced).ok());
    ASSERT_TRUE(store->append(written, Durability::written).ok());
    EXPECT_EQ(store->head().seq, 3u);
    EXPECT_EQ(testing::read_all(*store).size(), 3u);
    auto anchor = HeadAnchor::read(dir.path("j"));
    ASSERT_TRUE(anchor.ok() && anchor->has_value());
    EXPECT_EQ((*anchor)->seq, 1u) << "not moved by the written append";
    ASSERT_TRUE(store->append(synced).ok());
    anchor = HeadAnchor::read(dir.path("j"));
    ASSERT_TRUE(anchor.ok() && anchor->has_value());
    EXPECT_EQ((*anchor)->seq, 4u);
    EXPECT_EQ((*anchor)->hash, store->head().hash);
  }
  auto reopened = open_store(dir.path("j"), false);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->head().seq, 4u);
}

TEST(Store, ReopenKeepsHeadAndContinuesTheChain) {
  TempDir dir;
  Hash head_hash;
  {
    auto store = open_store(dir.path("j"));
    const std::vector<AppendItem> a = {item(note("a"))};
    ASSERT_TRUE(store->append(a).ok());
    head_hash = store->head().hash;
  }
  auto store = open_store(dir.path("j"), false);
  EXPECT_EQ(store->head().seq, 1u);
  EXPECT_EQ(store->head().hash, head_hash);
  const std::vector<AppendItem> b = {item(note("b"))};
  ASSERT_TRUE(store->append(b).ok());
  EXPECT_TRUE(verify_journal(*store).ok());
}

TEST(Store, DayIndexNamesTheFirstRecordOfEachTradingDay) {
  TempDir dir;
  auto store = open_store(dir.path("j"));
  const std::vector<AppendItem> batch = {item(note("a"), 20261119), item(note("b"), 20261119),
                                         item(note("c"), 20261120), item(note("d"), 20261120)};
  ASSERT_TRUE(store->append(batch).ok());
  auto days = store->days();
  ASSERT_TRUE(days.ok());
  const std::map<domain::TradingDay, uint64_t> expected = {{20261119, 1}, {20261120, 3}};
  EXPECT_EQ(*days, expected);
}

TEST(Store, DayRangeReadsOneTradingDayThroughTheIndex) {
  TempDir dir;
  auto store = open_store(dir.path("j"));
  const std::vector<AppendItem> batch = {item(note("a"), 20261119), item(note("b"), 20261120),
                                         item(note("c"), 20261120), item(note("d"), 20261123)};
  ASSERT_TRUE(store->append(batch).ok());
  auto friday = store->day_range(20261120);
  ASSERT_TRUE(friday.ok());
  EXPECT_EQ(friday->first, 2u);
  EXPECT_EQ(friday->second, 3u);
  auto monday = store->day_range(20261123);
  ASSERT_TRUE(monday.ok());
  EXPECT_EQ(monday->first, 4u);
  EXPECT_EQ(monday->second, 4u);
  EXPECT_EQ(store->day_range(20261121).status().code(), StatusCode::not_found);
}

TEST(Store, RejectsAnInvalidTradingDayWithoutWriting) {
  TempDir dir;
  auto store = open_store(dir.path("j"));
  const std::vector<AppendItem> batch = {item(note("a"), 20261340)};
  auto r = store->append(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(r.status().message().find("20261340"), std::string::npos);
  EXPECT_EQ(store->head().seq, 0u);
}

TEST(Store, MissingDirectoryIsNotFoundAndNotCreated) {
  TempDir dir;
  StoreOptions options;
  options.mode = OpenMode::read_only;
  auto r = Store::open(dir.path("absent"), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::not_found);
  EXPECT_FALSE(std::filesystem::exists(dir.path("absent")));
}

TEST(Store, DirectoryWithOtherFilesIsNotAJournalAndIsLeftAlone) {
  TempDir dir;
  std::filesystem::create_directories(dir.path("other"));
  std::ofstream(dir.path("other/notes.txt")) << "hello";
  for (bool create : {false, true}) {
    StoreOptions options;
    options.create_if_missing = create;
    auto r = Store::open(dir.path("other"), options);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::invalid_argument);
    EXPECT_NE(r.status().message().find("not a Tandem journal"), std::string::npos)
        << r.status().to_string();
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path("other")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(Store, ReadOnlyOpenSeesAJournalThatIsOpenForWriting) {
  TempDir dir;
  auto writer = open_store(dir.path("j"));
  const std::vector<AppendItem> a = {item(note("a")), item(note("b"))};
  ASSERT_TRUE(writer->append(a).ok());
  auto reader = open_store(dir.path("j"), false, OpenMode::read_only);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->head().seq, 2u);
  EXPECT_TRUE(verify_journal(*reader).ok());
}

TEST(Store, SecondWriterIsRefusedWithAClearMessage) {
  TempDir dir;
  auto writer = open_store(dir.path("j"));
  auto second = Store::open(dir.path("j"), StoreOptions{});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("another process"), std::string::npos)
      << second.status().to_string();
}

TEST(Store, FollowerCatchesUpWithALiveWriter) {
  TempDir dir;
  auto writer = open_store(dir.path("j"));
  StoreOptions options;
  options.mode = OpenMode::follower;
  options.follower_dir = dir.path("follower");
  auto follower = Store::open(dir.path("j"), options);
  ASSERT_TRUE(follower.ok()) << follower.status().to_string();
  EXPECT_EQ((*follower)->head().seq, 0u);
  const std::vector<AppendItem> a = {item(note("a")), item(note("b")), item(note("c"))};
  ASSERT_TRUE(writer->append(a).ok());
  ASSERT_TRUE((*follower)->catch_up().ok());
  EXPECT_EQ((*follower)->head().seq, 3u);
  EXPECT_EQ(read_all(**follower).size(), 3u);
}

TEST(Store, WaitForWakesWhenAnotherThreadAppends) {
  TempDir dir;
  auto store = open_store(dir.path("j"));
  std::thread appender([&] {
    const std::vector<AppendItem> a = {item(note("a"))};
    ASSERT_TRUE(store->append(a).ok());
  });
  EXPECT_TRUE(store->wait_for(1, 10'000));
  appender.join();
  EXPECT_FALSE(store->wait_for(2, 10));
}

}  // namespace
}  // namespace tandem::journal
