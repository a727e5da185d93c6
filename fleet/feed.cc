#include "fleet/feed.h"

#include <optional>

#include "fleet/tap.h"
#include "journal/codec.h"

namespace tandem::fleet {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

Result<d::LeaderOrderUpdate> fed_update(std::span<const uint8_t> message,
                                        const d::LeaderConfigured& leader) {
  auto envelope = journal::decode_sent_envelope(
      std::string_view(reinterpret_cast<const char*>(message.data()), message.size()));
  if (!envelope.ok()) return envelope.status();
  auto record = journal::to_record(*envelope);  // its own hash checked
  if (!record.ok()) return record.status();
  const auto* update = std::get_if<d::LeaderOrderUpdate>(&record->event);
  if (update == nullptr) {
    return Status::corruption("tap record " + std::to_string(record->seq) +
                              " is not a leader update");
  }
  if (!(update->leader == leader.name)) {
    return Status::corruption("tap record " + std::to_string(record->seq) +
                              " is an update of leader \"" + update->leader.value + "\", not \"" +
                              leader.name.value + "\"");
  }
  return *update;
}

void StreamFeed::start(uint64_t after, brokers::OnFedUpdate on_update,
                       brokers::OnConnectionChange on_connection) {
  after_ = after;
  on_update_ = std::move(on_update);
  on_connection_ = std::move(on_connection);
  thread_ = std::thread([this] { loop(); });
}

void StreamFeed::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

Status StreamFeed::connect() {
  auto js = JetStream::connect(options_.urls, "tandem-shard-" + options_.shard, 5s);
  if (!js.ok()) return js.status();
  const StreamSpec spec = leader_stream(options_.leader, 1);
  auto consumer = (*js)->pull(spec.name, spec.subject, "shard-" + options_.shard, options_.ack_wait,
                              after_ + 1);
  if (!consumer.ok()) return consumer.status();
  js_ = std::move(*js);
  consumer_ = std::move(*consumer);
  return Status();
}

// What the engine has made durable is acknowledged, in the order it was handed on.
void StreamFeed::ack_durable() {
  std::deque<FeedMessage> done;
  {
    std::lock_guard lock(mu_);
    done.swap(durable_);
  }
  for (const FeedMessage& m : done) {
    if (!consumer_->ack(m).ok()) return;  // delivered again after ack_wait: nothing new then
  }
}

void StreamFeed::loop() {
  // Said once per change: the engine journals each change of a leader's connection.
  std::optional<bool> said;
  auto say = [&](bool up, const Status& why) {
    if (said == up) return;
    said = up;
    on_connection_(up, why);
  };
  while (!stopping_) {
    if (!consumer_) {
      if (Status s = connect(); !s.ok()) {
        say(false, s);
        std::this_thread::sleep_for(500ms);
        continue;
      }
    }
    ack_durable();
    auto got = consumer_->fetch(64, 200ms);
    if (!got.ok()) {  // the client moves to another node; the consumer is durable
      say(false, got.status());
      std::this_thread::sleep_for(100ms);
      continue;
    }
    say(true, Status());
    for (FeedMessage& m : *got) {
      auto update = fed_update(m.bytes, options_.leader);
      if (!update.ok()) {  // never acknowledged: said, and left in the stream
        say(false, Status(update.status().code(), "stream message " + std::to_string(m.stream_seq) +
                                                      ": " + update.status().message()));
        continue;
      }
      update->feed_seq = m.stream_seq;
      delivered_seq_ = m.stream_seq;
      pending_ = m.pending;
      if (m.delivered > 1) ++redelivered_;
      auto message = std::make_shared<FeedMessage>(std::move(m));
      on_update_(std::move(*update), [this, message] {
        std::lock_guard lock(mu_);
        durable_.push_back(*message);
      });
    }
  }
  if (consumer_) ack_durable();
}

}  // namespace tandem::fleet
