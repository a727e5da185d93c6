#include "brokers/dhan/order_stream.h"

#include "brokers/dhan/parse.h"
#include "brokers/dhan/requests.h"

namespace tandem::brokers::dhan {

namespace {

brokers::StreamDialect dhan_dialect(std::shared_ptr<Credentials> credentials, RestSession& rest) {
  brokers::StreamDialect d;
  d.name = "dhan order stream";
  d.path = [] { return std::string("/"); };
  d.login = [credentials] {
    return std::optional<std::string>(
        order_update_login(credentials->client_id, credentials->access_token));
  };
  d.read_text = [&rest](std::string_view text) -> std::optional<BrokerOrder> {
    auto update = parse_order_update(text, rest.securities());
    if (!update.ok()) return std::nullopt;
    return *update;
  };
  d.order_book = [&rest] { return rest.orders(); };
  d.broker_heartbeats = false;
  return d;
}

}  // namespace

OrderStream::OrderStream(boost::asio::any_io_executor executor,
                         std::shared_ptr<net::MessageSocketConnector> sockets,
                         Credentials credentials, RestSession& rest, brokers::StreamOptions options,
                         OnOrder on_order, OnConnection on_connection)
    : credentials_(std::make_shared<Credentials>(std::move(credentials))),
      stream_(std::move(executor), std::move(sockets), options, dhan_dialect(credentials_, rest),
              std::move(on_order), std::move(on_connection)) {}

}  // namespace tandem::brokers::dhan
