#include "engine/engine.h"

#include <algorithm>

#include "engine/run_on.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

namespace {

// Kite's tokens die at 06:00 IST: the token_expiring rule watches only when it is used.
bool uses_kite(const EngineSetup& setup) {
  return std::any_of(setup.leaders.begin(), setup.leaders.end(),
                     [](const auto& l) { return l.broker == d::Broker::kite; }) ||
         std::any_of(setup.followers.begin(), setup.followers.end(),
                     [](const auto& f) { return f.broker == d::Broker::kite; });
}

std::vector<LeaderLink> links_of(const EngineSetup& setup,
                                 const std::vector<brokers::Gateway*>& gateways) {
  TANDEM_REQUIRE(!gateways.empty() && gateways.size() == setup.leaders.size(), gateways.size(),
                 setup.leaders.size());
  std::vector<LeaderLink> out;
  for (brokers::Gateway* g : gateways) out.push_back({g, nullptr, false, false});
  return out;
}

}  // namespace

Engine::Engine(journal::Store& store, EngineSetup setup, std::vector<brokers::Gateway*> leaders,
               Followers followers, Clock clock)
    : store_(store),
      setup_(std::move(setup)),
      leaders_(links_of(setup_, leaders)),
      followers_(std::move(followers)),
      leader_executor_(leaders_.front().gateway->executor()),
      clock_(std::move(clock)),
      sequencer_(store, clock_, setup_.steady),
      inbox_(std::make_shared<Inbox<Fact>>(setup_.inbox_capacity)),
      dispatcher_({setup_.max_at_broker,
                   {setup_.max_queue, setup_.look_again_after},
                   setup_.recheck_unknown_after,
                   setup_.freeze_limits,
                   setup_.pump},
                  sequencer_.state(), followers_, leader_executor_, inbox_, setup_.steady),
      prices_(std::chrono::duration_cast<std::chrono::nanoseconds>(setup_.price_snapshot_interval)
                  .count(),
              inbox_),
      funds_(leader_executor_, setup_.funds_interval, inbox_),
      rules_(setup_.leader_down_alert_after, uses_kite(setup_)) {}

Engine::~Engine() { funds_.stop(); }

void add_latency_sample(std::vector<int64_t>& samples, int64_t ns) {
  if (samples.size() >= kMaxLatencySamples) {
    samples.erase(samples.begin(),
                  samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2));
  }
  samples.push_back(ns);
}

EngineStats Engine::stats() const {
  std::lock_guard lock(stats_mu_);
  EngineStats s = stats_;
  s.inbox_high_water = inbox_->high_water();
  s.in_flight = dispatcher_.in_flight();
  return s;
}

void Engine::feed_leader(size_t k, brokers::LeaderFeed& feed) { leaders_.at(k).feed = &feed; }

void Engine::request_stop() { inbox_->push(StopFact{}); }

void Engine::feed_paper_price(const d::InstrumentKey& key, int64_t price_paise) {
  dispatcher_.on_each_thread([key, price_paise](const Dispatcher::ThreadFollowers& followers) {
    for (const auto& [id, g] : followers) g->reference_price(key, price_paise);
  });
}

Status Engine::handle(FundsFact& f) {
  const auto known = state().funds_paise.find(f.account);
  if (known != state().funds_paise.end() && known->second == f.available_paise) return Status();
  return append({d::FundsSnapshot{f.account, f.available_paise}});
}

Status Engine::handle_fact(Fact& fact, bool& stopping, SteadyTime& deadline) {
  if (std::holds_alternative<StopFact>(fact)) {
    if (!stopping) {
      deadline = setup_.steady() + setup_.shutdown_bound;
      dispatcher_.drop_queued_entries();
    }
    stopping = true;
    funds_.request_stop();
    return Status();
  }
  const bool input =
      std::holds_alternative<LeaderFact>(fact) || std::holds_alternative<PricesFact>(fact);
  if (stopping && input) return Status();  // no new copies
  return std::visit(
      [this](auto& f) -> Status {
        if constexpr (std::is_same_v<std::decay_t<decltype(f)>, StopFact>) {
          return Status();
        } else {
          return handle(f);
        }
      },
      fact);
}

void Engine::begin_loop() {
  if (loop_.begun) return;
  loop_.begun = true;
  // Every account's funds, the leader's first, each asked on its own gateway's executor.
  FundsPoller::Accounts accounts;
  for (size_t k = 0; k < leaders_.size(); ++k) {
    accounts.push_back({setup_.leaders[k].account, leaders_[k].gateway});
  }
  std::set<d::AccountId> listed;  // an account's shares share its gateway: polled once
  for (const auto& f : setup_.followers) {
    const auto g = followers_.find(f.follower);
    if (g != followers_.end() && listed.insert(f.account).second) {
      accounts.emplace_back(f.account, g->second);
    }
  }
  funds_.start(std::move(accounts));
}

// The next fact: waited for up to 50 ms live; with a pump, the gateways' handlers are run
// until one comes or none is ready.
std::optional<Fact> Engine::next_fact() {
  if (!setup_.pump) return inbox_->pop(std::chrono::milliseconds(50));
  for (;;) {
    if (auto fact = inbox_->try_pop()) return fact;
    if (!setup_.pump()) return std::nullopt;
  }
}

bool Engine::turn() {
  Loop& l = loop_;
  auto fact = next_fact();
  l.quiet = !fact;
  if (!fact) {
    l.failure = when_quiet(l.stopping);
    return !l.failure.ok() ||
           (l.stopping && (dispatcher_.answers_awaited() <= 0 || setup_.steady() > l.deadline));
  }
  // A burst of facts (100 followers' acks and fills arrive together) is handled as one
  // group: every fact folded in order, one synced journal write at the end.
  constexpr int kMaxGroup = 1024;
  sequencer_.begin_burst();
  for (int handled = 1;; ++handled) {
    l.failure = handle_fact(*fact, l.stopping, l.deadline);
    if (!l.failure.ok() || handled == kMaxGroup) break;
    fact = inbox_->try_pop();
    if (!fact) break;
  }
  if (l.failure.ok()) check_alert_rules();
  sequencer_.end_burst();
  if (l.failure.ok()) l.failure = flush();
  if (l.failure.ok() && !l.stopping) l.failure = tick_clock();  // a busy engine is never quiet
  if (l.failure.ok() && !l.stopping) dispatcher_.look_up_unknown_places();
  if (!l.failure.ok()) return true;  // the journal failed: nothing more may be acted on
  publish_view(false);
  if (progress_) progress_(stats());
  return l.stopping && dispatcher_.answers_awaited() <= 0;
}

Status Engine::run() {
  begin_loop();
  while (!turn()) {
  }
  return wind_down(loop_.failure);
}

Status Engine::settle() {
  TANDEM_REQUIRE(setup_.pump, "settle() drives a simulated shell's engine");
  begin_loop();
  while (!turn() && !loop_.quiet) {
  }
  return loop_.failure;
}

// The work of a quiet moment (no fact for 50 ms): alert rules, drift, the clock, prices
// held back by the snapshot interval, and the journal's pending writes.
Status Engine::when_quiet(bool stopping) {
  // The drift rule only when quiet: it reads every follower's positions, off the copy path.
  check_alert_rules(/*quiet=*/true);
  if (Status s = stopping ? Status() : tick_clock(); !s.ok()) return s;
  if (!stopping) dispatcher_.look_up_unknown_places();
  if (Status s = snapshot_prices(); !s.ok()) return s;
  if (Status s = flush(); !s.ok()) return s;
  publish_view(false);  // quiet: what changed last shows within kViewInterval
  return Status();
}

// After the loop: what is still queued is journaled as not sent, every stream stopped, and
// EngineStopped journaled with what was left (unless the journal failed).
Status Engine::wind_down(Status failure) {
  // Still queued at the bound (the brokers' threads still run): journaled as not sent.
  const int unsent = failure.ok() ? journal_unsent() : 0;
  if (failure.ok()) failure = flush();
  funds_.stop();
  // The streams stop on their broker threads; wait for each, so that nothing there runs
  // against this engine once run() has returned.
  const auto stop = [this](brokers::Gateway& g) {
    call_on(
        g.executor(), [&g] { g.stop(); }, setup_.pump);
  };
  for (const LeaderLink& l : leaders_) {
    if (l.feed != nullptr) l.feed->stop();
    stop(*l.gateway);
  }
  for (const auto& [id, g] : followers_) stop(*g);
  if (!failure.ok()) return failure;
  const int left = dispatcher_.in_flight();
  std::string how;
  if (left > 0) how = std::to_string(left) + " orders in flight at stop: reconciled on restart";
  if (unsent > 0) {
    how += std::string(how.empty() ? "" : "; ") + std::to_string(unsent) +
           " queued orders not sent (journaled as unsent)";
  }
  if (const size_t unknown = dispatcher_.unknown_places(); unknown > 0) {
    how += std::string(how.empty() ? "" : "; ") + std::to_string(unknown) +
           " place(s) of unknown outcome (looked up by their tags at the next start)";
  }
  Status stopped = append({d::EngineStopped{how.empty() ? "stopped" : how}});
  publish_view(true);
  return stopped;
}

int Engine::journal_unsent() {
  const std::string why = "not sent: the engine stopped before its turn at the broker (" +
                          std::to_string(setup_.shutdown_bound.count()) +
                          " ms shutdown bound); the next run decides it again";
  int count = 0;
  for (OutcomeFact& fact : dispatcher_.take_unsent(why)) {
    if (!handle(fact).ok()) return count;  // the journal failed: run() reports it
    ++count;
  }
  return count;
}

}  // namespace tandem::engine
