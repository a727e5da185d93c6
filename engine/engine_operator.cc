// The operator's side: commands (pause, resume, flatten, the kill switch) journaled and
// answered once durable, alerts raised and their rules, and the view the dashboard and
// /metrics read.
#include "engine/engine.h"

#include <algorithm>
#include <future>
#include "brokers/call_counters.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

std::future<Result<CommandDone>> Engine::command(OperatorCommand command) {
  auto done = std::make_shared<std::promise<Result<CommandDone>>>();
  auto result = done->get_future();
  inbox_->push(OperatorFact{std::move(command), std::move(done)});
  return result;
}

// What a pause, resume or kill switch journals: only what changes anything.
std::vector<d::Event> Engine::control_events(const OperatorCommand& c,
                                             const std::vector<d::FollowerId>& shares) const {
  using Kind = OperatorCommand::Kind;
  std::vector<d::Event> events;
  const bool all = c.kind == Kind::pause_all || c.kind == Kind::resume_all;
  std::vector<d::FollowerId> targets = shares;
  if (all) {
    targets.clear();
    for (const auto& [id, settings] : state().followers) targets.push_back(id);
  }
  const bool pausing = c.kind == Kind::pause || c.kind == Kind::pause_all ||
                       (c.kind == Kind::flatten && c.pause_first);
  const bool resuming = c.kind == Kind::resume || c.kind == Kind::resume_all;
  for (const d::FollowerId& id : targets) {
    const bool paused = state().paused.contains(id);
    if (pausing && !paused) {
      // The kill switch: every follower paused in one durable batch (and back again).
      const std::string why = all && c.reason.empty() ? "kill switch" : c.reason;
      events.push_back(d::FollowerPaused{id, c.by, why});
    } else if (resuming && paused) {
      events.push_back(d::FollowerResumed{id, c.by});
    }
  }
  return events;
}

// Controls are idempotent: a pause of a paused follower (a resume of a running one, a kill
// switch with everyone paused) journals nothing and raises no alert; the answer says so. A
// follower of several leaders is controlled share by share, or all its shares at once.
Status Engine::handle(OperatorFact& f) {
  using Kind = OperatorCommand::Kind;
  const OperatorCommand& c = f.command;
  const bool one = c.kind == Kind::pause || c.kind == Kind::resume || c.kind == Kind::flatten;
  const std::vector<d::FollowerId> shares =
      one ? d::shares_named(state(), c.follower) : std::vector<d::FollowerId>{};
  if (one && shares.empty()) {
    f.done->set_value(Status::not_found("no follower " + c.follower.value));
    return Status();
  }
  std::vector<d::Event> events = control_events(c, shares);
  const bool newly_paused = !events.empty() && c.kind == Kind::flatten;
  std::string what;
  const bool changed = !events.empty() || c.kind == Kind::flatten;
  Status s = append(std::move(events));
  if (s.ok() && c.kind == Kind::flatten) {
    size_t orders = 0;
    for (const d::FollowerId& share : shares) {
      // The request's time makes its tags unique; decide() turns it into the orders.
      const d::FollowerFlattenRequested request{share, c.by, std::to_string(clock_())};
      std::vector<d::Event> decided;
      if (s.ok()) s = decide_and_send(request, std::nullopt, nullptr, &decided);
      orders += decided.size() / 2;
    }
    what = std::string(newly_paused ? "paused and flattened " : "flatten ") + c.follower.value +
           ": " + std::to_string(orders) + " orders (cancels and closing orders)";
  } else if (s.ok()) {
    s = flush();  // reported done only once durable
    what = c.kind == Kind::pause       ? "paused " + c.follower.value
           : c.kind == Kind::resume    ? "resumed " + c.follower.value
           : c.kind == Kind::pause_all ? "kill switch: every follower paused"
                                       : "every follower resumed";
  }
  if (s.ok() && changed) {
    alert("operator", what + " by " + c.by + (c.reason.empty() ? "" : " (" + c.reason + ")"));
  }
  if (s.ok()) {
    publish_view(true);  // the answer and the view agree: a page polling after it sees it
    f.done->set_value(CommandDone{changed, store_.head().seq});
  } else {
    f.done->set_value(s);
  }
  return s;
}

void Engine::alert(std::string kind, std::string text, std::string key) {
  if (key.empty()) key = kind;
  const d::TimeNs now = clock_();
  feed_.record_alert({now, kind, text});
  // Journaled with the next write (but for the journal's own failure: nothing can be).
  if (!sequencer_.counts().failed) {
    std::vector<d::Event> raised{d::AlertRaised{kind, key, text}};
    (void)append(std::move(raised));  // a failure surfaces from flush()
  }
  if (on_alert_) on_alert_(AlertRow{now, std::move(kind), std::move(text)}, key);
}

// The rules that look at time or at many facts (alert_rules.h).
void Engine::check_alert_rules(bool quiet) {
  std::vector<DueAlert> due = rules_.check(setup_.steady(), clock_());
  if (quiet) {
    std::vector<DueAlert> drift = rules_.check_drift(state(), setup_.steady());
    due.insert(due.end(), std::make_move_iterator(drift.begin()),
               std::make_move_iterator(drift.end()));
  }
  for (DueAlert& a : due) alert(std::move(a.kind), std::move(a.text), std::move(a.key));
}

void Engine::publish_view(bool force) {
  if (!feed_.due(setup_.steady(), force)) return;
  std::shared_ptr<OperatorView> view = feed_.draft();
  view->at_ns = clock_();
  // The leaders, as one line: each account (its name with several), all connected or not.
  view->leader.clear();
  view->leader_connected = true;
  view->leaders.clear();
  for (size_t k = 0; k < leaders_.size(); ++k) {
    const d::LeaderConfigured& l = setup_.leaders[k];
    if (k > 0) view->leader += ", ";
    view->leader += l.name.empty() ? l.account.value : l.name.value + " " + l.account.value;
    view->leader_connected = view->leader_connected && leaders_[k].connected;
    LeaderRow row{l.name.value,          l.account.value, std::string(d::to_string(l.broker)),
                  leaders_[k].connected, std::nullopt,    0};
    if (const brokers::LeaderFeed* feed = leaders_[k].feed) {
      row.feed = feed->stats();
      row.journaled_seq = d::fed_seq_of(state(), l.name);
    }
    view->leaders.push_back(std::move(row));
  }
  view->leader_broker.clear();
  for (const d::LeaderConfigured& l : setup_.leaders) {
    const std::string broker(d::to_string(l.broker));
    if (view->leader_broker.find(broker) == std::string::npos) {
      view->leader_broker += (view->leader_broker.empty() ? "" : ", ") + broker;
    }
  }
  view->journal_head = store_.head().seq;
  const JournalCounts& journal = sequencer_.counts();
  view->journal_ok = !journal.failed;
  view->counters.journal_append = journal.append_ms;
  view->counters.journal_batches = journal.batches;
  view->counters.journal_records = journal.records;
  view->day = state().day;
  view->counters.inbox_depth = static_cast<int64_t>(inbox_->depth());
  view->counters.rate_limit_waits = brokers::call_counters().rate_limit_waits;
  view->counters.rate_limited_answers = brokers::call_counters().rate_limited_answers;
  view->counters.send_queue_waits = dispatcher_.queue_waits();
  view->counters.unknown_places = static_cast<int64_t>(dispatcher_.unknown_places());
  {
    std::lock_guard lock(stats_mu_);
    view->counters.leader_updates = stats_.leader_updates;
    view->counters.intents = stats_.intents;
    view->counters.skips = stats_.skips;
    view->followers = follower_rows(state(), stats_.stopped_followers);
  }
  view->live = setup_.live;
  view->build_version = setup_.version;
  feed_.publish(std::move(view));
}

std::shared_ptr<const OperatorView> Engine::view() const { return feed_.view(); }

}  // namespace tandem::engine
