#include "app/sim_command.h"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/clock.h"
#include "brokers/sim/sim_server.h"
#include "config/sim_config.h"

namespace tandem::app {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

struct SimOptions {
  std::string config;
  std::string listen = "127.0.0.1:9443";
  std::string ca_out;
  std::string script;
  double speed = 1.0;
  bool exit_after_script = false;
  // Fault overrides for every account (or only --fault-account).
  std::string fault_account;
  std::optional<int> latency_ms, jitter_ms, orders_per_second, stall_next, reset_next;
  std::vector<std::string> reject_symbols;
  ClockOptions clock;
};

void apply_overrides(const SimOptions& o, brokers::sim::KiteSimConfig& config) {
  for (auto& a : config.accounts) {
    if (!o.fault_account.empty() && a.user_id != o.fault_account) continue;
    auto& f = a.faults;
    if (o.latency_ms) f.latency = std::chrono::milliseconds(*o.latency_ms);
    if (o.jitter_ms) f.latency_jitter = std::chrono::milliseconds(*o.jitter_ms);
    if (o.orders_per_second) f.orders_per_second = *o.orders_per_second;
    if (o.stall_next) f.stall_next_orders = *o.stall_next;
    if (o.reset_next) f.reset_next_orders = *o.reset_next;
    for (const auto& s : o.reject_symbols) f.reject_symbols.insert(s);
  }
}

std::string clock_text(d::TimeNs ns) {
  const int64_t ms = ns / 1'000'000;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                     ms % 1000);
}

std::string_view step_name(brokers::sim::ScriptStep::Kind k) {
  using K = brokers::sim::ScriptStep::Kind;
  switch (k) {
    case K::price:
      return "price";
    case K::place:
      return "place";
    case K::modify:
      return "modify";
    case K::cancel:
      return "cancel";
    case K::drop:
      return "drop";
    case K::expire:
      return "expire";
  }
  return "?";
}

std::string describe(const brokers::sim::ScriptStep& s) {
  if (s.kind == brokers::sim::ScriptStep::Kind::price) {
    return fmt::format("price {} {}.{:02}", s.order.instrument.tradingsymbol,
                       s.order.price_paise / 100, s.order.price_paise % 100);
  }
  return fmt::format("{} {}{}{}", step_name(s.kind), s.account, s.name.empty() ? "" : " ", s.name);
}

int run_sim(const SimOptions& o) {
  auto settings = config::read_sim_settings(o.config);
  if (!settings.ok()) {
    std::cerr << "tandem sim: " << settings.status().message() << "\n";
    return 1;
  }
  if (!o.fault_account.empty()) {
    bool known = false;
    for (const auto& a : settings->kite.accounts) known |= a.user_id == o.fault_account;
    if (!known) {
      std::cerr << "tandem sim: --fault-account " << o.fault_account << " is not an account in "
                << o.config << "\n";
      return 1;
    }
  }
  apply_overrides(o, settings->kite);
  std::vector<brokers::sim::ScriptStep> script;
  if (!o.script.empty()) {
    std::ifstream in(o.script);
    if (!in) {
      std::cerr << "tandem sim: cannot read script " << o.script << "\n";
      return 1;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = brokers::sim::parse_leader_script(text.str());
    if (!parsed.ok()) {
      std::cerr << "tandem sim: " << o.script << ": " << parsed.status().message() << "\n";
      return 1;
    }
    script = std::move(parsed).value();
  }
  const size_t colon = o.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(o.listen.substr(colon + 1));
    } catch (const std::exception&) {
    }
  }
  if (port < 0 || port > 65535) {
    std::cerr << "tandem sim: --listen wants ADDRESS:PORT, got '" << o.listen << "'\n";
    return 1;
  }

  const auto clock = clock_from(o.clock, "tandem sim");
  if (!clock) return 1;
  asio::io_context io;
  auto server = brokers::sim::SimServer::create(io.get_executor(), settings->kite, *clock);
  if (!server.ok()) {
    std::cerr << "tandem sim: " << server.status().message() << "\n";
    return 1;
  }
  brokers::sim::SimServer& sim = **server;
  for (const auto& [key, price] : settings->opening_prices) sim.kite().set_price(key, price);
  auto bound = sim.listen(o.listen.substr(0, colon), static_cast<uint16_t>(port));
  if (!bound.ok()) {
    std::cerr << "tandem sim: " << bound.status().message() << "\n";
    return 1;
  }
  if (!o.ca_out.empty()) {
    std::ofstream ca(o.ca_out, std::ios::trunc);
    ca << sim.ca_pem();
    if (!ca.flush()) {
      std::cerr << "tandem sim: cannot write the CA to " << o.ca_out << "\n";
      return 1;
    }
  }
  std::cout << fmt::format("tandem sim: Kite API at https://{}:{} ({} accounts{})\n",
                           o.listen.substr(0, colon), *bound, settings->kite.accounts.size(),
                           o.ca_out.empty() ? "" : ", trust the CA in " + o.ca_out)
            << std::flush;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cout << "tandem sim: stopping\n";
    sim.stop();
    io.stop();
  });
  int failed_steps = 0;
  if (!script.empty()) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await sim.play(
              script, o.speed, [&](const brokers::sim::ScriptStep& s, const Status& outcome) {
                if (!outcome.ok()) ++failed_steps;
                std::cout << fmt::format("{} line {}: {}: {}\n", clock_text(s.at_ns), s.line,
                                         describe(s), outcome.ok() ? "ok" : outcome.message());
                std::cout.flush();
              });
          std::cout << fmt::format("tandem sim: script done, {} of {} steps refused\n",
                                   failed_steps, script.size())
                    << std::flush;
          if (o.exit_after_script) {
            sim.stop();
            io.stop();
          }
        },
        asio::detached);
  }
  io.run();
  return 0;
}

}  // namespace

void add_sim_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SimOptions>();
  CLI::App* sim = app.add_subcommand("sim", "Run the broker simulator (Kite REST + WebSocket)");
  sim->footer(
      "Example: tandem sim --config data/sim/sim.toml --ca-out sim-ca.pem --script "
      "data/sim/leader_day.txt --speed 10");
  sim->add_option("--config", options->config, "Simulator settings (TOML)")->required();
  sim->add_option("--listen", options->listen, "ADDRESS:PORT to serve on (port 0: any free)")
      ->capture_default_str();
  sim->add_option("--ca-out", options->ca_out, "Write the simulator's CA certificate (PEM) here");
  sim->add_option("--script", options->script, "A scripted leader day to play");
  sim->add_option("--speed", options->speed, "Play the script this many times faster")
      ->check(CLI::PositiveNumber);
  sim->add_flag("--exit-after-script", options->exit_after_script,
                "Stop once the script has played");
  sim->add_option("--fault-account", options->fault_account,
                  "Apply the fault options below to this account only");
  sim->add_option("--latency-ms", options->latency_ms, "Added latency per answer")
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--latency-jitter-ms", options->jitter_ms, "Plus up to this much, seeded")
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--orders-per-second", options->orders_per_second,
                  "Order calls per second before HTTP 429")
      ->check(CLI::PositiveNumber);
  sim->add_option("--stall-next", options->stall_next,
                  "Carry out the next N order calls but answer them too late")
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--reset-next", options->reset_next,
                  "Drop the connection of the next N order calls unread")
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--reject-symbol", options->reject_symbols,
                  "Reject orders in this trading symbol (repeatable)");
  add_clock_options(*sim, options->clock);
  sim->callback([options, &exit_code] { exit_code = run_sim(*options); });
}

}  // namespace tandem::app
