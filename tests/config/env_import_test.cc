// Goal: people switching from the Zerodha or the Dhan copier keep their settings: their
// .env becomes a tandem.toml that Tandem reads with the same sizing and limits, their
// secrets go apart (never into the TOML or a note), and whatever cannot be carried over is
// named — loudly when it would change how much is traded.
#include "config/env_import.h"

#include <gtest/gtest.h>

#include "config/tandem_config.h"
#include "config/toml_fields.h"

namespace tandem::config {
namespace {

namespace d = ::tandem::domain;

constexpr const char* kZerodhaEnv = R"(# Master Account
MASTER_API_KEY=masterkey123
MASTER_API_SECRET=mastersecret456
MASTER_ACCESS_TOKEN=mastertoken789
MASTER_USER_ID=AB1234

FOLLOWER_COUNT=2
FOLLOWER_1_API_KEY=f1key
FOLLOWER_1_API_SECRET=f1secret
FOLLOWER_1_ACCESS_TOKEN=f1token
FOLLOWER_1_USER_ID=CD5678
FOLLOWER_1_MULTIPLIER=0.5          # Trade 50% of master quantity
FOLLOWER_1_MAX_POSITION=500
FOLLOWER_1_ENABLED=True
FOLLOWER_1_ENABLED_SEGMENTS=NSE,BSE,NFO
FOLLOWER_1_NFO_MULTIPLIER=0.25
export FOLLOWER_2_USER_ID="EF9012"
FOLLOWER_2_MULTIPLIER=0.8
FOLLOWER_2_ENABLED=False

PAPER_TRADING=True
LOG_LEVEL=INFO
MAX_DAILY_TRADES=100
CHECK_INTERVAL=1
TELEGRAM_BOT_TOKEN=123456:telegramsecret
TELEGRAM_CHAT_ID=-1001234567890
)";

TEST(EnvImport, TheZerodhaCopiersSettingsBecomeATandemConfigThatReads) {
  auto env = parse_dotenv(kZerodhaEnv);
  ASSERT_TRUE(env.ok()) << env.status().to_string();
  auto imported = import_env(*env);
  ASSERT_TRUE(imported.ok()) << imported.status().to_string();
  EXPECT_EQ(imported->seed, "zerodha");
  auto config = parse_tandem_config(imported->toml, "imported.toml");
  ASSERT_TRUE(config.ok()) << config.status().to_string() << "\n" << imported->toml;
  EXPECT_FALSE(config->live);
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->leaders.at(0).account, "AB1234");
  ASSERT_EQ(config->followers.size(), 2u);
  const auto& f1 = config->followers[0].settings;
  EXPECT_EQ(f1.account.value, "CD5678");
  EXPECT_EQ(f1.broker, d::Broker::kite);
  EXPECT_EQ(f1.ratio_ppm, 500'000);
  EXPECT_EQ(f1.max_position_units, 500);
  EXPECT_EQ(f1.max_daily_trades, 100);
  EXPECT_EQ(f1.allow_segments,
            (std::vector<d::Segment>{d::Segment::derivatives, d::Segment::equity}));
  EXPECT_TRUE(f1.enabled);
  const auto& f2 = config->followers[1].settings;
  EXPECT_EQ(f2.account.value, "EF9012");
  EXPECT_EQ(f2.ratio_ppm, 800'000);
  EXPECT_FALSE(f2.enabled);
  // Secrets apart, under the names `tandem run` and `tandem login kite` look for.
  EXPECT_EQ(imported->secrets.at("kite.AB1234.api_key"), "masterkey123");
  EXPECT_EQ(imported->secrets.at("kite.AB1234.api_secret"), "mastersecret456");
  for (const auto& [name, value] : imported->secrets) {
    EXPECT_EQ(name.find("masterkey123"), std::string::npos) << "an API key in a secret's name";
  }
  EXPECT_EQ(imported->secrets.at("kite.CD5678.access_token"), "f1token");
  // Telegram alerts: the bot token a secret, the chat id in [alerts], neither a "no equivalent".
  EXPECT_EQ(imported->secrets.at("alerts.telegram_token"), "123456:telegramsecret");
  EXPECT_EQ(config->alerts.telegram_chat_id, "-1001234567890");
  for (const auto& n : imported->notes) EXPECT_EQ(n.find("TELEGRAM"), std::string::npos) << n;
  for (const auto& [name, value] : imported->secrets) {
    EXPECT_EQ(imported->toml.find(value), std::string::npos) << name << " leaked into the TOML";
  }
  // A lower F&O multiplier cannot be kept: that is a warning, not a silent upsizing.
  ASSERT_EQ(imported->warnings.size(), 1u);
  EXPECT_NE(imported->warnings[0].find("FOLLOWER_1_NFO_MULTIPLIER=0.25"), std::string::npos);
  bool noted_interval = false;
  for (const auto& n : imported->notes) noted_interval |= n.find("CHECK_INTERVAL") == 0;
  EXPECT_TRUE(noted_interval);
}

// Live only when PAPER_TRADING says false in words; a value it cannot read stays paper, with a
// warning (a typo must not put real money at stake).
TEST(EnvImport, OnlyAnExplicitFalseImportsLive) {
  const std::string base(kZerodhaEnv);
  const auto at = base.find("PAPER_TRADING=True");
  ASSERT_NE(at, std::string::npos);
  struct Case {
    const char* value;
    bool live;
    bool warned;
  };
  for (const Case c : {Case{"False", true, false}, Case{"0", true, false}, Case{"off", true, false},
                       Case{"True", false, false}, Case{"", false, false},
                       Case{"Flase", false, true}, Case{"live", false, true}}) {
    std::string text = base;
    text.replace(at, std::string("PAPER_TRADING=True").size(),
                 std::string("PAPER_TRADING=") + c.value);
    auto env = parse_dotenv(text);
    ASSERT_TRUE(env.ok()) << env.status().to_string();
    auto imported = import_env(*env);
    ASSERT_TRUE(imported.ok()) << imported.status().to_string();
    auto config = parse_tandem_config(imported->toml, "imported.toml");
    ASSERT_TRUE(config.ok()) << config.status().to_string();
    EXPECT_EQ(config->live, c.live) << "PAPER_TRADING=" << c.value;
    bool warned = false;
    for (const auto& w : imported->warnings) warned |= w.find("PAPER_TRADING") == 0;
    EXPECT_EQ(warned, c.warned) << "PAPER_TRADING=" << c.value;
  }
}

TEST(EnvImport, TheDhanCopiersSettingsAndTheirMistakes) {
  auto imported = import_env({{"LEADER_CLIENT_ID", "1000000001"},
                              {"LEADER_ACCESS_TOKEN", "leadtok"},
                              {"FOLLOWER_CLIENT_ID", "1000000002"},
                              {"FOLLOWER_ACCESS_TOKEN", "foltok"},
                              {"SIZING_STRATEGY", "RISK_BASED"},
                              {"MAX_POSITION_SIZE_PCT", "10.0"}});
  ASSERT_TRUE(imported.ok()) << imported.status().to_string();
  auto doc = TomlFields::parse_text(imported->toml, "dhan.toml");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ((*doc)["follower"][0]["sizing"].value<std::string>(), "risk_based");
  EXPECT_EQ((*doc)["follower"][0]["max_position_pct"].value<double>(), 10.0);
  EXPECT_EQ((*doc)["leader"]["broker"].value<std::string>(), "dhan");
  EXPECT_EQ(imported->secrets.at("dhan.1000000002.access_token"), "foltok");
  EXPECT_EQ(imported->toml.find("foltok"), std::string::npos);
  // A Dhan leader runs: no warning says otherwise.
  for (const auto& w : imported->warnings) EXPECT_EQ(w.find("refuses"), std::string::npos) << w;

  // LOG_LEVEL carries over; a ratio the strategy does not use is named as dropped.
  auto capital = import_env({{"LEADER_CLIENT_ID", "1"},
                             {"FOLLOWER_CLIENT_ID", "2"},
                             {"SIZING_STRATEGY", "CAPITAL_PROPORTIONAL"},
                             {"COPY_RATIO", "0.5"},
                             {"LOG_LEVEL", "WARNING"}});
  ASSERT_TRUE(capital.ok()) << capital.status().to_string();
  auto capital_doc = TomlFields::parse_text(capital->toml, "dhan.toml");
  ASSERT_TRUE(capital_doc.ok()) << capital_doc.status().to_string();
  EXPECT_EQ((*capital_doc)["log"]["level"].value<std::string>(), "warn");
  bool ratio_noted = false;
  for (const auto& n : capital->notes) {
    ratio_noted |= n.starts_with("COPY_RATIO=0.5 not carried over");
    EXPECT_EQ(n.find("LOG_LEVEL"), std::string::npos) << n;
  }
  EXPECT_TRUE(ratio_noted);

  auto fixed = import_env({{"LEADER_CLIENT_ID", "1"},
                           {"FOLLOWER_CLIENT_ID", "2"},
                           {"SIZING_STRATEGY", "FIXED_RATIO"},
                           {"COPY_RATIO", "0.33"}});
  ASSERT_TRUE(fixed.ok());
  EXPECT_NE(fixed->toml.find("ratio = 0.33"), std::string::npos);

  EXPECT_FALSE(import_env({{"LEADER_CLIENT_ID", "1"},
                           {"FOLLOWER_CLIENT_ID", "2"},
                           {"SIZING_STRATEGY", "MARTINGALE"}})
                   .ok());
  EXPECT_FALSE(
      import_env({{"LEADER_CLIENT_ID", "1"}, {"FOLLOWER_CLIENT_ID", "2"}, {"COPY_RATIO", "half"}})
          .ok());
  EXPECT_FALSE(import_env({{"SOMETHING", "else"}}).ok());
  EXPECT_FALSE(parse_dotenv("NOEQUALS\n").ok());
  EXPECT_FALSE(parse_dotenv("A=\"open\n").ok());
}

}  // namespace
}  // namespace tandem::config
