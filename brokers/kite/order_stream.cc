#include "brokers/kite/order_stream.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "brokers/kite/parse.h"

namespace tandem::brokers::kite {

namespace {

template <class Ticker>
brokers::StreamDialect kite_dialect(std::shared_ptr<Credentials> credentials, RestSession& rest,
                                    std::shared_ptr<Ticker> ticker) {
  brokers::StreamDialect d;
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
  d.after_connect = [ticker] {
    std::vector<std::string> messages;
    if (ticker->tokens.empty()) return messages;
    const std::vector<uint32_t> tokens(ticker->tokens.begin(), ticker->tokens.end());
    messages.push_back(subscribe_message(tokens));
    messages.push_back(mode_message(TickMode::ltp, tokens));
    return messages;
  };
  d.read_binary = [ticker](std::span<const uint8_t> bytes) {
    auto ticks = parse_tick_message(bytes);
    if (ticks.ok() && !ticks->empty() && ticker->on_ticks) ticker->on_ticks(*ticks);
  };
  d.broker_heartbeats = true;
  return d;
}

}  // namespace

OrderStream::OrderStream(boost::asio::any_io_executor executor,
                         std::shared_ptr<net::MessageSocketConnector> sockets,
                         Credentials credentials, RestSession& rest, StreamOptions options,
                         OnOrder on_order, OnConnection on_connection)
    : credentials_(std::make_shared<Credentials>(std::move(credentials))),
      ticker_(std::make_shared<Ticker>()),
      stream_(std::move(executor), std::move(sockets), options,
              kite_dialect(credentials_, rest, ticker_), std::move(on_order),
              std::move(on_connection)) {}

void OrderStream::watch(const std::vector<uint32_t>& tokens, OnTicks on_ticks) {
  ticker_->on_ticks = std::move(on_ticks);
  std::vector<uint32_t> added;
  for (uint32_t t : tokens) {
    if (ticker_->tokens.insert(t).second) added.push_back(t);
  }
  if (added.empty()) return;
  stream_.send_text(subscribe_message(added));
  stream_.send_text(mode_message(TickMode::ltp, added));
}

}  // namespace tandem::brokers::kite
