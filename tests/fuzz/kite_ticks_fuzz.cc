// Kite's binary market data (brokers/kite/ticks.h): a whole message, and each bare packet,
// which must encode back to the bytes it came from.
#include "brokers/kite/ticks.h"
#include "tests/fuzz/fuzz_check.h"

#include <string>

using namespace tandem::brokers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)kite::parse_tick_message({data, size});
  auto tick = kite::parse_tick_packet({data, size});
  if (tick.ok()) {
    const std::string again = kite::encode_tick_packet(*tick, size);
    FUZZ_CHECK(again.size() == size);
    auto reparsed =
        kite::parse_tick_packet({reinterpret_cast<const uint8_t*>(again.data()), again.size()});
    FUZZ_CHECK(reparsed.ok());
    FUZZ_CHECK(*reparsed == *tick);
  }
  return 0;
}
