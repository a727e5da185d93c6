#include "domain/copy/left_open.h"

#include <array>

namespace tandem::domain {

namespace {

constexpr std::array kProducts{Product::delivery, Product::intraday, Product::carry_forward,
                               Product::mtf};

bool working_in(const projections::Positions& p, const AccountId& account,
                const InstrumentKey& instrument) {
  for (const Product product : kProducts) {
    if (p.working(account, instrument, product, Side::buy) != 0 ||
        p.working(account, instrument, product, Side::sell) != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<LeftOpen> left_open(const CopyState& s, const InstrumentKey& instrument) {
  std::vector<LeftOpen> out;
  for (const Product product : kProducts) {
    if (s.positions.net(s.leader, instrument, product) != 0) return out;
  }
  for (const auto& [id, f] : s.followers) {
    if (working_in(s.positions, f.account, instrument)) continue;
    for (const Product product : kProducts) {
      const int64_t net = s.positions.net(f.account, instrument, product);
      if (net != 0) out.push_back({id, product, net});
    }
  }
  return out;
}

}  // namespace tandem::domain
