// Goal: alerts reach a webhook, Slack and Telegram in the bodies each expects; a failing
// endpoint is retried with backoff until it answers; the same key is delivered once per
// window and a burst is cut at the rate limit; a bad URL is refused without printing it.
// Method: a real HTTPS server on loopback (its own CA) on a second thread, counting and
// answering requests; the dispatcher on its own thread, as in tandem run.
#include "alerts/alert_dispatcher.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "net/https_server.h"
#include "net/tls_identity.h"

namespace tandem::alerts {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A webhook receiver: answers 503 to the first `failures` requests, then 200.
struct Receiver {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  net::TlsIdentity identity = *net::make_tls_identity({"localhost"});
  std::unique_ptr<net::HttpsServer> server;
  uint16_t port = 0;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> received;  // (target, body) of 200s
  std::atomic<int> requests{0};
  int failures = 0;
  std::thread thread;

  explicit Receiver(int fail_first = 0) : failures(fail_first) {
    server = std::make_unique<net::HttpsServer>(io.get_executor(), identity,
                                                [this](const net::HttpRequest& r) {
                                                  if (requests++ < failures) {
                                                    return net::server_reply(503, "busy");
                                                  }
                                                  std::lock_guard lock(mu);
                                                  received.emplace_back(r.target, r.body);
                                                  return net::server_reply(200, "{\"ok\":true}");
                                                });
    port = *server->listen("127.0.0.1", 0);
    thread = std::thread([this] { io.run(); });
  }
  ~Receiver() {
    asio::post(io, [this] { server->stop(); });
    work.reset();
    io.stop();
    thread.join();
  }
  std::string url(const std::string& path) const {
    return "https://localhost:" + std::to_string(port) + path;
  }
  size_t count() {
    std::lock_guard lock(mu);
    return received.size();
  }
};

bool wait_until(const std::function<bool()>& f, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return f();
}

Alert alert(const std::string& key) { return {"follower_stopped", key, "f1 token refused", 42}; }

TEST(AlertDispatcher, EachChannelGetsTheBodyItExpects) {
  Receiver r;
  auto d = AlertDispatcher::start(
      {{Channel::webhook, r.url("/hook"), "", r.identity.ca_pem},
       {Channel::slack, r.url("/services/T/B/X"), "", r.identity.ca_pem},
       {Channel::telegram, r.url("/botTOKEN/sendMessage"), "-100", r.identity.ca_pem}});
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  (*d)->send(alert("k1"));
  ASSERT_TRUE(wait_until([&] { return r.count() == 3; }, 5s));
  std::map<std::string, boost::json::object> by_target;
  for (const auto& [target, body] : r.received) {
    by_target[target] = boost::json::parse(body).as_object();
  }
  EXPECT_EQ(by_target["/hook"]["kind"].as_string(), "follower_stopped");
  EXPECT_EQ(by_target["/hook"]["text"].as_string(), "f1 token refused");
  EXPECT_EQ(by_target["/services/T/B/X"]["text"].as_string(),
            "Tandem follower_stopped: f1 token refused");
  EXPECT_EQ(by_target["/botTOKEN/sendMessage"]["chat_id"].as_string(), "-100");
  // The receiver records a request before it answers; the dispatcher counts it once answered.
  EXPECT_TRUE(wait_until([&] { return (*d)->stats().delivered == 3; }, 5s))
      << (*d)->stats().delivered;
}

TEST(AlertDispatcher, AFailingEndpointIsRetriedWithBackoffUntilItAnswers) {
  Receiver r(2);  // two 503s first
  DispatchOptions o;
  o.backoff_first = 20ms;
  auto d = AlertDispatcher::start({{Channel::webhook, r.url("/hook"), "", r.identity.ca_pem}}, o);
  ASSERT_TRUE(d.ok());
  (*d)->send(alert("k1"));
  ASSERT_TRUE(wait_until([&] { return r.count() == 1; }, 5s));
  EXPECT_EQ(r.requests.load(), 3);
  EXPECT_EQ((*d)->stats().retries, 2);
  EXPECT_EQ((*d)->stats().failed, 0);
}

TEST(AlertDispatcher, GivesUpAfterItsAttempts) {
  Receiver r(100);
  DispatchOptions o;
  o.backoff_first = 5ms;
  o.attempts = 3;
  auto d = AlertDispatcher::start({{Channel::webhook, r.url("/hook"), "", r.identity.ca_pem}}, o);
  ASSERT_TRUE(d.ok());
  (*d)->send(alert("k1"));
  ASSERT_TRUE(wait_until([&] { return (*d)->stats().failed == 1; }, 5s));
  EXPECT_EQ(r.requests.load(), 3);
}

TEST(AlertDispatcher, TheSameKeyOncePerWindowAndBurstsCutAtTheRateLimit) {
  Receiver r;
  DispatchOptions o;
  o.per_minute = 3;
  auto d = AlertDispatcher::start({{Channel::webhook, r.url("/hook"), "", r.identity.ca_pem}}, o);
  ASSERT_TRUE(d.ok());
  for (int i = 0; i < 5; ++i) (*d)->send(alert("same"));                   // one delivery
  for (int i = 0; i < 5; ++i) (*d)->send(alert("k" + std::to_string(i)));  // two more fit
  ASSERT_TRUE(wait_until([&] { return r.count() == 3; }, 5s));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(r.count(), 3u);
  EXPECT_EQ((*d)->stats().suppressed, 7);
}

// A stopping process drains: what it sent last arrives before it exits; an endpoint that
// keeps failing costs at most the bound.
TEST(AlertDispatcher, DrainWaitsForDeliveryWithinItsBound) {
  Receiver r(1);  // one 503 first: the delivery needs a retry
  DispatchOptions o;
  o.backoff_first = 50ms;
  auto d = AlertDispatcher::start({{Channel::webhook, r.url("/hook"), "", r.identity.ca_pem}}, o);
  ASSERT_TRUE(d.ok());
  (*d)->send(alert("journal_failed"));
  (*d)->send(alert("journal_failed"));  // suppressed: drained all the same
  EXPECT_EQ((*d)->drain(5s), 0);
  EXPECT_EQ(r.count(), 1u) << "drain returned before the delivery";
  EXPECT_EQ((*d)->stats().delivered, 1);

  Receiver dead(1000);
  o.backoff_first = 1s;
  auto stuck =
      AlertDispatcher::start({{Channel::webhook, dead.url("/hook"), "", dead.identity.ca_pem}}, o);
  ASSERT_TRUE(stuck.ok());
  (*stuck)->send(alert("k"));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ((*stuck)->drain(300ms), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "drain outlived its bound";
}

TEST(AlertDispatcher, ABadAddressIsRefusedWithoutPrintingIt) {
  auto d =
      AlertDispatcher::start({{Channel::telegram, "http://api.telegram.org/botSECRET/x", "1", ""}});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("telegram"), std::string::npos);
  EXPECT_EQ(d.status().message().find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace tandem::alerts
