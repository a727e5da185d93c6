#include "fleet/tap.h"

#include <cctype>

#include "journal/codec.h"

namespace tandem::fleet {

namespace d = ::tandem::domain;

StreamSpec leader_stream(const d::LeaderConfigured& leader, int replicas) {
  std::string name = leader.name.empty() ? leader.account.value : leader.name.value;
  std::string upper;
  for (const char c : name) {
    upper += std::isalnum(static_cast<unsigned char>(c))
                 ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                 : '_';
  }
  StreamSpec spec;
  spec.name = "TANDEM_LEADER_" + upper;
  spec.subject = "tandem.leader." + upper;
  spec.replicas = replicas;
  return spec;
}

std::string message_id(const d::LeaderOrderUpdate& update) {
  return update.order_id.value + "#" + update.raw_digest;
}

Result<std::unique_ptr<Tap>> Tap::open(journal::Store& store, JetStream& js,
                                       const d::LeaderConfigured& leader, int replicas,
                                       d::TimeNs now) {
  std::unique_ptr<Tap> tap(new Tap(store, js, leader_stream(leader, replicas)));
  std::optional<d::LeaderConfigured> journaled;
  TANDEM_RETURN_IF_ERROR(store.scan(1, store.head().seq, [&](journal::Envelope& e) {
    auto record = journal::to_record(e, journal::HashCheck::already_done);
    if (!record.ok()) return false;
    if (const auto* l = std::get_if<d::LeaderConfigured>(&record->event)) journaled = *l;
    if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&record->event)) {
      tap->journaled_ids_.insert(message_id(*u));
    }
    return true;
  }));
  if (journaled && !(*journaled == leader)) {
    return Status::failed_precondition("the tap's journal " + store.dir() + " taps leader " +
                                       journaled->account.value + ", not " + leader.account.value);
  }
  if (!journaled) {
    const journal::AppendItem item{now, d::ist_trading_day(now), leader};
    if (auto done = store.append({&item, 1}); !done.ok()) return done.status();
  }
  TANDEM_RETURN_IF_ERROR(js.ensure_stream(tap->stream_));
  TANDEM_RETURN_IF_ERROR(tap->resume());
  return tap;
}

// The stream's last message is the envelope of the last record published.
Status Tap::resume() {
  auto last = js_.last_message(stream_.name, stream_.subject);
  if (!last.ok()) return last.status();
  if (!last->has_value()) return Status();
  const std::vector<uint8_t>& bytes = **last;
  auto envelope = journal::decode_sent_envelope(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!envelope.ok()) {
    return Status::corruption("the last message of " + stream_.name +
                              " is not a journal record: " + envelope.status().message());
  }
  published_seq_ = envelope->header.seq;
  if (published_seq_ > store_.head().seq) {
    return Status::failed_precondition(
        stream_.name + " holds record " + std::to_string(published_seq_) +
        " but the tap's journal " + store_.dir() + " ends at " + std::to_string(store_.head().seq) +
        ": another tap's journal, or this one restored from an older backup");
  }
  return Status();
}

Result<bool> Tap::record(const d::LeaderOrderUpdate& update, d::TimeNs now) {
  const std::string id = message_id(update);
  if (journaled_ids_.contains(id)) return false;
  const journal::AppendItem item{now, d::ist_trading_day(now), update};
  if (auto done = store_.append({&item, 1}); !done.ok()) return done.status();
  journaled_ids_.insert(id);
  return true;
}

Status Tap::publish_pending() {
  const uint64_t head = store_.head().seq;
  if (published_seq_ >= head) return Status();
  Status failed;
  TANDEM_RETURN_IF_ERROR(store_.scan(published_seq_ + 1, head, [&](journal::Envelope& e) {
    if (e.header.event_type != static_cast<uint16_t>(d::EventType::leader_order_update)) {
      published_seq_ = e.header.seq;  // not a leader update: nothing to publish
      return true;
    }
    auto record = journal::to_record(e, journal::HashCheck::already_done);
    if (!record.ok()) {
      failed = record.status();
      return false;
    }
    const auto& update = std::get<d::LeaderOrderUpdate>(record->event);
    auto sent = js_.publish(stream_.subject, e.value.bytes(), message_id(update));
    if (!sent.ok()) {
      failed = sent.status();
      return false;
    }
    ++(sent->duplicate ? duplicates_ : published_);
    published_seq_ = e.header.seq;
    return true;
  }));
  return failed;
}

}  // namespace tandem::fleet
