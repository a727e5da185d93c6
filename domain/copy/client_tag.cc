#include "domain/copy/client_tag.h"

#include <string>

#include "domain/base/assert.h"

namespace tandem::domain {

namespace {

uint64_t fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

void append_base36(std::string& out, uint64_t v, size_t min_digits) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string digits;
  do {
    digits.push_back(kDigits[v % 36]);
    v /= 36;
  } while (v != 0);
  while (digits.size() < min_digits) digits.push_back('0');
  out.append(digits.rbegin(), digits.rend());
}

}  // namespace

ClientTag client_tag(const LeaderOrderId& leader_order, const FollowerId& follower,
                     uint32_t ordinal, std::string_view code) {
  TANDEM_REQUIRE(code.size() <= kMaxTagCodeLength, code.size());
  uint64_t h = 0xcbf29ce484222325ull;
  h = fnv1a(h, leader_order.value);
  h = fnv1a(h, std::string_view("\0", 1));  // so ("ab","c") and ("a","bc") differ
  h = fnv1a(h, follower.value);
  std::string tag(code);
  append_base36(tag, h, 13);  // 36^13 > 2^64
  append_base36(tag, ordinal, 1);
  TANDEM_ASSERT(tag.size() <= kMaxClientTagLength, tag.size());
  return ClientTag{tag};
}

ClientTag second_order_tag(const ClientTag& tag, const BrokerOrderId& order) {
  return ClientTag{tag.value + "+" + order.value};
}

}  // namespace tandem::domain
