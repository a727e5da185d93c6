#include "brokers/paper/paper_book.h"

#include "brokers/seeded_random.h"
#include "domain/base/assert.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace tandem::brokers {

namespace d = ::tandem::domain;

namespace {

uint64_t sequence_of(const d::BrokerOrderId& id) {
  if (id.value.size() < 2 || id.value[0] != 'P') return 0;
  uint64_t v = 0;
  for (size_t i = 1; i < id.value.size(); ++i) {
    if (id.value[i] < '0' || id.value[i] > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(id.value[i] - '0');
  }
  return v;
}

// What is left of `o` ends cancelled at `now` (a cancel, or an IOC order's rest).
void mark_cancelled(BrokerOrder& o, d::TimeNs now) {
  o.status = d::OrderStatus::cancelled;
  o.broker_status = "CANCELLED";
  o.cancelled_units = o.quantity_units - o.filled_units;
  o.pending_units = 0;
  o.exchange_time_ns = now;
}

bool is_stop(const BrokerOrder& o) {
  return o.order_type == d::OrderType::stop_loss || o.order_type == d::OrderType::stop_loss_market;
}

// At the exchange: a stop waits for its trigger, anything else is open.
void mark_at_exchange(BrokerOrder& o) {
  o.status = is_stop(o) ? d::OrderStatus::trigger_pending : d::OrderStatus::open;
  o.broker_status = is_stop(o) ? "TRIGGER PENDING" : "OPEN";
}

// One trade of `units` of `o` at `price`: the book's record of a fill.
BrokerTrade trade_of(const BrokerOrder& o, std::string id, int64_t units, int64_t price,
                     d::TimeNs at) {
  BrokerTrade t;
  t.trade_id = std::move(id);
  t.order_id = o.order_id;
  t.instrument = o.instrument;
  t.side = o.side;
  t.product = o.product;
  t.quantity_units = units;
  t.price_paise = price;
  t.fill_time_ns = at;
  t.order_time_ns = o.order_time_ns;
  return t;
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
  for (unsigned char c : tag.value) h = mix64(h ^ c);
  return static_cast<d::TimeNs>(h % static_cast<uint64_t>(config_.jitter_ns + 1));
}

Status PaperBook::check_new(const d::OrderTerms& request, const d::ClientTag& tag) const {
  if (config_.unique_tags && !tag.empty() && by_tag_.contains(tag)) {
    return rejected("paper: an order with tag " + tag.value + " exists already").status();
  }
  if (request.quantity_units <= 0) return rejected("paper: quantity must be positive").status();
  const bool limit_like =
      request.order_type == d::OrderType::limit || request.order_type == d::OrderType::stop_loss;
  if (limit_like && request.price_paise <= 0) {
    return rejected("paper: a limit order needs a price").status();
  }
  return Status();
}

Result<BrokerOrder> PaperBook::place(const d::OrderTerms& request, const d::ClientTag& tag,
                                     d::TimeNs now) {
  if (Status s = check_new(request, tag); !s.ok()) return s;
  return place_one(request, tag, now);
}

Result<std::vector<BrokerOrder>> PaperBook::place_sliced(const d::OrderTerms& request,
                                                         const d::ClientTag& tag,
                                                         int64_t slice_units, d::TimeNs now) {
  if (Status s = check_new(request, tag); !s.ok()) return s;
  if (slice_units <= 0) return Status::invalid_argument("paper: slice size must be positive");
  std::vector<BrokerOrder> slices;
  for (int64_t left = request.quantity_units; left > 0; left -= slice_units) {
    d::OrderTerms slice = request;
    slice.quantity_units = std::min(left, slice_units);
    Result<BrokerOrder> placed = place_one(slice, tag, now);
    if (!placed.ok()) return placed.status();
    slices.push_back(std::move(placed).value());
  }
  return slices;
}

Result<BrokerOrder> PaperBook::place_after_market(const d::OrderTerms& request,
                                                  const d::ClientTag& tag, d::TimeNs now,
                                                  d::TimeNs opens_at) {
  if (Status s = check_new(request, tag); !s.ok()) return s;
  return place_one(request, tag, now, std::max(opens_at, now));
}

Result<BrokerOrder> PaperBook::place_one(const d::OrderTerms& request, const d::ClientTag& tag,
                                         d::TimeNs now, d::TimeNs opens_at) {
  const uint64_t seq = next_++;
  BrokerOrder o;
  static_cast<d::OrderTerms&>(o) = request;
  o.order_id = d::BrokerOrderId{"P" + std::to_string(seq)};
  o.pending_units = request.quantity_units;
  o.tag = tag.value;
  o.order_time_ns = now;
  o.exchange_time_ns = now;
  mark_at_exchange(o);
  if (opens_at > 0) {  // held by the broker until the market opens (try_fill)
    o.status = d::OrderStatus::pending;
    o.broker_status = "AMO REQ RECEIVED";
    o.variety = "amo";
  }
  orders_[seq] = {o, std::max(opens_at, now) + config_.latency_ns + jitter(tag), {o}};
  working_.insert(seq);
  changed_.insert(seq);
  if (!tag.empty()) by_tag_.emplace(tag, seq);  // the first order with it (slice, when sliced)
  return o;
}

void PaperBook::restore(const BrokerOrder& order, d::TimeNs now) {
  const uint64_t seq = sequence_of(order.order_id);
  TANDEM_REQUIRE(seq > 0 && !orders_.contains(seq), order.order_id.value);
  orders_[seq] = {order, now, {order}};
  if (!d::is_final(order.status)) working_.insert(seq);
  if (!order.tag.empty()) by_tag_.emplace(d::ClientTag{order.tag}, seq);
  if (order.filled_units > 0) {
    // Restored: one trade for what had filled.
    trades_.push_back(trade_of(order, "R" + order.order_id.value, order.filled_units,
                               order.average_price_paise, now));
  }
  next_ = std::max(next_, seq + 1);
}

Result<BrokerOrder> PaperBook::modify(const d::BrokerOrderId& id, const d::OrderTerms& request,
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
  o.modified = true;
  o.exchange_time_ns = now;
  // A stop order changed to MARKET or LIMIT waits for no trigger any more (Kite converts
  // it; a flatten hurries working exits this way).
  if (!is_stop(o) && o.status == d::OrderStatus::trigger_pending) mark_at_exchange(o);
  it->second.history.push_back(o);
  changed_.insert(it->first);
  return o;
}

Result<BrokerOrder> PaperBook::cancel(const d::BrokerOrderId& id, d::TimeNs now) {
  const auto it = orders_.find(sequence_of(id));
  if (it == orders_.end()) return rejected("paper: no order " + id.value);
  BrokerOrder& o = it->second.order;
  if (d::is_final(o.status)) return rejected("paper: order " + id.value + " is " + o.broker_status);
  mark_cancelled(o, now);
  it->second.history.push_back(o);
  working_.erase(it->first);
  changed_.insert(it->first);
  return o;
}

bool PaperBook::try_fill(Working& w, d::TimeNs now) {
  BrokerOrder& o = w.order;
  if (d::is_final(o.status) || now < w.fillable_at) return false;
  if (o.status == d::OrderStatus::pending) {  // an after-market order, at the open
    mark_at_exchange(o);
    o.exchange_time_ns = now;
    try_fill(w, now);
    return true;  // changed, filled or not
  }
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
  int64_t step = o.quantity_units - o.filled_units;
  if (config_.max_fill_units > 0) step = std::min(step, config_.max_fill_units);
  o.average_price_paise =
      (o.average_price_paise * o.filled_units + fill * step) / (o.filled_units + step);
  o.filled_units += step;
  o.pending_units = o.quantity_units - o.filled_units;
  if (o.pending_units == 0) {
    o.status = d::OrderStatus::complete;
    o.broker_status = "COMPLETE";
  }
  o.exchange_time_ns = now;
  trades_.push_back(trade_of(o, "T" + std::to_string(trades_.size() + 1), step, fill, now));
  return true;
}

// An IOC order that reached the market (fillable, not waiting for a trigger) and did not
// fill whole: the rest is cancelled, as the exchange does at once.
bool PaperBook::cancel_ioc_rest(Working& w, d::TimeNs now) {
  BrokerOrder& o = w.order;
  if (o.validity != d::Validity::ioc || d::is_final(o.status) || now < w.fillable_at ||
      o.status == d::OrderStatus::trigger_pending) {
    return false;
  }
  mark_cancelled(o, now);
  return true;
}

std::vector<BrokerOrder> PaperBook::advance(d::TimeNs now) {
  std::vector<BrokerOrder> changed;
  for (auto it = working_.begin(); it != working_.end();) {
    const uint64_t seq = *it;
    Working& w = orders_.at(seq);
    const bool filled = try_fill(w, now);  // or triggered
    if (filled) w.history.push_back(w.order);
    const bool ioc_ended = cancel_ioc_rest(w, now);
    if (ioc_ended) w.history.push_back(w.order);
    if (filled || ioc_ended) {
      changed.push_back(w.order);
      changed_.insert(seq);
    }
    it = d::is_final(w.order.status) ? working_.erase(it) : std::next(it);
  }
  return changed;
}

std::vector<BrokerOrder> PaperBook::order_book() const {
  std::vector<BrokerOrder> out;
  for_each_order([&](const BrokerOrder& o) { out.push_back(o); });
  return out;
}

std::vector<PositionDetail> PaperBook::position_details() const {
  std::map<std::pair<d::InstrumentKey, d::Product>, PositionDetail> by_key;
  for (const BrokerTrade& t : trades_) {
    PositionDetail& detail = by_key[{t.instrument, t.product}];
    d::BrokerPosition& p = detail.net;
    p.instrument = t.instrument;
    p.product = t.product;
    const int64_t value = t.price_paise * t.quantity_units;
    if (t.side == d::Side::buy) {
      detail.bought_units += t.quantity_units;
      detail.bought_value_paise += value;
    } else {
      detail.sold_units += t.quantity_units;
      detail.sold_value_paise += value;
    }
    const int64_t signed_qty = t.side == d::Side::buy ? t.quantity_units : -t.quantity_units;
    const int64_t before = p.net_qty_units;
    const int64_t after = before + signed_qty;
    if (before == 0 || (before > 0) == (signed_qty > 0)) {  // opening or adding
      p.average_price_paise = (p.average_price_paise * std::abs(before) + value) / std::abs(after);
    } else if (after != 0 && (after > 0) != (before > 0)) {  // flipped: the rest is new
      p.average_price_paise = t.price_paise;
    } else if (after == 0) {
      p.average_price_paise = 0;
    }
    p.net_qty_units = after;
  }
  std::vector<PositionDetail> out;
  for (auto& [key, detail] : by_key) {
    const auto price = prices_.find(key.first);
    detail.last_price_paise = price == prices_.end() ? 0 : price->second;
    out.push_back(detail);
  }
  return out;
}

std::vector<d::BrokerPosition> PaperBook::positions() const {
  std::vector<d::BrokerPosition> out;
  for (const PositionDetail& detail : position_details()) out.push_back(detail.net);
  return out;
}

std::vector<BrokerOrder> PaperBook::history_of(const d::BrokerOrderId& id) const {
  const auto it = orders_.find(sequence_of(id));
  return it == orders_.end() ? std::vector<BrokerOrder>{} : it->second.history;
}

std::optional<BrokerOrder> PaperBook::find_by_tag(const d::ClientTag& tag) const {
  const auto it = by_tag_.find(tag);
  if (it == by_tag_.end()) return std::nullopt;
  return orders_.at(it->second).order;
}

}  // namespace tandem::brokers
