#include "app/tap_command.h"

#include <fmt/format.h>
#include <boost/asio/post.hpp>

#include <atomic>
#include <csignal>
#include <memory>

#include "app/clock.h"
#include "app/gateway_factory.h"
#include "app/log_setup.h"
#include "app/secrets_commands.h"
#include "config/tandem_config.h"
#include "engine/broker_threads.h"
#include "engine/run_on.h"
#include "fleet/tap_loop.h"

namespace tandem::app {

namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

struct TapOptions {
  std::string config = "tandem.toml";
  std::string journal;
  std::string nats;    // comma-separated nats:// URLs
  std::string leader;  // its [[leader]] name, when the config has several
  int replicas = 3;
  SecretsPaths secrets;
  ClockOptions clock;
};

std::atomic<bool> g_stop{false};
extern "C" void on_tap_signal(int) { g_stop = true; }

Result<const config::LeaderConfig*> chosen_leader(const config::TandemConfig& c,
                                                  const std::string& name) {
  if (name.empty()) {
    if (c.leaders.size() == 1) return &c.leaders.front();
    return Status::invalid_argument("the config names " + std::to_string(c.leaders.size()) +
                                    " leaders: say which one this tap taps (--leader NAME)");
  }
  for (const config::LeaderConfig& l : c.leaders) {
    if (l.name == name) return &l;
  }
  return Status::not_found("the config has no [[leader]] named \"" + name + "\"");
}

int tap(const TapOptions& o) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem tap: {}\n", s.message());
    return 1;
  };
  auto config = config::read_tandem_config(o.config);
  if (!config.ok()) return fail(config.status());
  auto lead = chosen_leader(*config, o.leader);
  if (!lead.ok()) return fail(lead.status());
  const std::vector<std::string> urls = fleet::split_urls(o.nats);
  if (urls.empty()) return fail(Status::invalid_argument("--nats names no server"));
  if (o.replicas < 1 || o.replicas > 5) {
    return fail(Status::invalid_argument("--replicas must be 1 to 5 (JetStream's limit)"));
  }
  auto secrets = open_secrets(o.secrets);
  if (!secrets.ok()) return fail(secrets.status());
  const auto clock = clock_from(o.clock, "tandem tap");
  if (!clock) return 1;
  auto log = make_logger({config->log_level, config->log_file, true, LogFormat::text});

  journal::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto store = journal::Store::open(o.journal, store_options);
  if (!store.ok()) return fail(store.status());
  const d::LeaderConfigured leader{
      {(*lead)->account}, (*lead)->broker, {(*lead)->name}, (*lead)->tag_code};
  std::signal(SIGINT, on_tap_signal);
  std::signal(SIGTERM, on_tap_signal);
  auto opened = fleet::open_tap_when_ready(
      **store, urls, leader, o.replicas, *clock, [] { return !g_stop; },
      [&](const Status& s) {
        log->warn("event=nats_waiting error={}", logfmt_value(s.message()));
      });
  if (!opened.ok()) return fail(opened.status());
  fleet::Tap& tap = *opened->tap;

  engine::BrokerThreads threads(1);
  // Named: the coroutine keeps a reference to it while it runs.
  const SecretLookup secret = [&](const std::string& name) { return secrets->get(name); };
  auto gateway = engine::run_on<Result<std::unique_ptr<brokers::Gateway>>>(
      threads.io(0).get_executor(),
      [&] { return make_leader_gateway(threads.io(0), threads.io(0), **lead, secret, *clock); },
      {});
  if (!gateway.ok()) return fail(gateway.status());
  // The leader's market data for the shards (fleet/marks.h): each instrument it trades is
  // watched on its ticker, found in its instrument master. Without the master the shards
  // value positions at the leader's fill prices only.
  auto instruments = engine::run_on<Result<std::vector<d::Instrument>>>(
      threads.io(0).get_executor(), [&] { return (*gateway)->instruments(); }, {});
  std::unique_ptr<fleet::MarksPublisher> marks;
  if (instruments.ok()) {
    marks = std::make_unique<fleet::MarksPublisher>(**gateway, *opened->js, leader, *instruments,
                                                    *clock);
  } else {
    log->warn("event=marks_off error={}", logfmt_value(instruments.status().message()));
  }
  fleet::TapInbox inbox;
  asio::post(threads.io(0), [&] {
    fleet::subscribe_tap(
        **gateway, leader, *clock, inbox,
        [&](bool connected, const Status& why) {
          log->info("event=leader_stream connected={} why={}", connected,
                    logfmt_value(why.message()));
        },
        marks.get());
  });
  std::string named;  // the cluster's URLs without their passwords
  for (const std::string& url : urls) named += (named.empty() ? "" : ",") + fleet::redacted(url);
  fmt::print("tandem tap: leader {} ({}), journal {}, stream {} on {}\n", leader.account.value,
             d::to_string(leader.broker), o.journal, fleet::leader_stream(leader, o.replicas).name,
             named);
  std::fflush(stdout);
  log->info("event=tap_start journal={} journaled_seq={} published_seq={}", logfmt_value(o.journal),
            tap.journaled_seq(), tap.published_seq());

  // Until a stop. A journal that refused a write ends the tap with 1 (the next start's gap
  // fill brings what it held).
  fleet::TapHooks hooks;
  hooks.publish_failing = [&](const Status& s) {
    log->warn("event=publish_failed error={}", logfmt_value(s.message()));
  };
  const Status ended = fleet::journal_and_publish(tap, inbox, *clock, g_stop, hooks);
  if (!ended.ok()) log->error("event=journal_failed error={}", logfmt_value(ended.message()));
  const int exit_code = ended.ok() ? 0 : 1;
  brokers::stop_and_wait(**gateway);
  threads.stop();
  (void)tap.publish_pending();
  log->info("event=tap_stop journaled_seq={} published_seq={} published={} duplicates={} marks={}",
            tap.journaled_seq(), tap.published_seq(), tap.published(), tap.duplicates(),
            marks ? marks->published() : 0);
  return exit_code;
}

}  // namespace

void add_tap_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TapOptions>();
  CLI::App* cmd = app.add_subcommand(
      "tap", "Journal one leader's order stream and publish it to NATS JetStream for shards");
  cmd->add_option("--config", options->config, "The tandem.toml naming the leader")
      ->capture_default_str();
  cmd->add_option("--journal", options->journal, "The tap's own journal directory")->required();
  cmd->add_option("--nats", options->nats, "The cluster's nats:// URLs, comma-separated")
      ->required();
  cmd->add_option("--leader", options->leader, "The [[leader]] to tap, when there are several");
  cmd->add_option("--replicas", options->replicas, "The stream's replicas (3 on a 3-node cluster)")
      ->capture_default_str();
  add_secrets_options(*cmd, options->secrets);
  add_clock_options(*cmd, options->clock);
  cmd->footer(
      "Example: tandem tap --config tandem.toml --journal ./tap --nats "
      "nats://10.0.0.1:4222,nats://10.0.0.2:4222,nats://10.0.0.3:4222");
  cmd->callback([options, &exit_code] { exit_code = tap(*options); });
}

}  // namespace tandem::app
