// Goal (issue 28): a tap killed -9 again and again while its leader trades still ends with
// the stream holding every leader update its journal holds, once each, in journal order, each
// message the journal's record byte for byte; and the journal holds the last state of every
// order the leader placed (nothing the leader did is lost).
// Method: the real `tandem sim` (LEADER1 trading from a script) and `tandem tap` processes, a
// real 3-node JetStream cluster (R3), ten kill -9s at seeded random moments and a clean last
// run; the stream read back by a durable consumer, the journal by the reader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "fleet/tap.h"
#include "journal/codec.h"
#include "journal/record_reader.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/live_day.h"
#include "tests/support/nats_cluster.h"

namespace tandem::fleet {
namespace tap_crash_test {

namespace d = ::tandem::domain;
using namespace std::chrono_literals;

// A 3-node cluster, and LEADER1's day at `tandem sim`: 40 orders, one every 200 ms (markets,
// and limits it modifies and cancels).
struct FleetDay {
  testing::NatsCluster cluster;
  testing::TempDir dir;
  testing::LiveDay day{dir, {testing::leader_trading_day(40, 200), "", ""}};

  std::string nats() const {
    std::string list;
    for (const std::string& url : cluster.urls()) list += (list.empty() ? "" : ",") + url;
    return list;
  }
  // `tandem tap` of LEADER1 into the journal "tap", on the day's market clock.
  std::vector<std::string> tap_args() const {
    std::vector<std::string> args = {"tap", "--config", "tandem.toml", "--journal",
                                     "tap", "--nats",   nats()};
    const std::vector<std::string> run = day.run_args();  // its clock options last
    args.insert(args.end(), run.end() - 4, run.end());
    return args;
  }
};

TEST(TapCrash, KilledTenTimesTheStreamHoldsEveryJournaledUpdateOnceInOrder) {
  FleetDay fleet;
  testing::NatsCluster& cluster = fleet.cluster;
  testing::TempDir& dir = fleet.dir;
  testing::LiveDay& day = fleet.day;
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const std::vector<std::string> args = fleet.tap_args();
  const uint32_t seed = 20261207;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pause_ms(300, 1200);
  int started = 0;
  for (int k = 0; k < 10; ++k) {
    testing::Process tap(TANDEM_BIN, args, dir.path("tap.out"), dir.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    tap.signal(SIGKILL);
    const int status = tap.wait();
    started += status == 128 + SIGKILL;
  }
  EXPECT_EQ(started, 10) << "seed=" << seed << "\n" << testing::read_file(dir.path("tap.out"));
  {
    testing::Process last(TANDEM_BIN, args, dir.path("tap.out"), dir.path());
    ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 60s));
    std::this_thread::sleep_for(2s);  // the last reports journaled and published
    last.signal(SIGINT);
    ASSERT_EQ(last.wait(), 0) << testing::read_file(dir.path("tap.out"));
  }
  const auto leader_book = day.follower_book(/*leader=*/true);
  day.stop_sim();

  // The journal: every update once by message id, and each order's last state there.
  auto store = testing::open_store(dir.path("tap"), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::map<uint64_t, std::string> journaled;  // seq → the envelope as stored
  std::map<std::string, d::LeaderOrderUpdate> last_of_order;
  std::set<std::string> ids;
  ASSERT_TRUE(store
                  ->scan(1, store->head().seq,
                         [&](journal::Envelope& e) {
                           auto r = journal::to_record(e);
                           EXPECT_TRUE(r.ok());
                           if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r->event)) {
                             EXPECT_TRUE(ids.insert(message_id(*u)).second) << message_id(*u);
                             journaled[e.header.seq] =
                                 std::string(reinterpret_cast<const char*>(e.value.bytes().data()),
                                             e.value.bytes().size());
                             last_of_order[u->order_id.value] = *u;
                           }
                           return true;
                         })
                  .ok());
  ASSERT_FALSE(leader_book.empty());
  for (const auto& o : leader_book) {
    ASSERT_TRUE(last_of_order.contains(o.order_id.value)) << o.order_id.value << " seed=" << seed;
    EXPECT_EQ(last_of_order[o.order_id.value].status, o.status) << o.order_id.value;
    EXPECT_EQ(last_of_order[o.order_id.value].filled_units, o.filled_units) << o.order_id.value;
  }

  // The stream: the journal's updates, once each, in journal order, byte for byte.
  auto js = JetStream::connect(cluster.urls(), "reader", 5s);
  ASSERT_TRUE(js.ok()) << js.status().to_string();
  const StreamSpec spec = leader_stream({{"LEADER1"}, d::Broker::kite, {}, {}}, 3);
  auto consumer = (*js)->pull(spec.name, spec.subject, "reader", 5s);
  ASSERT_TRUE(consumer.ok()) << consumer.status().to_string();
  std::vector<std::pair<uint64_t, std::string>> streamed;
  for (;;) {
    auto got = (*consumer)->fetch(256, 1s);
    ASSERT_TRUE(got.ok()) << got.status().to_string();
    if (got->empty()) break;
    for (const FeedMessage& m : *got) {
      const std::string bytes(m.bytes.begin(), m.bytes.end());
      auto envelope = journal::decode_sent_envelope(bytes);
      ASSERT_TRUE(envelope.ok()) << envelope.status().to_string();
      streamed.emplace_back(envelope->header.seq, bytes);
      EXPECT_TRUE((*consumer)->ack(m).ok());
    }
  }
  ASSERT_EQ(streamed.size(), journaled.size()) << "seed=" << seed;
  auto j = journaled.begin();
  for (const auto& [seq, bytes] : streamed) {
    EXPECT_EQ(seq, j->first) << "in journal order";
    EXPECT_EQ(bytes, j->second) << "record " << seq << " as stored";
    ++j;
  }
}

// A shard reads the leader from the tap's stream instead of the broker's socket (tandem run
// --leader-feed): killed -9 five times mid-day, it still ends with FOLLOW1 at its broker at
// twice the leader's position, every follower order under a tag its journal holds, once, and
// its journal's leader updates those of the tap, in the tap's order. A second shard, never
// killed, holds the same leader stream: tandem fleet verify passes on the two.
TEST(Shard, FedByTheTapAndKilledFiveTimesItEndsOnTheLeadersPosition) {
  FleetDay fleet;
  testing::TempDir& dir = fleet.dir;
  testing::LiveDay& day = fleet.day;
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  const std::vector<std::string> tap_args = fleet.tap_args();
  std::vector<std::string> shard_args = day.run_args();
  shard_args.insert(shard_args.end(), {"--leader-feed", fleet.nats(), "--shard", "s1"});
  // A second shard, never killed: the paper follower p2, its own journal.
  const std::string toml = testing::read_file(dir.path("tandem.toml"));
  std::string second = toml.substr(0, toml.find("[[follower]]"));
  second.replace(second.find("journal = \"journal\""), 19, "journal = \"journal2\"");
  std::ofstream(dir.path("shard2.toml"))
      << second << "[[follower]]\nid = \"p2\"\nbroker = \"paper\"\nratio = 3\n";
  std::vector<std::string> shard2_args = shard_args;
  shard2_args[2] = "shard2.toml";  // run --config <file>
  shard2_args.back() = "s2";
  testing::Process tap(TANDEM_BIN, tap_args, dir.path("tap.out"), dir.path());
  testing::Process shard2(TANDEM_BIN, shard2_args, dir.path("run2.out"), dir.path());
  const uint32_t seed = 20261208;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pause_ms(400, 1500);
  for (int k = 0; k < 5; ++k) {
    testing::Process shard(TANDEM_BIN, shard_args, dir.path("run.out"), dir.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    shard.signal(SIGKILL);
    EXPECT_EQ(shard.wait(), 128 + SIGKILL) << testing::read_file(dir.path("run.out"));
  }
  {
    testing::Process last(TANDEM_BIN, shard_args, dir.path("run.out"), dir.path());
    ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 60s));
    std::this_thread::sleep_for(3s);  // the last copies filled and reported
    last.signal(SIGINT);
    ASSERT_EQ(last.wait(), 0) << testing::read_file(dir.path("run.out"));
  }
  shard2.signal(SIGINT);
  ASSERT_EQ(shard2.wait(), 0) << testing::read_file(dir.path("run2.out"));
  tap.signal(SIGINT);
  ASSERT_EQ(tap.wait(), 0) << testing::read_file(dir.path("tap.out"));
  // tandem fleet verify: both shards hold the same leader stream, and each replays.
  testing::Process verify(
      TANDEM_BIN,
      {"fleet", "verify", "--journal", "journal", "--journal", "journal2", "--day", "2026-11-20"},
      dir.path("verify.out"), dir.path());
  EXPECT_EQ(verify.wait(), 0) << testing::read_file(dir.path("verify.out"));
  EXPECT_EQ(testing::count_text(dir.path("verify.out"), "replay OK"), 2)
      << testing::read_file(dir.path("verify.out"));
  const auto book = day.follower_book();
  const int64_t leader = testing::net_of(day.follower_book(/*leader=*/true));
  day.stop_sim();
  EXPECT_NE(leader, 0);
  EXPECT_EQ(testing::net_of(book), 2 * leader)
      << "FOLLOW1 at its broker, against twice the leader's; seed=" << seed;

  std::vector<d::LeaderOrderUpdate> tapped, decided;
  std::set<std::string> tags;
  for (const auto& [journal_dir, into] :
       {std::pair{"tap", &tapped}, std::pair{"journal", &decided}}) {
    auto store = testing::open_store(dir.path(journal_dir), false, journal::OpenMode::read_only);
    ASSERT_TRUE(store);
    ASSERT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                  if (const auto* u = std::get_if<d::LeaderOrderUpdate>(&r.event)) {
                    into->push_back(*u);
                  }
                  if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) {
                    tags.insert(i->tag.value);
                  }
                  return true;
                }).ok());
  }
  testing::expect_each_tag_once_and_journaled(book, tags);
  // Each update the shard journaled is one the tap journaled, in the tap's order (the shard
  // leaves out repeats it finds nothing new), with the sequence of the stream message it came
  // in, rising: none decided twice.
  ASSERT_FALSE(decided.empty());
  size_t at = 0;
  uint64_t last_seq = 0;
  for (const auto& u : decided) {
    EXPECT_GT(u.feed_seq, last_seq) << u.order_id.value;
    last_seq = u.feed_seq;
    d::LeaderOrderUpdate as_tapped = u;
    as_tapped.feed_seq = 0;
    while (at < tapped.size() && !(tapped[at] == as_tapped)) ++at;
    ASSERT_LT(at, tapped.size()) << u.order_id.value << " is not the tap's, or not in its order";
    ++at;
  }
}

// The fleet against one process, on one leader day: a tap and three shards copy LEADER1 to
// FOLLOW1-3 (at 1×, 2× and 3×, a shard each), while one tandem run copies it over the
// broker's socket to FOLLOW4-6 with the same settings. Mid-day a NATS node is killed -9,
// then shard 2, then the tap, each started again. Each fleet follower's position at its
// broker must end as its single-process twin's (the orders may differ: a leader order that
// went through several states while the tap was down comes by its gap fill in its last
// state only); no tag twice, each journaled; fleet verify passes on the three shards.
// The last price of each instrument in a journal's PriceSnapshots: the marks it decided on.
std::map<d::InstrumentKey, int64_t> marks_in(const std::string& dir) {
  std::map<d::InstrumentKey, int64_t> out;
  auto store = testing::open_store(dir, false, journal::OpenMode::read_only);
  EXPECT_TRUE(store) << dir;
  if (!store) return out;
  EXPECT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                if (const auto* p = std::get_if<d::PriceSnapshot>(&r.event)) {
                  for (const auto& price : p->prices)
                    out[price.instrument] = price.last_price_paise;
                }
                return true;
              }).ok());
  return out;
}

TEST(Fleet, ThreeShardsThroughKillsEndAsOneProcessDoes) {
  testing::NatsCluster cluster;
  testing::TempDir dir;
  testing::LiveDaySetup setup{testing::leader_trading_day(40, 200, /*moving=*/true), "", ""};
  setup.follower_accounts = 6;
  setup.ticker = true;
  testing::LiveDay day(dir, setup);
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  std::string nats;
  for (const std::string& url : cluster.urls()) nats += (nats.empty() ? "" : ",") + url;
  const std::string toml = testing::read_file(dir.path("tandem.toml"));
  const std::string leader =
      toml.substr(toml.find("[leader]"), toml.find("[[follower]]") - toml.find("[leader]"));
  auto follower = [&](int account, int ratio) {
    return "[[follower]]\nid = \"f" + std::to_string(account) + "\"\naccount = \"FOLLOW" +
           std::to_string(account) + "\"\nbroker = \"kite\"\nratio = " + std::to_string(ratio) +
           "\n" + day.connection();
  };
  auto config = [&](const std::string& name, const std::string& journal,
                    const std::string& followers) {
    std::ofstream(dir.path(name)) << "mode = \"live\"\njournal = \"" << journal << "\"\n"
                                  << leader << followers;
  };
  for (int k = 1; k <= 3; ++k)
    config("shard" + std::to_string(k) + ".toml", "journal" + std::to_string(k), follower(k, k));
  config("single.toml", "single", follower(4, 1) + follower(5, 2) + follower(6, 3));
  const std::vector<std::string> run = day.run_args();  // run --config tandem.toml … clock
  auto run_of = [&](const std::string& file, const std::string& shard) {
    std::vector<std::string> args = run;
    args[2] = file;
    args[5] = "off";  // --http: no dashboards
    if (!shard.empty()) args.insert(args.end(), {"--leader-feed", nats, "--shard", shard});
    return args;
  };
  std::vector<std::string> tap_args = {"tap", "--config", "tandem.toml", "--journal",
                                       "tap", "--nats",   nats};
  tap_args.insert(tap_args.end(), run.end() - 4, run.end());

  auto tap =
      std::make_unique<testing::Process>(TANDEM_BIN, tap_args, dir.path("tap.out"), dir.path());
  std::vector<std::unique_ptr<testing::Process>> shards;
  for (int k = 1; k <= 3; ++k) {
    const std::string n = std::to_string(k);
    shards.push_back(
        std::make_unique<testing::Process>(TANDEM_BIN, run_of("shard" + n + ".toml", "s" + n),
                                           dir.path("shard" + n + ".out"), dir.path()));
  }
  testing::Process single(TANDEM_BIN, run_of("single.toml", ""), dir.path("single.out"),
                          dir.path());
  std::this_thread::sleep_for(2s);
  cluster.kill(0);  // kill -9 of a NATS node mid-day
  std::this_thread::sleep_for(1500ms);
  shards[1]->signal(SIGKILL);
  EXPECT_EQ(shards[1]->wait(), 128 + SIGKILL);
  shards[1] = std::make_unique<testing::Process>(TANDEM_BIN, run_of("shard2.toml", "s2"),
                                                 dir.path("shard2.out"), dir.path());
  std::this_thread::sleep_for(1s);
  tap->signal(SIGKILL);
  EXPECT_EQ(tap->wait(), 128 + SIGKILL);
  tap = std::make_unique<testing::Process>(TANDEM_BIN, tap_args, dir.path("tap.out"), dir.path());
  std::this_thread::sleep_for(1s);
  cluster.start(0);
  ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 60s));
  std::this_thread::sleep_for(4s);  // the last copies filled and reported
  for (auto* p : {shards[0].get(), shards[1].get(), shards[2].get(), &single, tap.get()}) {
    p->signal(SIGINT);
    EXPECT_EQ(p->wait(), 0);
  }
  std::string outputs;  // for a failure's message
  for (const char* out : {"shard1.out", "shard2.out", "shard3.out", "single.out", "tap.out"}) {
    outputs += std::string("== ") + out + "\n" + testing::read_file(dir.path(out));
  }

  const int64_t leader_net = testing::net_of(day.follower_book(/*leader=*/true));
  std::map<int, std::vector<brokers::BrokerOrder>> books;
  const std::vector<std::string> tokens = {"tf", "tf2", "tf3", "tf4", "tf5", "tf6"};
  for (int k = 1; k <= 6; ++k) books[k] = day.book_of(tokens[static_cast<size_t>(k - 1)].c_str());
  day.stop_sim();
  EXPECT_NE(leader_net, 0);
  for (int k = 1; k <= 3; ++k) {
    EXPECT_EQ(testing::net_of(books[k]), k * leader_net)
        << "FOLLOW" << k << " (shard " << k << ")\n"
        << outputs;
    EXPECT_EQ(testing::net_of(books[k]), testing::net_of(books[k + 3]))
        << "FOLLOW" << k << " against its single-process twin FOLLOW" << k + 3;
    std::set<std::string> tags;
    auto store = testing::open_store(dir.path("journal" + std::to_string(k)), false,
                                     journal::OpenMode::read_only);
    ASSERT_TRUE(store);
    ASSERT_TRUE(journal::read_records(*store, {}, [&](journal::Record&& r) {
                  if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) {
                    tags.insert(i->tag.value);
                  }
                  return true;
                }).ok());
    testing::expect_each_tag_once_and_journaled(books[k], tags);
  }
  // The marks: the single process's from the leader's ticker, each shard's from the tap.
  const auto marks = marks_in(dir.path("single"));
  EXPECT_FALSE(marks.empty()) << "the leader's ticker gave the single process no price";
  for (int k = 1; k <= 3; ++k) {
    EXPECT_EQ(marks_in(dir.path("journal" + std::to_string(k))), marks)
        << "shard " << k << "'s marks, from the tap, against the single process's";
  }
  testing::Process verify(TANDEM_BIN,
                          {"fleet", "verify", "--journal", "journal1", "--journal", "journal2",
                           "--journal", "journal3", "--day", "2026-11-20"},
                          dir.path("verify.out"), dir.path());
  EXPECT_EQ(verify.wait(), 0) << testing::read_file(dir.path("verify.out")) << outputs;

  // The day's audit export over the three shards: one signed export, a register per
  // follower, checked again against the three journals.
  { std::ofstream(dir.path("audit.key")) << std::string(40, 'k'); }
  std::filesystem::permissions(dir.path("audit.key"), std::filesystem::perms::owner_read);
  const std::vector<std::string> journals = {"--journal", "journal1",  "--journal",
                                             "journal2",  "--journal", "journal3"};
  auto audit = [&](std::vector<std::string> args, const std::string& out) {
    args.insert(args.begin() + 2, journals.begin(), journals.end());
    args.insert(args.end(), {"--hmac-key-file", "audit.key"});
    return testing::Process(TANDEM_BIN, args, dir.path(out), dir.path()).wait();
  };
  EXPECT_EQ(audit({"audit", "export", "--from", "2026-11-20", "--out", "audit"}, "export.out"), 0)
      << testing::read_file(dir.path("export.out"));
  for (const char* f : {"register-f1.csv", "register-f2.csv", "register-f3.csv", "summary.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.path(std::string("audit/") + f))) << f;
  }
  EXPECT_EQ(testing::count_text(dir.path("audit/manifest.json"), "\"last_hash\""), 3);
  EXPECT_EQ(audit({"audit", "verify", "audit"}, "audit_verify.out"), 0)
      << testing::read_file(dir.path("audit_verify.out"));
  EXPECT_EQ(testing::Process(TANDEM_BIN,
                             {"audit", "verify", "audit", "--journal", "journal1", "--journal",
                              "journal2", "--hmac-key-file", "audit.key"},
                             dir.path("audit_two.out"), dir.path())
                .wait(),
            1);
  EXPECT_EQ(testing::count_text(dir.path("audit_two.out"), "the manifest names 3 journal(s)"), 1)
      << testing::read_file(dir.path("audit_two.out"));
}

}  // namespace tap_crash_test
}  // namespace tandem::fleet
