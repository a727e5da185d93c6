// The tap (`tandem tap`, issue 28): one leader's updates, journaled in the tap's own journal
// and published from it to a JetStream stream that every shard reads. The journal is the
// tap's record of what the leader did; the stream is a copy of its leader updates, in
// journal order, each message the record's envelope exactly as stored (docs/journal_format.md)
// under the message id "<leader order id>#<frame digest>".
//
// Nothing is published twice: a restarted tap reads the stream's last message, whose envelope
// names the journal record it was, and publishes from the next record on; a publish that
// landed before a crash but whose answer was lost is published again under its message id,
// which the stream's de-duplication window (24 h) drops. Nothing journaled is left out: a
// record is journaled (synced) before it is published, and publishing goes on from the
// first record the stream does not hold.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "domain/events.h"
#include "fleet/jetstream.h"
#include "journal/store.h"

namespace tandem::fleet {

// The stream of a leader: "TANDEM_LEADER_<NAME>" capturing "tandem.leader.<name>" (its
// account when the one leader has no name).
[[nodiscard]] StreamSpec leader_stream(const domain::LeaderConfigured& leader, int replicas);
// A message's id: the leader order id and the digest of the frame the update came in.
[[nodiscard]] std::string message_id(const domain::LeaderOrderUpdate& update);

class Tap {
 public:
  // Journals `leader` when the journal is new (else checks it is the one journaled), makes
  // the stream, and finds where publishing resumes.
  static Result<std::unique_ptr<Tap>> open(journal::Store& store, JetStream& js,
                                           const domain::LeaderConfigured& leader, int replicas,
                                           domain::TimeNs now);

  // Journals an update (synced) unless the journal holds this message id already; true when
  // it was new.
  Result<bool> record(const domain::LeaderOrderUpdate& update, domain::TimeNs now);
  // Publishes, in journal order, every journaled leader update the stream does not hold yet;
  // stops at the first that fails (the next call starts there).
  Status publish_pending();

  uint64_t journaled_seq() const { return store_.head().seq; }
  uint64_t published_seq() const { return published_seq_; }  // the last record published
  int64_t published() const { return published_; }           // messages, this run
  int64_t duplicates() const { return duplicates_; }         // publishes the stream had

 private:
  Tap(journal::Store& store, JetStream& js, StreamSpec stream)
      : store_(store), js_(js), stream_(std::move(stream)) {}
  Status resume();

  journal::Store& store_;
  JetStream& js_;
  StreamSpec stream_;
  std::set<std::string> journaled_ids_;  // message ids of every journaled update
  uint64_t published_seq_ = 0;
  int64_t published_ = 0, duplicates_ = 0;
};

}  // namespace tandem::fleet
