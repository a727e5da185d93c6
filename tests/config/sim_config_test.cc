// Goal: the simulator's settings file is read as written, and every mistake in it is
// reported at once with its line and key — including typos in key names.
#include "config/sim_config.h"

#include <gtest/gtest.h>

namespace tandem::config {
namespace {

namespace d = ::tandem::domain;

TEST(SimConfig, TheShippedExampleReads) {
  auto s = read_sim_settings(std::string(TANDEM_SOURCE_DIR) + "/data/sim/sim.toml");
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ(s->kite.api_key, "simkey");
  ASSERT_EQ(s->kite.accounts.size(), 3u);
  EXPECT_EQ(s->kite.accounts[0].funds_paise, 50'00'000'00);
  EXPECT_EQ(s->kite.accounts[2].faults.latency.count(), 20);
  EXPECT_TRUE(s->kite.accounts[2].faults.reject_symbols.contains("YESBANK"));
  ASSERT_EQ(s->kite.instruments.size(), 2u);
  EXPECT_EQ(s->kite.instruments[1].freeze_qty_units, 1800);
  EXPECT_EQ(s->kite.instruments[1].tick_size_paise, 5);
  EXPECT_EQ(s->opening_prices.at({d::Exchange::nfo, "NIFTY26DEC24000CE"}), 120'00);
  EXPECT_EQ(s->kite.fills.slippage_bp, 2);
  const d::Instrument& option = s->kite.instruments[1];
  EXPECT_EQ(option.expiry_day, 20261229u);
  EXPECT_EQ(option.strike_paise, 24000'00);
  EXPECT_EQ(option.option_type, d::OptionType::call);
}

TEST(SimConfig, AContractIsADerivativesAndAnOptionHasItsExpiryAndStrike) {
  auto s = parse_sim_settings(R"([kite]
api_key = "k"
api_secret = "s"

[[account]]
user_id = "A"
access_token = "t"

[[instrument]]
exchange = "NSE"
symbol = "INFY"
strike = 1500

[[instrument]]
exchange = "NFO"
symbol = "NIFTY26DEC24000XE"
option = "XE"

[[instrument]]
exchange = "NFO"
symbol = "NIFTY26DEC24000PE"
expiry = "soon"
strike = 24000
option = "PE"

[[instrument]]
exchange = "NFO"
symbol = "NIFTY26DECFUT"
expiry = 2026-12-29
)",
                              "sim.toml");
  ASSERT_FALSE(s.ok());
  const std::string m = s.status().message();
  for (const char* expected :
       {"sim.toml:12: instrument[0].strike: only a derivative (NFO, BFO) has one",
        "sim.toml:17: instrument[1].option: wants CE or PE, got 'XE'",
        "sim.toml:22: instrument[2].expiry: wants a date",
        "sim.toml:24: instrument[2].option: an option needs an expiry and a strike"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << m;
  }
  EXPECT_EQ(m.find("instrument[3]"), std::string::npos) << "a future needs no option: " << m;
}

TEST(SimConfig, EveryMistakeIsReportedWithLineAndKey) {
  auto s = parse_sim_settings(R"([kite]
api_key = "k"

[[account]]
user_id = "A"
access_token = "t"
funds = 10.005
[account.faults]
latncy_ms = 5
orders_per_second = 0

[[instrument]]
exchange = "NYSE"
symbol = "IBM"
)",
                              "sim.toml");
  ASSERT_FALSE(s.ok());
  const std::string m = s.status().message();
  for (const char* expected :
       {"sim.toml:1: kite.api_secret: missing", "sim.toml:7: account[0].funds: must be an amount",
        "sim.toml:9: account[0].faults.latncy_ms: unknown key",
        "sim.toml:10: account[0].faults.orders_per_second: must be between 1",
        "sim.toml:13: instrument[0].exchange: unknown exchange 'NYSE'"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << m;
  }
}

TEST(SimConfig, SyntaxErrorNamesFileLineAndColumn) {
  auto s = parse_sim_settings("[kite]\napi_key = \n", "broken.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("broken.toml:2:"), std::string::npos) << s.status().message();
  auto missing = read_sim_settings("/nonexistent/sim.toml");
  EXPECT_EQ(missing.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(missing.status().message().find("/nonexistent/sim.toml"), std::string::npos);
}

}  // namespace
}  // namespace tandem::config
