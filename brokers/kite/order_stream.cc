#include "brokers/kite/order_stream.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "brokers/kite/codec.h"

namespace tandem::brokers::kite {

namespace {

net::StreamDialect kite_dialect(std::shared_ptr<Credentials> credentials, RestSession& rest) {
  net::StreamDialect d;
  d.name = "kite order stream";
  d.path = [credentials] {
    auto enc = [](const std::string& v) {
      return boost::urls::encode(boost::urls::string_view(v.data(), v.size()),
                                 boost::urls::unreserved_chars);
    };
    return "/?api_key=" + enc(credentials->api_key) +
           "&access_token=" + enc(credentials->access_token);
  };
  d.login = [] { return std::optional<std::string>(); };
  d.read_text = [](std::string_view text) -> std::optional<BrokerOrder> {
    auto message = parse_ws_text(text);
    if (!message.ok()) return std::nullopt;
    if (const auto* order = std::get_if<BrokerOrder>(&*message)) return *order;
    return std::nullopt;
  };
  d.order_book = [&rest] { return rest.orders(); };
  d.broker_heartbeats = true;
  return d;
}

}  // namespace

OrderStream::OrderStream(boost::asio::any_io_executor executor, net::HttpsTarget target,
                         Credentials credentials, RestSession& rest, StreamOptions options,
                         OnOrder on_order, OnConnection on_connection)
    : credentials_(std::make_shared<Credentials>(std::move(credentials))),
      stream_(std::move(executor), std::move(target), options, kite_dialect(credentials_, rest),
              std::move(on_order), std::move(on_connection)) {}

}  // namespace tandem::brokers::kite
