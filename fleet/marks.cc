#include "fleet/marks.h"

#include <cstring>

#include "fleet/tap.h"
#include "journal/codec.h"

namespace tandem::fleet {

namespace d = ::tandem::domain;

std::string marks_subject(const d::LeaderConfigured& leader) {
  const std::string stream = leader_stream(leader, 1).subject;  // "tandem.leader.<NAME>"
  return "tandem.marks." + stream.substr(stream.rfind('.') + 1);
}

std::vector<uint8_t> encode_marks(const std::vector<d::InstrumentPrice>& prices, d::TimeNs now) {
  d::PriceSnapshot snapshot;
  snapshot.prices = prices;
  snapshot.received_time_ns = now;
  const journal::WordBytes payload = journal::encode_payload(snapshot);
  const auto bytes = payload.bytes();
  return {bytes.begin(), bytes.end()};
}

Result<std::vector<d::InstrumentPrice>> decode_marks(std::span<const uint8_t> message) {
  // Cap'n Proto reads aligned words.
  std::vector<uint64_t> words((message.size() + 7) / 8);
  if (!message.empty()) std::memcpy(words.data(), message.data(), message.size());
  auto event =
      journal::decode_payload(d::EventType::price_snapshot,
                              {reinterpret_cast<const uint8_t*>(words.data()), message.size()}, 0);
  if (!event.ok()) {
    return Status::corruption("a marks message is not a price snapshot: " +
                              event.status().message());
  }
  return std::get<d::PriceSnapshot>(*event).prices;
}

MarksPublisher::MarksPublisher(brokers::Gateway& gateway, JetStream& js,
                               const d::LeaderConfigured& leader,
                               const std::vector<d::Instrument>& master,
                               std::function<d::TimeNs()> clock)
    : gateway_(gateway), js_(js), subject_(marks_subject(leader)), clock_(std::move(clock)) {
  for (const d::Instrument& i : master) master_.emplace(i.key, i);
}

void MarksPublisher::traded(const d::InstrumentKey& instrument) {
  if (!asked_.insert(instrument).second) return;
  const auto it = master_.find(instrument);
  if (it == master_.end()) return;  // not in the master: the shards mark it at fill prices
  gateway_.watch_prices({it->second}, [this](const std::vector<d::InstrumentPrice>& prices) {
    // A tick lost while the cluster is away is replaced by the next.
    if (js_.publish_now(subject_, encode_marks(prices, clock_())).ok()) ++published_;
  });
}

MarksFeed::MarksFeed(std::vector<std::string> urls, const d::LeaderConfigured& leader,
                     OnPrices on_prices)
    : urls_(std::move(urls)), subject_(marks_subject(leader)), on_prices_(std::move(on_prices)) {
  thread_ = std::thread([this] {
    while (!stopping_) {
      auto js = JetStream::connect(urls_, "tandem-marks", std::chrono::seconds(5));
      if (js.ok()) {
        auto subscribed = (*js)->subscribe(subject_, [this](std::span<const uint8_t> bytes) {
          auto prices = decode_marks(bytes);
          if (!prices.ok()) return;  // not ours: the next tick will do
          ++received_;
          on_prices_(*prices);
        });
        if (subscribed.ok()) {
          js_ = std::move(*js);
          subscription_ = std::move(*subscribed);
          return;
        }
      }
      for (int k = 0; k < 10 && !stopping_; ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
}

MarksFeed::~MarksFeed() {
  stopping_ = true;
  thread_.join();
  subscription_.reset();  // waits for a handler running now
  js_.reset();
}

}  // namespace tandem::fleet
