// Goal: the freeze quantity table (data/nse/freeze_quantities.txt) parses, every line of the
// shipped file included, bad lines are named, and an instrument's freeze quantity is its
// broker's when known, else the table's by underlying, in whole lots; equities have none.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/instruments/freeze_limits.h"

namespace tandem::domain {
namespace {

Instrument option(const std::string& underlying, int64_t lot, int64_t freeze = 0) {
  Instrument i;
  i.key = {Exchange::nfo, underlying + "26N24C"};
  i.underlying = underlying;
  i.segment = Segment::derivatives;
  i.lot_size_units = lot;
  i.freeze_qty_units = freeze;
  return i;
}

TEST(FreezeLimits, TheShippedTableParsesWithTheIndicesOfNseAndBse) {
  std::ifstream in(std::string(TANDEM_SOURCE_DIR) + "/data/nse/freeze_quantities.txt");
  std::stringstream text;
  text << in.rdbuf();
  auto limits = parse_freeze_limits(text.str());
  ASSERT_TRUE(limits.ok()) << limits.status().message();
  EXPECT_EQ(limits->at("NIFTY"), 1800);
  EXPECT_EQ(limits->at("BANKNIFTY"), 600);
  EXPECT_EQ(limits->at("SENSEX"), 1000);
}

TEST(FreezeLimits, TheTableFillsWhatTheBrokerLeftOutInWholeLots) {
  const FreezeLimits limits{{"NIFTY", 1800}};
  EXPECT_EQ(freeze_units(limits, option("NIFTY", 75)), 1800);
  EXPECT_EQ(freeze_units(limits, option("NIFTY", 65)), 1755);      // the largest lot multiple
  EXPECT_EQ(freeze_units(limits, option("NIFTY", 75, 900)), 900);  // the broker's own wins
  EXPECT_EQ(freeze_units(limits, option("RELIANCE", 250)), 0);     // not known: broker slicing
  Instrument equity = option("NIFTY", 1);
  equity.segment = Segment::equity;
  EXPECT_EQ(freeze_units(limits, equity), 0);
}

TEST(FreezeLimits, ABadLineIsNamed) {
  auto bad = parse_freeze_limits("# limits\nNIFTY 1800\nBANKNIFTY lots\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(parse_freeze_limits("NIFTY 0\n").ok());
  EXPECT_FALSE(parse_freeze_limits(" 1800\n").ok());
}

}  // namespace
}  // namespace tandem::domain
