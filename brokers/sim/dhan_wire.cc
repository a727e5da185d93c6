#include "brokers/sim/dhan_wire.h"

#include <boost/json.hpp>

#include <map>

#include "brokers/dhan/wire.h"
#include "brokers/json_reader.h"

namespace tandem::brokers::dhan {

namespace json = boost::json;
namespace d = ::tandem::domain;

namespace {

Result<OrderRequestBody> read_request(std::string_view body, bool for_modify) {
  return read_object<OrderRequestBody>(
      body, for_modify ? "dhan modify request" : "dhan place request",
      [&](const json::object& o) -> Result<OrderRequestBody> {
        ObjectReader r(o, for_modify ? "dhan modify request" : "dhan place request");
        OrderRequestBody out;
        out.client_id = r.text("dhanClientId");
        out.order.order_type = read_enum(r, "orderType", kOrderTypes);
        out.order.quantity_units = r.integer("quantity");
        out.order.price_paise = r.paise_or("price", 0);
        out.order.trigger_price_paise = r.paise_or("triggerPrice", 0);
        const std::string validity = r.text_or("validity", "DAY");
        out.order.validity = validity == "IOC" ? d::Validity::ioc : d::Validity::day;
        if (for_modify) {
          out.order_id = {r.text("orderId")};
        } else {
          out.correlation_id = r.text_or("correlationId");
          out.order.side = read_enum(r, "transactionType", kSides);
          out.exchange = read_segment(r, "exchangeSegment");
          out.order.product = read_enum(r, "productType", kProducts);
          out.security_id = r.text("securityId");
          out.after_market = r.boolean_or("afterMarketOrder", false);
          out.amo_time = r.text_or("amoTime");
        }
        if (out.order.quantity_units <= 0 && r.status().ok()) r.fail("quantity", "must be > 0");
        if (!r.status().ok()) return r.status();
        return out;
      });
}

// Dhan's drv* fields: a derivative's expiry (a date; the exact form Dhan writes is not
// documented, brokers.md §4), option type and strike. Anything else has `no_expiry` (null in
// order and trade rows, 0001-01-01 in positions, as Dhan's own examples write them), no
// option type and strike 0.
void add_contract_fields(json::object& row, const d::Instrument* i, json::value no_expiry) {
  const bool derivative = i != nullptr && i->segment == d::Segment::derivatives;
  if (derivative && i->expiry_day != 0) {
    row["drvExpiryDate"] = d::day_text(i->expiry_day);
  } else {
    row["drvExpiryDate"] = std::move(no_expiry);
  }
  const bool call = derivative && i->option_type == d::OptionType::call;
  const bool put = derivative && i->option_type == d::OptionType::put;
  row["drvOptionType"] = call  ? json::value("CALL")
                         : put ? json::value("PUT")
                               : json::value(nullptr);
  row["drvStrikePrice"] = rupees_value(derivative ? i->strike_paise : 0);
}

json::object order_row(const BrokerOrder& o, const SecurityMap& securities,
                       std::string_view client_id) {
  const auto* i = securities.by_key(o.instrument);
  json::object row{
      {"dhanClientId", client_id},
      {"orderId", o.order_id.value},
      {"exchangeOrderId", o.exchange_order_id},
      {"correlationId", o.tag},
      {"orderStatus", status_wire(o.status, o.filled_units)},
      {"transactionType", to_wire(kSides, o.side)},
      {"exchangeSegment", segment_of(o.instrument.exchange)},
      {"productType", to_wire(kProducts, o.product)},
      {"orderType", to_wire(kOrderTypes, o.order_type)},
      {"validity",
       to_wire(kValidities, o.validity == d::Validity::ioc ? d::Validity::ioc : d::Validity::day)},
      {"tradingSymbol", o.instrument.tradingsymbol},
      {"securityId", i == nullptr ? std::string() : i->dhan_security_id},
      {"quantity", o.quantity_units},
      {"disclosedQuantity", 0},
      {"price", rupees_value(o.price_paise)},
      {"triggerPrice", rupees_value(o.trigger_price_paise)},
      {"afterMarketOrder", o.variety == "amo"},
      {"legName", nullptr},
      {"createTime", ist_timestamp_value(o.order_time_ns)},
      {"updateTime", ist_timestamp_value(o.exchange_time_ns)},
      {"exchangeTime", ist_timestamp_value(o.exchange_time_ns)},
      {"omsErrorCode", nullptr},
      {"omsErrorDescription", o.status_message},
      {"remainingQuantity", o.quantity_units - o.filled_units},
      {"averageTradedPrice", rupees_value(o.average_price_paise)},
      {"filledQty", o.filled_units},
      {"boProfitValue", 0.0},
      {"boStopLossValue", 0.0},
      {"algoId", nullptr}};
  add_contract_fields(row, i, nullptr);
  return row;
}

}  // namespace

Result<OrderRequestBody> parse_place_json(std::string_view body) {
  return read_request(body, false);
}
Result<OrderRequestBody> parse_modify_json(std::string_view body) {
  return read_request(body, true);
}

std::string orders_body(const std::vector<BrokerOrder>& orders, const SecurityMap& securities,
                        std::string_view client_id) {
  json::array rows;
  for (const auto& o : orders) rows.push_back(order_row(o, securities, client_id));
  return json::serialize(rows);
}

std::string order_body(const BrokerOrder& order, const SecurityMap& securities,
                       std::string_view client_id) {
  return json::serialize(order_row(order, securities, client_id));
}

std::string order_ack_body(const d::BrokerOrderId& id, std::string_view status) {
  return json::serialize(json::object{{"orderId", id.value}, {"orderStatus", status}});
}

std::string trades_body(const std::vector<BrokerTrade>& trades,
                        const std::vector<BrokerOrder>& orders, const SecurityMap& securities,
                        std::string_view client_id) {
  std::map<std::string, const BrokerOrder*> by_id;
  for (const BrokerOrder& o : orders) by_id[o.order_id.value] = &o;
  json::array rows;
  for (const BrokerTrade& t : trades) {
    const auto* i = securities.by_key(t.instrument);
    const auto order = by_id.find(t.order_id.value);
    const BrokerOrder* o = order == by_id.end() ? nullptr : order->second;
    json::object row{
        {"dhanClientId", client_id},
        {"orderId", t.order_id.value},
        {"exchangeOrderId", o != nullptr ? o->exchange_order_id : std::string()},
        {"exchangeTradeId", t.trade_id},
        {"transactionType", to_wire(kSides, t.side)},
        {"exchangeSegment", segment_of(t.instrument.exchange)},
        {"productType", to_wire(kProducts, t.product)},
        {"orderType", to_wire(kOrderTypes, o != nullptr ? o->order_type : d::OrderType::market)},
        {"tradingSymbol", t.instrument.tradingsymbol},
        {"securityId", i == nullptr ? std::string() : i->dhan_security_id},
        {"tradedQuantity", t.quantity_units},
        {"tradedPrice", rupees_value(t.price_paise)},
        {"createTime", ist_timestamp_value(t.order_time_ns)},
        {"updateTime", ist_timestamp_value(t.fill_time_ns)},
        {"exchangeTime", ist_timestamp_value(t.fill_time_ns)}};
    add_contract_fields(row, i, nullptr);
    rows.push_back(std::move(row));
  }
  return json::serialize(rows);
}

std::string positions_body(const std::vector<PositionDetail>& positions,
                           const SecurityMap& securities, std::string_view client_id) {
  json::array rows;
  for (const PositionDetail& p : positions) {
    const d::BrokerPosition& net = p.net;
    const auto* i = securities.by_key(net.instrument);
    const int64_t realised = p.realised_paise();
    json::object row{{"dhanClientId", client_id},
                     {"tradingSymbol", net.instrument.tradingsymbol},
                     {"securityId", i == nullptr ? std::string() : i->dhan_security_id},
                     {"positionType", net.net_qty_units == 0  ? "CLOSED"
                                      : net.net_qty_units > 0 ? "LONG"
                                                              : "SHORT"},
                     {"exchangeSegment", segment_of(net.instrument.exchange)},
                     {"productType", to_wire(kProducts, net.product)},
                     {"buyAvg", rupees_value(p.average_buy_paise())},
                     {"buyQty", p.bought_units},
                     {"costPrice", rupees_value(net.average_price_paise)},
                     {"sellAvg", rupees_value(p.average_sell_paise())},
                     {"sellQty", p.sold_units},
                     {"netQty", net.net_qty_units},
                     {"realizedProfit", rupees_value(realised)},
                     {"unrealizedProfit", rupees_value(p.pnl_paise() - realised)},
                     {"rbiReferenceRate", 1.0},
                     {"multiplier", 1},
                     // One day's book: nothing carried forward, everything bought and sold today.
                     {"carryForwardBuyQty", 0},
                     {"carryForwardSellQty", 0},
                     {"carryForwardBuyValue", 0.0},
                     {"carryForwardSellValue", 0.0},
                     {"dayBuyQty", p.bought_units},
                     {"daySellQty", p.sold_units},
                     {"dayBuyValue", rupees_value(p.bought_value_paise)},
                     {"daySellValue", rupees_value(p.sold_value_paise)},
                     {"crossCurrency", false}};
    add_contract_fields(row, i, "0001-01-01");
    rows.push_back(std::move(row));
  }
  return json::serialize(rows);
}

std::string fund_limit_body(std::string_view client_id, const Funds& funds) {
  return json::serialize(
      json::object{{"dhanClientId", client_id},
                   {"availabelBalance", rupees_value(funds.available_paise)},
                   {"sodLimit", rupees_value(funds.available_paise)},
                   {"collateralAmount", 0.0},
                   {"receiveableAmount", 0.0},
                   {"utilizedAmount", 0.0},
                   {"blockedPayoutAmount", 0.0},
                   {"withdrawableBalance", rupees_value(funds.available_paise)}});
}

std::string error_body(std::string_view code, std::string_view message) {
  // errorType spellings are known only from third-party clients; clients match errorCode.
  const std::string type = code == "DH-901"   ? "Invalid_Authentication"
                           : code == "DH-904" ? "Rate_Limit"
                           : code == "DH-905" ? "Input_Exception"
                           : code == "DH-906" ? "Order_Error"
                                              : "Others";
  return json::serialize(
      json::object{{"errorType", type}, {"errorCode", code}, {"errorMessage", message}});
}

std::string order_update_text(const BrokerOrder& o, const SecurityMap& securities,
                              std::string_view client_id) {
  const auto* i = securities.by_key(o.instrument);
  const std::string_view segment = segment_of(o.instrument.exchange);
  const std::string exchange(segment.substr(0, segment.find('_')));
  const std::string_view kind = segment.substr(segment.find('_') + 1);
  const std::string letter = kind == "FNO"        ? "D"
                             : kind == "CURRENCY" ? "C"
                             : kind == "COMM"     ? "M"
                                                  : "E";
  json::object data{
      {"Exchange", exchange},
      {"Segment", letter},
      {"Source", "P"},
      {"SecurityId", i == nullptr ? std::string() : i->dhan_security_id},
      {"ClientId", client_id},
      {"ExchOrderNo", o.exchange_order_id},
      {"OrderNo", o.order_id.value},
      {"Product", to_wire(kWsProducts, o.product)},
      {"TxnType", to_wire(kWsSides, o.side)},
      {"OrderType", to_wire(kWsOrderTypes, o.order_type)},
      {"Validity", o.validity == d::Validity::ioc ? "IOC" : "DAY"},
      {"Quantity", o.quantity_units},
      {"TradedQty", o.filled_units},
      {"RemainingQuantity", o.quantity_units - o.filled_units},
      {"Price", rupees_value(o.price_paise)},
      {"TriggerPrice", rupees_value(o.trigger_price_paise)},
      {"AvgTradedPrice", rupees_value(o.average_price_paise)},
      {"OrderDateTime", ist_timestamp_value(o.order_time_ns)},
      {"LastUpdatedTime", ist_timestamp_value(o.exchange_time_ns)},
      {"ReasonDescription", o.status_message.empty() ? "CONFIRMED" : o.status_message},
      {"Symbol", o.instrument.tradingsymbol},
      {"Status", status_wire(o.status, o.filled_units)},
      {"CorrelationId", o.tag}};
  return json::serialize(json::object{{"Data", std::move(data)}, {"Type", "order_alert"}});
}

}  // namespace tandem::brokers::dhan
