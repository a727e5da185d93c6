// `tandem-bench replay`: replay --verify throughput (DESIGN.md invariant 3) in events/s.
// A journal of many trading days is generated the way the engine writes one — every leader
// update is decided on the state before it, then the update, each decision and intent, and a
// broker's ack and fill for each intent are journaled and folded — with five followers on
// the five sizing setups of the demo. Then replay::verify_days, the code behind
// `tandem replay --verify`, reads it back (chain checked), recomputes every decision and
// compares it with the recorded one; its wall time over the whole journal is the figure.
#include "bench/replay_bench.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "copy/decide.h"
#include "journal/record_reader.h"
#include "journal/store.h"
#include "replay/verify.h"

namespace tandem::bench {

namespace {

namespace d = ::tandem::domain;
namespace fs = std::filesystem;

d::Instrument option() {
  d::Instrument i;
  i.key = {d::Exchange::nfo, "NIFTY26N2423500CE"};
  i.underlying = "NIFTY";
  i.segment = d::Segment::derivatives;
  i.lot_size_units = 75;
  return i;
}

d::Instrument equity() {
  d::Instrument i;
  i.key = {d::Exchange::nse, "INFY"};
  i.underlying = "INFY";
  return i;
}

std::vector<d::FollowerSettings> followers() {
  std::vector<d::FollowerSettings> out(5);
  const char* names[] = {"f1-multiplier", "f2-fixed-ratio", "f3-capital", "f4-risk", "f5-tight"};
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].follower = {names[i]};
    out[i].account = {names[i]};
    out[i].broker = d::Broker::paper;
  }
  out[0].ratio_ppm = 2 * d::kPpm;
  out[1].sizing = d::SizingPolicy::fixed_ratio;
  out[1].ratio_ppm = d::kPpm / 2;
  out[2].sizing = d::SizingPolicy::capital_proportional;
  out[3].sizing = d::SizingPolicy::risk_based;
  out[3].max_position_pct_bp = 500;
  out[4].max_daily_trades = 40;
  out[4].max_position_units = 150;
  return out;
}

// The journal as the engine writes it, built in memory batch by batch.
class Recorder {
 public:
  explicit Recorder(journal::Store& store) : store_(store) {}

  Status input(const d::Event& event, d::TimeNs at) {
    std::vector<d::Event> decided = d::step(state_, event);
    TANDEM_RETURN_IF_ERROR(add(event, at));
    for (const auto& e : decided) TANDEM_RETURN_IF_ERROR(add(e, at));
    for (const auto& e : decided) {
      const auto* intent = std::get_if<d::FollowerOrderIntent>(&e);
      if (intent == nullptr) continue;
      TANDEM_RETURN_IF_ERROR(answer(*intent, at + 3'000'000));
    }
    return Status();
  }

  Status flush() {
    if (batch_.empty()) return Status();
    auto appended = store_.append(batch_);
    batch_.clear();
    return appended.status();
  }

  uint64_t records() const { return records_; }
  void set_day(d::TradingDay day) { day_ = day; }

 private:
  // Journals an event step() has folded already.
  Status add(const d::Event& e, d::TimeNs at) {
    batch_.push_back({at, day_, e});
    ++records_;
    return batch_.size() >= 4096 ? flush() : Status();
  }

  // The broker acknowledges each place and fills it at the leader's price; modifies and
  // cancels are applied to the order they target.
  Status answer(const d::FollowerOrderIntent& intent, d::TimeNs at) {
    if (intent.action == d::CopyAction::place) {
      const d::BrokerOrderId id{"B" + std::to_string(next_broker_id_++)};
      TANDEM_RETURN_IF_ERROR(input(d::FollowerOrderAck{intent.tag, intent.follower, id}, at));
      const bool market = intent.order.order_type == d::OrderType::market;
      return input(d::FollowerOrderUpdate{intent.tag, intent.follower, id,
                                          market ? d::OrderStatus::complete : d::OrderStatus::open,
                                          market ? intent.order.quantity_units : 0,
                                          market ? 100'00 : 0, at, intent.order.quantity_units},
                   at);
    }
    const auto known = state_.orders.follower.find(intent.target_tag);
    if (known == state_.orders.follower.end()) return Status();
    const bool cancel = intent.action == d::CopyAction::cancel;
    return input(
        d::FollowerOrderUpdate{intent.target_tag, intent.follower, intent.target_order_id,
                               cancel ? d::OrderStatus::cancelled : d::OrderStatus::open,
                               known->second.filled_units, known->second.average_price_paise, at,
                               cancel ? known->second.quantity_units : intent.order.quantity_units},
        at);
  }

  journal::Store& store_;
  d::CopyState state_;
  std::vector<journal::AppendItem> batch_;
  d::TradingDay day_ = 0;
  uint64_t records_ = 0;
  int64_t next_broker_id_ = 1;
};

d::LeaderOrderUpdate leader(const std::string& id, const d::Instrument& i, d::Side side,
                            d::OrderType type, int64_t qty, d::OrderStatus status, int64_t price,
                            d::TimeNs at) {
  d::LeaderOrderUpdate u;
  u.order_id = {id};
  u.instrument = i.key;
  u.side = side;
  u.order_type = type;
  u.product = d::Product::intraday;
  u.quantity_units = qty;
  u.status = status;
  u.price_paise = type == d::OrderType::limit ? price : 0;
  if (status == d::OrderStatus::complete) {
    u.filled_units = qty;
    u.average_price_paise = price;
  }
  u.exchange_time_ns = at;
  u.received_time_ns = at + 2'000'000;
  return u;
}

// One trading day: round trips (market buy, then sell) and limit orders modified then
// cancelled, alternating an option and an equity, until `target` records exist.
Status record_day(Recorder& r, d::TradingDay day, d::TimeNs ist_midnight, uint64_t target) {
  r.set_day(day);
  d::TimeNs at = ist_midnight + (9LL * 60 + 20) * 60'000'000'000;
  TANDEM_RETURN_IF_ERROR(r.input(d::TradingDayOpened{day}, at));
  TANDEM_RETURN_IF_ERROR(r.input(d::FundsSnapshot{{"LEADER"}, 50'00'000'00}, at));
  for (const auto& f : followers()) {
    TANDEM_RETURN_IF_ERROR(r.input(d::FundsSnapshot{f.account, 10'00'000'00}, at));
  }
  for (int n = 0; n < 2000 && r.records() < target; ++n) {
    at += 5'000'000'000;  // 09:20 + 5 s × 2000 = 12:07 IST: inside the session
    const auto& instrument = n % 2 == 0 ? option() : equity();
    const int64_t qty = n % 2 == 0 ? 75 * (1 + n % 3) : 10 + n % 7;
    const std::string id = std::to_string(day) + "-" + std::to_string(n);
    const auto type = n % 4 < 2 ? d::OrderType::market : d::OrderType::limit;
    using S = d::OrderStatus;
    if (type == d::OrderType::market) {  // a round trip: buy now, sell on the next order
      for (const auto& [suffix, side] : {std::pair{"b", d::Side::buy}, {"s", d::Side::sell}}) {
        TANDEM_RETURN_IF_ERROR(
            r.input(leader(id + suffix, instrument, side, type, qty, S::open, 100'00, at), at));
        TANDEM_RETURN_IF_ERROR(r.input(
            leader(id + suffix, instrument, side, type, qty, S::complete, 100'00, at + 1), at));
      }
    } else {  // placed, modified, cancelled
      TANDEM_RETURN_IF_ERROR(
          r.input(leader(id, instrument, d::Side::buy, type, qty, S::open, 99'00, at), at));
      TANDEM_RETURN_IF_ERROR(
          r.input(leader(id, instrument, d::Side::buy, type, qty, S::open, 98'50, at + 1), at));
      TANDEM_RETURN_IF_ERROR(r.input(
          leader(id, instrument, d::Side::buy, type, qty, S::cancelled, 98'50, at + 2), at));
    }
  }
  return r.flush();
}

Result<uint64_t> generate(const std::string& dir, uint64_t target, d::TradingDay& first,
                          d::TradingDay& last) {
  fs::remove_all(dir);
  journal::StoreOptions options;
  options.create_if_missing = true;
  auto store = journal::Store::open(dir, options);
  if (!store.ok()) return store.status();
  Recorder r(**store);
  r.set_day(20260105);  // the configuration is journaled on the first day
  const d::TimeNs at0 = 1'767'000'000'000'000'000;
  TANDEM_RETURN_IF_ERROR(r.input(d::LeaderConfigured{{"LEADER"}, d::Broker::kite, {}, {}}, at0));
  TANDEM_RETURN_IF_ERROR(r.input(d::MarketCalendarConfigured{}, at0));
  TANDEM_RETURN_IF_ERROR(r.input(d::InstrumentSnapshot{option()}, at0));
  TANDEM_RETURN_IF_ERROR(r.input(d::InstrumentSnapshot{equity()}, at0));
  for (const auto& f : followers()) TANDEM_RETURN_IF_ERROR(r.input(d::FollowerConfigured{f}, at0));
  date::sys_days day = date::year{2026} / 1 / 5;  // a Monday
  while (r.records() < target) {
    const date::weekday wd{day};
    if (wd != date::Saturday && wd != date::Sunday) {
      const date::year_month_day ymd{day};
      const auto yyyymmdd = static_cast<d::TradingDay>(
          int(ymd.year()) * 10000 + unsigned(ymd.month()) * 100 + unsigned(ymd.day()));
      const auto midnight_ist = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    (day - d::kIstOffset).time_since_epoch())
                                    .count();
      if (first == 0) first = yyyymmdd;
      last = yyyymmdd;
      TANDEM_RETURN_IF_ERROR(record_day(r, yyyymmdd, midnight_ist, target));
    }
    day += date::days{1};
  }
  return r.records();
}

}  // namespace

int run_replay_bench(const ReplayBenchOptions& options) {
  using Clock = std::chrono::steady_clock;
  fmt::print("tandem-bench replay (dir {})\n", options.dir);
  d::TradingDay first = 0, last = 0;
  const auto g0 = Clock::now();
  auto records = generate(options.dir, options.events, first, last);
  if (!records.ok()) {
    fmt::print(stderr, "generating the journal failed: {}\n", records.status().to_string());
    return 1;
  }
  fmt::print("generated {} records over trading days {}..{} in {:.1f} s\n", *records, first, last,
             std::chrono::duration<double>(Clock::now() - g0).count());

  journal::StoreOptions read_only;
  read_only.mode = journal::OpenMode::read_only;
  auto store = journal::Store::open(options.dir, read_only);
  if (!store.ok()) {
    fmt::print(stderr, "{}\n", store.status().to_string());
    return 1;
  }
  std::vector<double> seconds;
  for (int run = 0; run < options.runs; ++run) {
    const auto t0 = Clock::now();
    auto report = replay::verify_days(**store, first, last);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (!report.ok() || report->divergence) {
      fmt::print(stderr, "replay failed: {}\n",
                 report.ok() ? report->divergence->what : report.status().to_string());
      return 1;
    }
    if (run == 0) {
      fmt::print(
          "replay --verify: {} leader updates decided again, {} decisions and intents "
          "compared\n",
          report->inputs, report->outputs);
    }
  }
  // Where the time goes: the same records in memory, folded (apply) and decided again,
  // without reading or decoding them.
  {
    std::vector<d::Event> events;
    if (Status s = journal::read_records(**store, {},
                                         [&](journal::Record&& r) {
                                           events.push_back(std::move(r.event));
                                           return true;
                                         });
        !s.ok()) {
      fmt::print(stderr, "{}\n", s.to_string());
      return 1;
    }
    const auto t0 = Clock::now();
    d::CopyState folded;
    for (const auto& e : events) d::apply(folded, e);
    const double fold_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto t1 = Clock::now();
    d::CopyState decided;
    size_t outputs = 0;
    for (const auto& e : events) {
      // Outputs are recomputed, and folded, by the step of the input before them.
      if (d::decided_for(e) == nullptr) outputs += d::step(decided, e).size();
    }
    const double decide_s = std::chrono::duration<double>(Clock::now() - t1).count();
    fmt::print("in memory: fold {:.0f} events/s; decide + fold {:.0f} events/s ({} outputs)\n",
               static_cast<double>(events.size()) / fold_s,
               static_cast<double>(events.size()) / decide_s, outputs);
  }
  std::sort(seconds.begin(), seconds.end());
  const double best = seconds.front(), median = seconds[seconds.size() / 2];
  fmt::print(
      "replay --verify over {} records: best {:.2f} s = {:.0f} events/s, median {:.2f} s "
      "= {:.0f} events/s ({} runs)\n",
      *records, best, static_cast<double>(*records) / best, median,
      static_cast<double>(*records) / median, options.runs);
  if (!options.keep) fs::remove_all(options.dir);
  return 0;
}

}  // namespace tandem::bench
