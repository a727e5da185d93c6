// A leader's marks between the tap and its shards (issue 28, docs/fleet.md). A shard opens no
// socket to the leader's broker, and a Kite leader's ticker shares that socket, so without
// these a shard's loss guard would value open positions at the leader's fill prices only.
// The tap, which holds the socket, watches the price of each instrument the leader trades
// (Kite: its ticker; Dhan gives none here) and publishes each tick on core NATS,
// "tandem.marks.<NAME>". Nothing is kept: only the latest price matters, and a shard that
// missed one takes the next, as from a ticker. A message is a PriceSnapshot's canonical
// payload (the journal's codec). A shard hands the prices to its engine, which journals them
// as PriceSnapshots as it does its own ticker's, so its decisions replay exactly.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "brokers/gateway.h"
#include "domain/events.h"
#include "fleet/jetstream.h"

namespace tandem::fleet {

[[nodiscard]] std::string marks_subject(const domain::LeaderConfigured& leader);
[[nodiscard]] std::vector<uint8_t> encode_marks(const std::vector<domain::InstrumentPrice>& prices,
                                                domain::TimeNs now);
// corruption when `message` is not a PriceSnapshot's payload.
[[nodiscard]] Result<std::vector<domain::InstrumentPrice>> decode_marks(
    std::span<const uint8_t> message);

// The tap's side. Every call on the leader gateway's executor.
class MarksPublisher {
 public:
  // `master`: the leader's instrument master (what watch_prices needs of an instrument).
  MarksPublisher(brokers::Gateway& gateway, JetStream& js, const domain::LeaderConfigured& leader,
                 const std::vector<domain::Instrument>& master,
                 std::function<domain::TimeNs()> clock);
  // An instrument the leader traded: its prices published from now on (asked once).
  void traded(const domain::InstrumentKey& instrument);
  int64_t published() const { return published_.load(); }

 private:
  brokers::Gateway& gateway_;
  JetStream& js_;
  std::string subject_;
  std::map<domain::InstrumentKey, domain::Instrument> master_;
  std::function<domain::TimeNs()> clock_;
  std::set<domain::InstrumentKey> asked_;
  std::atomic<int64_t> published_{0};
};

// The shard's side: a connection of its own, made on a thread of its own (tried again every
// second until the cluster answers, then kept by the client through reconnects), and
// `on_prices` called on the client's thread for each message.
class MarksFeed {
 public:
  using OnPrices = std::function<void(const std::vector<domain::InstrumentPrice>& prices)>;
  MarksFeed(std::vector<std::string> urls, const domain::LeaderConfigured& leader,
            OnPrices on_prices);
  ~MarksFeed();  // unsubscribed: on_prices is not called after it
  MarksFeed(const MarksFeed&) = delete;
  MarksFeed& operator=(const MarksFeed&) = delete;

  int64_t received() const { return received_.load(); }

 private:
  std::vector<std::string> urls_;
  std::string subject_;
  OnPrices on_prices_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> received_{0};
  std::unique_ptr<JetStream> js_;  // made on the thread; dropped by ~MarksFeed after it joins
  std::unique_ptr<Subscription> subscription_;
  std::thread thread_;
};

}  // namespace tandem::fleet
