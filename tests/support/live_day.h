// A live day on real processes, for tests that signal and kill them: `tandem sim` serving a
// Kite leader (LEADER1) and follower (FOLLOW1) trading NSE:INFY from a script, the secrets
// in the real encrypted store, and the `tandem run --live` arguments that reach it (FOLLOW1
// as follower f1 at ratio 2, and a paper follower p1), on one market clock that reads
// 10:00:00 IST within a second of construction.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "brokers/kite/rest_session.h"
#include "crypto/secret_store.h"
#include "tests/support/process.h"
#include "tests/support/sim_loop.h"
#include "tests/support/temp_dir.h"

namespace tandem::testing {

// LEADER1's scripted day on NSE:INFY from 10:00:00.500: `orders` orders, one every `step_ms`
// of real time; every fourth a limit it modifies and cancels, the rest at market, buys and
// sells. With `moving`, INFY's price moves a rupee with every fifth order (a ticker has
// something to say).
inline std::string leader_trading_day(int orders, int step_ms, bool moving = false) {
  std::string s = "10:00:00.000 price NSE:INFY 1500.00\n";
  int ms = 500;
  auto at = [&] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "10:%02d:%02d.%03d", ms / 60000, ms / 1000 % 60, ms % 1000);
    return std::string(buf);
  };
  for (int i = 0; i < orders; ++i, ms += step_ms) {
    const std::string n = "o" + std::to_string(i);
    if (moving && i % 5 == 4) s += at() + " price NSE:INFY " + std::to_string(1500 + i) + ".00\n";
    if (i % 4 == 3) {
      s += at() + " place LEADER1 " + n + " BUY NSE:INFY " + std::to_string(1 + i % 7) +
           " LIMIT MIS 1490.00\n";
      ms += step_ms / 2;
      s += at() + " modify LEADER1 " + n + " 3 LIMIT 1491.00\n";
      ms += step_ms / 2;
      s += at() + " cancel LEADER1 " + n + "\n";
    } else {
      s += at() + " place LEADER1 " + n + (i % 3 == 2 ? " SELL" : " BUY") + " NSE:INFY " +
           std::to_string(1 + i % 5) + " MARKET MIS\n";
    }
  }
  return s;
}

struct LiveDaySetup {
  std::string script;           // the simulator's day (tandem sim --script)
  std::string follower_faults;  // TOML lines of FOLLOW1's [account.faults]; none when empty
  std::string engine_settings;  // top-level lines added to tandem.toml
  // A second leader, LEADER2 ("beta"; LEADER1 is then "alpha"), that f1 follows too, a
  // share of each at its ratio (issue 27).
  bool two_leaders = false;
  // Kite follower accounts at the simulator: FOLLOW1 (token "tf"), then FOLLOW2… ("tf2"…),
  // each with its credentials in the secrets file; tandem.toml follows FOLLOW1 only.
  int follower_accounts = 1;
  // INFY with its Kite instrument token, so that the simulator's ticker sends its prices.
  bool ticker = false;
};

class LiveDay {
 public:
  LiveDay(const TempDir& dir, const LiveDaySetup& setup) : dir_(dir) {
    two_leaders_ = setup.two_leaders;
    ticker_ = setup.ticker;
    follower_accounts_ = setup.follower_accounts;
    write("sim.toml", sim_toml(setup.follower_faults));
    write("day.txt", setup.script);
    if (!store_secrets()) return;
    using namespace std::chrono;
    const auto anchor = duration_cast<seconds>(system_clock::now().time_since_epoch()) + 1s;
    clock_ = {"--clock-start", "2026-11-20 10:00:00", "--clock-anchor",
              std::to_string(anchor.count())};
    script_start_ = system_clock::now();
    std::vector<std::string> sim_args = {"sim",      "--config",    "sim.toml",
                                         "--listen", "127.0.0.1:0", "--ca-out",
                                         "ca.pem",   "--script",    "day.txt"};
    sim_args.insert(sim_args.end(), clock_.begin(), clock_.end());
    sim_ = std::make_unique<Process>(TANDEM_BIN, sim_args, dir_.path("sim.out"), dir_.path());
    if (!wait_for_text(dir_.path("sim.out"), "Kite API at", std::chrono::seconds(10))) return;
    const std::string out = read_file(dir_.path("sim.out"));
    const size_t colon = out.find("127.0.0.1:") + 10;
    port_ = out.substr(colon, out.find(' ', colon) - colon);
    write("tandem.toml", tandem_toml(setup.engine_settings));
  }
  ~LiveDay() { stop_sim(); }
  LiveDay(const LiveDay&) = delete;
  LiveDay& operator=(const LiveDay&) = delete;

  // The secrets are stored and the simulator listens.
  bool ready() const { return !port_.empty(); }
  // About when the script's step `after` its first is played: the simulator plays its
  // script from its own start (a little after this), not by the market clock.
  std::chrono::system_clock::time_point at(std::chrono::milliseconds after) const {
    return script_start_ + after;
  }
  // The lines of tandem.toml that reach the simulator as a broker (api_url, ws_url, ca_file).
  std::string connection() const {
    const std::string url = "://localhost:" + port_;
    return "api_url = \"https" + url + "\"\nws_url = \"wss" + url + "\"\nca_file = \"ca.pem\"\n";
  }
  std::vector<std::string> run_args() const {
    std::vector<std::string> args = {"run",    "--config", "tandem.toml",
                                     "--live", "--http",   "127.0.0.1:0"};
    args.insert(args.end(), clock_.begin(), clock_.end());
    return args;
  }
  void stop_sim() {
    if (!sim_) return;
    sim_->signal(SIGINT);
    sim_->wait();
    sim_.reset();
  }

  // FOLLOW1's (or, `leader`, LEADER1's) order book at the simulator, over HTTPS (as the
  // engine reads it).
  std::vector<brokers::BrokerOrder> follower_book(bool leader = false) const {
    return book_of(leader ? "tl" : "tf");
  }
  // The order book of the account whose token this is ("tl2": LEADER2's).
  std::vector<brokers::BrokerOrder> book_of(const char* token) const {
    std::vector<brokers::BrokerOrder> book;
    as_account(token, [&](brokers::kite::RestSession& rest) -> boost::asio::awaitable<void> {
      auto orders = co_await rest.orders();
      if (orders.ok()) book = *orders;
    });
    return book;
  }
  // Places an order at FOLLOW1's broker (or, `leader`, at LEADER1's) as someone other than
  // the engine would (by hand, another program), under whatever tag it is given.
  Result<brokers::Placement> place(const domain::OrderTerms& order, const domain::ClientTag& tag,
                                   bool leader = false) const {
    Result<brokers::Placement> placed = Status(StatusCode::unavailable, "not sent");
    as_account(
        leader ? "tl" : "tf",
        [&](brokers::kite::RestSession& rest) -> boost::asio::awaitable<void> {
          const brokers::PlaceOptions options;  // GCC 12: no temporary in a co_await expression
          placed = co_await rest.place(order, tag, options);
        });
    return placed;
  }

 private:
  // Runs `body` with a Kite REST session of the account whose token this is, over HTTPS, to
  // its end.
  void as_account(
      const char* token,
      const std::function<boost::asio::awaitable<void>(brokers::kite::RestSession&)>& body) const {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          net::HttpsClient http(
              io.get_executor(),
              net::https_target("localhost", port_, read_file(dir_.path("ca.pem"))), 1,
              std::chrono::seconds(30));
          brokers::RateLimiter limiter(brokers::RateLimits::kite_orders());
          brokers::kite::RestSession rest(io.get_executor(), http, {"ck", token}, limiter,
                                          wall_clock);
          co_await body(rest);
        },
        asio::detached);
    io.run_for(std::chrono::seconds(40));
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_.path(name)) << text;
  }

  std::string sim_toml(const std::string& follower_faults) const {
    return "[kite]\napi_key = \"ck\"\napi_secret = \"cs\"\n"
           "[[account]]\nuser_id = \"LEADER1\"\naccess_token = \"tl\"\nfunds = 100000000.00\n" +
           std::string(two_leaders_ ? "[[account]]\nuser_id = \"LEADER2\"\naccess_token = \"tl2\"\n"
                                      "funds = 100000000.00\n"
                                    : "") +
           "[[account]]\nuser_id = \"FOLLOW1\"\naccess_token = \"tf\"\nfunds = 100000000.00\n" +
           more_follower_accounts() +
           (follower_faults.empty() ? "" : "[account.faults]\n" + follower_faults + "\n") +
           "[[instrument]]\nexchange = \"NSE\"\nsymbol = \"INFY\"\nprice = 1500.00\n" +
           (ticker_ ? "token = 408065\n" : "");
  }

  // FOLLOW2… in sim.toml.
  std::string more_follower_accounts() const {
    std::string out;
    for (int k = 2; k <= follower_accounts_; ++k) {
      out += "[[account]]\nuser_id = \"FOLLOW" + std::to_string(k) + "\"\naccess_token = \"tf" +
             std::to_string(k) + "\"\nfunds = 100000000.00\n";
    }
    return out;
  }

  std::string tandem_toml(const std::string& engine_settings) const {
    const std::string broker = connection();
    if (two_leaders_) {
      return "mode = \"live\"\njournal = \"journal\"\n" + engine_settings +
             "\n[[leader]]\nname = \"alpha\"\naccount = \"LEADER1\"\n" + broker +
             "[[leader]]\nname = \"beta\"\naccount = \"LEADER2\"\n" + broker +
             "[[follower]]\nid = \"f1\"\naccount = \"FOLLOW1\"\nbroker = \"kite\"\nratio = 2\n" +
             broker +
             "[[follower.follow]]\nleader = \"alpha\"\n[[follower.follow]]\nleader = \"beta\"\n" +
             "[[follower]]\nid = \"p1\"\nbroker = \"paper\"\nratio = 1\n"
             "[[follower.follow]]\nleader = \"alpha\"\n";
    }
    return "mode = \"live\"\njournal = \"journal\"\n" + engine_settings +
           "\n[leader]\naccount = \"LEADER1\"\n" + broker +
           "[[follower]]\nid = \"f1\"\naccount = \"FOLLOW1\"\nbroker = \"kite\"\nratio = 2\n" +
           broker + "[[follower]]\nid = \"p1\"\nbroker = \"paper\"\nratio = 1\n";
  }

  // Both accounts' credentials, in the real encrypted file.
  bool store_secrets() const {
    if (!crypto::create_key_file(dir_.path("tandem.key")).ok()) return false;
    ::unsetenv("TANDEM_SECRET_KEY");
    auto key = crypto::load_secret_key(dir_.path("tandem.key"));
    if (!key.ok()) return false;
    auto store = crypto::SecretStore::open(dir_.path("tandem.secrets"), *key);
    if (!store.ok()) return false;
    std::vector<std::pair<std::string, std::string>> accounts = {
        {"LEADER1", "tl"}, {"FOLLOW1", "tf"}, {"LEADER2", "tl2"}};
    for (int k = 2; k <= follower_accounts_; ++k) {
      accounts.emplace_back("FOLLOW" + std::to_string(k), "tf" + std::to_string(k));
    }
    for (const auto& [account, token] : accounts) {
      if (!store->set("kite." + account + ".api_key", "ck").ok() ||
          !store->set("kite." + account + ".access_token", token).ok()) {
        return false;
      }
    }
    return store->save().ok();
  }

  const TempDir& dir_;
  bool two_leaders_ = false;
  bool ticker_ = false;
  int follower_accounts_ = 1;
  std::chrono::system_clock::time_point script_start_;
  std::vector<std::string> clock_;
  std::unique_ptr<Process> sim_;
  std::string port_;
};

// Exactly once at the broker (DESIGN.md invariant 2): every order in `book` carries a tag
// journaled as an intent (`intents`), and no tag is there twice.
// The net position an order book's fills make (buys less sells).
inline int64_t net_of(const std::vector<brokers::BrokerOrder>& book) {
  int64_t net = 0;
  for (const auto& o : book) net += (o.side == domain::Side::buy ? 1 : -1) * o.filled_units;
  return net;
}

inline void expect_each_tag_once_and_journaled(const std::vector<brokers::BrokerOrder>& book,
                                               const std::set<std::string>& intents) {
  std::map<std::string, int> at_broker;
  for (const auto& o : book) {
    EXPECT_EQ(++at_broker[o.tag], 1) << "tag sent twice: " << o.tag;
    EXPECT_TRUE(intents.contains(o.tag)) << "an order at the broker without an intent: " << o.tag;
  }
}

}  // namespace tandem::testing
