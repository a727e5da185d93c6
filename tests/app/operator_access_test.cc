// Goal: the operator server's access rules (app/operator_access.h) refuse what a hostile page
// or a rebound DNS name would send, and keep what the dashboard, curl and Prometheus send.
#include "app/operator_access.h"
#include "app/operator_api.h"
#include "app/operator_routes.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/sha256.h"

namespace tandem::app {
namespace {

TEST(OperatorAccess, HostsAreAddressesLocalhostOrConfiguredNames) {
  const std::vector<std::string> names = {"desk.lan"};
  for (const char* ok : {"127.0.0.1:8780", "localhost:8780", "LOCALHOST", "[::1]:8780",
                         "10.0.0.5:80", "desk.lan:8780", "Desk.LAN"}) {
    EXPECT_TRUE(host_allowed(ok, names)) << ok;
  }
  for (const char* bad : {"", "attacker.example:8780", "127.0.0.1.attacker.example",
                          "desk.lan.evil:8780", "127.0.0.1:8780; script-src *",
                          "127.0.0.1:", "127.0.0.1:87800", "[::1", "[::1]x", "localhost:80a"}) {
    EXPECT_FALSE(host_allowed(bad, names)) << bad;
  }
}

TEST(OperatorAccess, AnOriginMustBeTheHostsOwn) {
  EXPECT_TRUE(same_origin("http://127.0.0.1:8780", "127.0.0.1:8780"));
  EXPECT_TRUE(same_origin("https://desk.lan", "desk.lan"));
  EXPECT_FALSE(same_origin("http://attacker.example", "127.0.0.1:8780"));
  EXPECT_FALSE(same_origin("http://127.0.0.1:8781", "127.0.0.1:8780"));
  EXPECT_FALSE(same_origin("null", "127.0.0.1:8780"));
  EXPECT_FALSE(same_origin("http://127.0.0.1:8780.attacker.example", "127.0.0.1:8780"));
}

TEST(OperatorAccess, TokensComeFromTheHeaderOrTheSubprotocol) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Basic abc"), std::nullopt);
  EXPECT_EQ(websocket_token("tandem, bearer.616263"), "abc");
  EXPECT_EQ(websocket_token("bearer.616263,tandem"), "abc");
  EXPECT_EQ(websocket_token("tandem"), std::nullopt);
  EXPECT_EQ(websocket_token("tandem, bearer.zz"), std::nullopt);
}

RC_GTEST_PROP(OperatorAccess, AnyTokenTravelsAsASubprotocol, (const std::string& token)) {
  const std::string hex =
      crypto::to_hex({reinterpret_cast<const uint8_t*>(token.data()), token.size()});
  RC_ASSERT(websocket_token("tandem, bearer." + hex) == token);
}

TEST(OperatorAccess, ThePagePolicyAllowsItsOwnScriptOnly) {
  const std::string page = "<html><script>run();</script></html>";
  const std::string policy = page_security_policy(page, "127.0.0.1:8780");
  // sha256("run();") in base64, as a browser computes it (openssl dgst -sha256 | base64).
  EXPECT_NE(policy.find("script-src 'sha256-vUOElbTHLp1UxxGV/I6teJfpCV5vgaasYjEhPKN2fqQ='"),
            std::string::npos)
      << policy;
  EXPECT_EQ(policy.find("script-src 'unsafe-inline'"), std::string::npos);
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(policy.find("connect-src 'self' ws://127.0.0.1:8780 wss://127.0.0.1:8780"),
            std::string::npos);
  EXPECT_NE(page_security_policy("<script>other();</script>", "h"), policy);
}

TEST(OperatorAccess, RandomTokensAre128BitsAndDiffer) {
  const std::string a = random_access_token(), b = random_access_token();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

namespace http = boost::beast::http;

net::HttpRequest request(http::verb method, std::string target, std::string body = "",
                         std::vector<std::pair<std::string, std::string>> headers = {
                             {"Host", "127.0.0.1:8780"}, {"Authorization", "Bearer t0k"}}) {
  net::HttpRequest r;
  r.method = method;
  r.target = std::move(target);
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

unsigned refused_with(const std::variant<Route, net::ServerReply>& routed) {
  const auto* reply = std::get_if<net::ServerReply>(&routed);
  return reply == nullptr ? 0 : reply->response.status;
}

TEST(OperatorRoutes, ControlsNeedTheHeaderTokenThisHostAndThisOrigin) {
  const OperatorAccess access{.token = "t0k", .hosts = {}};
  EXPECT_EQ(refused_with(route_request(request(http::verb::post, "/api/pause-all"), access)), 0u);
  // A query token is not a token; a foreign Host or Origin is refused before the token.
  EXPECT_EQ(refused_with(route_request(
                request(http::verb::post, "/api/pause-all?token=t0k", "", {{"Host", "127.0.0.1"}}),
                access)),
            401u);
  EXPECT_EQ(refused_with(route_request(
                request(http::verb::post, "/api/pause-all", "",
                        {{"Host", "attacker.example"}, {"Authorization", "Bearer t0k"}}),
                access)),
            403u);
  EXPECT_EQ(refused_with(route_request(request(http::verb::post, "/api/pause-all", "",
                                               {{"Host", "127.0.0.1:8780"},
                                                {"Origin", "http://attacker.example"},
                                                {"Authorization", "Bearer t0k"}}),
                                       access)),
            403u);
  EXPECT_EQ(refused_with(route_request(request(http::verb::get, "/api/pause-all"), access)), 405u);
}

// A named operator's token says who acted: the body's `by` cannot claim another name. The
// shared token still takes `by` from the body; a token of nobody is refused.
TEST(OperatorRoutes, ANamedOperatorsTokenSaysWhoActed) {
  const OperatorAccess access{
      .token = "shared", .hosts = {}, .operators = {{"asha", "tok-a"}, {"ravi", "tok-r"}}};
  auto as = [&](const std::string& token) {
    return route_request(
        request(http::verb::post, "/api/followers/f1/pause", R"({"by":"ravi"})",
                {{"Host", "127.0.0.1:8780"}, {"Authorization", "Bearer " + token}}),
        access);
  };
  auto asha = as("tok-a");
  ASSERT_EQ(refused_with(asha), 0u);
  EXPECT_EQ(std::get<Route>(asha).command.by, "asha");
  auto shared = as("shared");
  ASSERT_EQ(refused_with(shared), 0u);
  EXPECT_EQ(std::get<Route>(shared).command.by, "ravi");
  EXPECT_EQ(refused_with(as("tok-x")), 401u);
}

TEST(OperatorRoutes, ACommandBodyIsCheckedBeforeTheEngineSeesIt) {
  const OperatorAccess access{.token = "t0k", .hosts = {}};
  auto routed = route_request(
      request(http::verb::post, "/api/followers/f1/flatten",
              R"({"by":"asha","reason":"end of day","confirm":"flatten f1","pause":true})"),
      access);
  ASSERT_EQ(refused_with(routed), 0u);
  const Route& route = std::get<Route>(routed);
  EXPECT_EQ(route.command.kind, engine::OperatorCommand::Kind::flatten);
  EXPECT_EQ(route.command.follower.value, "f1");
  EXPECT_EQ(route.command.by, "asha");
  EXPECT_EQ(route.command.reason, "end of day");
  EXPECT_TRUE(route.command.pause_first);
  // A flatten must say whether the follower keeps copying.
  EXPECT_EQ(refused_with(route_request(request(http::verb::post, "/api/followers/f1/flatten",
                                               R"({"confirm":"flatten f1"})"),
                                       access)),
            400u);
  EXPECT_EQ(
      refused_with(route_request(
          request(http::verb::post, "/api/followers/f1/flatten", R"({"confirm":"yes"})"), access)),
      400u);
  EXPECT_EQ(
      refused_with(route_request(
          request(http::verb::post, "/api/followers/f1/pause", "{\"by\":\"x\\ny\"}"), access)),
      400u);
  EXPECT_EQ(refused_with(
                route_request(request(http::verb::post, "/api/followers/f1/pause", "[1]"), access)),
            400u);
  EXPECT_FALSE(printable("a\u202eb", 64));
  EXPECT_FALSE(printable(std::string(65, 'a'), 64));
  EXPECT_TRUE(printable("Asha (desk 2)", 64));
}

// A fleet shard's leader (issue 28): /metrics says where it stands in the tap's stream —
// the sequence durable in its journal, the lag, the redeliveries — for that leader only.
TEST(OperatorMetrics, AShardsFedLeaderShowsItsPlaceInTheStream) {
  engine::OperatorView v;
  v.leaders = {{"scalper", "LEADER1", "kite", true, brokers::FeedStats{42, 3, 2}, 41},
               {"writer", "1100", "dhan", true, std::nullopt, 0}};
  const std::string text = metrics_text(v);
  for (const char* line :
       {"tandem_feed_journaled_seq{leader=\"scalper\",account=\"LEADER1\"} 41\n",
        "tandem_feed_pending{leader=\"scalper\",account=\"LEADER1\"} 3\n",
        "tandem_feed_redelivered_total{leader=\"scalper\",account=\"LEADER1\"} 2\n",
        "# TYPE tandem_feed_pending gauge\n", "# TYPE tandem_feed_redelivered_total counter\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("tandem_feed_pending{leader=\"writer\""), std::string::npos);
  v.leaders.front().feed.reset();  // one process, no fleet: no feed figures at all
  EXPECT_EQ(metrics_text(v).find("tandem_feed_"), std::string::npos);
}

}  // namespace
}  // namespace tandem::app
