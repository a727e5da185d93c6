// Goal (issue 23, "the journal never loses a record silently"): a journal whose RocksDB
// write-ahead log was damaged after a kill -9 — a byte flipped in its middle, the file
// deleted, or cut in half — is refused by every opener with a message naming what is lost,
// and is never opened for writing: not a byte of it changes.
// Method: journal_crash_child appends from four threads and is killed with SIGKILL once it
// has acknowledged a few hundred appends, so the records live in the WAL only. The WAL is
// damaged on disk, then the journal is opened read-only (as verify does) and read-write (as
// run does), and every file's SHA-256 is compared before and after.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "crypto/sha256.h"
#include "tests/support/crash_child.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"

namespace tandem::journal {
namespace {

namespace fs = std::filesystem;

enum class Damage { flip_middle_byte, delete_file, cut_in_half };

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::map<std::string, std::string> digests(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().filename()] = crypto::sha256_hex(read_bytes(e.path()));
  }
  return out;
}

// Kills an appender after `acks` acknowledged appends; returns the journal's head seq.
uint64_t journal_left_by_a_kill(const std::string& path, size_t acks) {
  testing::CrashChild child = testing::spawn_crash_child(path, 0);
  std::string got;
  char buf[4096];
  while (got.size() < acks * 16) {
    const ssize_t n = read(child.out_fd, buf, sizeof(buf));
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(kill(child.pid, SIGKILL), 0);
  int status = 0;
  EXPECT_EQ(waitpid(child.pid, &status, 0), child.pid);
  close(child.out_fd);
  EXPECT_GE(got.size(), acks * 16) << "the appender died early";
  auto store = testing::open_store(path, false, OpenMode::read_only);
  return store ? store->head().seq : 0;
}

fs::path the_wal(const std::string& dir) {
  fs::path wal;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && (wal.empty() || e.file_size() > fs::file_size(wal))) {
      wal = e.path();
    }
  }
  return wal;
}

void damage(const fs::path& wal, Damage how) {
  const std::string bytes = read_bytes(wal);
  switch (how) {
    case Damage::flip_middle_byte: {
      std::string flipped = bytes;
      flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x5a);
      std::ofstream(wal, std::ios::binary | std::ios::trunc) << flipped;
      break;
    }
    case Damage::delete_file:
      fs::remove(wal);
      break;
    case Damage::cut_in_half:
      fs::resize_file(wal, bytes.size() / 2);
      break;
  }
}

class WalDamage : public ::testing::TestWithParam<Damage> {};

TEST_P(WalDamage, IsRefusedByEveryOpenerAndNothingIsWritten) {
  testing::TempDir dir;
  const std::string path = dir.path("j");
  const uint64_t records = journal_left_by_a_kill(path, 400);
  ASSERT_GT(records, 400u);
  const fs::path wal = the_wal(path);
  ASSERT_FALSE(wal.empty());
  ASSERT_GT(fs::file_size(wal), 10'000u) << "the records are not in the WAL";
  damage(wal, GetParam());
  const auto before = digests(path);

  for (const OpenMode mode : {OpenMode::read_only, OpenMode::read_write}) {
    StoreOptions options;
    options.mode = mode;
    const auto store = Store::open(path, options);
    ASSERT_FALSE(store.ok()) << "opened a journal that lost records (mode "
                             << static_cast<int>(mode) << "), head " << (*store)->head().seq
                             << " of " << records;
    const std::string message = store.status().message();
    EXPECT_TRUE(store.status().code() == StatusCode::corruption) << message;
    // What is lost, by sequence, up to the anchored head: the last append's group or
    // the one before it (the anchor follows each group's write).
    std::smatch lost;
    ASSERT_TRUE(
        std::regex_search(message, lost, std::regex(R"(records (\d+) to (\d+) are missing)")))
        << message;
    EXPECT_LT(std::stoull(lost[1]), std::stoull(lost[2])) << message;
    EXPECT_LE(std::stoull(lost[2]), records) << message;
    EXPECT_GT(std::stoull(lost[2]), 400u) << message;
    EXPECT_EQ(digests(path), before) << "opening it changed the journal's files";
  }
}

INSTANTIATE_TEST_SUITE_P(AfterAKill, WalDamage,
                         ::testing::Values(Damage::flip_middle_byte, Damage::delete_file,
                                           Damage::cut_in_half),
                         [](const auto& info) {
                           switch (info.param) {
                             case Damage::flip_middle_byte:
                               return "FlippedByte";
                             case Damage::delete_file:
                               return "Deleted";
                             case Damage::cut_in_half:
                               return "CutInHalf";
                           }
                           return "";
                         });

}  // namespace
}  // namespace tandem::journal
