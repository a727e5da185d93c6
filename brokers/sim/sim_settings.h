// What a simulator is made of (the settings file, config/sim_config.h): the Kite app's key
// and secret, the accounts with their funds and faults, the instruments, the paper fill
// model. Plain data, apart from the simulator itself, so that reading the settings needs
// none of the network code.
#pragma once

#include <string>
#include <vector>

#include "brokers/paper/paper_book.h"
#include "brokers/sim/faults.h"
#include "domain/instruments/instrument.h"

namespace tandem::brokers::sim {

struct SimAccount {
  std::string user_id;
  std::string access_token;  // the token valid at start; a login replaces it
  int64_t funds_paise = 10'00'000'00;
  Faults faults;
  // The exchanges the account may trade on, by Kite's names (its profile's `exchanges`; Dhan's
  // `activeSegment` says the same as segments); an order elsewhere is refused.
  std::vector<std::string> exchanges = {"NSE", "BSE", "NFO", "BFO", "CDS", "BCD", "MCX"};  // all
};

struct KiteSimConfig {
  std::string api_key;
  std::string api_secret;  // checks the login checksum
  std::vector<SimAccount> accounts;
  std::vector<domain::Instrument> instruments;  // served at /instruments; freeze quantities
  PaperConfig fills;
};

}  // namespace tandem::brokers::sim
