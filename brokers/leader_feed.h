// A leader's updates from somewhere other than its broker's socket: a fleet shard reads them
// from the tap's stream (fleet/feed.h, docs/fleet.md). Each update comes as the tap journaled
// it (its id qualified, its time of receipt the tap's), with what to call once the reader has
// made it durable: the feed forgets it then, and not before, so that a reader killed before
// then gets it again.
#pragma once

#include <functional>

#include "brokers/gateway.h"
#include "domain/events.h"

namespace tandem::brokers {

using OnFedUpdate =
    std::function<void(domain::LeaderOrderUpdate update, std::function<void()> durable)>;

// What a feed has done so far, for the operator (/metrics).
struct FeedStats {
  uint64_t delivered_seq = 0;  // the stream sequence of the last update handed on
  uint64_t pending = 0;        // updates in the stream after it, not yet read: the lag
  int64_t redelivered = 0;     // updates read again (not acknowledged in time, or a restart)
};

class LeaderFeed {
 public:
  virtual ~LeaderFeed() = default;
  // Starts delivering, on a thread of the feed's own, with the update after `after` (the
  // last the reader made durable: its journal, not the feed, says where to go on), in order;
  // `on_connection` says when it reads and when it cannot (never a password).
  virtual void start(uint64_t after, OnFedUpdate on_update, OnConnectionChange on_connection) = 0;
  // Stops delivering and joins the feed's thread. Idempotent.
  virtual void stop() = 0;
  // Safe from any thread.
  virtual FeedStats stats() const = 0;
};

}  // namespace tandem::brokers
