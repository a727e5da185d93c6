#include "fleet/fleet_verify.h"

#include <map>

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
  // From the first record: the settings in force may have been journaled on an earlier day.
  std::map<d::FollowerId, d::FollowerSettings> settings;
  TANDEM_RETURN_IF_ERROR(
      journal::read_records(**store, {1, range->to_seq}, [&](journal::Record&& r) {
        if (const auto* c = std::get_if<d::FollowerConfigured>(&r.event)) {
          settings[c->settings.follower] = c->settings;
        }
        if (r.seq >= range->from_seq && std::holds_alternative<d::LeaderOrderUpdate>(r.event)) {
          stream.update(journal::encode_payload(r.event).bytes());
          ++out.leader_updates;
        }
        return true;
      }));
  out.leader_stream_sha256 = crypto::to_hex(stream.finish());
  for (const auto& [id, s] : settings) {
    // A paper account lives in its shard's process alone: two shards' are two accounts.
    if (s.enabled && s.broker != d::Broker::paper)
      out.accounts.insert(std::string(d::to_string(s.broker)) + ":" + s.account.value);
  }
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
  std::map<std::string, size_t> first_of;  // account → the first journal following it
  for (size_t k = 0; k < report.shards.size(); ++k) {
    for (const std::string& account : report.shards[k].accounts) {
      const auto [at, fresh] = first_of.emplace(account, k);
      if (!fresh) {
        report.shared_accounts.push_back("account " + account + " is followed in " +
                                         report.shards[at->second].journal + " and " +
                                         report.shards[k].journal + ": each shard copies to it");
      }
    }
  }
  return report;
}

}  // namespace tandem::fleet
