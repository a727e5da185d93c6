// Goal: the network layer works over real TLS on loopback as against a broker: connections
// warmed ahead serve parallel requests without new handshakes; the peer is verified (an
// untrusted CA or a certificate for another host is refused); a stalled answer ends at the
// deadline and a dropped connection both as `disconnected`, i.e. outcome unknown. The TLS
// socket under them (TlsSocket): an idle pooled connection outlives its deadline and keeps
// no work in its io_context; an IP-address target is checked against the certificate's
// addresses; writing to a peer that has gone is an error, not SIGPIPE. The send gate
// (write-ahead while orders are built ahead of their journal sync): a request held at it is
// built, but not one byte reaches the server until it opens, and it holds no connection
// meanwhile (the account's next order goes on the same one); a closed gate ends it unsent.
// In-sequence requests (an account's orders) are written in the order they were made.
// Method: HttpsServer with a made TlsIdentity on 127.0.0.1, HttpsClient trusting its CA.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "net/https_client.h"
#include "net/https_server.h"
#include "net/send_gate.h"
#include "net/tls_connect.h"
#include "net/tls_identity.h"

namespace tandem::net {
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

TEST(Https, IdleConnectionOutlivesItsDeadlineAndIsReused) {
  Loopback net;
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(), net.target(net.identity.ca_pem), 1,
                       std::chrono::milliseconds(100));
    auto first = co_await client.request(get("/1"));
    EXPECT_TRUE(first.ok()) << first.status().to_string();
    asio::steady_timer idle(net.io, std::chrono::milliseconds(300));  // 3 deadlines idle
    co_await idle.async_wait(asio::use_awaitable);
    auto second = co_await client.request(get("/2"));
    EXPECT_TRUE(second.ok()) << second.status().to_string();
    EXPECT_EQ(client.handshakes(), 1u);
  });
  EXPECT_EQ(net.requests.load(), 2);
}

// `tandem login dhan` runs an io_context per step and waits for the user between them: a
// pooled connection's deadline must not keep run() waiting until it passes.
TEST(Https, IdlePooledConnectionLeavesItsIoContextFree) {
  Loopback net;
  auto server_work = asio::make_work_guard(net.io);
  std::thread server_thread([&] { net.io.run_for(std::chrono::seconds(20)); });
  asio::io_context client_io;
  auto client = std::make_unique<HttpsClient>(
      client_io.get_executor(), net.target(net.identity.ca_pem), 1, std::chrono::seconds(60));
  bool answered = false;
  asio::co_spawn(
      client_io,
      [&]() -> asio::awaitable<void> { answered = (co_await client->request(get("/"))).ok(); },
      asio::detached);
  const auto start = std::chrono::steady_clock::now();
  client_io.run();
  EXPECT_TRUE(answered);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(client->idle_connections(), 1u);
  client.reset();  // closes the pooled connection, which ends the server's side of it
  server_work.reset();
  asio::post(net.io, [&] { net.server->stop(); });
  server_thread.join();
}

TEST(Https, AddressTargetIsCheckedAgainstTheCertificatesAddresses) {
  Loopback net;  // a certificate for localhost and 127.0.0.1
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(),
                       https_target("127.0.0.1", std::to_string(net.port), net.identity.ca_pem), 1,
                       std::chrono::milliseconds(2000));
    auto r = co_await client.request(get("/"));
    EXPECT_TRUE(r.ok()) << r.status().to_string();
  });
  Loopback named({}, {"localhost"});  // no address in it
  named.run([&]() -> asio::awaitable<void> {
    HttpsClient client(named.io.get_executor(),
                       https_target("127.0.0.1", std::to_string(named.port), named.identity.ca_pem),
                       1, std::chrono::milliseconds(2000));
    auto r = co_await client.request(get("/"));
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("TLS handshake"), std::string::npos)
        << r.status().to_string();
  });
}

// OpenSSL's own socket BIO writes with write(), which raises SIGPIPE on a socket the peer
// has closed; without MSG_NOSIGNAL this test's process would end here.
TEST(Https, WritingToAPeerThatHasGoneIsAnError) {
  Loopback net([](const HttpRequest&) {
    ServerReply reply;
    reply.drop_connection = true;
    return reply;
  });
  net.run([&]() -> asio::awaitable<void> {
    auto tls = client_tls_context(net.identity.ca_pem);
    EXPECT_TRUE(tls.ok());
    auto socket = co_await connect_tls(net.io.get_executor(), **tls, "localhost",
                                       std::to_string(net.port), "test");
    EXPECT_TRUE(socket.ok()) << socket.status().to_string();
    if (!socket.ok()) co_return;
    const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(**socket, asio::buffer(request),
                                              asio::as_tuple(asio::use_awaitable));
    EXPECT_FALSE(ec) << ec.message();
    const std::string chunk(4096, 'x');
    for (int i = 0; i < 50 && !ec; ++i) {  // the server closes; its reset arrives; then EPIPE
      asio::steady_timer pause(net.io, std::chrono::milliseconds(20));
      co_await pause.async_wait(asio::use_awaitable);
      std::tie(ec, n) = co_await asio::async_write(**socket, asio::buffer(chunk),
                                                   asio::as_tuple(asio::use_awaitable));
    }
    EXPECT_TRUE(ec) << "every write to a closed peer succeeded";
  });
}

HttpRequest gated_order(std::shared_ptr<SendGate> gate) {
  HttpRequest r;
  r.method = http::verb::post;
  r.target = "/orders/regular";
  r.content_type = "application/x-www-form-urlencoded";
  r.body = "quantity=1";
  r.gate = std::move(gate);
  return r;
}

asio::awaitable<void> pause(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// A warmed one-connection client with one order held at a gate.
struct GatedOrder {
  std::unique_ptr<HttpsClient> client;
  std::shared_ptr<SendGate> gate;
  std::optional<Result<HttpResponse>> answer;
  explicit GatedOrder(Loopback& net)
      : client(std::make_unique<HttpsClient>(net.io.get_executor(), net.target(net.identity.ca_pem),
                                             1, std::chrono::milliseconds(2000))),
        gate(std::make_shared<SendGate>(net.io.get_executor())) {}
  // Warms the connection, then starts the order; its answer lands in `answer`.
  asio::awaitable<void> start() {
    const Status warmed = co_await client->warm(1);
    EXPECT_TRUE(warmed.ok()) << warmed.to_string();
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [this]() -> asio::awaitable<void> {
          HttpRequest order = gated_order(gate);  // named: GCC 12 and temporaries in co_await
          answer = co_await client->request(std::move(order));
        },
        asio::detached);
    co_await pause(std::chrono::milliseconds(100));
  }
  // Waits for the answer, then closes the client (so the server's run can end).
  asio::awaitable<void> settle() {
    for (int i = 0; i < 200 && !answer; ++i) co_await pause(std::chrono::milliseconds(10));
  }
  void close() { client.reset(); }
};

TEST(Https, RequestHeldAtTheSendGateIsBuiltButNotWrittenUntilItOpens) {
  Loopback net;
  GatedOrder held(net);
  net.run([&]() -> asio::awaitable<void> {
    co_await held.start();
    EXPECT_EQ(net.requests.load(), 0);  // nothing has reached the server
    EXPECT_FALSE(held.answer.has_value());
    // The held request keeps no connection: another goes out meanwhile, on the same one.
    HttpRequest other = gated_order(nullptr);
    auto other_answer = co_await held.client->request(std::move(other));
    EXPECT_TRUE(other_answer.ok()) << other_answer.status().to_string();
    EXPECT_EQ(net.requests.load(), 1);
    EXPECT_FALSE(held.answer.has_value());
    held.gate->open();
    co_await held.settle();
    EXPECT_TRUE(held.answer.has_value() && held.answer->ok());
    if (!held.answer || !held.answer->ok()) {
      held.close();
      co_return;
    }
    EXPECT_EQ((*held.answer)->body, "echo /orders/regular quantity=1");
    EXPECT_EQ(net.requests.load(), 2);
    EXPECT_EQ(held.client->handshakes(), 1u);
    held.close();
  });
}

TEST(Https, ClosedSendGateSendsNothingAndKeepsTheConnection) {
  Loopback net;
  GatedOrder held(net);
  net.run([&]() -> asio::awaitable<void> {
    co_await held.start();
    held.gate->close();
    co_await held.settle();
    EXPECT_TRUE(held.answer.has_value());
    if (!held.answer) {
      held.close();
      co_return;
    }
    EXPECT_EQ(held.answer->status().code(), StatusCode::failed_precondition);
    EXPECT_NE(held.answer->status().message().find("not sent"), std::string::npos)
        << held.answer->status().to_string();
    co_await pause(std::chrono::milliseconds(100));
    EXPECT_EQ(net.requests.load(), 0);
    EXPECT_EQ(held.client->idle_connections(), 1u);
    HttpRequest ungated = gated_order(nullptr);
    auto later = co_await held.client->request(std::move(ungated));  // on the same connection
    EXPECT_TRUE(later.ok()) << later.status().to_string();
    EXPECT_EQ(net.requests.load(), 1);
    EXPECT_EQ(held.client->handshakes(), 1u);
    held.close();
  });
}

// An account's orders leave in the order they were made: one held at its gate holds back
// the later in-sequence ones (not the others), and all go once it opens, in order.
TEST(Https, InSequenceRequestsAreWrittenInTheOrderTheyWereMade) {
  std::vector<std::string> seen;
  Loopback net([&](const HttpRequest& r) {
    seen.push_back(r.body);
    return server_reply(200, "ok");
  });
  net.run([&]() -> asio::awaitable<void> {
    HttpsClient client(net.io.get_executor(), net.target(net.identity.ca_pem), 3,
                       std::chrono::milliseconds(2000));
    const Status warmed = co_await client.warm(3);
    EXPECT_TRUE(warmed.ok()) << warmed.to_string();
    auto gate = std::make_shared<SendGate>(net.io.get_executor());
    int answered = 0;
    const auto start = [&](std::string body, bool in_sequence, std::shared_ptr<SendGate> g) {
      HttpRequest r = gated_order(std::move(g));
      r.body = std::move(body);
      r.in_sequence = in_sequence;
      asio::co_spawn(
          net.io,
          [&client, &answered, r]() -> asio::awaitable<void> {
            auto answer = co_await client.request(r);
            EXPECT_TRUE(answer.ok()) << answer.status().to_string();
            ++answered;
          },
          asio::detached);
    };
    start("first", true, gate);
    start("second", true, nullptr);
    start("other", false, nullptr);
    co_await pause(std::chrono::milliseconds(150));
    EXPECT_EQ(seen, std::vector<std::string>{"other"});
    gate->open();
    for (int i = 0; i < 200 && answered < 3; ++i) co_await pause(std::chrono::milliseconds(10));
    EXPECT_EQ(seen, (std::vector<std::string>{"other", "first", "second"}));
  });
}

TEST(Https, EverySendGateWaiterGoesOnOnceOpenAndLateOnesDoNotWait) {
  asio::io_context io;
  SendGate gate(io.get_executor());
  int through = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          if (co_await gate.wait()) ++through;
        },
        asio::detached);
  }
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(through, 0);
  gate.open();
  gate.close();  // too late: an open gate stays open
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(through, 3);
  bool late = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { late = co_await gate.wait(); }, asio::detached);
  io.restart();
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(late);
}

}  // namespace
}  // namespace tandem::net
