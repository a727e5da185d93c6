#include "app/day_log.h"

#include <fmt/format.h>

#include <chrono>

#include "app/log_setup.h"
#include "domain/base/money.h"
#include "domain/base/time.h"
#include "journal/record_reader.h"

namespace tandem::app {

namespace d = ::tandem::domain;

namespace {

using Level = spdlog::level::level_enum;

std::string q(std::string_view v) { return logfmt_value(v); }

// Where every line starts: the record, and the engine's time of it in IST (in a demo, the
// accelerated market clock rather than the wall clock of the line's own stamp).
std::string head(const journal::Record& r, std::string_view event) {
  return fmt::format("event={} seq={} at={}", event, r.seq,
                     d::ist_timestamp_text(r.recorded_at_ns));
}

std::string order_text(const d::OrderTerms& o) {
  std::string s = fmt::format(" instrument={} product={} side={} type={} qty={}",
                              q(d::to_text(o.instrument)), d::to_string(o.product),
                              d::to_string(o.side), d::to_string(o.order_type), o.quantity_units);
  if (o.price_paise != 0) s += " price=" + d::paise_text(o.price_paise);
  if (o.trigger_price_paise != 0) s += " trigger=" + d::paise_text(o.trigger_price_paise);
  return s;
}

struct LineOf {
  const journal::Record& r;

  std::optional<DayLine> operator()(const d::LeaderOrderUpdate& u) const {
    std::string s = head(r, "leader_order") +
                    fmt::format(
                        " order={} status={} instrument={} product={} side={} type={} "
                        "qty={} filled={}",
                        q(u.order_id.value), d::to_string(u.status), q(d::to_text(u.instrument)),
                        d::to_string(u.product), d::to_string(u.side), d::to_string(u.order_type),
                        u.quantity_units, u.filled_units);
    if (u.average_price_paise != 0) s += " avg=" + d::paise_text(u.average_price_paise);
    if (u.price_paise != 0) s += " price=" + d::paise_text(u.price_paise);
    if (u.trigger_price_paise != 0) s += " trigger=" + d::paise_text(u.trigger_price_paise);
    if (u.recovered) s += " recovered=true";
    return DayLine{Level::info, std::move(s)};
  }
  std::optional<DayLine> operator()(const d::CopyDecision& c) const {
    std::string s = head(r, "copy") +
                    fmt::format(
                        " follower={} leader_order={} action={} instrument={} side={} "
                        "qty={} target={} held={}",
                        q(c.follower.value), q(c.leader_order_id.value), d::to_string(c.action),
                        q(d::to_text(c.instrument)), d::to_string(c.side), c.quantity_units,
                        c.sizing.target_units, c.sizing.position_before_units);
    if (c.skip_reason != d::SkipReason::none)
      s += fmt::format(" skip={}", to_string(c.skip_reason));
    if (c.clamp != d::Clamp::none) s += fmt::format(" clamp={}", to_string(c.clamp));
    return DayLine{Level::info, std::move(s)};
  }
  std::optional<DayLine> operator()(const d::FollowerOrderIntent& i) const {
    std::string s =
        head(r, "order") + fmt::format(" follower={} tag={} action={}", q(i.follower.value),
                                       q(i.tag.value), d::to_string(i.action));
    if (!i.target_order_id.value.empty()) s += " broker_order=" + q(i.target_order_id.value);
    return DayLine{Level::info, s + order_text(i.order)};
  }
  std::optional<DayLine> operator()(const d::FollowerOrderAck& a) const {
    return DayLine{Level::info,
                   head(r, "broker_ack") + fmt::format(" follower={} tag={} broker_order={}",
                                                       q(a.follower.value), q(a.tag.value),
                                                       q(a.broker_order_id.value))};
  }
  std::optional<DayLine> operator()(const d::FollowerOrderRejected& x) const {
    return DayLine{Level::warn,
                   head(r, "broker_reject") +
                       fmt::format(" follower={} tag={} class={} message={}", q(x.follower.value),
                                   q(x.tag.value), q(d::to_string(x.error_class)), q(x.message))};
  }
  std::optional<DayLine> operator()(const d::FollowerOrderUpdate& u) const {
    std::string s = head(r, "broker_update") +
                    fmt::format(" follower={} tag={} broker_order={} status={} filled={} qty={}",
                                q(u.follower.value), q(u.tag.value), q(u.broker_order_id.value),
                                d::to_string(u.status), u.filled_units, u.quantity_units);
    if (u.average_price_paise != 0) s += " avg=" + d::paise_text(u.average_price_paise);
    return DayLine{Level::info, std::move(s)};
  }
  std::optional<DayLine> operator()(const d::FollowerOrderFound& f) const {
    return DayLine{Level::warn,
                   head(r, "order_found") +
                       fmt::format(" follower={} tag={} broker_order={} status={} "
                                   "filled={}",
                                   q(f.follower.value), q(f.tag.value), q(f.broker_order_id.value),
                                   d::to_string(f.status), f.filled_units) +
                       order_text(f.order)};
  }
  std::optional<DayLine> operator()(const d::BrokerConnectionChanged& c) const {
    std::string s =
        head(r, c.connected ? "connected" : "disconnected") +
        fmt::format(" account={} broker={}", q(c.account.value), d::to_string(c.broker));
    if (!c.detail.empty()) s += " detail=" + q(c.detail);
    return DayLine{c.connected ? Level::info : Level::warn, std::move(s)};
  }
  std::optional<DayLine> operator()(const d::FollowerPaused& p) const {
    return DayLine{Level::warn,
                   head(r, "paused") + fmt::format(" follower={} by={} reason={}",
                                                   q(p.follower.value), q(p.by), q(p.reason))};
  }
  std::optional<DayLine> operator()(const d::FollowerResumed& p) const {
    return DayLine{Level::info, head(r, "resumed") + fmt::format(" follower={} by={}",
                                                                 q(p.follower.value), q(p.by))};
  }
  std::optional<DayLine> operator()(const d::FollowerFlattenRequested& f) const {
    return DayLine{Level::warn,
                   head(r, "flatten") + fmt::format(" follower={} by={} request={}",
                                                    q(f.follower.value), q(f.by), q(f.request_id))};
  }
  std::optional<DayLine> operator()(const d::LossGuardTripped& t) const {
    return DayLine{
        Level::warn,
        head(r, "loss_guard_tripped") +
            fmt::format(" follower={} limit={} day_pnl={} threshold={} "
                        "action={}",
                        q(t.follower.value), d::to_string(t.limit), d::paise_text(t.day_pnl_paise),
                        d::paise_text(t.threshold_paise), d::to_string(t.action))};
  }
  std::optional<DayLine> operator()(const d::TradingDayOpened& t) const {
    return DayLine{Level::info, head(r, "trading_day") + " day=" + d::day_text(t.day)};
  }
  template <class Other>
  std::optional<DayLine> operator()(const Other&) const {
    return std::nullopt;
  }
};

}  // namespace

std::optional<DayLine> day_line(const journal::Record& record) {
  return std::visit(LineOf{record}, record.event);
}

DayLog::DayLog(const journal::Store& store, std::shared_ptr<spdlog::logger> log)
    : store_(store), log_(std::move(log)), next_(store.head().seq + 1) {
  thread_ = std::thread([this] { tail(); });
}

DayLog::~DayLog() {
  stop_ = true;
  thread_.join();
  drain();  // what the last group wrote before the stop
}

void DayLog::tail() {
  while (!stop_ && !failed_) {
    if (store_.wait_for(next_, 200)) drain();
  }
}

void DayLog::drain() {
  const uint64_t last = store_.head().seq;
  if (failed_ || last < next_) return;
  const Status read = journal::read_records(store_, {next_, last}, [&](journal::Record&& r) {
    if (auto line = day_line(r)) log_->log(line->level, "{}", line->text);
    next_ = r.seq + 1;
    return true;
  });
  if (!read.ok()) {
    failed_ = true;  // the engine itself stops on a damaged journal; say why once
    log_->error("event=day_log_stopped seq={} error={}", next_, logfmt_value(read.message()));
  }
}

}  // namespace tandem::app
