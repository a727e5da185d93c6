// The engine's start: the state restored from the journal (an input's lost decisions decided
// again, lost_outputs.h), the configuration, instruments and funds journaled, the streams
// subscribed, and every intent without an answer looked up at its broker by its tag.
#include "engine/engine.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <set>
#include "domain/copy/client_tag.h"
#include "engine/run_on.h"
#include "journal/record_reader.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

Status Engine::start() {
  // A crash between an input's sync and its decisions' append left them missing: they are
  // decided again and appended first (lost_outputs.h); reconcile_pending() below finds
  // their tags at the brokers.
  Result<size_t> decided_again = sequencer_.restore();
  if (!decided_again.ok()) return decided_again.status();
  {
    std::lock_guard lock(stats_mu_);
    stats_.decided_again = *decided_again;
  }

  std::vector<d::Event> config = configuration_changes();  // against the state before the day opens
  if (Status s = open_day(clock_()); !s.ok()) return s;
  if (Status s = append(std::move(config)); !s.ok()) return s;
  if (Status s = take_master_and_funds(); !s.ok()) return s;
  restore_paper_books();
  read_broker_books();
  subscribe_streams();
  std::vector<d::Instrument> in_use;
  for (const auto& [key, instrument] : state().instruments) in_use.push_back(instrument);
  prices_.watch(main_leader(), std::move(in_use));
  Status reconciled = reconcile_pending();
  publish_view(true);
  return reconciled;
}

// EngineStarted, and what changed in the setup since the journal's state: the leader, the
// calendar, each follower whose settings differ.
std::vector<d::Event> Engine::configuration_changes() const {
  std::vector<d::Event> config;
  config.push_back(d::EngineStarted{setup_.version, setup_.config_hash});
  for (const d::LeaderConfigured& l : setup_.leaders) {
    const auto known = state().leaders.find(l.name);
    if (known == state().leaders.end() || known->second.account != l.account ||
        known->second.tag_code != l.tag_code) {
      config.push_back(l);
    }
  }
  const std::set<d::TradingDay> holidays(setup_.holidays.begin(), setup_.holidays.end());
  if (state().calendar.holidays != holidays || state().day == 0) {
    config.push_back(d::MarketCalendarConfigured{{holidays.begin(), holidays.end()}});
  }
  for (const auto& f : setup_.followers) {
    const auto it = state().followers.find(f.follower);
    if (it == state().followers.end() || !(it->second == f)) {
      config.push_back(d::FollowerConfigured{f});
    }
  }
  return config;
}

// The instrument master and every account's funds, from the brokers (a failure here is
// reported, not fatal: a follower without funds is skipped by decide() with that reason).
Status Engine::take_master_and_funds() {
  take_master();
  std::vector<d::Event> funds;
  auto take_funds = [&](const d::AccountId& account, brokers::Gateway& g) {
    auto f = run_on<Result<brokers::Funds>>(
        g.executor(), [&g] { return g.funds(); }, setup_.pump);
    if (f.ok()) funds.push_back(d::FundsSnapshot{account, f->available_paise});
  };
  for (size_t k = 0; k < leaders_.size(); ++k) {
    take_funds(setup_.leaders[k].account, *leaders_[k].gateway);
  }
  for (const auto& f : setup_.followers) {
    const auto g = followers_.find(f.follower);
    if (g != followers_.end()) take_funds(f.account, *g->second);
  }
  return append(std::move(funds));
}

// Without the instrument list every leader order would be skipped as unknown_instrument for
// the rest of the day: a failure to read it is alerted once, and it is asked again whenever
// an instrument not yet journaled is needed (ensure_instrument), until it is read.
bool Engine::take_master() {
  auto instruments = run_on<Result<std::vector<d::Instrument>>>(
      leader_executor_, [this] { return main_leader().instruments(); }, setup_.pump);
  if (!instruments.ok()) {
    if (!master_alerted_) {
      master_alerted_ = true;
      alert("instrument_master_unavailable",
            "the leader's broker did not give its instrument list (" +
                instruments.status().message() +
                "); leader orders are skipped as unknown_instrument until it does, and it is "
                "asked again at each one");
    }
    return false;
  }
  for (auto& i : *instruments) {
    i.freeze_qty_units = d::freeze_units(setup_.freeze_limits, i);
    master_[i.key] = std::move(i);
  }
  master_taken_ = true;
  return true;
}

// Every order stream: facts go to the inbox, from the broker threads. The callbacks hold
// the inbox, not the engine: a late one finds no engine to touch.
void Engine::subscribe_streams() {
  // Each leader's stream, each on its own gateway's executor, its updates named for it.
  for (size_t k = 0; k < leaders_.size(); ++k) {
    brokers::Gateway& g = *leaders_[k].gateway;
    const d::LeaderConfigured& l = setup_.leaders[k];
    if (brokers::LeaderFeed* feed = leaders_[k].feed) {  // a shard's: the tap's stream
      feed->start(
          d::fed_seq_of(state(), l.name),  // where its journal holds up to
          [inbox = inbox_, steady = setup_.steady](d::LeaderOrderUpdate update,
                                                   std::function<void()> durable) {
            inbox->push(LeaderFact{std::move(update), steady(), std::move(durable)});
          },
          [inbox = inbox_, account = l.account](bool up, const Status& why) {
            inbox->push(ConnectionFact{account, up, why.ok() ? "" : why.message()});
          });
      continue;
    }
    asio::post(g.executor(), [this, &g, name = l.name, account = l.account] {
      brokers::subscribe_leader(
          g, clock_,
          [inbox = inbox_, steady = setup_.steady, name](d::LeaderOrderUpdate update) {
            update.leader = name;
            inbox->push(LeaderFact{std::move(update), steady(), {}});
          },
          [inbox = inbox_, account](bool up, const Status& why) {
            inbox->push(ConnectionFact{account, up, why.ok() ? "" : why.message()});
          });
    });
  }
  dispatcher_.on_each_thread([inbox = inbox_](const Dispatcher::ThreadFollowers& followers) {
    std::set<brokers::Gateway*> subscribed;  // an account's shares share its stream
    for (const auto& [id, g] : followers) {
      if (!subscribed.insert(g).second) continue;
      brokers::subscribe_follower(*g, id, [inbox](d::FollowerOrderReport report) {
        inbox->push(FollowerFact{std::move(report)});
      });
    }
  });
}

// A paper follower's book lives in memory: its working orders are put back from the state
// the journal rebuilt, so that the leader's later modifies and cancels find them.
void Engine::restore_paper_books() {
  std::map<d::FollowerId, std::vector<brokers::BrokerOrder>> working;
  for (const auto& [leader, copies] : state().mappings.by_leader) {
    for (const auto& [follower, copy] : copies) {
      if (copy.broker_order_id.empty() || projections::status_rank(copy.status) != 1) continue;
      const auto known = state().orders.follower.find(copy.placed_tag);
      brokers::BrokerOrder o;
      static_cast<d::OrderTerms&>(o) = copy.order;
      o.order_id = copy.broker_order_id;
      o.status = copy.status;
      o.filled_units = copy.filled_units;
      o.pending_units = copy.order.quantity_units - copy.filled_units;
      o.average_price_paise =
          known == state().orders.follower.end() ? 0 : known->second.average_price_paise;
      o.tag = copy.placed_tag.value;
      o.broker_status = o.status == d::OrderStatus::trigger_pending ? "TRIGGER PENDING" : "OPEN";
      working[follower].push_back(std::move(o));
    }
  }
  for (auto& [follower, orders] : working) {
    const auto g = followers_.find(follower);
    if (g == followers_.end() || g->second->broker() != "paper") continue;
    brokers::Gateway* gateway = g->second;
    call_on(
        gateway->executor(), [&] { gateway->restore_orders(orders); }, setup_.pump);
  }
}

// Every intent journaled without an ack or a rejection (an earlier run stopped between
// writing it and hearing back) is looked up by tag at its broker, then acknowledged or
// sent again under the same tag.
Status Engine::reconcile_pending() {
  const auto days = store_.days();
  if (!days.ok()) return days.status();
  if (days->empty()) return Status();
  // Intents live at most a trading day; the last two days cover a restart after midnight.
  auto from_day = days->rbegin();
  if (days->size() > 1) ++from_day;
  std::map<d::ClientTag, d::FollowerOrderIntent> pending;
  const Status read =
      journal::read_records(store_, {from_day->second, 0}, [&](journal::Record&& r) {
        if (auto* i = std::get_if<d::FollowerOrderIntent>(&r.event)) {
          pending[i->tag] = std::move(*i);
        } else if (const auto* a = std::get_if<d::FollowerOrderAck>(&r.event)) {
          pending.erase(a->tag);
          dispatcher_.acknowledged(a->tag, a->broker_order_id);
        } else if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
          pending.erase(j->tag);
        }
        return true;
      });
  if (!read.ok()) return read;
  for (const auto& [tag, intent] : pending) dispatcher_.dispatch(intent, std::nullopt, true);
  dispatcher_.release();
  return Status();
}

}  // namespace tandem::engine
