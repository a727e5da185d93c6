#include "brokers/paper/paper_book.h"

#include <string>

namespace tandem::brokers {

namespace d = ::tandem::domain;

namespace {

// SplitMix64: a small, well-mixed function of (seed, tag), so jitter does not depend on
// the order in which orders arrive.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t sequence_of(const d::BrokerOrderId& id) {
  if (id.value.size() < 2 || id.value[0] != 'P') return 0;
  uint64_t v = 0;
  for (size_t i = 1; i < id.value.size(); ++i) {
    if (id.value[i] < '0' || id.value[i] > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(id.value[i] - '0');
  }
  return v;
}

Result<BrokerOrder> rejected(std::string why) {
  return Status(StatusCode::rejected, std::move(why));
}

}  // namespace

void PaperBook::set_price(const d::InstrumentKey& instrument, int64_t price_paise) {
  prices_[instrument] = price_paise;
}

d::TimeNs PaperBook::jitter(const d::ClientTag& tag) const {
  if (config_.jitter_ns <= 0) return 0;
  uint64_t h = config_.seed;
  for (unsigned char c : tag.value) h = mix(h ^ c);
  return static_cast<d::TimeNs>(h % static_cast<uint64_t>(config_.jitter_ns + 1));
}

Result<BrokerOrder> PaperBook::place(const d::OrderRequest& request, const d::ClientTag& tag,
                                     d::TimeNs now) {
  if (!tag.empty() && by_tag_.contains(tag)) {
    return rejected("paper: an order with tag " + tag.value + " exists already");
  }
  if (request.quantity_units <= 0) return rejected("paper: quantity must be positive");
  const bool limit_like =
      request.order_type == d::OrderType::limit || request.order_type == d::OrderType::stop_loss;
  if (limit_like && request.price_paise <= 0) return rejected("paper: a limit order needs a price");
  const uint64_t seq = next_++;
  BrokerOrder o;
  o.order_id = d::BrokerOrderId{"P" + std::to_string(seq)};
  o.instrument = request.instrument;
  o.side = request.side;
  o.order_type = request.order_type;
  o.product = request.product;
  o.validity = request.validity;
  o.quantity_units = request.quantity_units;
  o.pending_units = request.quantity_units;
  o.price_paise = request.price_paise;
  o.trigger_price_paise = request.trigger_price_paise;
  o.tag = tag.value;
  o.order_time_ns = now;
  o.exchange_time_ns = now;
  const bool stop = request.order_type == d::OrderType::stop_loss ||
                    request.order_type == d::OrderType::stop_loss_market;
  o.status = stop ? d::OrderStatus::trigger_pending : d::OrderStatus::open;
  o.broker_status = stop ? "TRIGGER PENDING" : "OPEN";
  orders_[seq] = {o, now + config_.latency_ns + jitter(tag)};
  if (!tag.empty()) by_tag_[tag] = seq;
  return o;
}

Result<BrokerOrder> PaperBook::modify(const d::BrokerOrderId& id, const d::OrderRequest& request,
                                      d::TimeNs now) {
  const auto it = orders_.find(sequence_of(id));
  if (it == orders_.end()) return rejected("paper: no order " + id.value);
  BrokerOrder& o = it->second.order;
  if (d::is_final(o.status)) return rejected("paper: order " + id.value + " is " + o.broker_status);
  o.quantity_units = std::max(request.quantity_units, o.filled_units);
  o.pending_units = o.quantity_units - o.filled_units;
  o.order_type = request.order_type;
  o.price_paise = request.price_paise;
  o.trigger_price_paise = request.trigger_price_paise;
  o.exchange_time_ns = now;
  return o;
}

Result<BrokerOrder> PaperBook::cancel(const d::BrokerOrderId& id, d::TimeNs now) {
  const auto it = orders_.find(sequence_of(id));
  if (it == orders_.end()) return rejected("paper: no order " + id.value);
  BrokerOrder& o = it->second.order;
  if (d::is_final(o.status)) return rejected("paper: order " + id.value + " is " + o.broker_status);
  o.status = d::OrderStatus::cancelled;
  o.broker_status = "CANCELLED";
  o.cancelled_units = o.quantity_units - o.filled_units;
  o.pending_units = 0;
  o.exchange_time_ns = now;
  return o;
}

bool PaperBook::try_fill(Working& w, d::TimeNs now) {
  BrokerOrder& o = w.order;
  if (d::is_final(o.status) || now < w.fillable_at) return false;
  const auto price = prices_.find(o.instrument);
  if (price == prices_.end()) return false;
  const int64_t ref = price->second;
  const bool buy = o.side == d::Side::buy;
  bool triggered = false;
  if (o.status == d::OrderStatus::trigger_pending) {
    const bool crossed = buy ? ref >= o.trigger_price_paise : ref <= o.trigger_price_paise;
    if (!crossed) return false;
    o.status = d::OrderStatus::open;  // triggered: SL becomes a limit, SL-M a market order
    o.broker_status = "OPEN";
    triggered = true;
  }
  int64_t fill = 0;
  if (o.order_type == d::OrderType::market || o.order_type == d::OrderType::stop_loss_market) {
    const int64_t slip = ref * config_.slippage_bp / 10'000;
    fill = buy ? ref + slip : ref - slip;
  } else {
    const bool reached = buy ? ref <= o.price_paise : ref >= o.price_paise;
    if (!reached) return triggered;  // a triggered stop-limit waiting for its price changed
    fill = buy ? std::min(ref, o.price_paise) : std::max(ref, o.price_paise);
  }
  const int64_t rest = o.quantity_units - o.filled_units;
  o.average_price_paise = (o.average_price_paise * o.filled_units + fill * rest) / o.quantity_units;
  o.filled_units = o.quantity_units;
  o.pending_units = 0;
  o.status = d::OrderStatus::complete;
  o.broker_status = "COMPLETE";
  o.exchange_time_ns = now;
  return true;
}

std::vector<BrokerOrder> PaperBook::advance(d::TimeNs now) {
  std::vector<BrokerOrder> changed;
  for (auto& [seq, w] : orders_) {
    if (try_fill(w, now)) changed.push_back(w.order);
  }
  return changed;
}

std::vector<BrokerOrder> PaperBook::order_book() const {
  std::vector<BrokerOrder> out;
  for (const auto& [seq, w] : orders_) out.push_back(w.order);
  return out;
}

std::optional<BrokerOrder> PaperBook::find_by_tag(const d::ClientTag& tag) const {
  const auto it = by_tag_.find(tag);
  if (it == by_tag_.end()) return std::nullopt;
  return orders_.at(it->second).order;
}

}  // namespace tandem::brokers
