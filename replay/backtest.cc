#include "replay/backtest.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>

#include "brokers/paper/paper_book.h"
#include "copy/clock.h"
#include "copy/decide.h"
#include "copy/loss_guard.h"
#include "journal/record_reader.h"

namespace tandem::replay {

namespace {

namespace d = ::tandem::domain;

std::optional<d::ClientTag> answer_tag(const d::Event& e) {
  if (const auto* a = std::get_if<d::FollowerOrderAck>(&e)) return a->tag;
  if (const auto* j = std::get_if<d::FollowerOrderRejected>(&e)) return j->tag;
  if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&e)) return u->tag;
  return std::nullopt;
}

bool is_output(const d::Event& e) { return d::decided_for(e) != nullptr; }

bool is_follower_setting(const d::Event& e) {
  return std::holds_alternative<d::FollowerConfigured>(e) ||
         std::holds_alternative<d::FollowerPaused>(e) ||
         std::holds_alternative<d::FollowerResumed>(e);
}

// What a follower did, counted from events as they are folded (simulated or recorded).
struct Tally {
  Outcome counts;
  std::map<d::ClientTag, int64_t> filled;  // by tag: fills grow, so count the growth

  void add(const d::Event& e) {
    if (const auto* c = std::get_if<d::CopyDecision>(&e)) {
      switch (c->action) {
        case d::CopyAction::place:
          ++counts.placed;
          break;
        case d::CopyAction::modify:
          ++counts.modified;
          break;
        case d::CopyAction::cancel:
          ++counts.cancelled;
          break;
        case d::CopyAction::skip:
          ++counts.skips[std::string(d::to_string(c->skip_reason))];
          break;
      }
    } else if (std::holds_alternative<d::FollowerOrderRejected>(e)) {
      ++counts.rejected;
    } else if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&e)) {
      int64_t& known = filled[u->tag];
      if (u->filled_units > known) {
        counts.filled_units += u->filled_units - known;
        known = u->filled_units;
      }
    }
  }
};

const d::FollowerId* follower_of(const d::Event& e) {
  if (const auto* c = std::get_if<d::CopyDecision>(&e)) return &c->follower;
  if (const auto* a = std::get_if<d::FollowerOrderAck>(&e)) return &a->follower;
  if (const auto* j = std::get_if<d::FollowerOrderRejected>(&e)) return &j->follower;
  if (const auto* u = std::get_if<d::FollowerOrderUpdate>(&e)) return &u->follower;
  return nullptr;
}

// Whether a position is in a follower's book: its share of the account (with one leader,
// the whole account).
bool in_book(const projections::PositionKey& key, const d::FollowerSettings& f) {
  return key.account == f.account && key.leader == f.leader;
}

// Open positions of a follower's book at the marks (loss_guard.h): gross value, and P&L with
// them.
Sample mark(const d::CopyState& s, const d::FollowerSettings& f, d::TimeNs at) {
  Sample out{at, 0, d::book_value_paise(s, d::book_of(f))};
  for (const auto& [key, p] : s.positions.by_key) {
    if (!in_book(key, f) || p.net_qty_units == 0) continue;
    const int64_t marked = d::mark_price(s, key.instrument);
    const int64_t price = marked > 0 ? marked : p.average_price_paise();
    out.exposure_paise += (p.net_qty_units < 0 ? -p.net_qty_units : p.net_qty_units) * price;
  }
  return out;
}

Outcome outcome(const d::CopyState& s, const d::FollowerSettings& f, const Tally& tally) {
  Outcome out = tally.counts;
  for (const auto& [key, counters] : s.counters.by_follower_day) {
    if (key.first == f.follower) out.turnover_paise += counters.turnover_paise;
  }
  for (const auto& [key, p] : s.positions.by_key) {
    if (!in_book(key, f)) continue;
    out.realized_pnl_paise += p.realized_pnl_paise;
    if (p.net_qty_units != 0) {
      out.final_positions[d::to_text(key.instrument) + "/" +
                          std::string(d::to_string(key.product))] = p.net_qty_units;
    }
  }
  out.pnl_paise = mark(s, f, 0).pnl_paise;
  return out;
}

d::FollowerOrderUpdate update_of(const brokers::BrokerOrder& o, const d::FollowerId& follower,
                                 d::TimeNs at) {
  return {d::ClientTag{o.tag},   follower, o.order_id,      o.status, o.filled_units,
          o.average_price_paise, at,       o.quantity_units};
}

// Whether every backtested follower has only ever had the settings it is backtested with:
// then the recorded ClockTicks are all the ticks the day has. (The engine ticks when its
// clock, checked about once a second, finds one due; which records come before a tick
// depends on when it looked, so the backtest cannot take the same ticks by itself.)
bool settings_as_recorded(const BacktestRequest& request, const d::CopyState& before,
                          const std::vector<journal::Record>& records) {
  for (const auto& f : request.followers) {
    const auto known = before.followers.find(f.settings.follower);
    bool seen = known != before.followers.end();
    if (seen && !(known->second == f.settings)) return false;
    for (const auto& r : records) {
      const auto* c = std::get_if<d::FollowerConfigured>(&r.event);
      if (c == nullptr || !(c->settings.follower == f.settings.follower)) continue;
      if (!(c->settings == f.settings)) return false;
      seen = true;
    }
    if (!seen) return false;
  }
  return true;
}

class Simulation {
 public:
  Simulation(const BacktestRequest& request,
             std::map<d::ClientTag, d::FollowerOrderIntent> recorded)
      : recorded_intents_(std::move(recorded)) {
    for (const auto& f : request.followers) {
      brokers::PaperConfig config;
      config.slippage_bp = f.slippage_bp;
      books_.emplace(f.settings.follower, brokers::PaperBook(config));
    }
  }

  d::CopyState state;
  std::map<d::FollowerId, Tally> tallies;

  // step() on `event`: the event and what was decided folded in,
  // then the decided orders sent: each follower-order event this causes is an input too.
  // Returns the decisions made on `event` itself.
  std::vector<d::CopyDecision> input(const d::Event& event, d::TimeNs at) {
    std::vector<d::CopyDecision> first;
    std::deque<d::Event> queue{event};
    bool top = true;
    while (!queue.empty()) {
      const d::Event e = std::move(queue.front());
      queue.pop_front();
      // The leader's fill price is the paper broker's reference before any copy is sent.
      const auto* leader = std::get_if<d::LeaderOrderUpdate>(&e);
      if (leader != nullptr && leader->filled_units > 0) {
        for (auto& [follower, book] : books_) {
          book.set_price(leader->instrument, leader->average_price_paise);
        }
      }
      const std::vector<d::Event> decided = d::step(state, e);
      tally(e);
      for (const auto& out : decided) {
        tally(out);
        if (const auto* c = std::get_if<d::CopyDecision>(&out); c != nullptr && top) {
          first.push_back(*c);
        }
      }
      top = false;
      for (const auto& out : decided) {
        if (const auto* i = std::get_if<d::FollowerOrderIntent>(&out)) send(*i, at, queue);
      }
      if (leader != nullptr && leader->filled_units > 0) advance(at, queue);
    }
    return first;
  }

  // A recorded broker answer: used when the simulation sent exactly that order.
  bool mirrors(const d::ClientTag& tag) const { return mirrored_.contains(tag); }

  int64_t paper_orders(const d::FollowerId& f) const {
    const auto it = paper_orders_.find(f);
    return it == paper_orders_.end() ? 0 : it->second;
  }

 private:
  void tally(const d::Event& e) {
    if (const auto* f = follower_of(e)) tallies[*f].add(e);
  }

  void send(const d::FollowerOrderIntent& intent, d::TimeNs at, std::deque<d::Event>& out) {
    const auto recorded = recorded_intents_.find(intent.tag);
    const bool same = recorded != recorded_intents_.end() && recorded->second == intent;
    const bool target_mirrored = mirrored_.contains(intent.target_tag);
    if (same && (intent.action == d::CopyAction::place || target_mirrored)) {
      mirrored_.insert(intent.tag);
      return;
    }
    brokers::PaperBook& book = books_.at(intent.follower);
    if (intent.action == d::CopyAction::place) {
      ++paper_orders_[intent.follower];
      auto placed = book.place(intent.order, intent.tag, at);
      if (!placed.ok()) {
        out.push_back(d::FollowerOrderRejected{
            intent.tag, intent.follower, d::OrderFailure::rejected, placed.status().message()});
        return;
      }
      out.push_back(d::FollowerOrderAck{intent.tag, intent.follower, placed->order_id});
      out.push_back(update_of(*placed, intent.follower, at));
      advance(at, out);
      return;
    }
    if (target_mirrored) {
      // The recorded order, now changed otherwise than it was: its recorded answers no
      // longer apply; the change takes effect at once, on what had filled by then.
      mirrored_.erase(intent.target_tag);
      const auto known = state.orders.follower.find(intent.target_tag);
      if (known == state.orders.follower.end()) return;
      const bool cancel = intent.action == d::CopyAction::cancel;
      out.push_back(d::FollowerOrderUpdate{
          intent.target_tag, intent.follower, intent.target_order_id,
          cancel ? d::OrderStatus::cancelled : known->second.status, known->second.filled_units,
          known->second.average_price_paise, at,
          cancel ? known->second.quantity_units : intent.order.quantity_units});
      return;
    }
    auto changed = intent.action == d::CopyAction::cancel
                       ? book.cancel(intent.target_order_id, at)
                       : book.modify(intent.target_order_id, intent.order, at);
    if (changed.ok()) out.push_back(update_of(*changed, intent.follower, at));
    advance(at, out);
  }

  void advance(d::TimeNs at, std::deque<d::Event>& out) {
    for (auto& [follower, book] : books_) {
      for (const auto& o : book.advance(at)) out.push_back(update_of(o, follower, at));
    }
  }

  std::map<d::ClientTag, d::FollowerOrderIntent> recorded_intents_;
  std::map<d::FollowerId, brokers::PaperBook> books_;
  std::set<d::ClientTag> mirrored_;
  std::map<d::FollowerId, int64_t> paper_orders_;
};

// The events the charts mark: a loss guard that tripped with this input, an operator's action.
void note_events(const d::CopyState& state, const journal::Record& r,
                 const std::set<d::FollowerId>& guarded_before,
                 std::map<d::FollowerId, FollowerBacktest>& results) {
  for (auto& [id, result] : results) {
    const d::DayGuard* guard = d::tripped_guard(state, id);
    if (guard != nullptr && !guarded_before.contains(id)) {
      result.events.emplace_back(r.recorded_at_ns,
                                 "loss guard: " + std::string(d::to_string(guard->action)));
    }
  }
  auto note = [&](const d::FollowerId& id, std::string what) {
    if (auto it = results.find(id); it != results.end()) {
      it->second.events.emplace_back(r.recorded_at_ns, std::move(what));
    }
  };
  if (const auto* p = std::get_if<d::FollowerPaused>(&r.event)) note(p->follower, "paused");
  if (const auto* p = std::get_if<d::FollowerResumed>(&r.event)) note(p->follower, "resumed");
  if (const auto* p = std::get_if<d::FollowerFlattenRequested>(&r.event)) {
    note(p->follower, "flatten");
  }
}

}  // namespace

int64_t max_drawdown_paise(const std::vector<Sample>& series) {
  int64_t peak = 0, worst = 0;  // the day starts at 0 P&L
  for (const Sample& s : series) {
    peak = std::max(peak, s.pnl_paise);
    worst = std::max(worst, peak - s.pnl_paise);
  }
  return worst;
}

int64_t peak_exposure_paise(const std::vector<Sample>& series) {
  int64_t peak = 0;
  for (const Sample& s : series) peak = std::max(peak, s.exposure_paise);
  return peak;
}

Result<BacktestReport> backtest(const journal::Store& store, const BacktestRequest& request,
                                const journal::ReadProgress& progress) {
  auto span = journal::days_range(store, request.from, request.to);
  if (!span.ok()) return span.status();
  const uint64_t first = span->from_seq, last = span->to_seq;

  // The records of the range in memory: the recorded intents are needed before the records
  // that answer them, and the recorded decisions beside the input they followed.
  std::vector<journal::Record> records;
  d::CopyState before;  // the state when the range begins
  TANDEM_RETURN_IF_ERROR(journal::read_records(
      store, {1, last},
      [&](journal::Record&& r) {
        if (r.seq < first) {
          d::apply(before, r.event);
        } else {
          records.push_back(std::move(r));
        }
        return true;
      },
      progress));
  std::map<d::ClientTag, d::FollowerOrderIntent> recorded_intents;
  for (const auto& r : records) {
    if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event))
      recorded_intents[i->tag] = *i;
  }

  BacktestReport report;
  report.from = request.from;
  report.to = request.to;
  report.first_seq = first;
  report.last_seq = last;

  const bool own_ticks = !settings_as_recorded(request, before, records);
  Simulation sim(request, std::move(recorded_intents));
  sim.state = before;
  sim.state.followers.clear();
  sim.state.paused.clear();
  const d::TimeNs start = records.front().recorded_at_ns;
  for (const auto& f : request.followers) {
    sim.input(d::FollowerConfigured{f.settings}, start);
    if (!sim.state.funds_paise.contains(f.settings.account)) {
      sim.input(d::FundsSnapshot{f.settings.account, f.paper_capital_paise}, start);
    }
  }

  d::CopyState actual = std::move(before);
  std::map<d::FollowerId, Tally> actual_tallies;
  std::map<d::FollowerId, FollowerBacktest> results;
  for (const auto& f : request.followers)
    results[f.settings.follower].follower = f.settings.follower.value;
  std::map<d::ClientTag, d::TimeNs> intent_at;

  for (size_t n = 0; n < records.size(); ++n) {
    const journal::Record& r = records[n];
    d::apply(actual, r.event);
    if (const auto* f = follower_of(r.event)) {
      actual_tallies[*f].add(r.event);
      if (results.contains(*f)) results[*f].recorded = true;
    }
    if (const auto* i = std::get_if<d::FollowerOrderIntent>(&r.event))
      intent_at[i->tag] = r.recorded_at_ns;
    if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
      const auto sent = intent_at.find(a->tag);
      if (sent != intent_at.end()) report.ack_latency_ns.push_back(r.recorded_at_ns - sent->second);
    }
    if (is_output(r.event)) continue;  // recorded decisions: compared below, not re-applied
    if (is_follower_setting(r.event)) continue;  // the backtest's own settings rule
    const auto tag = answer_tag(r.event);
    if (tag && !sim.mirrors(*tag)) continue;  // an answer to an order the backtest did not send
    // Time: the recorded ticks are inputs like any other. Other settings (a catch_up_ms, a
    // copy window) make ticks due that the engine never had: the backtest then takes those
    // too, at the time of the first record after they are due.
    if (own_ticks && d::tick_due(sim.state, r.recorded_at_ns)) {
      sim.input(d::ClockTick{r.recorded_at_ns}, r.recorded_at_ns);
    }

    std::set<d::FollowerId> guarded_before;
    for (const auto& f : request.followers) {
      if (d::tripped_guard(sim.state, f.settings.follower))
        guarded_before.insert(f.settings.follower);
    }
    const std::vector<d::CopyDecision> decided = sim.input(r.event, r.recorded_at_ns);
    note_events(sim.state, r, guarded_before, results);
    // The decisions recorded right after this input, for the followers backtested.
    std::vector<d::CopyDecision> recorded;
    for (size_t k = n + 1; k < records.size() && is_output(records[k].event); ++k) {
      if (const auto* c = std::get_if<d::CopyDecision>(&records[k].event)) recorded.push_back(*c);
    }
    for (const auto& c : decided) {
      auto& result = results[c.follower];
      const auto match = std::find(recorded.begin(), recorded.end(), c);
      if (match == recorded.end()) {
        ++result.decisions_different;
      } else {
        ++result.decisions_equal;
        recorded.erase(match);
      }
    }
    for (const auto& c : recorded) {  // recorded for a backtested follower, not decided now
      if (results.contains(c.follower)) ++results[c.follower].decisions_different;
    }

    if (std::holds_alternative<d::LeaderOrderUpdate>(r.event)) {
      ++report.leader_updates;
      for (const auto& f : request.followers) {
        auto& result = results[f.settings.follower];
        result.simulated_series.push_back(mark(sim.state, f.settings, r.recorded_at_ns));
        result.actual_series.push_back(mark(actual, f.settings, r.recorded_at_ns));
      }
    }
  }

  for (const auto& f : request.followers) {
    FollowerBacktest& result = results[f.settings.follower];
    result.simulated = outcome(sim.state, f.settings, sim.tallies[f.settings.follower]);
    const auto recorded_settings = actual.followers.find(f.settings.follower);
    if (result.recorded && recorded_settings != actual.followers.end()) {
      result.actual =
          outcome(actual, recorded_settings->second, actual_tallies[f.settings.follower]);
    } else {
      result.recorded = false;
      result.actual_series.clear();
    }
    result.paper_orders = sim.paper_orders(f.settings.follower);
    report.followers.push_back(std::move(result));
  }
  return report;
}

}  // namespace tandem::replay
