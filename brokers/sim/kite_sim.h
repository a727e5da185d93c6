// The broker simulator's Kite Connect v3 dialect: accounts with order books (the paper
// book), positions, trades, funds and tokens, answering Kite's REST exactly as Zerodha's
// fixtures show — form bodies in, {"status","data"} envelopes out, `Authorization: token
// key:token` and `X-Kite-Version: 3` checked, TokenException 403 for a bad or expired token,
// 429 beyond the per-second order limit, market_protection required on MARKET and SL-M
// (April 2026), autoslice above the freeze quantity, and the login flow (a request token
// from /connect/login, traded for an access token at /session/token with its checksum).
// It serves through net::HttpsServer; scripting and faults (faults.h) are method calls.
// Thread-safety: handle() and the scripting calls run on the server's executor.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "brokers/dhan/scrip_master.h"
#include "brokers/kite/ticks.h"
#include "brokers/paper/paper_book.h"
#include "brokers/sim/faults.h"
#include "brokers/sim/sim_settings.h"
#include "domain/instruments/instrument.h"
#include "net/https_server.h"

namespace tandem::brokers::sim {

class KiteSim {
 public:
  using Clock = std::function<domain::TimeNs()>;
  KiteSim(KiteSimConfig config, Clock clock);

  net::ServerReply handle(const net::HttpRequest& request);
  // The ticker/order-update socket: wss://host/?api_key=..&access_token=.. It carries the
  // account's order updates and, for the instruments the client subscribes (in its mode,
  // quote until told otherwise), a binary tick whenever a price is set — and the current
  // price at once on subscribing (kite_ticker.cc).
  bool on_websocket(const net::HttpRequest& upgrade, std::shared_ptr<net::WsConnection> connection);

  // The Dhan dialect (dhan_sim.cc): the same accounts and books through DhanHQ v2 — REST
  // under /v2 (`access-token` and `client-id` headers; the client id is the account's user
  // id), the scrip master at /api-scrip-master.csv with Dhan's own symbols and security
  // ids, and the order-update socket, where the client logs in with its first message.
  bool on_dhan_websocket(std::shared_ptr<net::WsConnection> connection);
  const dhan::SecurityMap& dhan_securities() const { return dhan_securities_; }

  // Scripting and faults. Unknown user ids are not_found.
  void set_price(const domain::InstrumentKey& instrument, int64_t price_paise);
  Status set_faults(const std::string& user_id, Faults faults);
  Status expire_token(const std::string& user_id);
  Status set_funds(const std::string& user_id, int64_t funds_paise);  // a deposit, a withdrawal
  Status drop_websockets(const std::string& user_id);
  // Places an order for an account as if its owner did it elsewhere (web, mobile): a
  // scripted leader. Pushed on the account's socket like any other.
  Result<BrokerOrder> place_as_owner(const std::string& user_id, const domain::OrderTerms& order);
  Result<BrokerOrder> modify_as_owner(const std::string& user_id, const domain::BrokerOrderId& id,
                                      const domain::OrderTerms& order);
  Result<BrokerOrder> cancel_as_owner(const std::string& user_id, const domain::BrokerOrderId& id);

  // Inspection, for tests and the demo.
  std::vector<BrokerOrder> orders_of(const std::string& user_id);
  std::vector<domain::BrokerPosition> positions_of(const std::string& user_id);
  int64_t requests() const { return requests_; }
  int64_t rate_limited() const { return rate_limited_; }

 private:
  struct Account {
    SimAccount config;
    PaperBook book;
    bool expired = false;
    int64_t second = -1;  // the calendar second of the last order request
    int orders_this_second = 0;
    uint64_t rng = 1;  // latency jitter draws
    std::vector<std::shared_ptr<net::WsConnection>> sockets{};
    std::vector<std::shared_ptr<net::WsConnection>> dhan_sockets{};
    domain::TimeNs token_issued_ns = 0;  // Dhan's profile says when it stops working
    // Dhan's account controls (dhan_controls.cc): the secondary static IP (the primary is
    // faults.registered_ip), the days from which each may be changed, the day's kill switch.
    std::string secondary_ip{};
    domain::TradingDay primary_ip_fixed_until = 0;
    domain::TradingDay secondary_ip_fixed_until = 0;
    bool kill_switch = false;
    // What Kite's rows echo that the paper book does not keep, by order id (as_kite).
    struct AsPlaced {
      int64_t disclosed_units = 0;
      int market_protection = 0;
    };
    std::map<std::string, AsPlaced> as_placed{};
  };
  void publish(Account& account);
  // The ticker (kite_ticker.cc): a client's subscription, and ticks to every subscriber.
  struct TickerClient {
    std::weak_ptr<net::WsConnection> socket;
    std::map<uint32_t, kite::TickMode> tokens;
  };
  void on_ticker_request(const std::shared_ptr<net::WsConnection>& socket, const std::string& text);
  void send_ticks(const domain::InstrumentKey& instrument, int64_t price_paise);
  std::string tick_packet(uint32_t token, kite::TickMode mode, int64_t price_paise) const;
  Account* find(const std::string& user_id);
  // The account whose access token this is and has not expired; nullptr for none. A
  // thousand accounts are looked up by token on every request, so tokens are indexed.
  Account* by_token(std::string_view token);
  void set_token(Account& account, std::string token);  // keeps the index
  Account* authenticate(const net::HttpRequest& request);
  net::ServerReply route(const net::HttpRequest& request, Account*& account);
  net::ServerReply login_redirect(const net::HttpRequest& request);
  net::ServerReply session_token(const net::HttpRequest& request);
  net::ServerReply order_call(Account& account, const net::HttpRequest& request,
                              const std::string& path);
  net::ServerReply place(Account& account, const net::HttpRequest& request, bool after_market);
  // After-market orders (both dialects): taken only outside market hours (09:15 to 15:30
  // IST), and held until the next open, `after_open` later (Dhan's amoTime). The simulator
  // keeps no holiday calendar: every next day opens.
  static bool in_market_hours(domain::TimeNs now);
  static domain::TimeNs next_open(domain::TimeNs now, std::chrono::minutes after_open);
  const domain::Instrument* instrument(const domain::InstrumentKey& key) const;

  // What both dialects do before an order call: the registered IP, a reset or a rate limit
  // refuse it (each dialect words the refusal its own way).
  enum class Gate : uint8_t { pass, wrong_ip, reset, rate_limited, kill_switch };
  Gate gate(Account& account, const net::HttpRequest& request);
  // The account's next order-book read is to lose its connection (Faults::reset_next_books).
  static bool book_reset(Account& account);
  static net::ServerReply dropped();  // the connection closed, no answer
  // A new order the simulated broker refuses: a bad input (an instrument it does not list, a
  // quantity that is not whole lots), a blocked symbol, or too little margin.
  struct Refusal {
    enum class Kind : uint8_t { input, order, margin } kind = Kind::order;
    std::string message;
  };
  std::optional<Refusal> refuse(const Account& account, const domain::OrderTerms& order) const;
  // The checks of the order's own fields alone (listed instrument, lots, ticks): a modify's
  // too.
  std::optional<Refusal> refuse_input(const domain::OrderTerms& order) const;

  // What Kite's rows carry that the paper book does not know: the instrument token, who
  // placed the order, and the exchange's order id once the order reached it.
  BrokerOrder as_kite(BrokerOrder order, const Account& account) const;
  // The exchange's id for an order of the paper book's, once it is at the exchange.
  static std::string exchange_order_id_of(const domain::BrokerOrderId& id);
  std::vector<BrokerOrder> as_kite(std::vector<BrokerOrder> orders, const Account& account) const;
  std::vector<BrokerTrade> kite_trades(const Account& account,
                                       const domain::BrokerOrderId* only = nullptr) const;
  uint32_t kite_token(const domain::InstrumentKey& key) const;

  // Dhan's side (dhan_sim.cc).
  void build_dhan_names();
  net::ServerReply dhan_route(const net::HttpRequest& request, Account*& account);
  // Dhan's API-key consent flow (brokers.md §2.3), app_id/app_secret = the config's
  // api_key/api_secret: generate-consent, the browser login, consumeApp-consent.
  net::ServerReply dhan_consent(const net::HttpRequest& request, const std::string& path);
  net::ServerReply dhan_order_call(Account& account, const net::HttpRequest& request,
                                   const std::string& path);
  // Profile, RenewToken, the static-IP routes and the kill switch; nullopt for other paths.
  std::optional<net::ServerReply> dhan_controls(Account& account, const net::HttpRequest& request,
                                                const std::string& path);
  BrokerOrder as_dhan(BrokerOrder order) const;
  std::vector<BrokerOrder> as_dhan(std::vector<BrokerOrder> orders) const;
  dhan::SecurityMap dhan_securities_;
  std::map<domain::InstrumentKey, domain::InstrumentKey> dhan_key_of_;  // ours → Dhan's
  std::map<domain::InstrumentKey, domain::InstrumentKey> sim_key_of_;   // Dhan's → ours

  KiteSimConfig config_;
  Clock clock_;
  std::map<std::string, Account> accounts_;                // by user id
  std::map<std::string, Account*, std::less<>> by_token_;  // access token -> its account
  std::map<std::string, std::string> request_tokens_;      // request token -> user id
  std::map<std::string, std::string> dhan_consents_;       // consentAppId -> client id
  std::map<std::string, std::string> dhan_token_ids_;      // tokenId -> client id
  std::map<domain::InstrumentKey, int64_t> prices_;
  std::map<const net::WsConnection*, TickerClient> ticker_clients_;
  int64_t requests_ = 0;
  int64_t rate_limited_ = 0;
  int64_t logins_ = 0;
};

}  // namespace tandem::brokers::sim
