#include "engine/lost_outputs.h"

#include <optional>

#include "copy/decide.h"
#include "journal/record_reader.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

Result<RecoveredState> restore_deciding_lost_outputs(journal::Store& store) {
  const uint64_t head = store.head().seq;
  std::optional<journal::Record> last;
  if (head > 0) {
    const Status read = journal::read_records(store, {head, head}, [&](journal::Record&& r) {
      last = std::move(r);
      return false;
    });
    if (!read.ok()) return read;
  }
  // A decision at the head closes its input's batch: the batch is appended whole or not at all.
  // A head of an older schema was written whole with its decisions (before inputs were synced
  // on their own), by a core that may have decided otherwise: it is left as it is.
  if (!last || d::decided_for(last->event) != nullptr ||
      last->schema_version != journal::kSchemaVersion) {
    auto restored = journal::restore_state(store);
    if (!restored.ok()) return restored.status();
    return RecoveredState{std::move(*restored), 0};
  }
  auto before = journal::restore_state(store, head - 1);
  if (!before.ok()) return before.status();
  RecoveredState out{std::move(*before), 0};
  std::vector<d::Event> outputs = d::step(out.restored.state, last->event);
  out.restored.seq = head;
  if (outputs.empty()) return out;  // it decided nothing: nothing is missing
  std::vector<journal::AppendItem> items;
  items.reserve(outputs.size());
  for (d::Event& e : outputs) {
    items.push_back({last->recorded_at_ns, last->trading_day, std::move(e)});
  }
  auto appended = store.append(items);
  if (!appended.ok()) return appended.status();
  out.restored.seq = appended->last_seq;
  out.decided_again = items.size();
  return out;
}

}  // namespace tandem::engine
