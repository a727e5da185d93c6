// Kite's WebSocket text frames (order updates, errors, messages) and postback bodies, whose
// checksum is verified before anything in them is trusted.
#include "brokers/kite/parse.h"
#include "brokers/sim/kite_wire.h"
#include "tests/fuzz/fuzz_check.h"

using namespace tandem::brokers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = tandem::fuzz::text_of(data, size);
  auto frame = kite::parse_ws_text(text);
  if (frame.ok()) {
    if (const auto* order = std::get_if<BrokerOrder>(&*frame)) {
      // The simulator's own rendering of an update must read back as one.
      auto again = kite::parse_ws_text(kite::order_update_text(*order, "fuzz-secret"));
      FUZZ_CHECK(again.ok());
      FUZZ_CHECK(std::holds_alternative<BrokerOrder>(*again));
    }
  }
  (void)kite::parse_postback(text, "fuzz-secret");
  return 0;
}
