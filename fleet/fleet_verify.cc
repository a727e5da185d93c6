#include "fleet/fleet_verify.h"

#include "crypto/sha256.h"
#include "journal/codec.h"
#include "journal/record_reader.h"

namespace tandem::fleet {

namespace d = ::tandem::domain;

namespace {

Status check_shard(const std::string& dir, d::TradingDay from, d::TradingDay to, ShardCheck& out) {
  journal::StoreOptions options;
  options.mode = journal::OpenMode::read_only;
  auto store = journal::Store::open(dir, options);
  if (!store.ok()) return store.status();
  auto range = journal::days_range(**store, from, to);
  if (!range.ok()) return range.status();
  crypto::Sha256 stream;
  TANDEM_RETURN_IF_ERROR(journal::read_records(**store, *range, [&](journal::Record&& r) {
    if (std::holds_alternative<d::LeaderOrderUpdate>(r.event)) {
      stream.update(journal::encode_payload(r.event).bytes());
      ++out.leader_updates;
    }
    return true;
  }));
  out.leader_stream_sha256 = crypto::to_hex(stream.finish());
  auto replayed = replay::verify_days(**store, from, to);
  if (!replayed.ok()) return replayed.status();
  out.replay = std::move(*replayed);
  return Status();
}

}  // namespace

FleetReport verify_fleet(const std::vector<std::string>& journals, d::TradingDay from,
                         d::TradingDay to) {
  FleetReport report;
  report.same_leader_stream = !journals.empty();
  report.every_shard_replays = !journals.empty();
  for (const std::string& dir : journals) {
    ShardCheck shard;
    shard.journal = dir;
    shard.opened = check_shard(dir, from, to, shard);
    const bool replays = shard.opened.ok() && shard.replay && !shard.replay->divergence;
    report.every_shard_replays = report.every_shard_replays && replays;
    if (!shard.opened.ok() ||
        (!report.shards.empty() &&
         shard.leader_stream_sha256 != report.shards.front().leader_stream_sha256)) {
      report.same_leader_stream = false;
    }
    report.shards.push_back(std::move(shard));
  }
  return report;
}

}  // namespace tandem::fleet
