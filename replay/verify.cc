#include "replay/verify.h"

#include <boost/json.hpp>

#include <map>
#include <vector>

#include "copy/decide.h"
#include "crypto/sha256.h"
#include "journal/codec.h"
#include "journal/record_reader.h"

namespace tandem::replay {

namespace d = ::tandem::domain;

namespace {

bool is_output(const d::Event& e) { return d::decided_for(e) != nullptr; }

// A record whose consequences an older core decided by rules this one no longer has: anything
// before position targets, and a loss guard's flatten before it held the targets at zero.
bool decided_by_an_older_core(const journal::Record& r) {
  if (r.schema_version < journal::kFirstTargetingSchema) return true;
  const auto* trip = std::get_if<d::LossGuardTripped>(&r.event);
  return trip != nullptr && trip->action == d::LossGuardAction::flatten &&
         r.schema_version < journal::kFirstGuardHoldSchema;
}

std::string json_of(const d::Event& e) {
  auto j = journal::event_to_json(e);
  return j.ok() ? *j : "{\"error\":\"" + j.status().message() + "\"}";
}

Divergence differ(uint64_t seq, const d::Event* recorded, const d::Event* recomputed) {
  Divergence out;
  out.seq = seq;
  if (recorded != nullptr) out.recorded = json_of(*recorded);
  if (recomputed != nullptr) out.recomputed = json_of(*recomputed);
  if (recorded == nullptr) {
    out.what = "a recomputed decision is missing from the journal";
  } else if (recomputed == nullptr) {
    out.what = "a recorded decision was not recomputed";
  } else {
    out.what = "the recorded and recomputed decisions differ";
    const auto a = boost::json::parse(out.recorded);
    const auto b = boost::json::parse(out.recomputed);
    if (a.is_object() && b.is_object()) {
      for (const auto& [k, v] : a.as_object()) {
        const auto* other = b.as_object().if_contains(k);
        if (other == nullptr || *other != v) out.fields.emplace_back(k);
      }
      for (const auto& [k, v] : b.as_object()) {
        if (!a.as_object().contains(k)) out.fields.emplace_back(k);
      }
    }
  }
  return out;
}

}  // namespace

Result<ReplayReport> verify_days(const journal::Store& store, d::TradingDay from, d::TradingDay to,
                                 const journal::ReadProgress& progress) {
  auto span = journal::days_range(store, from, to);
  if (!span.ok()) return span.status();
  const uint64_t first = span->from_seq, last = span->to_seq;

  ReplayReport report;
  report.first_seq = first;
  report.last_seq = last;
  d::CopyState state;
  // The recomputed outputs of the last input; those before `matched` are already matched. A
  // vector, not a deque: a deque holds one 376-byte Event per node, a malloc per output.
  std::vector<d::Event> expected;
  size_t matched = 0;
  uint64_t old_schema = 0;  // the first record of the range an older core decided
  uint16_t old_schema_version = 0;
  uint64_t last_input_seq = 0;
  std::map<std::string, std::pair<uint64_t, crypto::Sha256>> digests;
  const Status read = journal::read_records_with_payload(
      store, {1, last},
      [&](journal::Record&& r, std::span<const uint8_t> payload) {
        if (r.seq >= first && decided_by_an_older_core(r)) {
          old_schema = r.seq;
          old_schema_version = r.schema_version;
          return false;
        }
        if (r.seq >= first) {
          if (is_output(r.event)) {
            const d::Event* next = matched < expected.size() ? &expected[matched] : nullptr;
            if (next == nullptr || !(*next == r.event)) {
              report.divergence = differ(r.seq, &r.event, next);
              return false;
            }
            ++matched;
            ++report.outputs;
            auto& [count, hash] = digests[d::decided_for(r.event)->value];
            ++count;
            hash.update(payload);  // the canonical encoding of the recorded (= recomputed) event
          } else {
            if (matched < expected.size()) {  // the inputs before this one decided more
              report.divergence = differ(r.seq, nullptr, &expected[matched]);
              return false;
            }
            // The input and what it decides, folded in as the engine did (step()).
            expected = d::step(state, r.event);
            matched = 0;
            last_input_seq = r.seq;
            if (!expected.empty()) ++report.inputs;
            return true;
          }
          return true;  // a matched output: step() folded it already
        }
        d::apply(state, r.event);
        return true;
      },
      progress);
  if (old_schema != 0) {
    const std::string by =
        old_schema_version < journal::kFirstTargetingSchema
            ? " was decided by the order-mirroring core (journal schema before " +
                  std::to_string(journal::kFirstTargetingSchema) +
                  "); this tandem decides by position targets"
            : " is a loss guard's flatten recorded under journal schema " +
                  std::to_string(old_schema_version) + " (before " +
                  std::to_string(journal::kFirstGuardHoldSchema) +
                  "), after which that core let the follower's targets follow the leader; this "
                  "tandem holds them at zero";
    return Status::unsupported("record " + std::to_string(old_schema) + by +
                               " and cannot recompute what came after it. journal verify, dump, "
                               "state and audit export still read it; replay --verify needs days "
                               "recorded by this core");
  }
  if (!read.ok()) return read;
  if (!report.divergence && matched < expected.size()) {
    const bool head_input = matched == 0 && last == store.head().seq && last_input_seq == last;
    if (head_input) {
      report.undecided_head = last;
    } else {
      report.divergence = differ(last, nullptr, &expected[matched]);
    }
  }
  // Each follower's final positions close its digest.
  for (auto& [follower, entry] : digests) {
    auto& [count, hash] = entry;
    const auto it = state.followers.find(d::FollowerId{follower});
    if (it != state.followers.end()) {
      for (const auto& [key, position] : state.positions.by_key) {
        if (key.account != it->second.account) continue;
        hash.update(std::to_string(static_cast<int>(key.instrument.exchange)) + ":" +
                    key.instrument.tradingsymbol + "/" +
                    std::to_string(static_cast<int>(key.product)) + "=" +
                    std::to_string(position.net_qty_units) + "," +
                    std::to_string(position.open_cost_paise) + "," +
                    std::to_string(position.realized_pnl_paise) + ";");
      }
    }
    report.digests.push_back({follower, count, crypto::to_hex(hash.finish())});
  }
  return report;
}

}  // namespace tandem::replay
