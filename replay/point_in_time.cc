#include "replay/point_in_time.h"

#include "journal/state_restore.h"

namespace tandem::replay {

Result<PointInTime> state_at(const journal::Store& store, domain::TimeNs at) {
  // The last record journaled at or before `at`: envelopes only (no decode), scanned from
  // the first record of the latest trading day before the instant's IST date (a day of
  // margin: every record of the days before that was journaled before `at`).
  auto days = store.days();
  if (!days.ok()) return days.status();
  uint64_t from = 1;
  const domain::TradingDay day = domain::ist_trading_day(at);
  for (const auto& [d, first] : *days) {
    if (d < day) from = first;
  }
  uint64_t seq = 0;
  domain::TimeNs recorded = 0;
  if (from > 1) seq = from - 1;  // inside the fold for sure
  TANDEM_RETURN_IF_ERROR(store.scan(from, 0, [&](const journal::Envelope& e) {
    if (e.header.recorded_at_ns > at) return false;
    seq = e.header.seq;
    recorded = e.header.recorded_at_ns;
    return true;
  }));
  if (seq == 0) return Status::not_found("the journal has no record at or before that instant");
  auto restored = journal::restore_state(store, seq);
  if (!restored.ok()) return restored.status();
  if (recorded == 0) {  // the instant falls before the first record of its day
    TANDEM_RETURN_IF_ERROR(store.scan(seq, seq, [&](const journal::Envelope& e) {
      recorded = e.header.recorded_at_ns;
      return false;
    }));
  }
  return PointInTime{std::move(restored->state), seq, recorded};
}

}  // namespace tandem::replay
