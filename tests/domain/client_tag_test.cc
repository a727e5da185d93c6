// Goal: client tags are deterministic, unique per (leader order, follower, ordinal) and fit
// Kite's limit of 20 alphanumeric characters.
#include "domain/copy/client_tag.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace tandem::domain {
namespace {

TEST(ClientTag, SameInputsSameTag) {
  EXPECT_EQ(client_tag({"1953341975595868160"}, {"f1"}, 1),
            client_tag({"1953341975595868160"}, {"f1"}, 1));
}

TEST(ClientTag, DistinctAndShortAndAlphanumeric) {
  std::set<std::string> seen;
  for (int order = 0; order < 200; ++order) {
    for (const char* f : {"f1", "f2", "f12"}) {
      for (uint32_t ordinal : {1u, 2u, 3u, 4'000'000'000u}) {
        const ClientTag t = client_tag({"26112000" + std::to_string(order)}, {f}, ordinal);
        EXPECT_LE(t.value.size(), kMaxClientTagLength);
        for (char ch : t.value)
          EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch))) << t.value;
        EXPECT_TRUE(seen.insert(t.value).second) << "duplicate " << t.value;
      }
    }
  }
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  EXPECT_NE(client_tag({"ab"}, {"c"}, 1), client_tag({"a"}, {"bc"}, 1));
}

}  // namespace
}  // namespace tandem::domain
