// What can go wrong at the simulated broker, per account: each fault is one a real broker
// shows (brokers.md §1.8, §3) and one the engine must survive. Set from tests, from the
// `tandem sim` command line, or changed while it runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string>

namespace tandem::brokers::sim {

struct Faults {
  // Every answer waits this long, plus a uniform draw in [0, latency_jitter] from the seed.
  std::chrono::milliseconds latency{0};
  std::chrono::milliseconds latency_jitter{0};
  uint64_t seed = 1;
  // Order calls per calendar second beyond which Kite answers HTTP 429 (2026: 10).
  int orders_per_second = 10;
  // The next N order calls are carried out but answered only after `stall`: the client
  // times out not knowing the outcome.
  int stall_next_orders = 0;
  std::chrono::milliseconds stall{60'000};
  // The next N order calls lose their connection before the broker reads them.
  int reset_next_orders = 0;
  // The next N reads of the order book (GET /orders) lose their connection: a lookup by tag
  // after an unknown outcome fails.
  int reset_next_books = 0;
  // Rejections by rule: orders in these trading symbols (OrderException), and orders whose
  // value exceeds the account's funds (MarginException) when check_funds is on.
  std::set<std::string> reject_symbols;
  bool check_funds = true;
  // SEBI 2026: order calls only from this source IP (empty: from anywhere).
  std::string registered_ip;
  // The account's order-update sockets are refused (the broker's stream is down); orders
  // still go through over REST. Clearing it lets the next reconnect in.
  bool streams_down = false;
};

}  // namespace tandem::brokers::sim
