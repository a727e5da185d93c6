// The simulator's Kite ticker: subscriptions per socket and binary ticks (brokers.md §1.10).
#include "brokers/sim/kite_sim.h"

namespace tandem::brokers::sim {

namespace d = ::tandem::domain;

void KiteSim::on_ticker_request(const std::shared_ptr<net::WsConnection>& socket,
                                const std::string& text) {
  auto request = kite::parse_ticker_request(text);
  if (!request.ok()) return;  // Kite ignores what it does not understand
  std::erase_if(ticker_clients_, [](const auto& kv) { return kv.second.socket.expired(); });
  TickerClient& client = ticker_clients_[socket.get()];
  client.socket = socket;
  std::vector<std::string> now;  // the current price of what was just subscribed
  for (uint32_t token : request->tokens) {
    switch (request->action) {
      case kite::TickerRequest::Action::unsubscribe:
        client.tokens.erase(token);
        continue;
      case kite::TickerRequest::Action::mode: {
        const auto it = client.tokens.find(token);
        if (it != client.tokens.end()) it->second = request->mode;
        continue;
      }
      case kite::TickerRequest::Action::subscribe:
        if (!client.tokens.try_emplace(token, kite::TickMode::quote).second) continue;
        for (const auto& i : config_.instruments) {
          const auto price = prices_.find(i.key);
          if (i.kite_token == token && price != prices_.end()) {
            now.push_back(tick_packet(token, kite::TickMode::quote, price->second));
          }
        }
        continue;
    }
  }
  if (!now.empty()) socket->send_binary(kite::encode_tick_message(now));
}

void KiteSim::send_ticks(const d::InstrumentKey& instrument, int64_t price_paise) {
  if (ticker_clients_.empty()) return;
  const d::Instrument* i = this->instrument(instrument);
  if (i == nullptr || i->kite_token == 0) return;
  std::erase_if(ticker_clients_, [](const auto& kv) {
    const auto socket = kv.second.socket.lock();
    return !socket || !socket->open();
  });
  for (const auto& [key, client] : ticker_clients_) {
    const auto it = client.tokens.find(i->kite_token);
    if (it == client.tokens.end()) continue;
    client.socket.lock()->send_binary(
        kite::encode_tick_message({tick_packet(i->kite_token, it->second, price_paise)}));
  }
}

std::string KiteSim::tick_packet(uint32_t token, kite::TickMode mode, int64_t price_paise) const {
  kite::Tick t;
  t.instrument_token = token;
  t.last_price_paise = price_paise;
  t.average_price_paise = price_paise;
  t.open_paise = t.high_paise = t.low_paise = t.close_paise = price_paise;
  return kite::encode_tick_packet(t, kite::packet_size(mode));
}

}  // namespace tandem::brokers::sim
