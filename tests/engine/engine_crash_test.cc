// Goal (DESIGN.md invariants 1, 2 and 6): kill -9 the live engine at random moments of a
// scripted day — 30 times — restart it each time, let it finish the day: every follower
// order at the broker carries a tag that was journaled as an intent before it was sent, no
// tag reaches the broker twice, every intent ends acknowledged (with the broker's id for
// that tag) or rejected, and the journal's chain verifies.
// Method: the real `tandem sim` and `tandem run` processes (its gateways on two broker
// threads, the leader's and the followers' on different ones), the simulator living through
// every engine restart, one shared market clock (--clock-start/--clock-anchor); the
// simulator's book read over HTTPS afterwards; the journal read with its chain checked.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "brokers/kite/rest_session.h"
#include "crypto/secret_store.h"
#include "journal/record_reader.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/process.h"
#include "tests/support/sim_loop.h"
#include "tests/support/temp_dir.h"

namespace tandem::engine {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

constexpr int kKills = 30;

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A day of leader orders, one every 300 ms of real time, with modifies and cancels.
std::string leader_day() {
  std::string s = "10:00:00.000 price NSE:INFY 1500.00\n";
  int ms = 500;
  auto at = [&] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "10:%02d:%02d.%03d", ms / 60000, ms / 1000 % 60, ms % 1000);
    return std::string(buf);
  };
  for (int i = 0; i < 60; ++i, ms += 300) {
    const std::string n = "o" + std::to_string(i);
    if (i % 4 == 3) {
      s += at() + " place LEADER1 " + n + " BUY NSE:INFY " + std::to_string(1 + i % 7) +
           " LIMIT MIS 1490.00\n";
      ms += 150;
      s += at() + " modify LEADER1 " + n + " 3 LIMIT 1491.00\n";
      ms += 150;
      s += at() + " cancel LEADER1 " + n + "\n";
    } else {
      s += at() + " place LEADER1 " + n + (i % 3 == 2 ? " SELL" : " BUY") + " NSE:INFY " +
           std::to_string(1 + i % 5) + " MARKET MIS\n";
    }
  }
  return s;
}

TEST(EngineCrash, KilledThirtyTimesTheDayStillEndsWithEveryOrderOnceAndJournaledFirst) {
  testing::TempDir dir;
  const std::string cwd = dir.path();
  write(dir.path("sim.toml"), R"([kite]
api_key = "ck"
api_secret = "cs"
[[account]]
user_id = "LEADER1"
access_token = "tl"
funds = 100000000.00
[[account]]
user_id = "FOLLOW1"
access_token = "tf"
funds = 100000000.00
[[instrument]]
exchange = "NSE"
symbol = "INFY"
price = 1500.00
)");
  write(dir.path("day.txt"), leader_day());
  // Secrets for both accounts, in the real encrypted file.
  ASSERT_TRUE(crypto::create_key_file(dir.path("tandem.key")).ok());
  {
    ::unsetenv("TANDEM_SECRET_KEY");
    auto store = crypto::SecretStore::open(dir.path("tandem.secrets"),
                                           *crypto::load_secret_key(dir.path("tandem.key")));
    ASSERT_TRUE(store.ok());
    for (const auto& [a, token] : {std::pair{"LEADER1", "tl"}, std::pair{"FOLLOW1", "tf"}}) {
      ASSERT_TRUE(store->set(std::string("kite.") + a + ".api_key", "ck").ok());
      ASSERT_TRUE(store->set(std::string("kite.") + a + ".access_token", token).ok());
    }
    ASSERT_TRUE(store->save().ok());
  }
  const std::string anchor = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count() +
                                            1);
  const std::vector<std::string> clock = {"--clock-start", "2026-11-20 10:00:00", "--clock-anchor",
                                          anchor};
  std::vector<std::string> sim_args = {"sim",      "--config",    "sim.toml",
                                       "--listen", "127.0.0.1:0", "--ca-out",
                                       "ca.pem",   "--script",    "day.txt"};
  sim_args.insert(sim_args.end(), clock.begin(), clock.end());
  testing::Process sim(TANDEM_BIN, sim_args, dir.path("sim.out"), cwd);
  ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "Kite API at", 10s));
  const std::string out = testing::read_file(dir.path("sim.out"));
  const size_t colon = out.find("127.0.0.1:") + 10;
  const std::string port = out.substr(colon, out.find(' ', colon) - colon);
  const std::string url = "://localhost:" + port;
  write(dir.path("tandem.toml"),
        "mode = \"live\"\njournal = \"journal\"\nbroker_threads = 2\n"
        "[leader]\naccount = \"LEADER1\"\n"
        "api_url = \"https" +
            url + "\"\nws_url = \"wss" + url +
            "\"\nca_file = \"ca.pem\"\n"
            "[[follower]]\nid = \"f1\"\naccount = \"FOLLOW1\"\nbroker = \"kite\"\nratio = 2\n"
            "api_url = \"https" +
            url + "\"\nws_url = \"wss" + url +
            "\"\nca_file = \"ca.pem\"\n"
            "[[follower]]\nid = \"p1\"\nbroker = \"paper\"\nratio = 1\n");
  std::vector<std::string> run_args = {"run",    "--config", "tandem.toml",
                                       "--live", "--http",   "127.0.0.1:0"};
  run_args.insert(run_args.end(), clock.begin(), clock.end());

  std::mt19937 rng(20261120);
  std::uniform_int_distribution<int> pause_ms(50, 600);
  for (int k = 0; k < kKills; ++k) {
    testing::Process engine(TANDEM_BIN, run_args, dir.path("run.out"), cwd);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    engine.signal(SIGKILL);
    EXPECT_EQ(engine.wait(), 128 + SIGKILL);
  }
  // The last run finishes the day and stops cleanly.
  testing::Process last(TANDEM_BIN, run_args, dir.path("run.out"), cwd);
  ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 60s));
  std::this_thread::sleep_for(2s);
  last.signal(SIGINT);
  ASSERT_EQ(last.wait(), 0) << testing::read_file(dir.path("run.out"));

  // The follower's book at the simulator, over HTTPS.
  std::vector<brokers::BrokerOrder> book;
  {
    asio::io_context io;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          brokers::net::HttpsClient http(
              io.get_executor(),
              brokers::net::https_target("localhost", port, testing::read_file(dir.path("ca.pem"))),
              1, 3000ms);
          brokers::RateLimiter limiter(brokers::RateLimits::kite_orders());
          brokers::kite::RestSession rest(http, {"ck", "tf"}, limiter, testing::wall_clock);
          auto orders = co_await rest.orders();
          EXPECT_TRUE(orders.ok()) << orders.status().to_string();
          if (orders.ok()) book = *orders;
        },
        asio::detached);
    io.run_for(10s);
  }
  sim.signal(SIGINT);
  sim.wait();

  // The journal, chain checked on every record.
  auto store = testing::open_store(dir.path("journal"), false, journal::OpenMode::read_only);
  ASSERT_TRUE(store);
  std::map<std::string, d::FollowerOrderIntent> intents;
  std::map<std::string, std::vector<std::string>> acks;  // tag → broker ids
  std::set<std::string> rejected;
  int starts = 0, stops = 0;
  const Status read = journal::read_records(*store, {}, [&](journal::Record&& r) {
    if (auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) intents[i->tag.value] = *i;
    if (auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
      EXPECT_TRUE(intents.contains(a->tag.value)) << "ack before intent " << a->tag.value;
      acks[a->tag.value].push_back(a->broker_order_id.value);
    }
    if (auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) rejected.insert(j->tag.value);
    starts += std::holds_alternative<d::EngineStarted>(r.event);
    stops += std::holds_alternative<d::EngineStopped>(r.event);
    return true;
  });
  ASSERT_TRUE(read.ok()) << read.to_string();
  // A kill during startup comes before EngineStarted is written; most come later.
  EXPECT_GE(starts, kKills / 2);
  EXPECT_LE(starts, kKills + 1);
  EXPECT_EQ(stops, 1);  // only the last run stopped cleanly
  ASSERT_FALSE(book.empty());
  std::map<std::string, int> tags_at_broker;
  for (const auto& o : book) {
    ++tags_at_broker[o.tag];
    ASSERT_TRUE(intents.contains(o.tag)) << "an order at the broker without an intent: " << o.tag;
  }
  for (const auto& [tag, n] : tags_at_broker) EXPECT_EQ(n, 1) << "tag sent twice: " << tag;
  int follower_places = 0;
  for (const auto& [tag, intent] : intents) {
    EXPECT_TRUE(acks.contains(tag) || rejected.contains(tag)) << "unresolved intent " << tag;
    if (intent.follower.value != "f1" || intent.action != d::CopyAction::place) continue;
    ++follower_places;
    // The simulator refuses a repeated tag (real Kite would place a second order): a
    // rejected intent whose tag is at the broker is a send that should have been a lookup.
    if (rejected.contains(tag)) {
      EXPECT_FALSE(tags_at_broker.contains(tag)) << "rejected, yet at the broker: " << tag;
    }
    if (acks.contains(tag)) {
      EXPECT_TRUE(tags_at_broker.contains(tag)) << "acked but not at the broker: " << tag;
      for (const auto& id : acks[tag]) {
        bool same = false;
        for (const auto& o : book) same |= o.tag == tag && o.order_id.value == id;
        EXPECT_TRUE(same) << "ack names another order for " << tag;
      }
    }
  }
  EXPECT_EQ(static_cast<size_t>(follower_places), tags_at_broker.size());
  EXPECT_GT(follower_places, 20);
}

}  // namespace
}  // namespace tandem::engine
