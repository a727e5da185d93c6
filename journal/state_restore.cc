#include "journal/state_restore.h"

#include "journal/record_reader.h"
#include "journal/snapshot_codec.h"

namespace tandem::journal {

Result<RestoredState> restore_state(const Store& store, uint64_t to_seq) {
  const uint64_t head = store.head().seq;
  const uint64_t target = to_seq == 0 ? head : std::min(to_seq, head);
  RestoredState out;
  auto snapshot = store.latest_snapshot(target);
  if (!snapshot.ok()) return snapshot.status();
  if (snapshot->has_value()) {
    const auto& [seq, bytes] = **snapshot;
    auto decoded =
        decode_snapshot({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, seq);
    if (decoded.ok()) {
      out.state = std::move(decoded).value();
      out.seq = out.snapshot_seq = seq;
    }
  }
  if (out.seq == target) return out;
  Status s = read_records(store, {out.seq + 1, target}, [&](Record&& r) {
    domain::apply(out.state, r.event);
    out.seq = r.seq;
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Status save_snapshot(Store& store, const domain::CopyState& state, uint64_t seq) {
  const WordBytes bytes = encode_snapshot(state);
  return store.put_snapshot(seq, bytes.bytes());
}

}  // namespace tandem::journal
