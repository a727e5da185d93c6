// `tandem fleet verify` (issue 28, docs/fleet.md): the shards of one day read one leader
// stream, so each shard's journal must hold the same leader updates in the same order. A
// shard journals an update only when it is new to the core, and what is new depends only on
// the leader's own orders, which every shard folds alike. Each journal gets a digest of its
// leader stream: SHA-256 over the canonical bytes of its leader updates, in order. Every
// shard's must be equal, and each shard's days must replay (replay::verify_days). And no
// broker account may be followed in two shards: each would copy the leader to it, and the
// account would hold twice the position.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/base/time.h"
#include "replay/verify.h"

namespace tandem::fleet {

struct ShardCheck {
  std::string journal;
  uint64_t leader_updates = 0;
  std::string leader_stream_sha256;
  // The enabled followers' broker accounts as the journal's settings stand at the days' end,
  // "kite:FOLLOW1" (paper accounts, each in its own process, are not among them).
  std::set<std::string> accounts;
  Status opened;  // the journal could not be read: the rest is empty
  std::optional<replay::ReplayReport> replay;
};

struct FleetReport {
  std::vector<ShardCheck> shards;  // in the order given
  bool same_leader_stream = false;
  bool every_shard_replays = false;
  std::vector<std::string> shared_accounts;  // each account followed in two shards, said
  bool ok() const { return same_leader_stream && every_shard_replays && shared_accounts.empty(); }
};

[[nodiscard]] FleetReport verify_fleet(const std::vector<std::string>& journals,
                                       domain::TradingDay from, domain::TradingDay to);

}  // namespace tandem::fleet
