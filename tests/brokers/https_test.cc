// Goal: the network layer works over real TLS on loopback as against a broker: connections
// warmed ahead serve parallel requests without new handshakes; the peer is verified (an
// untrusted CA or a certificate for another host is refused); a stalled answer ends at the
// deadline and a dropped connection both as `disconnected`, i.e. outcome unknown.
// Method: HttpsServer with a made TlsIdentity on 127.0.0.1, HttpsClient trusting its CA.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

#include "brokers/net/https_client.h"
#include "brokers/net/https_server.h"
#include "brokers/net/tls_identity.h"

namespace tandem::brokers::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct Loopback {
  asio::io_context io;
  TlsIdentity identity;
  std::atomic<int> requests{0};
  std::unique_ptr<HttpsServer> server;
  uint16_t port = 0;

  explicit Loopback(std::function<ServerReply(const HttpRequest&)> handler = {},
                    std::vector<std::string> hosts = {"localhost", "127.0.0.1"}) {
    auto id = make_tls_identity(hosts);
    EXPECT_TRUE(id.ok()) << id.status().to_string();
    identity = *id;
    if (!handler) {
      handler = [this](const HttpRequest& r) {
        ++requests;
        return server_reply(200, "echo " + r.target + " " + r.body);
      };
    }
    server = std::make_unique<HttpsServer>(io.get_executor(), identity, handler);
    auto p = server->listen("127.0.0.1", 0);
    EXPECT_TRUE(p.ok()) << p.status().to_string();
    port = p.ok() ? *p : 0;
  }

  HttpsTarget target(const std::string& ca) const {
    return https_target("localhost", std::to_string(port), ca);
  }

  // Runs `body` to completion on the io_context, then stops the server.
  void run(std::function<asio::awaitable<void>()> body) {
    bool done = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await body();
          done = true;
          server->stop();
        },
        asio::detached);
    io.run_for(std::chrono::seconds(20));
    EXPECT_TRUE(done) << "the exchange did not finish";
  }
};

HttpRequest get(std::string target) {
  HttpRequest r;
  r.target = std::move(target);
  return r;
}

TEST(Https, WarmedConnectionsServeParallelRequestsWithoutNewHandshakes) {
  Loopback net;
  net.run([&]() -> asio::awaitable<void> {
    auto client = std::make_unique<HttpsClient>(
        net.io.get_executor(), net.target(net.identity.ca_pem), 4, std::chrono::milliseconds(2000));
    Status warmed = co_await client->warm(4);
    EXPECT_TRUE(warmed.ok()) << warmed.to_string();
    EXPECT_EQ(client->handshakes(), 4u);
    EXPECT_EQ(client->idle_connections(), 4u);
    using namespace asio::experimental::awaitable_operators;
    HttpRequest post;
    post.method = http::verb::post;
    post.target = "/orders/regular";
    post.content_type = "application/x-www-form-urlencoded";
    post.body = "quantity=1";
    auto [a, b, c, d] = co_await (client->request(get("/a")) && client->request(get("/b")) &&
                                  client->request(get("/c")) && client->request(post));
    for (const auto* r : {&a, &b, &c, &d}) {
      EXPECT_TRUE(r->ok()) << r->status().to_string();
      if (r->ok()) {
        EXPECT_EQ((*r)->status, 200u);
      }
    }
    EXPECT_EQ(d->body, "echo /orders/regular quantity=1");
    EXPECT_EQ(client->handshakes(), 4u);  // no request paid for a handshake
    client.reset();
  });
  EXPECT_EQ(net.requests.load(), 4);
}

TEST(Https, PoolQueuesRequestsBeyondItsSize) {
  Loopback net;
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(), net.target(net.identity.ca_pem), 1,
                       std::chrono::milliseconds(2000));
    using namespace asio::experimental::awaitable_operators;
    auto [a, b] = co_await (client.request(get("/1")) && client.request(get("/2")));
    EXPECT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(client.handshakes(), 1u);
  });
}

TEST(Https, UntrustedCertificateIsRefused) {
  Loopback net;
  net.run([&]() -> asio::awaitable<void> {
    auto other = make_tls_identity({"localhost"});  // a CA the server does not use
    HttpsClient client(net.io.get_executor(), net.target(other->ca_pem), 1,
                       std::chrono::milliseconds(2000));
    auto r = co_await client.request(get("/"));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::disconnected);
    EXPECT_NE(r.status().message().find("TLS handshake"), std::string::npos)
        << r.status().to_string();
  });
  EXPECT_EQ(net.requests.load(), 0);
}

TEST(Https, CertificateForAnotherHostIsRefused) {
  Loopback net({}, {"broker.example"});
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(), net.target(net.identity.ca_pem), 1,
                       std::chrono::milliseconds(2000));
    auto r = co_await client.request(get("/"));
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("TLS handshake"), std::string::npos);
  });
}

TEST(Https, StalledAnswerEndsAtTheDeadlineAsUnknownOutcome) {
  Loopback net([](const HttpRequest&) {
    ServerReply reply = server_reply(200, "late");
    reply.delay = std::chrono::milliseconds(500);
    return reply;
  });
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(), net.target(net.identity.ca_pem), 1,
                       std::chrono::milliseconds(100));
    auto r = co_await client.request(get("/orders"));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::disconnected);
    EXPECT_NE(r.status().message().find("outcome is unknown"), std::string::npos);
  });
}

TEST(Https, DroppedConnectionIsDisconnected) {
  Loopback net([](const HttpRequest&) {
    ServerReply reply;
    reply.drop_connection = true;
    return reply;
  });
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(), net.target(net.identity.ca_pem), 1,
                       std::chrono::milliseconds(2000));
    auto r = co_await client.request(get("/orders"));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::disconnected);
  });
}

}  // namespace
}  // namespace tandem::brokers::net
