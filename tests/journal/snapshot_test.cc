// Goal: snapshots make restarts cheap without changing what they restore —
// decode(encode(state)) == state with stable bytes, and for any journal and any snapshot
// point, snapshot + tail read from RocksDB equals folding every record (DESIGN.md
// invariant 4). A damaged snapshot, or one of another state version, is not trusted: the
// state is rebuilt from record 1.
// Method: states come from generated leader histories run through decide()/evolve().
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>

#include <capnp/message.h>

#include "journal/schema/snapshot.capnp.h"
#include "journal/snapshot_codec.h"
#include "journal/state_restore.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/leader_gen.h"
#include "tests/support/temp_dir.h"
#include "tests/support/two_leaders.h"

namespace tandem::journal {
namespace {

namespace d = ::tandem::domain;

std::vector<d::Event> generated_journal() {
  std::vector<d::FollowerSettings> followers;
  const int n = *rc::gen::inRange(1, 4);
  for (int i = 0; i < n; ++i)
    followers.push_back(*testing::follower_settings("f" + std::to_string(i)));
  const auto ops = *rc::gen::resize(
      40, rc::gen::container<std::vector<testing::LeaderOp>>(testing::leader_op()));
  testing::CopySim sim(false);
  sim.setup(followers);
  testing::LeaderModel leader;
  for (const auto& op : ops) leader.step(op, sim);
  sim.broker_step();
  return sim.journal();
}

d::CopyState fold_prefix(const std::vector<d::Event>& events, size_t n) {
  d::CopyState state;
  for (size_t i = 0; i < n; ++i) state = d::evolve(std::move(state), events[i]);
  return state;
}

RC_GTEST_PROP(SnapshotProp, DecodeOfEncodeIsIdentityWithStableBytes, ()) {
  const auto events = generated_journal();
  const d::CopyState state = fold_prefix(events, events.size());
  const WordBytes bytes = encode_snapshot(state);
  auto decoded = decode_snapshot(bytes.bytes(), 1);
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == state);
  const WordBytes again = encode_snapshot(*decoded);
  RC_ASSERT(std::ranges::equal(bytes.bytes(), again.bytes()));
}

RC_GTEST_PROP(SnapshotProp, SnapshotPlusTailFromTheJournalEqualsFullRebuild, ()) {
  const auto events = generated_journal();
  testing::TempDir dir;
  auto store = testing::open_store(dir.path("j"));
  std::vector<AppendItem> items;
  for (const auto& e : events) items.push_back(testing::item(e));
  RC_ASSERT(store->append(items).ok());

  const size_t snap = *rc::gen::inRange<size_t>(1, events.size() + 1);
  RC_ASSERT(save_snapshot(*store, fold_prefix(events, snap), snap).ok());
  const bool damage = *rc::gen::inRange(0, 4) == 0;
  if (damage) {
    // Damage the stored snapshot: restore must fall back to a full rebuild.
    RC_ASSERT(store->latest_snapshot(snap)->has_value());
    RC_ASSERT(store->put_snapshot(snap, std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}).ok());
  }
  const size_t to = *rc::gen::inRange<size_t>(1, events.size() + 1);
  auto restored = restore_state(*store, to);
  RC_ASSERT(restored.ok());
  RC_ASSERT(restored->seq == to);
  RC_ASSERT(restored->state == fold_prefix(events, to));
  RC_ASSERT(restored->snapshot_seq == (!damage && snap <= to ? snap : 0));
}

// Many leaders: each leader's book and working orders, each follower's leader, survive.
TEST(Snapshot, AStateOfTwoLeadersDecodesAsItWas) {
  testing::CopySim sim = testing::two_leaders();
  sim.apply(testing::order_of(testing::kScalper, "1", d::Side::buy, 75));
  sim.apply(testing::order_of(testing::kWriter, "1", d::Side::sell, 150));
  d::LeaderOrderUpdate working = testing::order_of(testing::kWriter, "2", d::Side::buy, 75);
  working.status = d::OrderStatus::open;
  working.filled_units = 0;
  sim.apply(working);
  const d::CopyState& state = sim.state();
  ASSERT_EQ(state.leaders.size(), 2u);
  ASSERT_EQ(state.leader_working.at(testing::kWriter).size(), 1u);
  const WordBytes bytes = encode_snapshot(state);
  auto decoded = decode_snapshot(bytes.bytes(), 1);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(*decoded == state);
  // The writer's share: its sell at 2×, and the copy of its working buy (CopySim fills it).
  EXPECT_EQ(decoded->positions.net({{"fam"}, testing::kWriter}, testing::sim_option().key,
                                   d::Product::intraday),
            -300 + 150);
  EXPECT_EQ(decoded->account_followers.at({"fam"}).size(), 2u);
}

TEST(Snapshot, RestoreWithoutSnapshotsFoldsEveryRecord) {
  testing::TempDir dir;
  auto store = testing::open_store(dir.path("j"));
  const std::vector<AppendItem> items = {
      testing::item(d::LeaderConfigured{{"leader"}, d::Broker::kite, {}, {}}),
      testing::item(d::TradingDayOpened{20261120})};
  ASSERT_TRUE(store->append(items).ok());
  auto restored = restore_state(*store);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->seq, 2u);
  EXPECT_EQ(restored->snapshot_seq, 0u);
  EXPECT_EQ(d::leader_account(restored->state, {}).value, "leader");
  EXPECT_EQ(restored->state.day, 20261120u);
}

// A snapshot from a binary whose state lacked fields a fold now fills (the loss guard's
// opening values) would restore them empty: it is refused by its state version, and the
// state is rebuilt from record 1.
TEST(Snapshot, ASnapshotOfAnotherStateVersionIsNotUsed) {
  testing::CopySim sim;
  d::FollowerSettings a = testing::sim_follower("a");
  a.max_daily_loss_paise = 1'000'00;
  sim.setup({a});
  sim.apply(testing::leader_order("L1", testing::sim_option(), d::Side::buy, 150,
                                  d::OrderStatus::complete, 150));
  const auto& events = sim.journal();
  testing::TempDir dir;
  auto store = testing::open_store(dir.path("j"));
  std::vector<AppendItem> items;
  for (const auto& e : events) items.push_back(testing::item(e));
  ASSERT_TRUE(store->append(items).ok());

  // The current encoding, with the version an older binary wrote (0: no field).
  const WordBytes bytes = encode_snapshot(fold_prefix(events, events.size()));
  std::vector<capnp::word> words(bytes.words.size());
  std::memcpy(static_cast<void*>(words.data()), bytes.words.data(), bytes.size);
  kj::ArrayPtr<const capnp::word> segments[1] = {kj::arrayPtr(words.data(), words.size())};
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1));
  capnp::MallocMessageBuilder older;
  older.setRoot(reader.getRoot<schema::CopyState>());
  older.getRoot<schema::CopyState>().setStateVersion(0);
  const kj::Array<capnp::word> canonical =
      capnp::canonicalize(older.getRoot<schema::CopyState>().asReader());
  const auto older_bytes = canonical.asBytes();
  const std::span<const uint8_t> span(older_bytes.begin(), older_bytes.size());

  auto decoded = decode_snapshot(span, events.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::unsupported);
  EXPECT_NE(decoded.status().message().find("state version 0"), std::string::npos);
  ASSERT_TRUE(store->put_snapshot(events.size(), span).ok());
  auto restored = restore_state(*store);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->snapshot_seq, 0u);  // rebuilt from record 1
  EXPECT_EQ(restored->state, fold_prefix(events, events.size()));
}

}  // namespace
}  // namespace tandem::journal
