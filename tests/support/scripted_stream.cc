#include "tests/support/scripted_stream.h"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/write.hpp>  // operator<< of a message

#include <algorithm>
#include <array>
#include <sstream>

#include "domain/base/enum_names.h"
#include "net/server_request.h"

namespace tandem::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string_view to_string(FaultPoint point) {
  return domain::enum_name(
      std::array<std::string_view, 8>{"connect", "handshake", "write", "answer_lost", "stall",
                                      "socket_write", "socket_read", "silence"},
      point);
}

bool FaultPlan::fail(FaultPoint point) {
  ++met_;
  bool fails = false;
  if (nth_ > 0) {
    fails = met_ == nth_;
  } else if (!at_.empty()) {
    fails = at_.contains(met_);
  } else {
    fails = percent_ > 0 && static_cast<int>(random_() % 100) < percent_;
  }
  if (fails) {
    ++failed_;
    failures_.emplace_back(to_string(point));
  }
  return fails;
}

bool FaultPlan::vary(int one_in) { return nth_ == 0 && percent_ > 0 && random_() % one_in == 0; }

size_t FaultPlan::split(size_t n) {
  if (n <= 1 || !vary(3)) return n;
  return 1 + random_() % n;
}

ScriptedStream::ScriptedStream(executor_type executor, std::shared_ptr<ScriptedBroker> broker)
    : executor_(std::move(executor)), broker_(std::move(broker)) {
  broker_->most_open = std::max(broker_->most_open, ++broker_->open);
}

ScriptedStream::~ScriptedStream() { --broker_->open; }

bool ScriptedStream::try_write(asio::const_buffer bytes, boost::system::error_code& ec) {
  ec = {};
  if (!writing_ && broker_->faults.vary(4)) return false;  // the socket has no room now
  const size_t n = write({static_cast<const char*>(bytes.data()), bytes.size()}, false, ec);
  EXPECT_TRUE(ec || n == bytes.size()) << "try_write wrote part of a request";
  return !ec;
}

size_t ScriptedStream::write(std::string_view bytes, bool split, boost::system::error_code& ec) {
  if (broken_) {
    ec = asio::error::broken_pipe;
    return 0;
  }
  if (!writing_) {  // a new request begins
    EXPECT_NE(after_, After::stall) << "a request written on a connection that timed out";
    if (broker_->faults.fail(FaultPoint::write)) {
      broken_ = true;
      ec = asio::error::broken_pipe;
      return 0;
    }
    writing_ = true;
    request_.clear();
    after_ = After::idle;
  }
  const size_t n = split ? broker_->faults.split(bytes.size()) : bytes.size();
  request_.append(bytes.substr(0, n));
  // Whole once Beast parses it (the client's serializer writes nothing Beast cannot read; a
  // request never made whole shows as a read before its answer).
  if (Result<net::HttpRequest> whole = net::parse_request(request_); whole.ok()) {
    writing_ = false;
    whole->remote_address = broker_->remote_address;
    carry_out(*whole);
  }
  return n;
}

void ScriptedStream::carry_out(const net::HttpRequest& request) {
  // The broker acts on the request whatever happens to its answer after.
  ++broker_->handled;
  net::ServerReply reply = broker_->handler(request);
  if (broker_->faults.fail(FaultPoint::answer_lost)) {
    after_ = After::answer_lost;
    return;
  }
  if (broker_->faults.fail(FaultPoint::stall)) {
    after_ = After::stall;
    return;
  }
  if (reply.drop_connection) {  // the simulator's own reset
    after_ = After::closed;
    return;
  }
  http::response<http::string_body> res{static_cast<http::status>(reply.response.status), 11};
  res.set(http::field::content_type, reply.content_type);
  for (const auto& [k, v] : reply.headers) res.set(k, v);
  res.body() = std::move(reply.response.body);
  // Now and then the broker closes the connection after answering (Connection: close).
  const bool keep_alive = !broker_->faults.vary(8);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  answer_ = out.str();
  after_ = keep_alive ? After::answered : After::closed;
}

size_t ScriptedStream::read(size_t room, boost::system::error_code& ec) {
  last_read_.clear();
  if (!answer_.empty()) {
    const size_t n = std::min(room, broker_->faults.split(answer_.size()));
    last_read_ = answer_.substr(0, n);
    answer_.erase(0, n);
    return n;
  }
  switch (after_) {
    case After::answer_lost:
      broken_ = true;
      ec = asio::error::connection_reset;
      break;
    case After::stall:
      EXPECT_TRUE(deadline_set_) << "a read with no deadline would wait for ever";
      broken_ = true;
      ec = beast::error::timeout;
      break;
    case After::idle:
      ADD_FAILURE() << (writing_ ? "a read before the request was whole"
                                 : "a read with no request outstanding");
      [[fallthrough]];
    case After::answered:
    case After::closed:
      broken_ = true;
      ec = asio::error::eof;
      break;
  }
  return 0;
}

asio::awaitable<Result<std::unique_ptr<ScriptedStream>>> ScriptedConnector::connect() {
  for (FaultPoint step : {FaultPoint::connect, FaultPoint::handshake}) {
    if (broker_->faults.fail(step)) {
      co_return Status(StatusCode::disconnected, "https " + broker_->host +
                                                     ":443: " + std::string(to_string(step)) +
                                                     ": failed (scripted)");
    }
  }
  co_return std::make_unique<ScriptedStream>(executor_, broker_);
}

}  // namespace tandem::testing
