#include "brokers/kite/postback_receiver.h"

#include "brokers/kite/parse.h"

namespace tandem::brokers::kite {

net::RequestHandler postback_handler(std::string api_secret,
                                     std::function<void(const BrokerOrder&)> on_order,
                                     PostbackCounts* counts) {
  return [secret = std::move(api_secret), on_order = std::move(on_order),
          counts](const net::HttpRequest& r) {
    if (r.method != boost::beast::http::verb::post) {
      return net::server_reply(405, R"({"status":"error","message":"POST only"})");
    }
    Result<BrokerOrder> order = parse_postback(r.body, secret);
    if (!order.ok()) {
      if (counts != nullptr) ++counts->refused;
      const bool forged = order.status().code() == StatusCode::unauthenticated;
      return net::server_reply(forged ? 403 : 400,
                               forged ? R"({"status":"error","message":"checksum"})"
                                      : R"({"status":"error","message":"malformed"})");
    }
    if (counts != nullptr) ++counts->accepted;
    on_order(*order);
    return net::server_reply(200, R"({"status":"success"})");
  };
}

}  // namespace tandem::brokers::kite
