// NATS JetStream, as Tandem uses it to carry one leader's updates to many shards (issue 28,
// docs/fleet.md): a connection to a cluster, a replicated stream with de-duplication by
// message id, publishes that say whether the stream already had the message, and a durable
// pull consumer whose messages are acknowledged one by one once the shard has them durable.
// A thin owner of the NATS C client (libnats, Debian's libnats-dev): every call blocks the
// calling thread, and every failure is a Status naming what failed (the URLs' passwords
// never in it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/base/status.h"

namespace tandem::fleet {

struct StreamSpec {
  std::string name;     // letters, digits, - and _ (no dots)
  std::string subject;  // what it captures, e.g. "tandem.leader.scalper"
  int replicas = 1;     // 3 on a 3-node cluster: any one node may die
  // How long a message id is remembered for de-duplication (a tap restarted within it
  // publishes nothing twice even without its own record of what the stream acknowledged).
  std::chrono::seconds duplicate_window{24 * 3600};
};

// What the stream answered a publish with: its sequence for the message, and whether it
// already held a message of that id (then the sequence is the earlier one's).
struct Published {
  uint64_t stream_seq = 0;
  bool duplicate = false;
};

class PullConsumer;
class Subscription;

class JetStream {
 public:
  // `urls`: the cluster's nodes, nats://host:port each; the client moves to another node
  // when one goes away, and retries a publish or fetch within `timeout`.
  static Result<std::unique_ptr<JetStream>> connect(const std::vector<std::string>& urls,
                                                    const std::string& client_name,
                                                    std::chrono::milliseconds timeout);
  ~JetStream();
  JetStream(const JetStream&) = delete;
  JetStream& operator=(const JetStream&) = delete;

  // Creates the stream, or checks that the one there is this one (its subject and replicas).
  Status ensure_stream(const StreamSpec& spec);
  Result<Published> publish(const std::string& subject, std::span<const uint8_t> bytes,
                            const std::string& message_id);
  // A durable pull consumer on `stream`: what it has delivered and had acknowledged survives
  // this process; a message not acknowledged within `ack_wait` is delivered again. With
  // `from_seq`, the consumer is made anew to deliver from that stream sequence on.
  Result<std::unique_ptr<PullConsumer>> pull(const std::string& stream, const std::string& subject,
                                             const std::string& durable,
                                             std::chrono::milliseconds ack_wait,
                                             uint64_t from_seq = 0);
  // Core NATS, not a stream: `bytes` to whoever listens on `subject` now, nothing kept (the
  // leader's marks, worth only their latest value).
  Status publish_now(const std::string& subject, std::span<const uint8_t> bytes);
  // Each message on `subject` from now on, to `on_message` on the client's thread, until the
  // Subscription is destroyed; the client subscribes again after a reconnect.
  using OnMessage = std::function<void(std::span<const uint8_t> bytes)>;
  Result<std::unique_ptr<Subscription>> subscribe(const std::string& subject, OnMessage on_message);
  // The stream's last sequence (0 when empty).
  Result<uint64_t> last_seq(const std::string& stream);
  // The bytes of the stream's last message on `subject`; none when it has none.
  Result<std::optional<std::vector<uint8_t>>> last_message(const std::string& stream,
                                                           const std::string& subject);

 private:
  struct Handles;
  explicit JetStream(std::unique_ptr<Handles> handles, std::chrono::milliseconds timeout);
  std::unique_ptr<Handles> h_;
  std::chrono::milliseconds timeout_;
};

// One message as a consumer received it.
struct FeedMessage {
  std::vector<uint8_t> bytes;
  uint64_t stream_seq = 0;
  uint64_t delivered = 1;        // 2 or more: a redelivery
  uint64_t pending = 0;          // messages of the stream after it not yet delivered
  std::shared_ptr<void> handle;  // the client's message, until acknowledged
};

class PullConsumer {
 public:
  ~PullConsumer();
  PullConsumer(const PullConsumer&) = delete;
  PullConsumer& operator=(const PullConsumer&) = delete;

  // Up to `max` messages, waiting at most `wait` for the first; none is not an error.
  Result<std::vector<FeedMessage>> fetch(int max, std::chrono::milliseconds wait);
  // Acknowledges one message and waits for the server to confirm it: after this it is not
  // delivered again.
  Status ack(const FeedMessage& message);

 private:
  friend class JetStream;
  struct Handles;
  explicit PullConsumer(std::unique_ptr<Handles> handles);
  std::unique_ptr<Handles> h_;
};

class Subscription {
 public:
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

 private:
  friend class JetStream;
  struct Handles;
  explicit Subscription(std::unique_ptr<Handles> handles);
  std::unique_ptr<Handles> h_;
};

// "nats://a:4222,nats://b:4222" → each URL (a command line's list).
[[nodiscard]] std::vector<std::string> split_urls(const std::string& list);

// "nats://user:secret@host:4222" → "nats://host:4222": for messages and logs.
[[nodiscard]] std::string redacted(const std::string& url);

}  // namespace tandem::fleet
