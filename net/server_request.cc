#include "net/server_request.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

namespace tandem::net {

namespace http = boost::beast::http;

HttpRequest request_from(const http::request<http::string_body>& req, std::string remote_address) {
  HttpRequest request;
  request.method = req.method();
  request.target = std::string(req.target());
  for (const auto& field : req) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.content_type = std::string(req[http::field::content_type]);
  request.body = req.body();
  request.remote_address = std::move(remote_address);
  return request;
}

Result<HttpRequest> parse_request(std::string_view bytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::system::error_code ec;
  size_t used = 0;
  while (!parser.is_done() && used < bytes.size()) {
    const size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return Status::invalid_argument("not an HTTP request: " + ec.message());
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return Status::invalid_argument("the request ends early");
  }
  return request_from(parser.get(), "");
}

}  // namespace tandem::net
