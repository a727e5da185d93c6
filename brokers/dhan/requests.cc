#include "brokers/dhan/requests.h"

#include <boost/json.hpp>

#include "brokers/dhan/scrip_master.h"
#include "brokers/dhan/wire.h"
#include "brokers/json_reader.h"

namespace tandem::brokers::dhan {

namespace json = boost::json;
namespace d = ::tandem::domain;

std::string place_order_json(const d::OrderTerms& o, const OrderTarget& target,
                             std::string_view tag) {
  json::object body;
  body["dhanClientId"] = target.client_id;
  body["correlationId"] = tag;
  body["transactionType"] = to_wire(kSides, o.side);
  body["exchangeSegment"] = segment_of(target.exchange);
  body["productType"] = to_wire(kProducts, o.product);
  body["orderType"] = to_wire(kOrderTypes, o.order_type);
  body["validity"] =
      to_wire(kValidities, o.validity == d::Validity::ioc ? d::Validity::ioc : d::Validity::day);
  body["securityId"] = target.security_id;
  body["quantity"] = o.quantity_units;
  body["disclosedQuantity"] = 0;
  body["price"] = rupees_value(o.price_paise);
  body["triggerPrice"] = rupees_value(o.trigger_price_paise);
  body["afterMarketOrder"] = false;
  return json::serialize(body);
}

std::string modify_order_json(const d::OrderTerms& o, std::string_view client_id,
                              const d::BrokerOrderId& order_id) {
  json::object body;
  body["dhanClientId"] = client_id;
  body["orderId"] = order_id.value;
  body["orderType"] = to_wire(kOrderTypes, o.order_type);
  body["legName"] = "";
  body["quantity"] = o.quantity_units;  // the whole order, filled part included
  body["price"] = rupees_value(o.price_paise);
  body["disclosedQuantity"] = 0;
  body["triggerPrice"] = rupees_value(o.trigger_price_paise);
  body["validity"] =
      to_wire(kValidities, o.validity == d::Validity::ioc ? d::Validity::ioc : d::Validity::day);
  return json::serialize(body);
}

std::string order_update_login(std::string_view client_id, std::string_view token) {
  json::object login{{"MsgCode", 42}, {"ClientId", client_id}, {"Token", token}};
  return json::serialize(json::object{{"LoginReq", std::move(login)}, {"UserType", "SELF"}});
}

}  // namespace tandem::brokers::dhan
