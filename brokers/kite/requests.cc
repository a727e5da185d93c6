#include "brokers/kite/requests.h"

#include "brokers/kite/wire.h"
#include "net/form_query.h"

namespace tandem::brokers::kite {

namespace d = ::tandem::domain;

namespace {

void add_order_fields(std::string& form, const d::OrderTerms& o, int market_protection) {
  net::add_form_field(form, "order_type", wire(o.order_type));
  net::add_form_field(form, "quantity", std::to_string(o.quantity_units));
  net::add_form_field(form, "validity", wire(o.validity));
  if (o.order_type == d::OrderType::limit || o.order_type == d::OrderType::stop_loss) {
    net::add_form_field(form, "price", rupees(o.price_paise));
  }
  if (o.order_type == d::OrderType::stop_loss || o.order_type == d::OrderType::stop_loss_market) {
    net::add_form_field(form, "trigger_price", rupees(o.trigger_price_paise));
  }
  if (o.order_type == d::OrderType::market || o.order_type == d::OrderType::stop_loss_market) {
    net::add_form_field(form, "market_protection", std::to_string(market_protection));
  }
}

}  // namespace

std::string place_order_form(const d::OrderTerms& o, const d::ClientTag& tag, int market_protection,
                             bool autoslice) {
  std::string form;
  net::add_form_field(form, "tradingsymbol", o.instrument.tradingsymbol);
  net::add_form_field(form, "exchange", wire(o.instrument.exchange));
  net::add_form_field(form, "transaction_type", wire(o.side));
  net::add_form_field(form, "product", wire(o.product));
  add_order_fields(form, o, market_protection);
  net::add_form_field(form, "tag", tag.value);
  if (autoslice) net::add_form_field(form, "autoslice", "true");
  return form;
}

std::string modify_order_form(const d::OrderTerms& o, int market_protection) {
  std::string form;
  add_order_fields(form, o, market_protection);
  return form;
}

}  // namespace tandem::brokers::kite
