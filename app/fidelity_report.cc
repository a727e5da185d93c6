#include "app/fidelity_report.h"

#include <fmt/format.h>

#include <set>

#include "copy/drift.h"
#include "copy/target.h"
#include "domain/risk/risk_checks.h"

namespace tandem::app {

namespace d = ::tandem::domain;

Fidelity check_fidelity(const d::CopyState& state,
                        const std::map<d::AccountId, std::vector<d::BrokerPosition>>& broker) {
  Fidelity out;
  for (const auto& [id, f] : state.followers) {
    const auto at_broker = broker.find(f.account);
    std::map<std::pair<d::InstrumentKey, d::Product>, int64_t> held;
    if (at_broker != broker.end()) {
      for (const auto& p : at_broker->second) held[{p.instrument, p.product}] += p.net_qty_units;
      // An account following several leaders: this share is what the broker holds less the
      // other shares, as the journal has them (a gap between the two shows in every share).
      for (const auto& [key, p] : state.positions.by_key) {
        if (key.account == f.account && key.leader != f.leader && p.net_qty_units != 0) {
          held[{key.instrument, key.product}] -= p.net_qty_units;
        }
      }
    } else {
      for (const auto& [key, p] : state.positions.by_key) {
        if (key.account == f.account && key.leader == f.leader) {
          held[{key.instrument, key.product}] += p.net_qty_units;
        }
      }
    }
    std::set<std::pair<d::InstrumentKey, d::Product>> keys;
    for (const auto& [key, units] : held) keys.insert(key);
    const ::tandem::projections::Book leader = d::leader_book(state, f.leader);
    for (const auto& [key, p] : state.positions.by_key) {
      if (key.account != leader.account || key.leader != leader.leader || p.net_qty_units == 0) {
        continue;
      }
      if (auto product = d::follower_product(f, key.product))
        keys.insert({key.instrument, *product});
    }
    for (const auto& [instrument, product] : keys) {
      FidelityRow row;
      row.follower = id.value;
      row.position = d::to_text(instrument) + " (" + std::string(d::to_string(product)) + ")";
      const auto h = held.find({instrument, product});
      row.held_units = h == held.end() ? 0 : h->second;
      row.target_units = d::target_of(state, f, instrument, product).units;
      if (row.held_units == 0 && row.target_units == 0) continue;
      if (row.on_target()) {
        ++out.on_target;
      } else {
        for (const d::Drift& drift : d::drift(state, instrument)) {
          if (drift.follower == id && drift.product == product &&
              drift.reason != d::SkipReason::none) {
            row.held_by = std::string(d::to_string(drift.reason));
          }
        }
        ++(row.held_by.empty() ? out.off : out.held);
      }
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

void print_fidelity(const Fidelity& f) {
  fmt::print(
      "positions at the close, as the brokers hold them, against each follower's target:\n"
      "  {} on target, {} held off it by a named limit, {} off target with no reason\n",
      f.on_target, f.held, f.off);
  for (const FidelityRow& row : f.rows) {
    if (row.on_target()) continue;
    fmt::print("  {:<16} {:<44} holds {:>6}, target {:>6}: {}\n", row.follower, row.position,
               row.held_units, row.target_units,
               row.held_by.empty() ? "OFF TARGET" : "held by " + row.held_by);
  }
}

}  // namespace tandem::app
