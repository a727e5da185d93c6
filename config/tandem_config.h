// `tandem.toml`: what the engine runs with — the mode (paper unless "live"), the journal,
// the market calendar, logging, the leader accounts (one `[leader]`, or several `[[leader]]`),
// and every follower with its sizing and limits per leader it follows
// (domain/accounts/follower_settings.h) and its broker connection. Credentials are
// not here: they come from the encrypted secrets file (kite.<account>.api_key and
// kite.<account>.access_token). Environment variables override fields (TANDEM_MODE,
// TANDEM_JOURNAL, TANDEM_LOG_LEVEL, TANDEM_LEADER_ACCOUNT, TANDEM_FOLLOWER_<ID>_<KEY>).
// Every mistake is reported at once with file, line and key. docs/configuration.md lists
// every key.
#pragma once

#include <string>
#include <vector>

#include "domain/accounts/follower_settings.h"
#include "domain/base/status.h"

namespace tandem::config {

struct Connection {
  std::string api_url = "https://api.kite.trade";
  std::string ws_url = "wss://ws.kite.trade";
  std::string ca_file;    // an extra CA to trust (the simulator's); empty: the system's
  std::string ca_pem;     // the same given directly (the demo's in-process simulator)
  std::string source_ip;  // the registered static IP for order calls; empty: any
  // Dhan only: where the scrip master (security ids) is read from at startup.
  std::string scrip_master_url;
};

// A Dhan account's endpoints (brokers.md §2.1), the defaults for `broker = "dhan"`.
[[nodiscard]] Connection dhan_connection();

// A leader: `[leader]` when there is one (its name empty), or one of `[[leader]]`.
struct LeaderConfig {
  std::string name;      // empty for `[leader]`
  std::string tag_code;  // what its followers' tags start with (`[[leader]]`: 1-3 letters/digits)
  domain::Broker broker = domain::Broker::kite;
  std::string account;
  Connection connection;
};

// One follower's copy of one leader (a share): a `[[follower]]` with one leader, or one of its
// `[[follower.follow]]` tables. The shares of one account have the same account-wide
// settings and connection.
struct FollowerConfig {
  domain::FollowerSettings settings;
  Connection connection;
  int64_t paper_capital_paise = 10'00'000'00;  // funds of the paper account (paper mode)
  int64_t paper_slippage_bp = 0;
};

struct TandemConfig {
  bool live = false;  // mode = "live"; orders reach real brokers only with --live too
  std::string journal = "tandem-journal";
  std::string holidays_file;  // empty: no holidays beyond weekends
  std::string log_level = "info";
  std::string log_file;             // empty: console only
  std::string log_format = "text";  // or "json" (app/log_setup.h)
  // The operator's server (dashboard, /api/, /metrics): ADDRESS:PORT, or "off". Its access
  // token is the secret http.token, generated and stored at the first start without one.
  std::string http = "127.0.0.1:8780";
  // Host names the operator's server answers to besides IP addresses and localhost (a
  // reverse proxy's or a DNS name): any other Host header is refused, against DNS rebinding.
  std::vector<std::string> http_hosts;
  // Named operators: each has its own dashboard token (secret http.token.NAME), and what it
  // does is journaled under its name (docs/api.md, "Controls").
  std::vector<std::string> operators;
  // The threads the accounts' gateways are spread over. One is enough on two cores (more
  // measured no faster there: docs/performance.md); more let a leader update's orders go
  // out from several cores at once.
  int broker_threads = 1;
  // An entry copy queued behind its account's rate limit longer than this is dropped, and
  // journaled as not sent (engine/send_queue.h); 0 = never. Exits and cancels never are.
  int64_t max_queue_ms = 30'000;
  // Where alerts go besides the dashboard: the addresses are secrets (alerts.webhook_url,
  // alerts.slack_url, alerts.telegram_token); these are the rest.
  struct Alerts {
    std::string telegram_chat_id;
    std::string ca_file;  // a private CA for a self-hosted webhook; empty: the system store
  } alerts;
  std::vector<LeaderConfig> leaders;      // at least one
  std::vector<FollowerConfig> followers;  // one per (follower account, leader it follows)
  std::string hash;  // hex SHA-256 of the effective configuration (journaled at start)
};

[[nodiscard]] Result<TandemConfig> read_tandem_config(const std::string& path);
[[nodiscard]] Result<TandemConfig> parse_tandem_config(std::string_view text,
                                                       const std::string& name);

}  // namespace tandem::config
