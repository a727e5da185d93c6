#include "app/demo_command.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "app/journal_commands.h"
#include "journal/store.h"

namespace tandem::app {

namespace {

namespace d = ::tandem::domain;
namespace fs = std::filesystem;

constexpr d::TradingDay kDay = 20261120;
constexpr d::TimeNs kOpenNs = 1'795'146'300'000'000'000;  // 2026-11-20 09:15:00 IST
constexpr d::TimeNs kSecond = 1'000'000'000;
constexpr int kAppenders = 8;
constexpr int kLeaderOrders = 320;

struct DemoInstrument {
  d::Instrument instrument;
  int64_t price_paise;
};

std::vector<DemoInstrument> instruments() {
  auto option = [](const char* symbol, const char* underlying, uint32_t token, int64_t lot,
                   int64_t strike, d::OptionType type, int64_t price) {
    d::Instrument i;
    i.key = {d::Exchange::nfo, symbol};
    i.underlying = underlying;
    i.segment = d::Segment::derivatives;
    i.kite_token = token;
    i.lot_size_units = lot;
    i.tick_size_paise = 5;
    i.expiry_day = 20261124;
    i.strike_paise = strike * 100;
    i.option_type = type;
    i.freeze_qty_units = lot * 24;
    return DemoInstrument{i, price};
  };
  auto equity = [](const char* symbol, uint32_t token, int64_t price) {
    d::Instrument i;
    i.key = {d::Exchange::nse, symbol};
    i.underlying = symbol;
    i.kite_token = token;
    return DemoInstrument{i, price};
  };
  return {option("NIFTY26N2423500CE", "NIFTY", 10'353'410, 75, 23500, d::OptionType::call, 11'250),
          option("NIFTY26N2423400PE", "NIFTY", 10'353'411, 75, 23400, d::OptionType::put, 9'840),
          option("BANKNIFTY26N2450500CE", "BANKNIFTY", 10'400'002, 35, 50500, d::OptionType::call,
                 31'020),
          equity("RELIANCE", 738'561, 128'940),
          equity("INFY", 408'065, 152'310),
          equity("HDFCBANK", 341'249, 172'655)};
}

std::vector<d::FollowerSettings> followers() {
  auto make = [](const char* id, d::SizingPolicy policy, int64_t ratio_ppm) {
    d::FollowerSettings f;
    f.follower = {id};
    f.account = {id};
    f.broker = d::Broker::paper;
    f.sizing = policy;
    f.ratio_ppm = ratio_ppm;
    return f;
  };
  std::vector<d::FollowerSettings> out = {
      make("f1-multiplier", d::SizingPolicy::multiplier, 2 * d::kPpm),
      make("f2-fixed-ratio", d::SizingPolicy::fixed_ratio, d::kPpm / 2),
      make("f3-capital", d::SizingPolicy::capital_proportional, 0),
      make("f4-risk", d::SizingPolicy::risk_based, 0),
      make("f5-tight", d::SizingPolicy::multiplier, d::kPpm)};
  out[3].max_position_pct_bp = 1000;
  out[4].max_daily_trades = 10;
  out[4].max_position_units = 150;
  return out;
}

// The inputs of one leader order: placed OPEN, then filled (some partly first) or cancelled.
std::vector<d::Event> leader_order(int n, const DemoInstrument& inst, d::TimeNs at) {
  d::LeaderOrderUpdate u;
  u.order_id = {fmt::format("2611200{:012}", 100'000 + n)};
  u.instrument = inst.instrument.key;
  u.side = n % 3 == 2 ? d::Side::sell : d::Side::buy;
  u.order_type = n % 4 == 0 ? d::OrderType::limit : d::OrderType::market;
  u.product = inst.instrument.segment == d::Segment::derivatives ? d::Product::carry_forward
                                                                 : d::Product::intraday;
  u.quantity_units = inst.instrument.lot_size_units * (1 + n % 4);
  u.price_paise = u.order_type == d::OrderType::limit ? inst.price_paise : 0;
  u.exchange_time_ns = at;
  u.received_time_ns = at + 2'000'000;
  u.raw_digest = fmt::format("{:064x}", static_cast<uint64_t>(n) * 0x9e3779b97f4a7c15ull);
  std::vector<d::Event> out;
  u.status = d::OrderStatus::open;
  out.push_back(u);
  if (n % 10 == 7) {
    u.status = d::OrderStatus::cancelled;
  } else {
    if (n % 5 == 1 && u.quantity_units > inst.instrument.lot_size_units) {
      u.filled_units = inst.instrument.lot_size_units;
      u.average_price_paise = inst.price_paise;
      u.exchange_time_ns += kSecond;
      out.push_back(u);
    }
    u.status = d::OrderStatus::complete;
    u.filled_units = u.quantity_units;
    u.average_price_paise = inst.price_paise + 5 * (n % 3);
  }
  u.exchange_time_ns += kSecond;
  u.received_time_ns = u.exchange_time_ns + 2'000'000;
  out.push_back(u);
  return out;
}

int run_demo(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
      fmt::print(stderr, "tandem: {} exists and is not a Tandem journal; not touching it\n", dir);
      return 1;
    }
    fs::remove_all(dir, ec);  // the demo's own journal from an earlier run
  }
  journal::StoreOptions options;
  options.create_if_missing = true;
  auto opened = journal::Store::open(dir, options);
  if (!opened.ok()) {
    fmt::print(stderr, "tandem: {}\n", opened.status().to_string());
    return 1;
  }
  journal::Store& store = **opened;
  const auto insts = instruments();

  // Configuration and account state first, as the engine journals them at startup.
  std::vector<journal::AppendItem> setup;
  auto add = [&](d::Event e, d::TimeNs at) { setup.push_back({at, kDay, std::move(e)}); };
  const d::TimeNs start = kOpenNs - 15 * 60 * kSecond;
  add(d::EngineStarted{TANDEM_VERSION, std::string(64, '0')}, start);
  add(d::TradingDayOpened{kDay}, start);
  add(d::LeaderConfigured{{"leader"}, d::Broker::kite}, start);
  for (const auto& f : followers()) add(d::FollowerConfigured{f}, start);
  for (const auto& i : insts) add(d::InstrumentSnapshot{i.instrument}, start);
  add(d::FundsSnapshot{{"leader"}, 50'000'000'00}, start);
  for (const auto& f : followers()) add(d::FundsSnapshot{f.account, 10'000'000'00}, start);
  if (auto r = store.append(setup); !r.ok()) {
    fmt::print(stderr, "tandem: {}\n", r.status().to_string());
    return 1;
  }

  // The leader's day, from several appenders at once, as broker sessions post their updates.
  fmt::print("recording a scripted NSE day ({} leader orders) into {} with {} appenders…\n",
             kLeaderOrders, dir, kAppenders);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> records{0};
  for (int t = 0; t < kAppenders; ++t) {
    threads.emplace_back([&, t] {
      for (int n = t; n < kLeaderOrders; n += kAppenders) {
        const d::TimeNs at = kOpenNs + static_cast<d::TimeNs>(n) * 70 * kSecond;
        for (d::Event& e : leader_order(n, insts[n % insts.size()], at)) {
          const journal::AppendItem item{at, kDay, std::move(e)};
          if (!store.append(std::span(&item, 1)).ok()) failed = true;
          ++records;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const journal::AppendItem stop{kOpenNs + 375 * 60 * kSecond, kDay,
                                 d::EngineStopped{"end of scripted day"}};
  if (failed || !store.append(std::span(&stop, 1)).ok()) {
    fmt::print(stderr, "tandem: appending to {} failed\n", dir);
    return 1;
  }
  fmt::print("{} leader updates appended durably in {:.3f} s ({:.0f} appends/s, each synced)\n\n",
             records.load(), seconds, records.load() / seconds);
  opened->reset();  // close before the read-only checks below

  if (int rc = run_verify(dir); rc != 0) return rc;
  fmt::print("\n");
  if (int rc = run_stats(dir); rc != 0) return rc;
  fmt::print("\nThe journal stays in {}. Try:\n", dir);
  fmt::print("  build/release/app/tandem journal verify --journal {}\n", dir);
  fmt::print("  build/release/app/tandem journal dump --journal {} --from 1 --to 5\n", dir);
  fmt::print("  build/release/app/tandem journal stats --journal {}\n", dir);
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  static std::string dir = "./tandem-demo";
  CLI::App* demo = app.add_subcommand("demo", "Record and verify a scripted trading day");
  demo->add_option("--dir", dir, "Where the demo journal goes (replaced on each run)");
  demo->footer("Example: tandem demo --dir ./tandem-demo");
  demo->callback([&] { exit_code = run_demo(dir); });
}

}  // namespace tandem::app
