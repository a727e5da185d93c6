// Goal: the one vocabulary of a failed order reads back as written: each failure's journal
// name (a format: old journals hold these names) parses to it, nothing else parses, and a
// broker call's failure carried as a Status reads back as itself.
#include "domain/orders/order_failure.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::domain {
namespace {

constexpr OrderFailure kAll[] = {OrderFailure::rate_limited, OrderFailure::unauthenticated,
                                 OrderFailure::rejected,     OrderFailure::input,
                                 OrderFailure::network,      OrderFailure::broker_down,
                                 OrderFailure::unsent,       OrderFailure::queue_timeout};

TEST(OrderFailure, EachNameIsTheJournalsAndReadsBack) {
  const char* journal_names[] = {"rate_limited", "unauthenticated", "rejected", "input",
                                 "network",      "broker_down",     "unsent",   "queue_timeout"};
  for (size_t i = 0; i < std::size(kAll); ++i) {
    EXPECT_EQ(to_string(kAll[i]), journal_names[i]);
    EXPECT_EQ(order_failure_named(journal_names[i]), kAll[i]) << journal_names[i];
  }
}

TEST(OrderFailure, NothingElseIsAName) {
  for (const char* name : {"", "Rejected", "network ", "timeout", "unknown"}) {
    EXPECT_FALSE(order_failure_named(name).has_value()) << '"' << name << '"';
  }
}

TEST(OrderFailure, ABrokerCallsFailureReadsBackFromItsStatus) {
  for (const OrderFailure f : kAll) {
    const Status s = status_of(f, "why");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "why");
    const bool engines_own = f == OrderFailure::unsent || f == OrderFailure::queue_timeout;
    EXPECT_EQ(failure_of(s), engines_own ? OrderFailure::input : f) << to_string(f);
  }
  EXPECT_EQ(failure_of(Status::io_error("disk")), OrderFailure::input);
}

}  // namespace
}  // namespace tandem::domain
