#include "app/run_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <thread>

#include "alerts/alert_dispatcher.h"
#include "app/clock.h"
#include "app/day_log.h"
#include "app/live_session.h"
#include "app/log_setup.h"
#include "app/operator_access.h"
#include "app/operator_server.h"
#include "app/sd_notify.h"
#include "app/secrets_commands.h"
#include "app/text_file.h"
#include "fleet/jetstream.h"

namespace tandem::app {

namespace {

namespace d = ::tandem::domain;

struct RunOptions {
  std::string config = "tandem.toml";
  bool live = false;
  std::string http;         // overrides the config's `http`
  std::string log_format;   // overrides the config's [log] format
  std::string leader_feed;  // a shard: the tap's NATS cluster, comma-separated URLs
  std::string shard;        // ...and this shard's name (its durable consumer's)
  SecretsPaths secrets;
  ClockOptions clock;
};

std::atomic<engine::Engine*> g_engine{nullptr};
std::atomic<int> g_signals{0};
std::atomic<bool> g_reload{false};  // SIGHUP: read the secrets file's tokens again

extern "C" void on_hup(int) { g_reload = true; }

extern "C" void on_signal(int) {
  if (g_signals.fetch_add(1) > 0) std::_Exit(130);  // the second signal: at once
  if (engine::Engine* e = g_engine.load()) e->request_stop();
}

struct AccessToken {
  std::string token;
  bool generated = false;  // by this start: shown once
};

// A dashboard access token: the stored secret `name` (http.token, or http.token.OPERATOR),
// or a new random one, stored before it is used (so every later start has the same).
Result<AccessToken> access_token(crypto::SecretStore& secrets, const std::string& name) {
  if (auto stored = secrets.get(name)) return AccessToken{*stored, false};
  std::string token = random_access_token();
  if (token.empty()) return Status::io_error("no randomness for the dashboard's access token");
  Status s = secrets.set(name, token);
  if (s.ok()) s = secrets.save();
  if (!s.ok()) {
    return Status(s.code(), "cannot store the generated dashboard token as " + name + ": " +
                                s.message() + " (or set one: tandem secrets set " + name + ")");
  }
  return AccessToken{std::move(token), true};
}

// The alert destinations whose secrets are set; none: nullptr (alerts still reach the
// log, the journal and the dashboard).
Result<std::unique_ptr<alerts::AlertDispatcher>> start_alerts(const config::TandemConfig& c,
                                                              crypto::SecretStore& secrets) {
  std::string ca_pem;
  if (!c.alerts.ca_file.empty()) {
    auto pem = read_text(c.alerts.ca_file, "alerts.ca_file");
    if (!pem.ok()) return pem.status();
    ca_pem = *pem;
  }
  std::vector<alerts::Destination> to;
  if (auto url = secrets.get("alerts.webhook_url")) {
    to.push_back({alerts::Channel::webhook, *url, "", ca_pem});
  }
  if (auto url = secrets.get("alerts.slack_url")) {
    to.push_back({alerts::Channel::slack, *url, "", ca_pem});
  }
  if (auto token = secrets.get("alerts.telegram_token")) {
    if (c.alerts.telegram_chat_id.empty()) {
      return Status::invalid_argument(
          "alerts.telegram_token is set but [alerts] telegram_chat_id is not");
    }
    to.push_back({alerts::Channel::telegram,
                  "https://api.telegram.org/bot" + *token + "/sendMessage",
                  c.alerts.telegram_chat_id, ca_pem});
  }
  if (to.empty()) return std::unique_ptr<alerts::AlertDispatcher>();
  return alerts::AlertDispatcher::start(std::move(to));
}

int run(const RunOptions& o) {
  auto config = config::read_tandem_config(o.config);
  if (!config.ok()) {
    fmt::print(stderr, "tandem run: {}\n", config.status().message());
    return 1;
  }
  const auto format = parse_log_format(o.log_format.empty() ? config->log_format : o.log_format);
  if (!format.ok()) {
    fmt::print(stderr, "tandem run: {}\n", format.status().message());
    return 2;
  }
  auto log = make_logger({config->log_level, config->log_file, true, *format});
  const bool live = config->live && o.live;
  if (config->live && !o.live) {
    log->warn("event=paper_mode reason=\"mode = live in {} but --live not given\"", o.config);
  }
  if (o.live && !config->live) {
    log->warn("event=paper_mode reason=\"--live given but mode is paper in {}\"", o.config);
  }
  auto secrets = open_secrets(o.secrets);
  if (!secrets.ok()) {
    fmt::print(stderr, "tandem run: {}\n", secrets.status().message());
    return 1;
  }
  SessionOptions session_options;
  session_options.live = live;
  session_options.version = TANDEM_VERSION;
  const auto clock = clock_from(o.clock, "tandem run");
  if (!clock) return 1;
  session_options.clock = *clock;
  session_options.secret = [&](const std::string& name) { return secrets->get(name); };
  if (!o.leader_feed.empty()) {
    if (o.shard.empty()) {
      fmt::print(stderr, "tandem run: --leader-feed needs --shard NAME (its consumer's name)\n");
      return 2;
    }
    session_options.leader_feed = fleet::split_urls(o.leader_feed);
    session_options.shard = o.shard;
  }
  auto session = LiveSession::open(*config, session_options);
  if (!session.ok()) {
    fmt::print(stderr, "tandem run: {}\n", session.status().message());
    return 1;
  }
  log->info("event=start mode={} journal={} followers={} config_hash={}", live ? "live" : "paper",
            logfmt_value(config->journal), config->followers.size(), config->hash.substr(0, 16));
  auto dispatcher = start_alerts(*config, *secrets);
  if (!dispatcher.ok()) {
    fmt::print(stderr, "tandem run: {}\n", dispatcher.status().message());
    return 1;
  }
  if (*dispatcher) {
    (*session)->engine().on_alert(
        [d = dispatcher->get(), log](const engine::AlertRow& a, const std::string& key) {
          log->warn("event=alert kind={} text={}", a.kind, logfmt_value(a.text));
          d->send({a.kind, key, a.text, a.at_ns});
        });
  } else {
    (*session)->engine().on_alert([log](const engine::AlertRow& a, const std::string&) {
      log->warn("event=alert kind={} text={}", a.kind, logfmt_value(a.text));
    });
  }
  std::unique_ptr<OperatorServer> server;
  if (const std::string http = o.http.empty() ? config->http : o.http; http != "off") {
    OperatorServerOptions server_options;
    server_options.listen = http;
    server_options.hosts = config->http_hosts;
    auto token = access_token(*secrets, "http.token");
    if (!token.ok()) {
      fmt::print(stderr, "tandem run: {}\n", token.status().message());
      return 1;
    }
    server_options.token = token->token;
    const bool generated = token->generated;
    std::vector<std::string> new_operators;  // their tokens shown once, below
    for (const std::string& name : config->operators) {
      auto mine = access_token(*secrets, "http.token." + name);
      if (!mine.ok()) {
        fmt::print(stderr, "tandem run: {}\n", mine.status().message());
        return 1;
      }
      server_options.operators[name] = mine->token;
      if (mine->generated) new_operators.push_back(name);
    }
    auto started = OperatorServer::start((*session)->engine(), server_options);
    if (!started.ok()) {
      fmt::print(stderr, "tandem run: {}\n", started.status().message());
      return 1;
    }
    server = std::move(*started);
    log->info("event=http url={} token={}", server->url(), generated ? "generated" : "stored");
    if (generated) {  // to the terminal of whoever started it, never to the log
      fmt::print(
          "tandem run: the dashboard's access token was generated and stored as the secret "
          "http.token; this once, with it: {}\n",
          server->url_with_token());
      std::fflush(stdout);
    }
    for (const std::string& name : new_operators) {
      fmt::print(
          "tandem run: operator {}'s access token was generated and stored as the secret "
          "http.token.{}; this once, with it: {}#token={}\n",
          name, name, server->url(), server_options.operators[name]);
    }
    std::fflush(stdout);
  }
  g_engine = &(*session)->engine();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_hup);
  // `systemctl reload tandem` after the morning's tandem login: the new tokens, no restart.
  std::atomic<bool> running{true};
  std::thread reloader([&] {
    while (running) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!g_reload.exchange(false)) continue;
      auto fresh = open_secrets(o.secrets);
      if (!fresh.ok()) {
        log->error("event=tokens_reload_failed error={}", logfmt_value(fresh.status().message()));
        continue;
      }
      const std::vector<std::string> given =
          (*session)->reload_tokens([&](const std::string& name) { return fresh->get(name); });
      log->info("event=tokens_reloaded accounts={}",
                given.empty() ? "none" : fmt::format("{}", fmt::join(given, ",")));
    }
  });
  std::optional<DayLog> day_log;  // the day's story, from the journal (day_log.h)
  day_log.emplace((*session)->store(), log);
  const Status ran = (*session)->run([&] {
    const size_t decided_again = (*session)->engine().stats().decided_again;
    if (decided_again > 0) {
      // DESIGN.md invariant 1: the last run died between an input's sync and its decisions'
      // append; they were decided again (the same tags) and looked up at the brokers.
      log->warn("event=decisions_recovered records={}", decided_again);
    }
    log->info("event=engine_started");
    if (!notify_systemd("READY=1")) log->warn("event=sd_notify_failed state=ready");
  });
  notify_systemd("STOPPING=1");
  running = false;
  reloader.join();
  day_log.reset();
  g_engine = nullptr;
  // The alerts of the stop (journal_failed, orders_unsent) reach the operator before exit,
  // if their endpoint answers within 5 s.
  if (*dispatcher) {
    if (const int left = (*dispatcher)->drain(std::chrono::seconds(5)); left > 0) {
      log->warn(
          "event=alerts_undelivered count={} where=\"journaled; see the dashboard or the audit\"",
          left);
    }
  }
  const auto stats = (*session)->engine().stats();
  log->info("event=stop leader_updates={} intents={} acks={} rejections={}", stats.leader_updates,
            stats.intents, stats.acks, stats.rejections);
  for (const auto& [follower, why] : stats.stopped_followers) {
    log->error("event=follower_stopped follower={} reason={}", follower, logfmt_value(why));
  }
  if (!ran.ok()) {
    log->error("event=engine_failed reason={}", logfmt_value(ran.message()));
    return 1;
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run the live engine (paper unless --live)");
  cmd->footer("Example: tandem run --config tandem.toml --live --http 127.0.0.1:8780");
  cmd->add_option("--config", options->config, "The engine's settings")->capture_default_str();
  cmd->add_flag("--live", options->live,
                "Send real orders (the config must also say mode = \"live\")");
  cmd->add_option("--http", options->http,
                  "The dashboard, /api/ and /metrics on ADDRESS:PORT, or off (default: the "
                  "config's http, else 127.0.0.1:8780)");
  cmd->add_option("--leader-feed", options->leader_feed,
                  "A shard: read the leader from the tap's NATS JetStream cluster (nats:// URLs, "
                  "comma-separated) instead of its broker's socket (docs/fleet.md)");
  cmd->add_option("--shard", options->shard, "This shard's name, with --leader-feed");
  cmd->add_option("--log-format", options->log_format,
                  "text (logfmt, IST times) or json (one object a line, for log shippers); "
                  "default: the config's [log] format, else text");
  add_clock_options(*cmd, options->clock);
  add_secrets_options(*cmd, options->secrets);
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace tandem::app
