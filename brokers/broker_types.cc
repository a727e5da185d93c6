#include "brokers/broker_types.h"

#include <algorithm>

#include "crypto/sha256.h"

namespace tandem::brokers {

Status to_status(const BrokerError& e, std::string_view broker) {
  return domain::status_of(e.error_class, std::string(broker) + " " + e.type + " (HTTP " +
                                              std::to_string(e.http_status) + "): " + e.message);
}

void stamp_frame(std::vector<BrokerOrder>& orders, std::string_view frame) {
  const std::string digest = crypto::sha256_hex(frame);
  for (BrokerOrder& o : orders) o.raw_digest = digest;
}

domain::LeaderOrderUpdate to_leader_update(const BrokerOrder& o, domain::TimeNs received_time_ns,
                                           bool recovered) {
  domain::LeaderOrderUpdate u;
  static_cast<domain::OrderTerms&>(u) = o;  // the same terms
  u.order_id = domain::LeaderOrderId{o.order_id.value};
  u.status = o.status;
  u.filled_units = o.filled_units;
  u.average_price_paise = o.average_price_paise;
  u.exchange_time_ns = o.exchange_time_ns != 0 ? o.exchange_time_ns : o.order_time_ns;
  u.received_time_ns = received_time_ns;
  u.raw_digest = o.raw_digest;
  u.recovered = recovered;
  return u;
}

domain::FollowerOrderReport to_follower_report(const BrokerOrder& o,
                                               const domain::FollowerId& follower) {
  domain::FollowerOrderReport r;
  static_cast<domain::OrderTerms&>(r) = o;  // the same terms
  r.follower = follower;
  r.tag = o.tag;
  r.order_id = o.order_id;
  r.status = o.status;
  r.filled_units = o.filled_units;
  r.average_price_paise = o.average_price_paise;
  r.order_time_ns = o.order_time_ns;
  r.exchange_time_ns = o.exchange_time_ns;
  return r;
}

int64_t PositionDetail::average_buy_paise() const {
  return bought_units == 0 ? 0 : bought_value_paise / bought_units;
}

int64_t PositionDetail::average_sell_paise() const {
  return sold_units == 0 ? 0 : sold_value_paise / sold_units;
}

int64_t PositionDetail::realised_paise() const {
  return std::min(bought_units, sold_units) * (average_sell_paise() - average_buy_paise());
}

int64_t PositionDetail::pnl_paise() const {
  // Without a mark the open units are valued at their own average: no P&L on them yet.
  const int64_t mark = last_price_paise > 0 ? last_price_paise : net.average_price_paise;
  return sold_value_paise - bought_value_paise + net.net_qty_units * mark;
}

}  // namespace tandem::brokers
