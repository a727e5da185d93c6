#include "journal/verify.h"

#include <map>
#include <string>

#include "journal/chain_check.h"

namespace tandem::journal {

VerifyReport verify_journal(const Store& store, const std::function<void(uint64_t)>& progress,
                            uint64_t progress_every) {
  VerifyReport report;
  report.head = store.head();
  ChainChecker checker(kGenesisHash);
  std::map<domain::TradingDay, uint64_t> first_of_day;
  Status bad;
  Status s = store.scan(1, report.head.seq, [&](const Envelope& e) {
    bad = checker.check(e);
    if (!bad.ok()) return false;
    first_of_day.emplace(e.header.trading_day, e.header.seq);
    if (progress && e.header.seq % progress_every == 0) progress(e.header.seq);
    return true;
  });
  report.records_checked = checker.last_seq();
  if (s.ok()) s = bad;
  if (s.ok() && report.head.seq > 0 && checker.last_hash() != report.head.hash) {
    s = Status::corruption("record " + std::to_string(report.head.seq) +
                           ": hash differs from the head hash recorded in meta");
    report.records_checked = report.head.seq - 1;
  }
  if (!s.ok()) {
    report.first_bad_seq = report.records_checked + 1;
    report.status = s;
    return report;
  }
  Result<std::map<domain::TradingDay, uint64_t>> days = store.days();
  if (!days.ok()) {
    report.status = days.status();
    return report;
  }
  if (*days != first_of_day) {
    for (const auto& [day, seq] : first_of_day) {
      auto it = days->find(day);
      if (it == days->end() || it->second != seq) {
        report.first_bad_seq = seq;
        report.status =
            Status::corruption("record " + std::to_string(seq) + ": first record of trading day " +
                               std::to_string(day) + ", but the day index " +
                               (it == days->end() ? std::string("does not list that day")
                                                  : "says " + std::to_string(it->second)));
        return report;
      }
    }
    report.status = Status::corruption("the day index lists a day the log does not hold");
  }
  return report;
}

}  // namespace tandem::journal
