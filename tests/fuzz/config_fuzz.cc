// tandem.toml and the simulator's settings (config/): any text gives a configuration or an
// error naming where; never a crash, and a configuration it accepts is one it would run.
#include "config/sim_config.h"
#include "config/tandem_config.h"
#include "tests/fuzz/fuzz_check.h"

#include <cmath>

using namespace tandem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  auto config = config::parse_tandem_config(text, "fuzz.toml");
  if (config.ok()) {
    FUZZ_CHECK(!config->journal.empty());
    for (const auto& f : config->followers) FUZZ_CHECK(!f.settings.follower.value.empty());
    FUZZ_CHECK(config->broker_threads >= 1);
  } else {
    FUZZ_CHECK(!config.status().message().empty());
  }
  (void)config::parse_sim_settings(text, "fuzz-sim.toml");
  return 0;
}
