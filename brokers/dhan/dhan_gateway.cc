#include "brokers/dhan/dhan_gateway.h"

namespace tandem::brokers::dhan {

namespace asio = boost::asio;
DhanGateway::DhanGateway(asio::any_io_executor executor, DhanAccount account,
                         RestSession::Clock clock, std::unique_ptr<net::HttpsClient::Pool> rest,
                         std::shared_ptr<net::MessageSocketConnector> sockets)
    : AccountConnection(executor, std::move(account), std::move(rest), std::move(sockets)),
      RestSession(executor, http_, account_.credentials, limiter_, std::move(clock),
                  account_.securities, account_.rest_path) {}

DhanGateway::~DhanGateway() { stop(); }

asio::awaitable<Status> DhanGateway::warm() { return http_.warm(account_.warm_connections); }

void DhanGateway::subscribe(OnOrderUpdate on_order, OnConnectionChange on_connection) {
  if (stream_) stream_->stop();
  stream_ = std::make_unique<OrderStream>(executor(), sockets_, account_.credentials, *this,
                                          account_.stream_options, std::move(on_order),
                                          std::move(on_connection));
  stream_->start();
}

void DhanGateway::stop() {
  if (stream_) stream_->stop();
}

void DhanGateway::set_access_token(std::string token) {
  account_.credentials.access_token = token;
  if (stream_) stream_->set_access_token(token);
  RestSession::set_access_token(std::move(token));
}

}  // namespace tandem::brokers::dhan
