// Dhan's REST bodies and order-update socket messages (brokers/dhan/parse.h, login.h; the
// simulator's bodies, brokers/sim/dhan_wire.h), read against the security ids of the fixtures'
// scrip master, and the scrip master itself.
#include <fstream>
#include <sstream>

#include "brokers/dhan/login.h"
#include "brokers/dhan/parse.h"
#include "brokers/dhan/scrip_master.h"
#include "brokers/sim/dhan_wire.h"
#include "tests/fuzz/fuzz_check.h"

using namespace tandem::brokers;

namespace {

const dhan::SecurityMap& securities() {
  static const dhan::SecurityMap map = [] {
    std::ifstream in(TANDEM_DHAN_SCRIP_SAMPLE);
    std::stringstream csv;
    csv << in.rdbuf();
    auto instruments = dhan::parse_scrip_master(csv.str());
    return instruments.ok() ? dhan::SecurityMap(*instruments) : dhan::SecurityMap();
  }();
  return map;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = tandem::fuzz::text_of(data, size);
  const dhan::SecurityMap& map = securities();
  auto orders = dhan::parse_orders(body, map);
  if (orders.ok()) {
    auto again = dhan::parse_orders(dhan::orders_body(*orders, map, "1000000001"), map);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->size() == orders->size());
  }
  (void)dhan::parse_order(body, map);
  (void)dhan::parse_trades(body, map);
  (void)dhan::parse_positions(body, map);
  (void)dhan::parse_holdings(body);
  (void)dhan::parse_fund_limit(body);
  (void)dhan::parse_order_ack(body);
  (void)dhan::parse_slices(body);
  (void)dhan::parse_error(400, body);
  (void)dhan::parse_profile(body);
  (void)dhan::parse_consent_id(body);
  (void)dhan::parse_consumed_consent(body);
  (void)dhan::token_id_from(body);
  (void)dhan::parse_place_json(body);
  (void)dhan::parse_modify_json(body);
  (void)dhan::parse_order_update(body, map);
  (void)dhan::parse_scrip_master(body);
  return 0;
}
