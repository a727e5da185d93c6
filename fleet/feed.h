// A shard's leader (issue 28, docs/fleet.md): the tap's stream read through a durable pull
// consumer named for the shard, each message checked (its envelope decodes, its hash holds,
// it is a leader update of this leader) and handed to the engine as the tap journaled it. A
// message is acknowledged only once the engine says the update is durable in the shard's
// journal, so that a shard killed before then reads it again. A shard's start reads on from
// the sequence after the last its journal holds, not from where the consumer stood: messages
// delivered but not acknowledged before a kill would otherwise come again only after the
// acknowledgement wait, behind later ones, and be taken for ones already decided.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "brokers/leader_feed.h"
#include "fleet/jetstream.h"

namespace tandem::fleet {

struct FeedOptions {
  std::vector<std::string> urls;               // the cluster's nats:// URLs
  domain::LeaderConfigured leader;             // whose stream (leader_stream())
  std::string shard;                           // the durable consumer's name: one per shard
  std::chrono::milliseconds ack_wait{30'000};  // then a message not acknowledged comes again
};

// Checks a stream message: the tap's record of a leader update of `leader`.
[[nodiscard]] Result<domain::LeaderOrderUpdate> fed_update(std::span<const uint8_t> message,
                                                           const domain::LeaderConfigured& leader);

class StreamFeed final : public brokers::LeaderFeed {
 public:
  explicit StreamFeed(FeedOptions options) : options_(std::move(options)) {}
  ~StreamFeed() override { stop(); }

  void start(uint64_t after, brokers::OnFedUpdate on_update,
             brokers::OnConnectionChange on_connection) override;
  void stop() override;
  brokers::FeedStats stats() const override {
    return {delivered_seq_.load(), pending_.load(), redelivered_.load()};
  }

 private:
  void loop();
  Status connect();
  void ack_durable();

  FeedOptions options_;
  uint64_t after_ = 0;  // the stream sequence the shard's journal holds up to
  brokers::OnFedUpdate on_update_;
  brokers::OnConnectionChange on_connection_;
  std::unique_ptr<JetStream> js_;
  std::unique_ptr<PullConsumer> consumer_;
  std::mutex mu_;
  std::deque<FeedMessage> durable_;  // GUARDED_BY(mu_): to acknowledge
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> delivered_seq_{0}, pending_{0};
  std::atomic<int64_t> redelivered_{0};
  std::thread thread_;
};

}  // namespace tandem::fleet
