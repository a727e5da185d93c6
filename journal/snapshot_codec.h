// Snapshots of the core's state (domain::CopyState, holding every projection) as canonical
// Cap'n Proto bytes (journal/schema/snapshot.capnp), for the `snapshots` column family.
// Decoding never throws; damage is `corruption` naming the snapshot's sequence.
#pragma once

#include <cstdint>
#include <span>

#include "copy/copy_state.h"
#include "domain/base/status.h"
#include "journal/codec.h"

namespace tandem::journal {

// Bumped when CopyState gains a field that older snapshots lack, or when the fold changes
// what it keeps (1: the daily loss guard's marks and guards; 2: the positions' working
// quantities keep a key at 0, copies no longer list their tags, ended orders are forgotten
// as each day opens); a snapshot of another
// version is not used, so a restore always equals a rebuild by this binary's fold.
// 3: position targets; 4: time as an input; 5: followers the next tick converges;
// 6: a loss guard's flatten holds the follower's targets at zero (`flattened`)
// 7: a copy whose modify was refused is known to rest on its earlier terms (`modify_refused`);
// 8: many leaders (positions per leader's book, each leader's working orders)
// 9: each share's opening value for the day (`DayGuard::share_opening_value_paise`)
// 10: a fleet shard's highest tap stream sequence per leader (`fed_seq`)
inline constexpr uint16_t kStateVersion = 10;

[[nodiscard]] WordBytes encode_snapshot(const domain::CopyState& state);
[[nodiscard]] Result<domain::CopyState> decode_snapshot(std::span<const uint8_t> bytes,
                                                        uint64_t seq);

}  // namespace tandem::journal
