// The simulator's settings file (`tandem sim --config sim.toml`): the Kite app's key and
// secret, accounts with funds and faults, instruments with their opening prices, and the
// paper fill model. See docs/simulator.md for every key.
#pragma once

#include <map>
#include <string>

#include "brokers/sim/sim_settings.h"
#include "domain/base/status.h"

namespace tandem::config {

struct SimSettings {
  brokers::sim::KiteSimConfig kite;
  std::map<domain::InstrumentKey, int64_t> opening_prices;  // paise
};

// Every mistake in the file, each with its line and key, in one invalid_argument.
[[nodiscard]] Result<SimSettings> read_sim_settings(const std::string& path);
[[nodiscard]] Result<SimSettings> parse_sim_settings(std::string_view text,
                                                     const std::string& name);

}  // namespace tandem::config
