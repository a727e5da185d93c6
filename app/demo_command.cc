#include "app/demo_command.h"

#include <fmt/format.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "app/clock.h"
#include "app/command_error.h"
#include "app/day_log.h"
#include "app/demo_close.h"
#include "app/demo_data.h"
#include "app/fidelity_report.h"
#include "app/journal_commands.h"
#include "app/live_session.h"
#include "app/log_setup.h"
#include "app/operator_access.h"
#include "app/operator_server.h"
#include "app/text_file.h"
#include "brokers/sim/sim_server.h"
#include "config/sim_config.h"
#include "journal/record_reader.h"
#include "journal/state_restore.h"

namespace tandem::app {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

constexpr std::string_view kDefaultHttp = "127.0.0.1:8780";

namespace fs = std::filesystem;

double percentile_ms(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return static_cast<double>(v[i]) / 1e6;
}

// `done`: how far through the scripted day, 0 to 1; `ist`: the market clock's time of day.
std::string progress_line(const engine::EngineStats& s, const std::string& ist, double done) {
  int64_t skipped = 0;
  for (const auto& [reason, n] : s.skips) skipped += n;
  return fmt::format(
      "{} IST {:3.0f}% | leader updates {:5} | follower orders {:5} acked {:5} rejected {:3} | "
      "skipped {:5} | copy latency p50 {:.1f} ms p99 {:.1f} ms",
      ist, 100 * std::clamp(done, 0.0, 1.0), s.leader_updates, s.intents, s.acks, s.rejections,
      skipped, percentile_ms(s.ack_latency_ns, 0.5), percentile_ms(s.ack_latency_ns, 0.99));
}

std::string ist_clock(d::TimeNs since_midnight) {
  const int64_t minutes = since_midnight / 60'000'000'000;
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

struct FollowerSummary {
  int64_t placed = 0, modified = 0, cancelled = 0, acked = 0, rejected = 0, fills = 0;
  std::map<std::string, int64_t> skips;
};

// What each follower got, and the alerts raised, read back from the journal (chain checked
// on the way).
Status summarise(const journal::Store& store, std::map<std::string, FollowerSummary>& out,
                 std::vector<RaisedAlert>& alerts) {
  return journal::read_records(store, {}, [&](journal::Record&& r) {
    if (const auto* c = std::get_if<d::CopyDecision>(&r.event)) {
      auto& f = out[c->follower.value];
      switch (c->action) {
        case d::CopyAction::place:
          ++f.placed;
          break;
        case d::CopyAction::modify:
          ++f.modified;
          break;
        case d::CopyAction::cancel:
          ++f.cancelled;
          break;
        case d::CopyAction::skip:
          ++f.skips[std::string(d::to_string(c->skip_reason))];
          break;
      }
    } else if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
      ++out[a->follower.value].acked;
    } else if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
      ++out[j->follower.value].rejected;
    } else if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&r.event)) {
      if (u->status == d::OrderStatus::complete) ++out[u->follower.value].fills;
    } else if (const auto* a = std::get_if<d::AlertRaised>(&r.event)) {
      const d::TimeNs minute = d::ist_minute_of_day(r.recorded_at_ns);
      alerts.push_back({ist_clock(minute * 60'000'000'000), a->kind, a->text});
    }
    return true;
  });
}

// The path this binary runs from, for the commands the summary suggests.
std::string self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("tandem") : self.string();
}

int run_demo(const std::string& dir, double speed, const std::string& script_path,
             const std::string& http, const std::string& log_file, LogFormat log_format) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
      command_error("demo", dir + " exists and is not a Tandem journal; not touching it");
      return 1;
    }
    fs::remove_all(dir, ec);  // the demo's own journal from an earlier run
  }
  auto sim_settings =
      config::parse_sim_settings(embedded_text(demo_data::kSimToml), "demo sim.toml");
  auto config =
      config::parse_tandem_config(embedded_text(demo_data::kTandemToml), "demo tandem.toml");
  // The shipped day, or one of the user's own on the demo's accounts and instruments.
  auto script_text = script_path.empty() ? Result<std::string>(embedded_text(demo_data::kLeaderDay))
                                         : read_text(script_path, "the leader script");
  if (!script_text.ok()) {
    command_error("demo", script_text.status().message());
    return 1;
  }
  auto script = brokers::sim::parse_leader_script(*script_text);
  if (script.ok() && script->empty()) script = Status::invalid_argument("it has no steps");
  if (!script_path.empty() && !script.ok()) {
    command_error("demo", script_path + ": " + script.status().message());
    return 1;
  }
  if (!sim_settings.ok() || !config.ok() || !script.ok()) {
    fmt::print(stderr, "tandem demo: the embedded demo data does not read: {}{}{}\n",
               sim_settings.status().message(), config.status().message(),
               script.status().message());
    return 1;
  }
  // One clock for the simulator and the engine: the scripted day's first step at t0, then
  // `speed` times real time.
  const auto t0 = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  constexpr d::TimeNs kMidnightIst = 1'795'113'000'000'000'000;  // 2026-11-20 00:00 IST, a Friday
  const d::TimeNs day_start = kMidnightIst + script->front().at_ns;
  const Clock clock = accelerated_clock(day_start, t0, speed);

  asio::io_context sim_io;
  auto sim = brokers::sim::SimServer::create(sim_io.get_executor(), sim_settings->kite, clock);
  if (!sim.ok()) {
    command_error("demo", sim.status().message());
    return 1;
  }
  for (const auto& [key, price] : sim_settings->opening_prices)
    (*sim)->kite().set_price(key, price);
  auto port = (*sim)->listen("127.0.0.1", 0);
  if (!port.ok()) {
    command_error("demo", port.status().message());
    return 1;
  }
  auto work = asio::make_work_guard(sim_io);
  std::thread sim_thread([&] { sim_io.run(); });

  config->journal = dir;
  auto point_at_sim = [&](config::Connection& c, d::Broker broker) {
    const bool dhan = broker == d::Broker::dhan;
    c.api_url = fmt::format("https://localhost:{}{}", *port, dhan ? "/v2" : "");
    c.ws_url = fmt::format("wss://localhost:{}", *port);
    c.scrip_master_url = fmt::format("https://localhost:{}/api-scrip-master.csv", *port);
    c.ca_pem = (*sim)->ca_pem();
  };
  for (auto& l : config->leaders) point_at_sim(l.connection, l.broker);
  for (auto& f : config->followers) point_at_sim(f.connection, f.settings.broker);
  SessionOptions options;
  options.live = true;  // against the simulator: the demo has no real broker
  options.version = TANDEM_VERSION;
  options.clock = clock;
  options.secret = [&](const std::string& name) -> std::optional<std::string> {
    for (const auto& a : sim_settings->kite.accounts) {
      if (name == "kite." + a.user_id + ".api_key") return sim_settings->kite.api_key;
      if (name == "kite." + a.user_id + ".access_token") return a.access_token;
      if (name == "dhan." + a.user_id + ".access_token") return a.access_token;
    }
    return std::nullopt;
  };
  fmt::print(
      "tandem demo: the broker simulator on https://127.0.0.1:{} (Kite and Dhan REST + "
      "WebSockets, its own CA)\n",
      *port);
  std::string leaders;
  for (const auto& l : config->leaders) {
    leaders += (leaders.empty() ? "" : " and ") + (l.name.empty() ? "" : l.name + " ") + l.account +
               " (" + std::string(d::to_string(l.broker)) + ")";
  }
  fmt::print("  leaders {} play a scripted NSE day: {} steps, {} to {} IST, {}x speed\n", leaders,
             script->size(), ist_clock(script->front().at_ns), ist_clock(script->back().at_ns),
             speed);
  fmt::print("  followers: {}\n\n", [&] {
    std::string s;
    for (const auto& f : config->followers) {
      s += (s.empty() ? "" : ", ") + f.settings.follower.value + " (" +
           (f.settings.broker == d::Broker::paper  ? std::string("paper")
            : f.settings.broker == d::Broker::dhan ? "sim Dhan " + f.settings.account.value
                                                   : "sim Kite " + f.settings.account.value) +
           ")";
    }
    return s;
  }());

  auto session = LiveSession::open(*config, options);
  if (!session.ok()) {
    command_error("demo", session.status().message());
    work.reset();
    sim_io.stop();
    sim_thread.join();
    return 1;
  }
  engine::Engine& engine = (*session)->engine();
  std::unique_ptr<OperatorServer> dashboard;
  if (http != "off") {
    OperatorServerOptions server_options;
    server_options.listen = http;
    server_options.token = random_access_token();
    auto started = OperatorServer::start(engine, server_options);
    if (!started.ok() && http == kDefaultHttp) {  // 8780 taken: any free port will do
      server_options.listen = "127.0.0.1:0";
      started = OperatorServer::start(engine, server_options);
    }
    if (!started.ok()) {
      command_error("demo", started.status());
    } else {
      dashboard = std::move(*started);
      fmt::print("  dashboard: {}\n\n", dashboard->url_with_token());
      std::fflush(stdout);  // a script or test reading our output needs it now
    }
  }
  std::atomic<bool> script_done{false};
  asio::co_spawn(
      sim_io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer wait(sim_io, t0);
        co_await wait.async_wait(asio::use_awaitable);
        co_await (*sim)->play(*script, speed, nullptr);
        // The last fills and acks: every follower order answered (bounded), then a moment.
        for (int i = 0; i < 300 && engine.stats().in_flight > 0; ++i) {
          asio::steady_timer poll(sim_io, std::chrono::milliseconds(100));
          co_await poll.async_wait(asio::use_awaitable);
        }
        asio::steady_timer settle(sim_io, std::chrono::seconds(2));
        co_await settle.async_wait(asio::use_awaitable);
        script_done = true;
        engine.request_stop();
      },
      asio::detached);

  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  std::atomic<bool> running{true};
  // Where the day is: the market clock's time of day, and the share of the script played.
  const d::TimeNs first = script->front().at_ns, span = script->back().at_ns - first;
  auto progress_now = [&] {
    const d::TimeNs since_midnight = clock() - kMidnightIst;
    return progress_line(engine.stats(), ist_clock(since_midnight),
                         span <= 0 ? 1.0 : static_cast<double>(since_midnight - first) / span);
  };
  std::thread progress([&] {
    auto last = std::chrono::steady_clock::now();
    while (running) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const auto now = std::chrono::steady_clock::now();
      if (tty) {
        fmt::print("\r{}", progress_now());
        std::fflush(stdout);
      } else if (now - last > std::chrono::seconds(5)) {
        fmt::print("{}\n", progress_now());
        std::fflush(stdout);
        last = now;
      }
    }
  });
  // With --log-file, the day's story as `tandem run` logs it (day_log.h), in that file only.
  std::shared_ptr<spdlog::logger> log;
  std::optional<DayLog> day_log;
  if (!log_file.empty()) {
    log = make_logger({"info", log_file, /*console=*/false, log_format});
    engine.on_alert([log](const engine::AlertRow& a, const std::string&) {
      log->warn("event=alert kind={} text={}", a.kind, logfmt_value(a.text));
    });
    day_log.emplace((*session)->store(), log);
  }
  const Status ran = (*session)->run();
  day_log.reset();
  if (log) log->flush();
  running = false;
  progress.join();
  const auto stats = engine.stats();
  fmt::print("{}{}\n\n", tty ? "\r" : "", progress_now());
  dashboard.reset();
  session->reset();  // closes the journal
  // Each account's positions as the simulated broker holds them, before it stops.
  std::map<d::AccountId, std::vector<d::BrokerPosition>> at_brokers;
  {
    std::promise<void> read;
    asio::post(sim_io, [&] {
      for (const auto& f : config->followers) {
        if (f.settings.broker == d::Broker::paper) continue;
        at_brokers[f.settings.account] = (*sim)->kite().positions_of(f.settings.account.value);
      }
      read.set_value();
    });
    read.get_future().wait();
  }
  work.reset();
  asio::post(sim_io, [&] { (*sim)->stop(); });
  sim_io.stop();
  sim_thread.join();
  if (!ran.ok()) {
    command_error("demo", "the engine stopped: " + ran.message());
    return 1;
  }
  if (!script_done) fmt::print("(stopped before the end of the scripted day)\n");

  journal::StoreOptions read_only;
  read_only.mode = journal::OpenMode::read_only;
  auto store = journal::Store::open(dir, read_only);
  if (!store.ok()) {
    command_error("demo", store.status().message());
    return 1;
  }
  std::map<std::string, FollowerSummary> summary;
  std::vector<RaisedAlert> alerts;
  if (Status s = summarise(**store, summary, alerts); !s.ok()) {
    command_error("demo", s.message());
    return 1;
  }
  auto final_state = journal::restore_state(**store);
  store->reset();
  if (!final_state.ok()) {
    command_error("demo", final_state.status().message());
    return 1;
  }
  fmt::print("{:<16} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7}  {}\n", "follower", "placed", "modify",
             "cancel", "acked", "rejected", "filled", "skipped (by reason)");
  for (const auto& f : config->followers) {
    const auto& s = summary[f.settings.follower.value];
    std::string skips;
    for (const auto& [reason, n] : s.skips)
      skips += fmt::format("{}{} {}", skips.empty() ? "" : ", ", reason, n);
    fmt::print("{:<16} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7}  {}\n", f.settings.follower.value,
               s.placed, s.modified, s.cancelled, s.acked, s.rejected, s.fills,
               skips.empty() ? "-" : skips);
  }
  fmt::print("\n");
  print_followers_at_close(final_state->state);
  print_alerts_by_kind(alerts);
  fmt::print("\n");
  print_fidelity(check_fidelity(final_state->state, at_brokers));
  fmt::print("\n");
  if (int rc = run_verify(dir); rc != 0) return rc;
  fmt::print("\n");
  if (int rc = run_stats(dir); rc != 0) return rc;
  fmt::print("\nThe journal stays in {}. Try:\n", dir);
  const std::string self = self_path();
  fmt::print("  {} journal verify --journal {}\n", self, dir);
  fmt::print("  {} journal dump --journal {} --from 1 --to 20\n", self, dir);
  fmt::print("  {} journal stats --journal {}\n", self, dir);
  fmt::print("  {} replay --journal {} --day 2026-11-20 --verify\n", self, dir);
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  static std::string dir = "./tandem-demo";
  static double speed = 400;
  static std::string script;
  static std::string http = std::string(kDefaultHttp);
  static std::string log_file;
  static std::string log_format = "text";
  CLI::App* demo = app.add_subcommand(
      "demo", "Copy a scripted NSE day of two leaders to six followers (simulated brokers)");
  demo->add_option("--dir", dir, "Where the demo journal goes (replaced on each run)")
      ->capture_default_str();
  demo->add_option("--speed", speed, "How much faster than real time the day runs")
      ->check(CLI::Range(1.0, 5000.0))
      ->capture_default_str();
  demo->add_option("--script", script,
                   "A leader day of your own in place of the shipped one (the demo's accounts "
                   "and instruments; format in docs/simulator.md)");
  demo->add_option("--http", http,
                   "The dashboard on ADDRESS:PORT, or off (another free port if the default is "
                   "taken)")
      ->capture_default_str();
  demo->add_option("--log-file", log_file,
                   "Also log the day as `tandem run` does (a line per leader order, copy, "
                   "order and broker answer), to this file");
  demo->add_option("--log-format", log_format, "text (logfmt, IST times) or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  demo->footer("Example: tandem demo --dir ./tandem-demo --speed 400");
  demo->callback([&] {
    exit_code = run_demo(dir, speed, script, http, log_file,
                         log_format == "json" ? LogFormat::json : LogFormat::text);
  });
}

}  // namespace tandem::app
