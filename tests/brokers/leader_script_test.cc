// Goal: a scripted leader day reads exactly as written, and a mistake names its line and
// what is wrong with it, so a demo or test script cannot silently do something else.
#include "brokers/sim/leader_script.h"

#include <gtest/gtest.h>

namespace tandem::brokers::sim {
namespace {

namespace d = ::tandem::domain;
using K = ScriptStep::Kind;

TEST(LeaderScript, EveryStepReadsAsWritten) {
  auto steps = parse_leader_script(R"(# a day
09:15:00      price   NSE:INFY 1500.05
09:15:01.250  place   L1 a BUY NSE:INFY 10 MARKET MIS
09:15:02      place   L1 b SELL NFO:NIFTY26DEC24000CE 75 SL NRML 110.00 111.5   # stop-limit
09:16:00      modify  L1 b 150 LIMIT 105
09:17:00      cancel  L1 b
09:18:00      drop    L1
09:18:30      expire  F2
)");
  ASSERT_TRUE(steps.ok()) << steps.status().to_string();
  ASSERT_EQ(steps->size(), 7u);
  const auto& s = *steps;
  EXPECT_EQ(s[0].kind, K::price);
  EXPECT_EQ(s[0].order.price_paise, 1500'05);
  EXPECT_EQ(s[0].at_ns, 33'300'000'000'000);
  EXPECT_EQ(s[1].at_ns, 33'301'250'000'000);
  EXPECT_EQ(s[1].order.order_type, d::OrderType::market);
  EXPECT_EQ(s[1].order.quantity_units, 10);
  EXPECT_EQ(s[2].order.instrument, (d::InstrumentKey{d::Exchange::nfo, "NIFTY26DEC24000CE"}));
  EXPECT_EQ(s[2].order.side, d::Side::sell);
  EXPECT_EQ(s[2].order.product, d::Product::carry_forward);
  EXPECT_EQ(s[2].order.price_paise, 110'00);
  EXPECT_EQ(s[2].order.trigger_price_paise, 111'50);
  EXPECT_EQ(s[3].kind, K::modify);
  EXPECT_EQ(s[3].order.quantity_units, 150);
  EXPECT_EQ(s[3].order.price_paise, 105'00);
  EXPECT_EQ(s[4].kind, K::cancel);
  EXPECT_EQ(s[4].name, "b");
  EXPECT_EQ(s[5].kind, K::drop);
  EXPECT_EQ(s[6].kind, K::expire);
  EXPECT_EQ(s[6].account, "F2");
  EXPECT_EQ(s[6].line, 8);
}

TEST(LeaderScript, MistakesNameTheirLine) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"9:15 price NSE:INFY 1", "line 1: '9:15' is not a time"},
      {"09:15:00 price INFY 1", "line 1: bad instrument"},
      {"09:15:00 price NSE:INFY -1", "line 1: bad price"},
      {"\n09:15:00 place L1 a BUY NSE:INFY 10 LIMIT MIS", "line 2: missing or bad price"},
      {"09:15:00 place L1 a HOLD NSE:INFY 10 MARKET MIS", "transaction_type"},
      {"09:15:00 place L1 a BUY NSE:INFY 0 MARKET MIS", "quantity"},
      {"09:15:00 place L1 a BUY NSE:INFY 1 MARKET MIS extra", "unexpected 'extra'"},
      {"09:15:00 cancel L1 z", "no order named 'z'"},
      {"09:15:01 drop L1\n09:15:00 drop L1", "line 2: steps must be in time order"},
      {"09:15:00 place L1 a BUY NSE:INFY 1 MARKET MIS\n09:15:01 place L1 a BUY NSE:INFY 1 "
       "MARKET MIS",
       "'a' is used already"},
      {"09:15:00 jump L1", "unknown step 'jump'"},
  };
  for (const auto& c : cases) {
    auto r = parse_leader_script(c.text);
    EXPECT_EQ(r.status().code(), StatusCode::invalid_argument) << c.text;
    EXPECT_NE(r.status().message().find(c.says), std::string::npos)
        << c.text << " -> " << r.status().message();
  }
}

}  // namespace
}  // namespace tandem::brokers::sim
