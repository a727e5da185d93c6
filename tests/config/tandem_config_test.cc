// Goal: tandem.toml is read as written — every follower setting, with ratios and money
// exact — every mistake is reported at once with its line and key, environment variables
// override fields, and the configuration hash changes exactly when the configuration does.
#include "config/tandem_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace tandem::config {
namespace {

namespace d = ::tandem::domain;

TEST(TandemConfig, TheShippedExampleReadsAsWritten) {
  auto c = read_tandem_config(std::string(TANDEM_SOURCE_DIR) + "/data/tandem.example.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_FALSE(c->live);
  EXPECT_EQ(c->leaders.at(0).account, "AB1234");
  ASSERT_EQ(c->followers.size(), 3u);
  const auto& family = c->followers[0].settings;
  EXPECT_EQ(family.ratio_ppm, 2 * d::kPpm);
  EXPECT_EQ(family.broker, d::Broker::kite);
  EXPECT_EQ(family.max_position_units, 600);
  EXPECT_EQ(c->followers[0].connection.source_ip, "203.0.113.7");
  const auto& client = c->followers[1].settings;
  EXPECT_EQ(client.sizing, d::SizingPolicy::capital_proportional);
  EXPECT_EQ(client.max_order_value_paise, 2'50'000'00);
  EXPECT_EQ(client.deny_underlyings, std::vector<std::string>{"BANKNIFTY"});
  EXPECT_EQ(client.copy_window_start_min, 9 * 60 + 20);
  EXPECT_EQ(client.copy_window_end_min, 15 * 60);
  EXPECT_EQ(client.staleness_limit_ms, 60'000);
  EXPECT_EQ(client.late_events, d::LateEvents::converge);
  EXPECT_EQ(client.catch_up_ms, 60'000);
  EXPECT_EQ(c->followers[0].settings.catch_up_ms, 0);  // the default: copies wait for their price
  EXPECT_EQ(c->followers[0].settings.late_events, d::LateEvents::skip);  // the default
  EXPECT_EQ(client.max_daily_loss_paise, 25'000'00);
  EXPECT_EQ(client.loss_guard_action, d::LossGuardAction::flatten);
  EXPECT_EQ(client.daily_profit_target_paise, 0);
  EXPECT_EQ(c->followers[0].settings.loss_guard_action, d::LossGuardAction::exits_only);
  const auto& risk = c->followers[2];
  EXPECT_EQ(risk.settings.max_position_pct_bp, 500);
  EXPECT_EQ(risk.settings.account.value, "paper-risk");  // defaults to the id
  EXPECT_EQ(risk.paper_capital_paise, 5'00'000'00);
  EXPECT_EQ(c->hash.size(), 64u);
}

// Many leaders (docs/configuration.md, "Many leaders"): each [[follower.follow]] is one share,
// its keys over the follower's own, which are every share's defaults; the account's limits are
// the follower's.
TEST(TandemConfig, AFollowerOfTwoLeadersHasAShareOfEach) {
  auto c = parse_tandem_config(R"([[leader]]
name = "scalper"
broker = "kite"
account = "AB1234"
[[leader]]
name = "writer"
broker = "dhan"
account = "1000000001"
tag_code = "W2"
[[follower]]
id = "family"
account = "CD5678"
broker = "kite"
max_daily_trades = 40
max_daily_loss = 25000.00
sizing = "fixed_ratio"
ratio = 0.5
  [[follower.follow]]
  leader = "scalper"
  ratio = 2.0
  max_position_units = 600
  [[follower.follow]]
  leader = "writer"
[[follower]]
id = "solo"
broker = "paper"
  [[follower.follow]]
  leader = "writer"
  reverse = true
)",
                               "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_EQ(c->leaders.size(), 2u);
  EXPECT_EQ(c->leaders[0].name, "scalper");
  EXPECT_EQ(c->leaders[0].tag_code, "S");  // the name's first letter
  EXPECT_EQ(c->leaders[1].tag_code, "W2");
  EXPECT_EQ(c->leaders[1].connection.api_url, "https://api.dhan.co/v2");
  ASSERT_EQ(c->followers.size(), 3u);
  const d::FollowerSettings& scalper = c->followers[0].settings;
  const d::FollowerSettings& writer = c->followers[1].settings;
  EXPECT_EQ(scalper.follower.value, "family@scalper");
  EXPECT_EQ(scalper.leader.value, "scalper");
  EXPECT_EQ(scalper.ratio_ppm, 2 * d::kPpm);  // its own
  EXPECT_EQ(scalper.max_position_units, 600);
  EXPECT_EQ(writer.follower.value, "family@writer");
  EXPECT_EQ(writer.ratio_ppm, d::kPpm / 2);  // the follower's default
  EXPECT_EQ(writer.sizing, d::SizingPolicy::fixed_ratio);
  EXPECT_EQ(writer.max_position_units, 0);
  for (const d::FollowerSettings* s : {&scalper, &writer}) {  // the account's, in each share
    EXPECT_EQ(s->account.value, "CD5678");
    EXPECT_EQ(s->max_daily_trades, 40);
    EXPECT_EQ(s->max_daily_loss_paise, 25'000'00);
  }
  EXPECT_EQ(c->followers[2].settings.follower.value, "solo");  // one leader: its own id
  EXPECT_EQ(c->followers[2].settings.leader.value, "writer");
  EXPECT_TRUE(c->followers[2].settings.reverse);
}

TEST(TandemConfig, OneLeaderKeepsItsFollowersAsTheyWere) {
  auto c = parse_tandem_config("[leader]\naccount = \"L1\"\n[[follower]]\nid = \"f\"\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_EQ(c->leaders.size(), 1u);
  EXPECT_EQ(c->leaders[0].name, "");
  EXPECT_EQ(c->leaders[0].tag_code, "");
  EXPECT_EQ(c->followers.at(0).settings.follower.value, "f");
  EXPECT_TRUE(c->followers.at(0).settings.leader.empty());
}

TEST(TandemConfig, EveryManyLeaderMistakeAtOnce) {
  auto c = parse_tandem_config(R"([[leader]]
name = "scalper"
account = "L1"
[[leader]]
name = "swing"
account = "L1"
[[leader]]
name = "scalper"
account = "L3"
tag_code = "TOOLONG"
[[follower]]
id = "a"
[[follower]]
id = "b"
account = "L3"
  [[follower.follow]]
  leader = "nobody"
  [[follower.follow]]
  leader = "swing"
  max_daily_trades = 3
[[follower]]
id = "c"
account = "L3"
  [[follower.follow]]
  leader = "swing"
  [[follower.follow]]
  leader = "swing"
)",
                               "t.toml");
  ASSERT_FALSE(c.ok());
  const std::string m = c.status().message();
  for (const char* expected :
       {"t.toml:6: leader[1].account: 'L1' is leader 'scalper' already",
        "leader[1].tag_code: 'S' is leader 'scalper''s too",
        "t.toml:8: leader[2].name: 'scalper' appears twice",
        "t.toml:10: leader[2].tag_code: must be 1 to 3 letters or digits",
        "follower[0].follow: follows no leader",
        "t.toml:15: follower[1].account: is leader 'scalper''s account (a copy loop)",
        "t.toml:17: follower[1].follow[0].leader: 'nobody' is no [[leader]]'s name",
        "t.toml:20: follower[1].follow[1].max_daily_trades: unknown key in a follow",
        "t.toml:23: follower[2].account: 'L3' is another follower's account",
        "t.toml:27: follower[2].follow[1].leader: 'swing' is followed twice"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << m;
  }
}

TEST(TandemConfig, EveryMistakeAtOnceWithLineAndKey) {
  auto c = parse_tandem_config(R"(mode = "yolo"
[leader]
account = "L1"
[[follower]]
id = "a"
sizing = "martingale"
ratio = -1
copy_window = "15:00-09:00"
[[follower]]
id = "a"
account = "L1"
max_daily_trade = 3
late_events = "sometimes"
loss_guard_action = "panic"
max_daily_loss = -5
catch_up_ms = -1
)",
                               "t.toml");
  ASSERT_FALSE(c.ok());
  const std::string m = c.status().message();
  for (const char* expected :
       {"t.toml:1: mode: must be", "t.toml:6: follower[0].sizing: 'martingale' is not one of",
        "t.toml:7: follower[0].ratio: must be a non-negative", "t.toml:8: follower[0].copy_window",
        "t.toml:10: follower[1].id: 'a' appears twice",
        "t.toml:11: follower[1].account: is the leader's account",
        "t.toml:12: follower[1].max_daily_trade: unknown key",
        "t.toml:13: follower[1].late_events: 'sometimes' is not one of",
        "t.toml:14: follower[1].loss_guard_action: 'panic' is not one of",
        "t.toml:15: follower[1].max_daily_loss", "t.toml:16: follower[1].catch_up_ms"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << m;
  }
}

// Values that parsed and then stopped or skewed every copy (issue 23): refused by name.
TEST(TandemConfig, ValuesThatWouldSilentlyStopCopiesAreRefused) {
  auto c = parse_tandem_config(R"(journal = ""
[leader]
account = "L1"
source_ip = "999.1.1.1"
[[follower]]
id = "nan"
ratio = nan
[[follower]]
id = "zero"
ratio = 0
[[follower]]
id = "huge"
sizing = "risk_based"
max_position_pct = 200
[[follower]]
id = ""
[[follower]]
id = "bell\u0007"
[[follower]]
id = "right\u202Eleft"
[[follower]]
id = "ok"
ratio = inf
)",
                               "t.toml");
  ASSERT_FALSE(c.ok());
  const std::string m = c.status().message();
  for (const char* expected :
       {"t.toml:1: journal: must name a directory",
        "t.toml:4: leader.source_ip: '999.1.1.1' is not an IPv4 or IPv6 address",
        "t.toml:7: follower[0].ratio: must be a non-negative number",
        "t.toml:10: follower[1].ratio: must be above 0",
        "t.toml:14: follower[2].max_position_pct: must be at most 100",
        "t.toml:16: follower[3].id: must be 1 to 64 letters",
        "t.toml:18: follower[4].id: must be 1 to 64 letters",
        "t.toml:20: follower[5].id: must be 1 to 64 letters",
        "t.toml:23: follower[6].ratio: must be a non-negative number"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << m;
  }
  // A valid address and a plain id pass.
  auto ok = parse_tandem_config(R"([leader]
account = "L1"
source_ip = "2001:db8::1"
[[follower]]
id = "f-1.a_b"
ratio = 0.5
)",
                                "t.toml");
  EXPECT_TRUE(ok.ok()) << ok.status().to_string();
}

// Numbers past what 64 bits hold (found by tests/fuzz: toml++ casts a float to an integer
// with undefined behaviour, and rupees × 100 overflowed): refused, never wrapped.
TEST(TandemConfig, NumbersPastSixtyFourBitsAreRefused) {
  auto c = parse_tandem_config(R"([leader]
account = "L1"
[[follower]]
id = "a"
max_daily_trades = 1e25
max_position_value = 9223372036854775807
max_order_value = 1e300
)",
                               "t.toml");
  ASSERT_FALSE(c.ok());
  const std::string m = c.status().message();
  for (const char* expected :
       {"t.toml:5: follower[0].max_daily_trades: must be a whole number",
        "t.toml:6: follower[0].max_position_value: must be an amount in rupees",
        "t.toml:7: follower[0].max_order_value: must be an amount in rupees"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << m;
  }
}

// The dashboard's extra Host names: names only (a port or a URL would never match a Host).
TEST(TandemConfig, HttpHostsAreNamesOnly) {
  const char* base = "[leader]\naccount = \"L1\"\n[[follower]]\nid = \"f\"\n";
  auto ok = parse_tandem_config(std::string("http_hosts = [\"desk.lan\", \"tandem-1\"]\n") + base,
                                "t.toml");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->http_hosts, (std::vector<std::string>{"desk.lan", "tandem-1"}));
  auto bad =
      parse_tandem_config(std::string("http_hosts = [\"desk.lan:8780\"]\n") + base, "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("t.toml:1: http_hosts: 'desk.lan:8780' is not a host name"),
            std::string::npos)
      << bad.status().message();
}

TEST(TandemConfig, EnvironmentOverridesAndTheHashFollowsTheConfiguration) {
  const char* text = R"([leader]
account = "L1"
[[follower]]
id = "f-1"
ratio = 1.5
)";
  auto base = parse_tandem_config(text, "t.toml");
  ASSERT_TRUE(base.ok()) << base.status().to_string();
  EXPECT_EQ(base->followers[0].settings.ratio_ppm, 1'500'000);
  EXPECT_EQ(parse_tandem_config(text, "t.toml")->hash, base->hash);
  ::setenv("TANDEM_FOLLOWER_F_1_RATIO", "0.25", 1);
  ::setenv("TANDEM_MODE", "live", 1);
  auto over = parse_tandem_config(text, "t.toml");
  ::unsetenv("TANDEM_FOLLOWER_F_1_RATIO");
  ::unsetenv("TANDEM_MODE");
  ASSERT_TRUE(over.ok()) << over.status().to_string();
  EXPECT_EQ(over->followers[0].settings.ratio_ppm, 250'000);
  EXPECT_TRUE(over->live);
  EXPECT_NE(over->hash, base->hash);
  ::setenv("TANDEM_FOLLOWER_F_1_RATIO", "lots", 1);
  auto bad = parse_tandem_config(text, "t.toml");
  ::unsetenv("TANDEM_FOLLOWER_F_1_RATIO");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("follower[0].ratio"), std::string::npos);
  // A follower variable whose id matches no follower is a typo, not a no-op.
  ::setenv("TANDEM_FOLLOWER_F_2_RATIO", "0.25", 1);
  auto typo = parse_tandem_config(text, "t.toml");
  ::unsetenv("TANDEM_FOLLOWER_F_2_RATIO");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("TANDEM_FOLLOWER_F_2_RATIO: names no configured follower"),
            std::string::npos)
      << typo.status().message();
  // The broker threads: one unless said, within 1..16.
  EXPECT_EQ(base->broker_threads, 1);
  ::setenv("TANDEM_BROKER_THREADS", "3", 1);
  auto three = parse_tandem_config(text, "t.toml");
  ::setenv("TANDEM_BROKER_THREADS", "0", 1);
  auto none = parse_tandem_config(text, "t.toml");
  ::unsetenv("TANDEM_BROKER_THREADS");
  ASSERT_TRUE(three.ok()) << three.status().to_string();
  EXPECT_EQ(three->broker_threads, 3);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("broker_threads"), std::string::npos)
      << none.status().message();
}

TEST(TandemConfig, DhanAccountsGetDhansEndpointsAndAPaperLeaderIsRefused) {
  auto c = parse_tandem_config(R"([leader]
account = "1000000001"
broker = "dhan"
[[follower]]
id = "k1"
broker = "kite"
[[follower]]
id = "d1"
account = "1000000009"
broker = "dhan"
scrip_master_url = "https://localhost:8443/api-scrip-master.csv"
)",
                               "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->leaders.at(0).broker, domain::Broker::dhan);
  EXPECT_EQ(c->leaders.at(0).connection.api_url, "https://api.dhan.co/v2");
  EXPECT_EQ(c->leaders.at(0).connection.ws_url, "wss://api-order-update.dhan.co");
  EXPECT_EQ(c->followers[0].connection.api_url, "https://api.kite.trade");
  EXPECT_EQ(c->followers[1].connection.api_url, "https://api.dhan.co/v2");
  EXPECT_EQ(c->followers[1].connection.scrip_master_url,
            "https://localhost:8443/api-scrip-master.csv");
  auto paper = parse_tandem_config(
      "[leader]\naccount = \"L\"\nbroker = \"paper\"\n[[follower]]\nid = \"f\"\n", "t.toml");
  ASSERT_FALSE(paper.ok());
  EXPECT_NE(paper.status().message().find("t.toml:3: leader.broker"), std::string::npos)
      << paper.status().message();
}

}  // namespace
}  // namespace tandem::config
