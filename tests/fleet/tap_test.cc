// Goal (issue 28): the tap publishes every leader update it journaled, once, in journal order,
// whatever it was doing when it stopped: journaled but not yet published (a crash between the
// two), or published with the answer lost (the stream has it: not published again). Each
// message is the journal record's envelope as stored, so a shard can check it. A tap's journal
// taps one leader: another's is refused.
// Method: fleet::Tap on a RocksDB journal on disk and a real 3-node JetStream cluster (R3),
// reopened as a restarted process would; what the stream holds read back by a durable
// consumer.
#include "fleet/tap.h"

#include "fleet/feed.h"

#include <gtest/gtest.h>

#include <thread>

#include "journal/codec.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/nats_cluster.h"
#include "tests/support/temp_dir.h"

namespace tandem::fleet {
namespace tap_test {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

const d::LeaderConfigured kLeader{{"LEADER1"}, d::Broker::kite, {"scalper"}, "S"};
constexpr d::TimeNs kTenAm = 1'795'150'800'000'000'000;  // 2026-11-20 10:30 IST

d::LeaderOrderUpdate update(int n) {
  d::LeaderOrderUpdate u;
  u.leader = kLeader.name;
  u.order_id = d::leader_order_id(kLeader.name, "P" + std::to_string(n));
  u.instrument = {d::Exchange::nfo, "NIFTY26N2423500PE"};
  u.side = d::Side::buy;
  u.order_type = d::OrderType::market;
  u.product = d::Product::intraday;
  u.quantity_units = 75;
  u.status = d::OrderStatus::complete;
  u.filled_units = 75;
  u.average_price_paise = 100'00;
  u.received_time_ns = kTenAm + n;
  u.raw_digest = std::string(63, 'a') + static_cast<char>('0' + n % 10);
  return u;
}

std::unique_ptr<JetStream> connected(const testing::NatsCluster& cluster) {
  for (int attempt = 0; attempt < 150; ++attempt) {
    auto js = JetStream::connect(cluster.urls(), "tap-test", 2s);
    if (js.ok() && (*js)->ensure_stream(leader_stream(kLeader, 3)).ok()) return std::move(*js);
    std::this_thread::sleep_for(200ms);
  }
  ADD_FAILURE() << "no JetStream cluster\n" << cluster.log(0);
  return nullptr;
}

// Every message in the stream, as the journal records they are.
std::vector<journal::Record> stream_records(JetStream& js) {
  const StreamSpec spec = leader_stream(kLeader, 3);
  auto consumer = js.pull(spec.name, spec.subject, "reader", 5s);
  EXPECT_TRUE(consumer.ok()) << consumer.status().to_string();
  std::vector<journal::Record> out;
  if (!consumer.ok()) return out;
  for (;;) {
    auto got = (*consumer)->fetch(64, 500ms);
    if (!got.ok() || got->empty()) break;
    for (const FeedMessage& m : *got) {
      auto envelope = journal::decode_sent_envelope(
          std::string_view(reinterpret_cast<const char*>(m.bytes.data()), m.bytes.size()));
      EXPECT_TRUE(envelope.ok()) << envelope.status().to_string();
      if (!envelope.ok()) continue;
      auto record = journal::to_record(*envelope);  // its own hash checked
      EXPECT_TRUE(record.ok()) << record.status().to_string();
      if (record.ok()) out.push_back(std::move(*record));
      EXPECT_TRUE((*consumer)->ack(m).ok());
    }
  }
  return out;
}

TEST(Tap, PublishesEachJournaledUpdateOnceInJournalOrderAcrossRestarts) {
  testing::NatsCluster cluster;
  testing::TempDir dir;
  auto js = connected(cluster);
  ASSERT_TRUE(js);
  {
    auto store = testing::open_store(dir.path("tap"));
    auto tap = Tap::open(*store, *js, kLeader, 3, kTenAm);
    ASSERT_TRUE(tap.ok()) << tap.status().to_string();
    for (int n = 1; n <= 5; ++n) ASSERT_TRUE(*(*tap)->record(update(n), kTenAm + n));
    EXPECT_FALSE(*(*tap)->record(update(3), kTenAm + 9)) << "the same frame again";
    ASSERT_TRUE((*tap)->publish_pending().ok());
    EXPECT_EQ((*tap)->published(), 5);
    // Journaled, then the process dies before publishing these.
    for (int n = 6; n <= 8; ++n) ASSERT_TRUE(*(*tap)->record(update(n), kTenAm + n));
  }
  {
    auto store = testing::open_store(dir.path("tap"));
    auto tap = Tap::open(*store, *js, kLeader, 3, kTenAm + 100);
    ASSERT_TRUE(tap.ok()) << tap.status().to_string();
    EXPECT_EQ((*tap)->published_seq(), 6u) << "record 1 is the leader, 2-6 the first five";
    ASSERT_TRUE((*tap)->record(update(9), kTenAm + 9).ok());
    // Published, the answer lost: the stream has record 7 though the tap does not know it.
    const StreamSpec spec = leader_stream(kLeader, 3);
    ASSERT_TRUE(
        store
            ->scan(7, 7,
                   [&](journal::Envelope& e) {
                     const auto u = std::get<d::LeaderOrderUpdate>(journal::to_record(e)->event);
                     EXPECT_TRUE(js->publish(spec.subject, e.value.bytes(), message_id(u)).ok());
                     return true;
                   })
            .ok());
    ASSERT_TRUE((*tap)->publish_pending().ok());
    EXPECT_EQ((*tap)->published(), 3);   // 8, 9 and 10 (update 9 is record 10)...
    EXPECT_EQ((*tap)->duplicates(), 1);  // ...and 7 again, which the stream dropped
  }
  {
    auto store = testing::open_store(dir.path("tap"));
    auto tap = Tap::open(*store, *js, kLeader, 3, kTenAm + 200);
    ASSERT_TRUE(tap.ok());
    ASSERT_TRUE((*tap)->publish_pending().ok());
    EXPECT_EQ((*tap)->published() + (*tap)->duplicates(), 0) << "nothing left to publish";
  }

  const auto records = stream_records(*js);
  ASSERT_EQ(records.size(), 9u) << "updates 1-9, each once";
  for (size_t k = 0; k < records.size(); ++k) {
    EXPECT_EQ(records[k].seq, k + 2) << "in journal order, record 2 on";
    const auto& u = std::get<d::LeaderOrderUpdate>(records[k].event);
    EXPECT_EQ(u, update(static_cast<int>(k) + 1));
  }

  // A tap's journal taps one leader.
  auto store = testing::open_store(dir.path("tap"));
  d::LeaderConfigured other = kLeader;
  other.account = {"LEADER2"};
  auto refused = Tap::open(*store, *js, other, 3, kTenAm);
  EXPECT_EQ(refused.status().code(), StatusCode::failed_precondition);
  EXPECT_NE(refused.status().message().find("taps leader LEADER1, not LEADER2"), std::string::npos)
      << refused.status().message();
}

// A shard hands on only what the tap journaled for its leader: a changed byte (the record's
// hash), a record that is no leader update, another leader's update are refused by name.
TEST(Feed, AMessageIsCheckedBeforeItIsHandedOn) {
  testing::TempDir dir;
  auto store = testing::open_store(dir.path("tap"));
  std::vector<journal::AppendItem> items = {{kTenAm, 20261120, kLeader},
                                            {kTenAm, 20261120, update(1)}};
  ASSERT_TRUE(store->append(items).ok());
  std::vector<std::vector<uint8_t>> messages;
  ASSERT_TRUE(store
                  ->scan(1, 2,
                         [&](journal::Envelope& e) {
                           const auto b = e.value.bytes();
                           messages.emplace_back(b.begin(), b.end());
                           return true;
                         })
                  .ok());
  auto fed = fed_update(messages[1], kLeader);
  ASSERT_TRUE(fed.ok()) << fed.status().to_string();
  EXPECT_EQ(*fed, update(1));
  EXPECT_NE(fed_update(messages[0], kLeader).status().message().find("is not a leader update"),
            std::string::npos);
  d::LeaderConfigured other = kLeader;
  other.name = {"writer"};
  EXPECT_NE(fed_update(messages[1], other).status().message().find("not \"writer\""),
            std::string::npos);
  std::vector<uint8_t> changed = messages[1];
  changed[changed.size() - 40] ^= 1;  // inside the payload or its hashes
  EXPECT_EQ(fed_update(changed, kLeader).status().code(), StatusCode::corruption);
  EXPECT_EQ(fed_update({}, kLeader).status().code(), StatusCode::corruption);
}

}  // namespace tap_test
}  // namespace tandem::fleet
