// Goal: the morning's new token reaches a running engine without a restart (issue: the
// operator's day). A follower whose broker refused its token is stopped; once the operator
// stores a new token (tandem login / secrets set) and sends SIGHUP (systemctl reload), its
// next copies reach its broker, and it ends where the leader's position says — by the
// broker's own book.
// Method: real `tandem sim` and `tandem run` processes (tests/support/live_day.h); FOLLOW1's
// stored token is stale when the engine starts; the leader buys 1 and, after the reload, 2.
#include <gtest/gtest.h>

#include <thread>

#include "crypto/secret_store.h"
#include "tests/support/live_day.h"

namespace tandem {
namespace {

using namespace std::chrono_literals;

// Stores `token` as FOLLOW1's access token in the day's real encrypted secrets file.
bool store_follower_token(const testing::TempDir& dir, const std::string& token) {
  auto key = crypto::load_secret_key(dir.path("tandem.key"));
  if (!key.ok()) return false;
  auto store = crypto::SecretStore::open(dir.path("tandem.secrets"), *key);
  if (!store.ok()) return false;
  return store->set("kite.FOLLOW1.access_token", token).ok() && store->save().ok();
}

TEST(TokenReload, SighupGivesAStoppedFollowerItsNewTokenAndItCopiesAgain) {
  testing::TempDir dir;
  testing::LiveDay day(dir, {"10:00:00.000 price NSE:INFY 1500.00\n"
                             "10:00:04.000 place LEADER1 o1 BUY NSE:INFY 1 MARKET MIS\n"
                             "10:00:14.000 place LEADER1 o2 BUY NSE:INFY 2 MARKET MIS\n",
                             "", ""});
  ASSERT_TRUE(day.ready()) << testing::read_file(dir.path("sim.out"));
  ASSERT_TRUE(store_follower_token(dir, "stale-token"));
  testing::Process run(TANDEM_BIN, day.run_args(), dir.path("run.out"), dir.path());
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "event=engine_started", 30s))
      << testing::read_file(dir.path("run.out"));

  // o1's copy is refused for the token: the follower is stopped, nothing at its broker.
  ASSERT_TRUE(testing::wait_for_text(dir.path("run.out"), "kind=follower_stopped", 20s))
      << testing::read_file(dir.path("run.out"));
  EXPECT_TRUE(day.follower_book().empty());

  // The operator stores the new token and reloads.
  ASSERT_TRUE(store_follower_token(dir, "tf"));
  run.signal(SIGHUP);
  ASSERT_TRUE(
      testing::wait_for_text(dir.path("run.out"), "event=tokens_reloaded accounts=FOLLOW1", 10s))
      << testing::read_file(dir.path("run.out"));

  // o2 is copied, and convergence brings f1 (ratio 2) to the leader's 3 × 2 at its broker.
  ASSERT_TRUE(testing::wait_for_text(dir.path("sim.out"), "script done", 30s));
  int64_t held = 0;
  for (int i = 0; i < 50 && held != 6; ++i) {
    std::this_thread::sleep_for(200ms);
    held = 0;
    for (const auto& o : day.follower_book()) {
      held += (o.side == domain::Side::buy ? 1 : -1) * o.filled_units;
    }
  }
  // A second reload with nothing new gives no account a token.
  run.signal(SIGHUP);
  EXPECT_TRUE(
      testing::wait_for_text(dir.path("run.out"), "event=tokens_reloaded accounts=none", 10s));
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(), 0) << testing::read_file(dir.path("run.out"));
  EXPECT_EQ(held, 6) << testing::read_file(dir.path("run.out"));
  const std::string log = testing::read_file(dir.path("run.out"));
  EXPECT_EQ(log.find("stale-token"), std::string::npos) << "a token in the log";
}

}  // namespace
}  // namespace tandem
