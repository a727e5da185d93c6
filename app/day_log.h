// The day's story in the log: one line for each journaled record an operator reads a day by —
// every leader order report, copy decision (with its skip reason or clamp), order sent, broker
// answer, connection change, operator action and loss guard trip. The lines come from
// the journal, after each record is durable, so the log never tells what the journal does not
// hold (DESIGN.md: input before effect), and a record carries no secret to leak.
// A thread tails the store; the engine's hot path does not format a line.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "journal/codec.h"
#include "journal/store.h"

namespace tandem::app {

struct DayLine {
  spdlog::level::level_enum level = spdlog::level::info;
  std::string text;  // logfmt, starting with event=
};

// The line a record gets in the log, or nullopt for records that tell nothing new (settings,
// snapshots, ticks), and for what the command logs itself: the engine's start and stop, and
// alerts (logged as they are raised, so that one about the journal failing is logged too).
[[nodiscard]] std::optional<DayLine> day_line(const journal::Record& record);

class DayLog {
 public:
  // Logs every record after the store's current head, as it becomes durable, until destroyed.
  DayLog(const journal::Store& store, std::shared_ptr<spdlog::logger> log);
  // Logs what is left, then stops.
  ~DayLog();
  DayLog(const DayLog&) = delete;
  DayLog& operator=(const DayLog&) = delete;

 private:
  void tail();
  void drain();

  const journal::Store& store_;
  std::shared_ptr<spdlog::logger> log_;
  uint64_t next_ = 1;
  bool failed_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tandem::app
