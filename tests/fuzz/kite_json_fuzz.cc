// Kite's REST bodies (brokers/kite/parse.h, login.h): every parser on every input, and what the
// simulator renders from a parsed value (brokers/sim/kite_wire.h) parses back to the same value.
#include "brokers/kite/login.h"
#include "brokers/kite/parse.h"
#include "brokers/sim/kite_wire.h"
#include "tests/fuzz/fuzz_check.h"

using namespace tandem::brokers;

namespace {

// render(parse(x)) must parse, and render∘parse must be a fixed point after one step.
template <class Parse, class Render>
void renders_back(std::string_view body, Parse parse, Render render) {
  auto first = parse(body);
  if (!first.ok()) return;
  const std::string once = render(*first);
  auto second = parse(once);
  FUZZ_CHECK(second.ok());
  auto third = parse(render(*second));
  FUZZ_CHECK(third.ok());
  FUZZ_CHECK(*third == *second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = tandem::fuzz::text_of(data, size);
  renders_back(body, kite::parse_orders, kite::orders_body);
  renders_back(body, kite::parse_trades, kite::trades_body);
  renders_back(body, kite::parse_positions,
               [](const std::vector<tandem::domain::BrokerPosition>& net) {
                 std::vector<PositionDetail> positions;
                 for (const auto& p : net) {
                   PositionDetail detail;
                   detail.net = p;
                   positions.push_back(detail);
                 }
                 return kite::positions_body(positions);
               });
  renders_back(body, kite::parse_margins, kite::margins_body);
  renders_back(body, kite::parse_order_id, kite::order_id_body);
  (void)kite::parse_placement(body);
  (void)kite::parse_session(body);
  (void)kite::parse_instruments(body);
  (void)kite::parse_error(400, body);
  (void)kite::parse_error(429, body);
  (void)kite::parse_order_form(body);
  (void)kite::parse_modify_form(body, tandem::domain::OrderTerms{});
  (void)kite::request_token_from(body);
  return 0;
}
