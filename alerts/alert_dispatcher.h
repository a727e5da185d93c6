// Delivery of the engine's alerts to where operators look (docs/operations.md): a generic
// JSON webhook, a Slack incoming webhook, a Telegram bot. On its own thread, so a slow or
// dead endpoint never delays the engine. Deduplicated (the same key is delivered once per
// `dedupe` window), rate-limited (at most `per_minute` deliveries), and retried with
// exponential backoff on a transport error, HTTP 429 or 5xx. Every alert is journaled by the
// engine before it comes here; delivery is best effort and counted.
// Destination URLs carry secrets (Slack's path, Telegram's bot token): they are never
// printed — errors name the channel only. Thread-safety: send() and stats() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "domain/base/status.h"
#include "domain/base/time.h"

namespace tandem::alerts {

struct Alert {
  std::string kind;  // leader_disconnected, order_errors, follower_stopped, ...
  std::string key;   // what dedupes it: the same key is one alert per window
  std::string text;
  domain::TimeNs at_ns = 0;
};

enum class Channel : uint8_t { webhook, slack, telegram };

struct Destination {
  Channel channel = Channel::webhook;
  std::string url;      // https://…; for Telegram https://api.telegram.org/bot<TOKEN>/sendMessage
  std::string chat_id;  // Telegram only
  std::string ca_pem;   // extra trusted CA (a private endpoint); empty: the system store
};

// The request body each channel expects.
[[nodiscard]] std::string alert_body(const Alert& alert, const Destination& to);

struct DispatchOptions {
  std::chrono::seconds dedupe{600};
  int per_minute = 20;
  int attempts = 5;
  std::chrono::milliseconds backoff_first{1000};
  std::chrono::milliseconds deadline{10000};  // per request
};

struct DispatchStats {
  int64_t delivered = 0;   // requests answered 2xx
  int64_t suppressed = 0;  // alerts deduplicated or over the rate limit
  int64_t retries = 0;
  int64_t failed = 0;  // requests given up on
};

class AlertDispatcher {
 public:
  // invalid_argument naming the channel when a URL is not https://host/...
  static Result<std::unique_ptr<AlertDispatcher>> start(std::vector<Destination> destinations,
                                                        DispatchOptions options = {});
  // Waits for nothing: what is undelivered then is dropped (it is journaled); call drain()
  // first to give it a bounded chance.
  ~AlertDispatcher();
  AlertDispatcher(const AlertDispatcher&) = delete;
  AlertDispatcher& operator=(const AlertDispatcher&) = delete;

  void send(Alert alert);
  [[nodiscard]] DispatchStats stats() const;
  // Waits until every alert sent so far is delivered, suppressed or given up on, or `bound`
  // has passed; returns how many are still on their way. For a stopping process: the alert
  // that says why it stops (journal_failed, orders_unsent) should reach the operator.
  int drain(std::chrono::milliseconds bound);

 private:
  struct Impl;
  explicit AlertDispatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

[[nodiscard]] std::string_view to_string(Channel channel);

}  // namespace tandem::alerts
