// Goal (issue 23, "a full disk is a clean stop"): when the journal's disk fills mid-day, the
// engine stops sending, exits non-zero with a message naming the full disk, and never aborts
// (RocksDB 7.8 used to trip an assertion writing its own log: exit 134). Once space is freed
// a restart verifies the journal, finishes the day, and no order reached the broker twice
// or without its intent journaled first.
// Method: the journal lives on its own small tmpfs (this test mounts one, so it needs root:
// it is skipped, saying so, where mount is refused). The real `tandem sim` and `tandem run`
// processes; once the engine has started, a ballast file takes every free byte.
#include <sys/mount.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "journal/record_reader.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/live_day.h"

namespace tandem::engine {
namespace {

namespace d = ::tandem::domain;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct SmallDisk {
  explicit SmallDisk(const std::string& at) : path(at) {
    fs::create_directories(path);
    mounted = ::mount("tandem-test", path.c_str(), "tmpfs", 0, "size=8m") == 0;
  }
  ~SmallDisk() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
  // Writes until the disk is full.
  void fill(const std::string& file) const {
    std::ofstream out(file, std::ios::binary);
    const std::string block(64 << 10, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
  }
  std::string path;
  bool mounted = false;
};

TEST(FullDisk, TheEngineStopsCleanlyAndARestartAfterSpaceIsFreedFinishesTheDay) {
  testing::TempDir dir;
  SmallDisk disk(dir.path("disk"));
  if (!disk.mounted) GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << disk.path;
  std::string script = "10:00:00.000 price NSE:INFY 1500.00\n";
  for (int i = 0; i < 40; ++i) {
    char at[32];
    std::snprintf(at, sizeof at, "10:00:%02d.%03d", 1 + i / 4, (i % 4) * 250);
    script += std::string(at) + " place LEADER1 o" + std::to_string(i) +
              (i % 3 == 2 ? " SELL" : " BUY") + " NSE:INFY " + std::to_string(1 + i % 5) +
              " MARKET MIS\n";
  }
  testing::LiveDay day(dir, {script, "", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  fs::create_directory_symlink(disk.path, dir.path("journal"));  // journal = "journal"

  testing::Process first(TANDEM_BIN, day.run_args(), dir.path("run.out"), dir.path());
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s));
  disk.fill(disk.path + "/ballast");
  // Bounded: a failed wait ends the test, and the process with it (~Process kills it).
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "No space left on device", 60s))
      << testing::read_file(dir.path("run.out"));
  const int status = first.wait();
  const std::string out = testing::read_file(dir.path("run.out"));
  EXPECT_EQ(status, 1) << out;
  EXPECT_NE(out.find("No space left on device"), std::string::npos) << out;
  EXPECT_EQ(out.find("Assertion"), std::string::npos) << out;

  fs::remove(disk.path + "/ballast");
  testing::Process second(TANDEM_BIN, day.run_args(), dir.path("run.out"), dir.path());
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s, 2))
      << testing::read_file(dir.path("run.out"));
  ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 60s));
  std::this_thread::sleep_for(3s);
  second.signal(SIGINT);
  ASSERT_EQ(second.wait(), 0) << testing::read_file(dir.path("run.out"));

  const std::vector<brokers::BrokerOrder> book = day.follower_book();
  day.stop_sim();
  auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::set<std::string> intents;
  const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
    if (auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) intents.insert(i->tag.value);
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.to_string();
  testing::expect_each_tag_once_and_journaled(book, intents);
  EXPECT_GT(book.size(), 20u) << "the day was not finished after the restart";
}

}  // namespace
}  // namespace tandem::engine
