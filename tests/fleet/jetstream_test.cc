// Goal (issue 28): what the fleet relies on JetStream for holds on a real 3-node cluster: a
// replicated stream that de-duplicates by message id (a tap that publishes again after a
// restart adds nothing), a durable pull consumer that delivers again whatever was not
// acknowledged (a shard killed before its journal had a message gets it again), and a stream
// that keeps every message, in order, when a node is killed -9 mid-way.
// Method: three Debian nats-server processes routed on loopback (tests/support/
// nats_cluster.h), the NATS C client through fleet/jetstream.h.
#include "fleet/jetstream.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/support/nats_cluster.h"

namespace tandem::fleet {
namespace {

using namespace std::chrono_literals;

const StreamSpec kStream{"LEADER_TEST", "tandem.leader.test", 3, std::chrono::hours(24)};

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
std::string text_of(const FeedMessage& m) { return {m.bytes.begin(), m.bytes.end()}; }

// Connected, with the R3 stream made: a new cluster elects its meta leader first.
std::unique_ptr<JetStream> ready(const testing::NatsCluster& cluster) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  Status last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto js = JetStream::connect(cluster.urls(), "test", 2s);
    if (js.ok()) {
      last = (*js)->ensure_stream(kStream);
      if (last.ok()) return std::move(*js);
    } else {
      last = js.status();
    }
    std::this_thread::sleep_for(200ms);
  }
  ADD_FAILURE() << "no JetStream cluster: " << last.to_string() << "\n" << cluster.log(0);
  return nullptr;
}

// Publishes until the stream answers (a stream leader lost with its node is elected again
// within seconds); the message id makes a retry of one that did land a duplicate.
Published publish(JetStream& js, const std::string& id) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto done = js.publish(kStream.subject, bytes_of("body " + id), id);
    if (done.ok()) return *done;
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "publish of " << id << " never answered";
  return {};
}

TEST(JetStream, AMessageIdIsPublishedOnceAndWhatIsNotAckedIsDeliveredAgain) {
  testing::NatsCluster cluster;
  auto js = ready(cluster);
  ASSERT_TRUE(js);
  const Published a = publish(*js, "L1#d1");
  const Published b = publish(*js, "L1#d2");
  const Published again = publish(*js, "L1#d1");
  EXPECT_FALSE(a.duplicate);
  EXPECT_EQ(b.stream_seq, a.stream_seq + 1);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.stream_seq, a.stream_seq);
  EXPECT_EQ(*js->last_seq(kStream.name), b.stream_seq);
  EXPECT_EQ(js->ensure_stream(kStream), Status()) << "the same stream again is fine";
  StreamSpec other = kStream;
  other.replicas = 1;
  EXPECT_EQ(js->ensure_stream(other).code(), StatusCode::failed_precondition);

  {
    auto consumer = js->pull(kStream.name, kStream.subject, "shard1", 500ms);
    ASSERT_TRUE(consumer.ok()) << consumer.status().to_string();
    auto got = (*consumer)->fetch(10, 2s);
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    ASSERT_EQ(got->size(), 2u);
    EXPECT_EQ(text_of((*got)[0]), "body L1#d1");
    EXPECT_EQ((*got)[0].stream_seq, a.stream_seq);
    EXPECT_EQ((*got)[0].delivered, 1u);
    EXPECT_EQ((*got)[0].pending, 1u) << "the lag a shard shows: one more after it";
    EXPECT_EQ((*got)[1].pending, 0u);
    EXPECT_TRUE((*consumer)->ack((*got)[0]).ok());  // the second is never acknowledged
  }
  // The shard again, on the same durable consumer: only the unacknowledged one comes back.
  auto consumer = js->pull(kStream.name, kStream.subject, "shard1", 500ms);
  ASSERT_TRUE(consumer.ok()) << consumer.status().to_string();
  auto again_got = (*consumer)->fetch(10, 3s);
  ASSERT_TRUE(again_got.ok()) << again_got.status().to_string();
  ASSERT_EQ(again_got->size(), 1u);
  EXPECT_EQ((*again_got)[0].stream_seq, b.stream_seq);
  EXPECT_EQ((*again_got)[0].delivered, 2u);
  EXPECT_TRUE((*consumer)->ack((*again_got)[0]).ok());
  auto nothing = (*consumer)->fetch(10, 300ms);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
}

TEST(JetStream, AnR3StreamKeepsEveryMessageInOrderWhenANodeIsKilled) {
  testing::NatsCluster cluster;
  auto js = ready(cluster);
  ASSERT_TRUE(js);
  for (int k = 0; k < 40; ++k) publish(*js, "m" + std::to_string(k));
  cluster.kill(0);  // kill -9 of the node the client may be on, perhaps the stream's leader
  for (int k = 40; k < 80; ++k) publish(*js, "m" + std::to_string(k));
  auto consumer = js->pull(kStream.name, kStream.subject, "shard1", 5s);
  for (int attempt = 0; !consumer.ok() && attempt < 50; ++attempt) {
    std::this_thread::sleep_for(200ms);
    consumer = js->pull(kStream.name, kStream.subject, "shard1", 5s);
  }
  ASSERT_TRUE(consumer.ok()) << consumer.status().to_string();
  std::vector<std::string> seen;
  for (int round = 0; round < 100 && seen.size() < 80; ++round) {
    auto got = (*consumer)->fetch(32, 1s);
    if (!got.ok()) continue;  // a node gone: the client moves on
    for (const FeedMessage& m : *got) {
      seen.push_back(text_of(m));
      EXPECT_TRUE((*consumer)->ack(m).ok());
    }
  }
  ASSERT_EQ(seen.size(), 80u);
  for (int k = 0; k < 80; ++k) EXPECT_EQ(seen[k], "body m" + std::to_string(k));
  cluster.start(0);  // back on its own store; the stream is whole
  EXPECT_EQ(*js->last_seq(kStream.name), 80u);
}

TEST(JetStream, NoServerIsAClearErrorNamingWhereWithoutItsPassword) {
  auto js = JetStream::connect(
      {"nats://ops:s3cret@127.0.0.1:" + std::to_string(testing::free_port())}, "test", 500ms);
  ASSERT_FALSE(js.ok());
  EXPECT_NE(js.status().message().find("cannot connect to NATS at nats://127.0.0.1:"),
            std::string::npos)
      << js.status().message();
  EXPECT_EQ(js.status().message().find("s3cret"), std::string::npos);
  EXPECT_EQ(redacted("nats://a:b@h:1"), "nats://h:1");
  EXPECT_EQ(redacted("nats://h:1"), "nats://h:1");
}

}  // namespace
}  // namespace tandem::fleet
