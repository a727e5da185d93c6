// Goal: amounts print exactly, sign and all, for every int64 of paise, plain and with Indian
// digit grouping (12,34,567.50).
// Method: examples at the edges, and a property: the text parses back to the same integer.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

#include "domain/base/money.h"

namespace tandem::domain {
namespace {

TEST(Money, PaiseAsRupeesText) {
  EXPECT_EQ(paise_text(0), "0.00");
  EXPECT_EQ(paise_text(5), "0.05");
  EXPECT_EQ(paise_text(123450), "1234.50");
  EXPECT_EQ(paise_text(-5), "-0.05");
  EXPECT_EQ(paise_text(-150), "-1.50");
  EXPECT_EQ(paise_text(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

RC_GTEST_PROP(MoneyProp, TextReadsBackToTheSamePaise, (int64_t paise)) {
  const std::string text = paise_text(paise);
  const auto dot = text.find('.');
  RC_ASSERT(dot != std::string::npos);
  RC_ASSERT(text.size() == dot + 3);
  const std::string digits = text.substr(0, dot) + text.substr(dot + 1);
  RC_ASSERT(std::stoll(digits) == paise);
}

TEST(Money, RupeesWithIndianGrouping) {
  EXPECT_EQ(rupees_text(0), "₹0.00");
  EXPECT_EQ(rupees_text(99'999), "₹999.99");
  EXPECT_EQ(rupees_text(100'000), "₹1,000.00");
  EXPECT_EQ(rupees_text(1'23'45'67'850), "₹1,23,45,678.50");
  EXPECT_EQ(rupees_text(-10'00'000'00), "-₹10,00,000.00");
}

// Grouping only adds commas: without them and the ₹, the text is paise_text's.
RC_GTEST_PROP(MoneyProp, GroupingOnlyAddsCommas, (int64_t paise)) {
  std::string text = rupees_text(paise);
  const std::string symbol = "₹";
  const auto at = text.find(symbol);
  RC_ASSERT(at != std::string::npos);
  text.erase(at, symbol.size());
  std::string digits;
  for (const char c : text) {
    if (c != ',') digits += c;
  }
  RC_ASSERT(digits == paise_text(paise));
}

}  // namespace
}  // namespace tandem::domain
