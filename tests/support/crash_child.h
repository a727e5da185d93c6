// journal_crash_child (tests/journal/crash_child.cc) as a child process: spawned on a journal,
// its acknowledgements read from a pipe, for the tests that kill it and reopen the journal.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>

namespace tandem::testing {

struct CrashChild {
  pid_t pid = -1;
  int out_fd = -1;
};

// `written`: the child's fourth thread appends with Durability::written (no sync of its own).
inline CrashChild spawn_crash_child(const std::string& dir, int trial, bool written = false) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string t = std::to_string(trial);
    execl(TANDEM_CRASH_CHILD, TANDEM_CRASH_CHILD, dir.c_str(), t.c_str(),
          written ? "written" : "synced", nullptr);
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Blocks until the child's first acknowledgement (or its death); returns the bytes read.
inline std::string wait_first_ack(int fd) {
  std::string got;
  char buf[16];
  while (got.size() < sizeof(buf)) {
    const ssize_t n = read(fd, buf, sizeof(buf) - got.size());
    if (n <= 0) break;
    got.append(buf, n);
  }
  return got;
}

// thread → highest acknowledged k
inline std::map<uint64_t, uint64_t> read_acks(int fd, std::string pending) {
  std::map<uint64_t, uint64_t> acked;
  uint64_t ack[2];
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) pending.append(buf, n);
  close(fd);
  EXPECT_EQ(pending.size() % sizeof(ack), 0u);
  for (size_t off = 0; off + sizeof(ack) <= pending.size(); off += sizeof(ack)) {
    std::memcpy(ack, pending.data() + off, sizeof(ack));
    acked[ack[0]] = std::max(acked[ack[0]], ack[1]);
  }
  return acked;
}

}  // namespace tandem::testing
