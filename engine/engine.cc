#include "engine/engine.h"

#include "brokers/net/send_gate.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <future>
#include <set>

#include "brokers/await_on.h"
#include "brokers/net/call_counters.h"
#include "copy/decide.h"
#include "crypto/sha256.h"
#include "domain/base/assert.h"
#include "domain/copy/client_tag.h"
#include "engine/intent_executor.h"
#include "engine/lost_outputs.h"
#include "engine/run_on.h"
#include "journal/record_reader.h"
#include "journal/state_restore.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

namespace {

projections::OrderState order_state_of(const d::LeaderOrderUpdate& u) {
  return {u.status,      u.quantity_units,     u.filled_units, u.average_price_paise,
          u.price_paise, u.trigger_price_paise};
}

// What the broker sent, in a canonical text: the digest the journal keeps of it.
std::string digest_of(const brokers::BrokerOrder& o) {
  return crypto::sha256_hex(
      o.order_id.value + "|" + o.broker_status + "|" + std::to_string(o.quantity_units) + "|" +
      std::to_string(o.filled_units) + "|" + std::to_string(o.price_paise) + "|" +
      std::to_string(o.trigger_price_paise) + "|" + std::to_string(o.average_price_paise) + "|" +
      std::to_string(o.exchange_time_ns) + "|" + o.tag);
}

}  // namespace

Engine::Engine(journal::Store& store, EngineSetup setup, brokers::Gateway& leader,
               Followers followers, Clock clock)
    : store_(store),
      setup_(std::move(setup)),
      leader_(leader),
      followers_(std::move(followers)),
      leader_executor_(leader.executor()),
      clock_(std::move(clock)),
      inbox_(std::make_shared<Inbox<Fact>>(setup_.inbox_capacity)) {
  broker_threads_.push_back({leader_executor_, {}});
  for (const auto& [id, g] : followers_) {
    const size_t t = thread_of(*g);
    if (t == broker_threads_.size()) broker_threads_.push_back({g->executor(), {}});
    broker_threads_[t].followers.emplace_back(id, g);
    if (!queues_.contains(g)) queues_[g] = std::make_shared<SendQueue>(setup_.max_at_broker);
  }
}

size_t Engine::thread_of(const brokers::Gateway& gateway) const {
  const auto executor = gateway.executor();
  size_t t = 0;
  while (t < broker_threads_.size() && broker_threads_[t].executor != executor) ++t;
  return t;
}

void Engine::on_each_thread(std::function<void(const ThreadFollowers&)> f) {
  for (const BrokerThread& t : broker_threads_) {
    asio::post(t.executor, [f, &followers = t.followers] { f(followers); });
  }
}

Engine::~Engine() { stop_poller(); }

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
  s.in_flight = in_flight_.load();
  return s;
}

void Engine::request_stop() { inbox_->push(StopFact{}); }

void Engine::stage(std::vector<d::Event> events) {
  const d::TimeNs now = clock_();
  d::TradingDay day = state_.day;
  unsynced_.reserve(unsynced_.size() + events.size());
  for (auto& e : events) {
    if (const auto* opened = std::get_if<d::TradingDayOpened>(&e)) day = opened->day;
    unsynced_.push_back({now, day, std::move(e)});
  }
}

Status Engine::append(std::vector<d::Event> events) {
  if (events.empty()) return Status();
  for (d::Event& e : events) {
    // Every input goes through the core: a follower's order report, a rejection or a resume
    // may decide orders (convergence), which go out once the batch is durable.
    std::vector<d::Event> batch = d::step(state_, e);
    const bool orders = std::any_of(batch.begin(), batch.end(), [](const d::Event& o) {
      return std::holds_alternative<d::FollowerOrderIntent>(o);
    });
    batch.insert(batch.begin(), std::move(e));
    if (orders) {
      if (Status s = journal_and_send(std::move(batch), std::nullopt); !s.ok()) return s;
    } else {
      stage(std::move(batch));
    }
  }
  return deferred_ ? Status() : flush();
}

Status Engine::flush(std::vector<journal::AppendItem>* written, journal::Durability durability) {
  if (unsynced_.empty()) return Status();
  const auto t0 = std::chrono::steady_clock::now();
  auto appended = store_.append(unsynced_, durability);
  const size_t records = unsynced_.size();
  if (written != nullptr) *written = std::move(unsynced_);
  unsynced_.clear();
  note_append(appended, t0, records);
  return appended.status();
}

void Engine::note_append(const Result<journal::AppendResult>& appended,
                         std::chrono::steady_clock::time_point began, size_t records) {
  live_.counters.journal_append.add(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
  ++live_.counters.journal_batches;
  live_.counters.journal_records += static_cast<int64_t>(records);
  flushed_bytes_ = appended.ok() ? appended->bytes : 0;
  if (!appended.ok()) {
    live_.journal_ok = false;
    alert("journal_failed",
          "the journal refused a write; the engine stopped: " + appended.status().message());
    publish_view(true);
  }
}

Status Engine::open_day(d::TimeNs at) {
  const d::TradingDay day = d::ist_trading_day(at);
  if (day == state_.day) return Status();
  return append({d::TradingDayOpened{day}});
}

Status Engine::ensure_instrument(const d::InstrumentKey& key) {
  if (state_.instruments.contains(key)) return Status();
  const auto it = master_.find(key);
  if (it == master_.end()) return Status();  // decide() skips it, naming the reason
  watch_prices({it->second});
  return append({d::InstrumentSnapshot{it->second}});
}

Status Engine::start() {
  uses_kite_ = setup_.leader_broker == d::Broker::kite ||
               std::any_of(setup_.followers.begin(), setup_.followers.end(),
                           [](const auto& f) { return f.broker == d::Broker::kite; });
  // A crash between an input's sync and its decisions' append left them missing: they are
  // decided again and appended first (lost_outputs.h); reconcile_pending() below finds
  // their tags at the brokers.
  auto restored = restore_deciding_lost_outputs(store_);
  if (!restored.ok()) return restored.status();
  state_ = std::move(restored->restored.state);
  {
    std::lock_guard lock(stats_mu_);
    stats_.decided_again = restored->decided_again;
  }

  std::vector<d::Event> config;
  config.push_back(d::EngineStarted{setup_.version, setup_.config_hash});
  if (state_.leader != setup_.leader) {
    config.push_back(d::LeaderConfigured{setup_.leader, setup_.leader_broker});
  }
  const std::set<d::TradingDay> holidays(setup_.holidays.begin(), setup_.holidays.end());
  if (state_.calendar.holidays != holidays || state_.day == 0) {
    config.push_back(d::MarketCalendarConfigured{{holidays.begin(), holidays.end()}});
  }
  for (const auto& f : setup_.followers) {
    const auto it = state_.followers.find(f.follower);
    if (it == state_.followers.end() || !(it->second == f)) {
      config.push_back(d::FollowerConfigured{f});
    }
  }
  if (Status s = open_day(clock_()); !s.ok()) return s;
  if (Status s = append(std::move(config)); !s.ok()) return s;

  // Instruments and funds, from the brokers (a failure here is reported, not fatal: a
  // follower without funds is skipped by decide() with that reason).
  auto instruments = run_on<Result<std::vector<d::Instrument>>>(
      leader_executor_, [this] { return leader_.instruments(); });
  if (instruments.ok()) {
    for (auto& i : *instruments) {
      i.freeze_qty_units = d::freeze_units(setup_.freeze_limits, i);
      master_[i.key] = std::move(i);
    }
  }
  std::vector<d::Event> funds;
  auto take_funds = [&](const d::AccountId& account, brokers::Gateway& g) {
    auto f = run_on<Result<brokers::Funds>>(g.executor(), [&g] { return g.funds(); });
    if (f.ok()) funds.push_back(d::FundsSnapshot{account, f->available_paise});
  };
  take_funds(setup_.leader, leader_);
  for (const auto& f : setup_.followers) {
    const auto g = followers_.find(f.follower);
    if (g != followers_.end()) take_funds(f.account, *g->second);
  }
  if (Status s = append(std::move(funds)); !s.ok()) return s;

  restore_paper_books();
  read_broker_books();
  // Streams: facts go to the inbox, from the broker threads.
  // The callbacks hold the inbox, not the engine: a late one finds no engine to touch.
  asio::post(leader_executor_, [this] {
    leader_.subscribe(
        [inbox = inbox_, clock = clock_](const brokers::BrokerOrder& o, bool recovered) {
          inbox->push(LeaderFact{o, recovered, clock(), std::chrono::steady_clock::now()});
        },
        [inbox = inbox_, leader = setup_.leader](bool up, const Status& why) {
          inbox->push(ConnectionFact{leader, up, why.ok() ? "" : why.message()});
        });
  });
  on_each_thread([inbox = inbox_](const ThreadFollowers& followers) {
    for (const auto& [id, g] : followers) {
      g->subscribe(
          [inbox, id = id](const brokers::BrokerOrder& o, bool) {
            inbox->push(FollowerFact{id, o});
          },
          [](bool, const Status&) {});
    }
  });
  std::vector<d::Instrument> in_use;
  for (const auto& [key, instrument] : state_.instruments) in_use.push_back(instrument);
  watch_prices(std::move(in_use));
  Status reconciled = reconcile_pending();
  publish_view(true);
  return reconciled;
}

// A paper follower's book lives in memory: its working orders are put back from the state
// the journal rebuilt, so that the leader's later modifies and cancels find them.
void Engine::restore_paper_books() {
  std::map<d::FollowerId, std::vector<brokers::BrokerOrder>> working;
  for (const auto& [leader, copies] : state_.mappings.by_leader) {
    for (const auto& [follower, copy] : copies) {
      if (copy.broker_order_id.empty() || projections::status_rank(copy.status) != 1) continue;
      const auto known = state_.orders.follower.find(copy.placed_tag);
      brokers::BrokerOrder o;
      o.order_id = copy.broker_order_id;
      o.status = copy.status;
      o.instrument = copy.order.instrument;
      o.side = copy.order.side;
      o.order_type = copy.order.order_type;
      o.product = copy.order.product;
      o.validity = copy.order.validity;
      o.quantity_units = copy.order.quantity_units;
      o.filled_units = copy.filled_units;
      o.pending_units = copy.order.quantity_units - copy.filled_units;
      o.price_paise = copy.order.price_paise;
      o.trigger_price_paise = copy.order.trigger_price_paise;
      o.average_price_paise =
          known == state_.orders.follower.end() ? 0 : known->second.average_price_paise;
      o.tag = copy.placed_tag.value;
      o.broker_status = o.status == d::OrderStatus::trigger_pending ? "TRIGGER PENDING" : "OPEN";
      working[follower].push_back(std::move(o));
    }
  }
  for (auto& [follower, orders] : working) {
    const auto g = followers_.find(follower);
    if (g == followers_.end() || g->second->broker() != "paper") continue;
    brokers::Gateway* gateway = g->second;
    std::promise<void> done;
    asio::post(gateway->executor(), [&] {
      gateway->restore_orders(orders);
      done.set_value();
    });
    done.get_future().wait();
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
          acked_ids_[a->tag] = a->broker_order_id;
        } else if (const auto* j = std::get_if<d::FollowerOrderRejected>(&r.event)) {
          pending.erase(j->tag);
        }
        return true;
      });
  if (!read.ok()) return read;
  for (const auto& [tag, intent] : pending) dispatch(intent, std::nullopt, true);
  release_sends();
  return Status();
}

void Engine::feed_paper_price(const d::InstrumentKey& key, int64_t price_paise) {
  on_each_thread([key, price_paise](const ThreadFollowers& followers) {
    for (const auto& [id, g] : followers) g->reference_price(key, price_paise);
  });
}

Status Engine::handle(LeaderFact& f) {
  if (Status s = open_day(f.received_ns); !s.ok()) return s;
  d::LeaderOrderUpdate update =
      brokers::to_leader_update(f.order, f.received_ns, digest_of(f.order));
  update.recovered = f.recovered;
  const auto known = state_.orders.leader.find(update.order_id);
  if (known != state_.orders.leader.end() &&
      projections::merge(known->second, order_state_of(update)) == known->second) {
    return Status();  // nothing new: a repeat from the stream or the gap fill
  }
  // Ended on an earlier day and forgotten (forget_ended.h): as for a known final order, a
  // later report changes nothing.
  if (state_.ended_leader_orders.contains(update.order_id)) return Status();
  if (Status s = ensure_instrument(update.instrument); !s.ok()) return s;
  // The copies of it found at the broker go in first: decided on, it is mirrored from them.
  if (Status s = journal_found(&update.order_id); !s.ok()) return s;
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.leader_updates;
  }
  Status journaled;
  decide_and_send(update, f.received_steady, &update, &journaled);
  if (!journaled.ok()) return journaled;
  if (update.average_price_paise > 0)
    feed_paper_price(update.instrument, update.average_price_paise);
  watch_drift(update.instrument);
  return Status();
}

Status Engine::journal_and_send(std::vector<d::Event> batch, LeaderTime received,
                                const d::LeaderOrderUpdate* copied) {
  TANDEM_REQUIRE(!batch.empty() && d::decided_for(batch.front()) == nullptr);
  std::vector<d::Event> outputs(std::make_move_iterator(batch.begin() + 1),
                                std::make_move_iterator(batch.end()));
  batch.resize(1);
  begin_input_sync(std::move(batch.front()));
  return send_and_journal(std::move(outputs), received, copied);
}

std::vector<d::Event> Engine::decide_and_send(const d::Event& input, LeaderTime received,
                                              const d::LeaderOrderUpdate* copied,
                                              Status* journaled) {
  begin_input_sync(input);
  std::vector<d::Event> outputs = d::step(state_, input);  // while the disk syncs the input
  *journaled = send_and_journal(outputs, received, copied);
  return outputs;
}

void Engine::begin_input_sync(d::Event input) {
  // What was staged before the input goes with it: the journal keeps the engine's order.
  stage({std::move(input)});
  input_sync_started_ = std::chrono::steady_clock::now();
  input_sync_.begin(std::exchange(unsynced_, {}));
}

Status Engine::end_input_sync() {
  std::vector<journal::AppendItem> items;
  auto appended = input_sync_.end(&items);
  note_append(appended, input_sync_started_, items.size());
  return appended.status();
}

Status Engine::send_and_journal(std::vector<d::Event> outputs, LeaderTime received,
                                const d::LeaderOrderUpdate* copied) {
  std::vector<d::FollowerOrderIntent> intents;
  {
    std::lock_guard lock(stats_mu_);
    for (const auto& e : outputs) {
      if (const auto* c = std::get_if<d::CopyDecision>(&e); c && c->action == d::CopyAction::skip) {
        ++stats_.skips[std::string(d::to_string(c->skip_reason))];
      }
      if (const auto* i = std::get_if<d::FollowerOrderIntent>(&e)) intents.push_back(*i);
    }
    stats_.intents += static_cast<int64_t>(intents.size());
  }
  // Input before effect (DESIGN.md invariant 1), overlapped with the brokers' work: the
  // orders go to their broker threads now and are built there while the input syncs; each
  // waits at its thread's gate, just before its first byte is written, until the input is
  // durable (send_gate.h). The decisions and intents follow in the journal at once, written
  // without a sync of their own (a kill -9 cannot lose them; after a power cut the next
  // start decides them again, lost_outputs.h), so the bytes synced before the orders leave
  // do not grow with the number of followers.
  SendGates gates;
  std::vector<d::Event> unsent;
  for (const auto& intent : intents) {
    if (!dispatch(intent, received, false, &gates)) {
      // A follower without a broker session in this run: say so, do not leave it pending.
      unsent.push_back(d::FollowerOrderRejected{intent.tag, intent.follower, "input",
                                                "no broker session for this follower"});
    }
  }
  release_sends();
  // Anything staged meanwhile (an alert) goes after the decisions: they follow their input.
  std::vector<journal::AppendItem> staged_meanwhile = std::exchange(unsynced_, {});
  const Status journaled = end_input_sync();
  for (size_t t = 0; t < gates.size(); ++t) {
    if (!gates[t]) continue;
    asio::post(broker_threads_[t].executor,
               [gate = gates[t], open = journaled.ok()] { open ? gate->open() : gate->close(); });
  }
  if (!journaled.ok()) return journaled;
  if (!intents.empty()) {
    if (copied != nullptr) {
      std::lock_guard lock(stats_mu_);
      stats_.leader_sync_bytes += flushed_bytes_;
      ++stats_.leader_syncs;
    }
    crash_after_input_sync_.pass();
  }
  if (!outputs.empty()) {
    stage(std::move(outputs));
    std::vector<journal::AppendItem> written;
    if (Status s = flush(&written, journal::Durability::written); !s.ok()) return s;
    if (copied != nullptr) record_copies(*copied, written);
  }
  unsynced_.insert(unsynced_.end(), std::make_move_iterator(staged_meanwhile.begin()),
                   std::make_move_iterator(staged_meanwhile.end()));
  return append(std::move(unsent));
}

Status Engine::handle(OutcomeFact& f) {
  --in_flight_;
  {
    std::lock_guard lock(stats_mu_);
    if (!f.acked.empty()) {
      ++stats_.acks;
      if (f.leader_received) {
        const auto since_leader = [&](std::chrono::steady_clock::time_point t) {
          return std::chrono::duration_cast<std::chrono::nanoseconds>(t - *f.leader_received)
              .count();
        };
        const int64_t ns = since_leader(std::chrono::steady_clock::now());
        add_latency_sample(stats_.ack_latency_ns, ns);
        if (f.sent) {
          const int64_t sent_ns = since_leader(*f.sent);
          add_latency_sample(stats_.send_latency_ns, sent_ns);
          live_.counters.send_latency.add(static_cast<double>(sent_ns) / 1e6);
        }
        live_.counters.copy_latency.add(static_cast<double>(ns) / 1e6);
        record_outcome(f, static_cast<double>(ns) / 1e6);
      } else {
        record_outcome(f, -1);
      }
    } else {
      record_outcome(f, -1);
      ++stats_.rejections;
    }
  }
  std::vector<d::Event> events;
  if (!f.acked.empty()) {
    events.push_back(d::FollowerOrderAck{f.intent.tag, f.intent.follower, f.acked});
    if (token_refused_.erase(f.intent.follower) > 0) {
      std::lock_guard lock(stats_mu_);
      stats_.stopped_followers.erase(f.intent.follower.value);
    }
  } else {
    events.push_back(
        d::FollowerOrderRejected{f.intent.tag, f.intent.follower, f.error_class, f.message});
    if (f.error_class == d::kUnsent || f.error_class == d::kQueueTimeout) {
      // Raised (journaled, shown) per order; delivered once per follower and kind within
      // the dispatcher's dedupe window, by its key: the operator needs to know that some
      // were not sent, the journal has each one.
      alert(f.error_class == d::kUnsent ? "orders_unsent" : "orders_dropped",
            f.intent.follower.value + " " + std::string(d::to_string(f.intent.action)) + " " +
                f.intent.tag.value + " " + f.message,
            std::string(f.error_class) + ":" + f.intent.follower.value);
    }
    if (f.error_class == "unauthenticated" && token_refused_.insert(f.intent.follower).second) {
      // One alert per follower, not one per order: the session has stopped calling the
      // broker, and every later order of this account is refused the same way until a new
      // token is stored (tandem login).
      const auto settings =
          std::find_if(setup_.followers.begin(), setup_.followers.end(),
                       [&](const auto& s) { return s.follower == f.intent.follower; });
      const d::AccountId account = settings == setup_.followers.end()
                                       ? d::AccountId{f.intent.follower.value}
                                       : settings->account;
      const d::Broker broker =
          settings == setup_.followers.end() ? d::Broker::paper : settings->broker;
      const std::string why = "stopped: the broker refused the access token (" + f.message +
                              "); store a new one with tandem login " +
                              std::string(d::to_string(broker)) +
                              ", then systemctl reload tandem (SIGHUP)";
      events.push_back(d::BrokerConnectionChanged{account, broker, false, why});
      alert("follower_stopped", f.intent.follower.value + " " + why,
            "follower_stopped:" + f.intent.follower.value);
      std::lock_guard lock(stats_mu_);
      stats_.stopped_followers[f.intent.follower.value] = why;
    }
  }
  // Changes that waited for this order: sent now, or refused with it.
  const auto parked = parked_.extract(f.intent.tag);
  if (!parked.empty()) {
    for (const Parked& p : parked.mapped()) {
      if (f.acked.empty()) {
        --in_flight_;
        events.push_back(
            d::FollowerOrderRejected{p.intent.tag, p.intent.follower, f.error_class,
                                     "the order it changes was not placed: " + f.message});
      }
    }
  }
  if (Status s = append(std::move(events)); !s.ok()) return s;
  if (!f.acked.empty()) {
    acked_ids_[f.intent.tag] = f.acked;
    if (!parked.empty()) {
      if (Status s = flush(); !s.ok()) return s;  // the ack is durable before the change goes
    }
    if (!parked.empty()) {
      for (const Parked& p : parked.mapped()) {
        d::FollowerOrderIntent resolved = p.intent;
        resolved.target_order_id = f.acked;
        send(resolved, p.leader_received, p.look_first);
      }
      release_sends();
    }
  }
  return Status();
}

Status Engine::handle(FollowerFact& f) {
  if (f.order.tag.empty()) return Status();
  d::ClientTag tag{f.order.tag};
  if (!state_.mappings.by_tag.contains(tag)) return Status();  // not an order of ours
  if (const d::BrokerOrderId* ours = order_of_tag(tag);
      ours != nullptr && !(*ours == f.order.order_id)) {
    const d::ClientTag second = d::second_order_tag(tag, f.order.order_id);
    if (!state_.mappings.by_tag.contains(second)) return found_second_order(f.follower, f.order);
    tag = second;  // found before: its reports fold under its own key
  }
  d::FollowerOrderUpdate u{tag,
                           f.follower,
                           f.order.order_id,
                           f.order.status,
                           f.order.filled_units,
                           f.order.average_price_paise,
                           f.order.exchange_time_ns,
                           f.order.quantity_units};
  const auto known = state_.orders.follower.find(tag);
  if (known != state_.orders.follower.end()) {
    projections::OrderState update{u.status,
                                   u.quantity_units,
                                   u.filled_units,
                                   u.average_price_paise,
                                   known->second.price_paise,
                                   known->second.trigger_price_paise};
    if (projections::merge(known->second, update) == known->second) return Status();
  }
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.follower_updates;
  }
  if (const auto order = state_.positions.follower_orders.find(tag);
      order != state_.positions.follower_orders.end()) {
    watch_drift(order->second.key.instrument);
  }
  return append({std::move(u)});
}

Status Engine::handle(ConnectionFact& f) {
  leader_connected_ = f.connected;
  if (f.connected) {
    if (leader_was_connected_) ++live_.counters.leader_reconnects;
    leader_was_connected_ = true;
    leader_down_since_.reset();
    leader_down_alerted_ = false;
  } else if (!leader_down_since_) {
    leader_down_since_ = std::chrono::steady_clock::now();  // alerted if it lasts (rules)
  }
  return append(
      {d::BrokerConnectionChanged{f.account, setup_.leader_broker, f.connected, f.detail}});
}

std::future<Result<CommandDone>> Engine::command(OperatorCommand command) {
  auto done = std::make_shared<std::promise<Result<CommandDone>>>();
  auto result = done->get_future();
  inbox_->push(OperatorFact{std::move(command), std::move(done)});
  return result;
}

// Controls are idempotent: a pause of a paused follower (a resume of a running one, a kill
// switch with everyone paused) journals nothing and raises no alert; the answer says so.
Status Engine::handle(OperatorFact& f) {
  using Kind = OperatorCommand::Kind;
  const OperatorCommand& c = f.command;
  const bool one = c.kind == Kind::pause || c.kind == Kind::resume || c.kind == Kind::flatten;
  if (one && !state_.followers.contains(c.follower)) {
    f.done->set_value(Status::not_found("no follower " + c.follower.value));
    return Status();
  }
  std::vector<d::Event> events;
  const bool paused = one && state_.paused.contains(c.follower);
  if ((c.kind == Kind::pause || (c.kind == Kind::flatten && c.pause_first)) && !paused) {
    events.push_back(d::FollowerPaused{c.follower, c.by, c.reason});
  } else if (c.kind == Kind::resume && paused) {
    events.push_back(d::FollowerResumed{c.follower, c.by});
  } else if (c.kind == Kind::pause_all || c.kind == Kind::resume_all) {
    // The kill switch: every follower paused in one durable batch (and back again).
    for (const auto& [id, settings] : state_.followers) {
      const bool is_paused = state_.paused.contains(id);
      if (c.kind == Kind::pause_all && !is_paused) {
        events.push_back(d::FollowerPaused{id, c.by, c.reason.empty() ? "kill switch" : c.reason});
      } else if (c.kind == Kind::resume_all && is_paused) {
        events.push_back(d::FollowerResumed{id, c.by});
      }
    }
  }
  std::string what;
  const bool changed = !events.empty() || c.kind == Kind::flatten;
  Status s = append(std::move(events));
  if (s.ok() && c.kind == Kind::flatten) {
    // The request's time makes its tags unique; decide() turns it into the orders.
    const d::FollowerFlattenRequested request{c.follower, c.by, std::to_string(clock_())};
    const size_t orders = decide_and_send(request, std::nullopt, nullptr, &s).size() / 2;
    what = std::string(c.pause_first && !paused ? "paused and flattened " : "flatten ") +
           c.follower.value + ": " + std::to_string(orders) +
           " orders (cancels and closing orders)";
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

void Engine::record_copies(const d::LeaderOrderUpdate& u,
                           std::span<const journal::AppendItem> batch) {
  CopyRow row;
  row.at_ns = u.received_time_ns;
  row.leader_order_id = u.order_id.value;
  row.instrument = d::to_text(u.instrument);
  row.side = std::string(d::to_string(u.side));
  row.status = std::string(d::to_string(u.status));
  row.quantity_units = u.quantity_units;
  row.filled_units = u.filled_units;
  row.recovered = u.recovered;
  const d::CopyDecision* decision = nullptr;
  for (const journal::AppendItem& item : batch) {
    const d::Event& e = item.event;
    if (const auto* c = std::get_if<d::CopyDecision>(&e)) {
      decision = c;
      if (c->action != d::CopyAction::skip) continue;  // its intent follows
      row.followers.push_back({c->follower.value, "skip", std::string(d::to_string(c->skip_reason)),
                               0, "", "skipped", "", -1});
    } else if (const auto* i = std::get_if<d::FollowerOrderIntent>(&e)) {
      row.followers.push_back({i->follower.value, std::string(d::to_string(i->action)), "",
                               decision != nullptr ? decision->quantity_units : 0, i->tag.value,
                               "sent", "", -1});
    }
  }
  const uint64_t id = first_copy_id_ + copies_.size();
  for (size_t i = 0; i < row.followers.size(); ++i) {
    if (!row.followers[i].tag.empty()) copy_of_tag_[row.followers[i].tag] = {id, i};
  }
  copies_.push_back(std::make_shared<CopyRow>(std::move(row)));
  while (copies_.size() > kRecentCopies) {
    for (const auto& f : copies_.front()->followers) copy_of_tag_.erase(f.tag);
    copies_.pop_front();
    ++first_copy_id_;
  }
}

void Engine::record_outcome(const OutcomeFact& f, double latency_ms) {
  const auto settings = state_.followers.find(f.intent.follower);
  const std::string broker_name = settings == state_.followers.end()
                                      ? "unknown"
                                      : std::string(d::to_string(settings->second.broker));
  ++live_.counters.orders[{broker_name, f.acked.empty() ? "rejected" : "acked"}];
  outcomes_.emplace_back(std::chrono::steady_clock::now(), f.acked.empty() ? 1 : 0);
  FollowerAnswers& answers = answers_[f.intent.follower.value];
  answers.last = f.acked.empty() ? "rejected: " + f.message : "acked " + f.acked.value;
  answers.at_ns = clock_();
  ++(f.acked.empty() ? answers.rejected : answers.acked);
  if (latency_ms >= 0) {
    answers.latency.add(latency_ms);
    answers.latencies_ms.push_back(latency_ms);
    if (answers.latencies_ms.size() > FollowerAnswers::kKept) answers.latencies_ms.pop_front();
    answers.changed = true;
  }
  rejected_in_window_ += f.acked.empty() ? 1 : 0;
  const auto where = copy_of_tag_.find(f.intent.tag.value);
  if (where == copy_of_tag_.end()) return;  // older than the rows kept
  auto& row = copies_[where->second.first - first_copy_id_];
  if (row.use_count() > 1) row = std::make_shared<CopyRow>(*row);  // a published view holds it
  auto& follower = row->followers[where->second.second];
  follower.state = f.acked.empty() ? "rejected" : "acked";
  follower.detail = f.acked.empty() ? f.message : f.acked.value;
  follower.latency_ms = latency_ms;
}

void Engine::alert(std::string kind, std::string text, std::string key) {
  if (key.empty()) key = kind;
  const d::TimeNs now = clock_();
  live_.alerts.push_back({now, kind, text});
  while (live_.alerts.size() > kRecentAlerts) live_.alerts.pop_front();
  // Journaled with the next write (but for the journal's own failure: nothing can be).
  if (live_.journal_ok) {
    std::vector<d::Event> raised{d::AlertRaised{kind, key, text}};
    (void)append(std::move(raised));  // a failure surfaces from flush()
  }
  if (on_alert_) on_alert_(AlertRow{now, std::move(kind), std::move(text)}, key);
}

// The rules that look at time rather than at one fact (DESIGN.md; docs/operations.md).
void Engine::check_alert_rules() {
  const auto now = std::chrono::steady_clock::now();
  if (!leader_connected_ && leader_down_since_ && !leader_down_alerted_ &&
      now - *leader_down_since_ >= setup_.leader_down_alert_after) {
    leader_down_alerted_ = true;
    alert("leader_disconnected",
          "the leader's order stream has been down for " +
              std::to_string(
                  std::chrono::duration_cast<std::chrono::seconds>(now - *leader_down_since_)
                      .count()) +
              " s; orders it places meanwhile are recovered from its order book on reconnect");
  }
  // Order errors over 5% of the last 5 minutes' answers (at least 20 of them).
  while (!outcomes_.empty() && now - outcomes_.front().first > std::chrono::minutes(5)) {
    rejected_in_window_ -= outcomes_.front().second;
    outcomes_.pop_front();
  }
  const auto answered = static_cast<int64_t>(outcomes_.size());
  if (answered >= 20 && rejected_in_window_ * 20 > answered &&
      (!errors_alerted_at_ || now - *errors_alerted_at_ > std::chrono::minutes(5))) {
    errors_alerted_at_ = now;
    alert("order_errors", std::to_string(rejected_in_window_) + " of the last " +
                              std::to_string(answered) +
                              " follower orders were rejected (over 5% in 5 minutes)");
  }
  // Kite access tokens die at 06:00 IST every day: say so from 05:30 while running.
  const d::TimeNs t = clock_();
  const int minute = d::ist_minute_of_day(t);
  const d::TradingDay today = d::ist_trading_day(t);
  if (uses_kite_ && minute >= 5 * 60 + 30 && minute < 6 * 60 && token_alert_day_ != today) {
    token_alert_day_ = today;
    alert("token_expiring",
          "Kite access tokens expire at 06:00 IST: run tandem login for each Kite account, then "
          "systemctl reload tandem (SIGHUP: the new tokens, no restart)",
          "token_expiring:" + std::to_string(today));
  }
}

void Engine::publish_view(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - published_at_ < kViewInterval) return;
  published_at_ = now;
  auto view = std::make_shared<OperatorView>();
  view->at_ns = clock_();
  view->leader = setup_.leader.value;
  view->leader_broker = std::string(d::to_string(setup_.leader_broker));
  view->leader_connected = leader_connected_;
  view->journal_ok = live_.journal_ok;
  view->journal_head = store_.head().seq;
  view->day = state_.day;
  view->copies.assign(copies_.begin(), copies_.end());
  view->alerts = live_.alerts;
  view->counters = live_.counters;
  view->counters.inbox_depth = static_cast<int64_t>(inbox_->depth());
  view->counters.rate_limit_waits = brokers::net::call_counters().rate_limit_waits;
  view->counters.rate_limited_answers = brokers::net::call_counters().rate_limited_answers;
  view->counters.send_queue_waits = 0;
  for (const auto& [gateway, queue] : queues_) view->counters.send_queue_waits += queue->waits();
  {
    std::lock_guard lock(stats_mu_);
    view->counters.leader_updates = stats_.leader_updates;
    view->counters.intents = stats_.intents;
    view->counters.skips = stats_.skips;
    view->followers = follower_rows(state_, stats_.stopped_followers);
  }
  view->live = setup_.live;
  view->build_version = setup_.version;
  for (FollowerRow& row : view->followers) {
    const auto it = answers_.find(row.id);
    if (it == answers_.end()) continue;
    FollowerAnswers& a = it->second;
    if (a.changed && !a.latencies_ms.empty()) {
      // Only for followers answered since the last view: a view every 200 ms must not sort
      // a thousand followers' latencies on the engine thread.
      std::vector<double> v(a.latencies_ms.begin(), a.latencies_ms.end());
      const auto at = [&v](size_t k) {
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
        return v[k];
      };
      a.p50_ms = at((v.size() - 1) / 2);
      a.p99_ms = at((v.size() - 1) * 99 / 100);
      a.changed = false;
    }
    row.last_answer = a.last;
    row.last_answer_ns = a.at_ns;
    row.acked_total = a.acked;
    row.rejected_total = a.rejected;
    row.latency = a.latency;
    row.latency_p50_ms = a.p50_ms;
    row.latency_p99_ms = a.p99_ms;
  }
  std::lock_guard lock(view_mu_);
  view->version = published_->version + 1;
  published_ = std::move(view);
}

std::shared_ptr<const OperatorView> Engine::view() const {
  std::lock_guard lock(view_mu_);
  return published_;
}

// On the leader's executor: every funds_interval, each account's funds, as facts, until
// stop_poller() cancels the timer and waits for this to end. Each account is asked on its
// own gateway's executor.
asio::awaitable<void> Engine::poll_funds() {
  std::vector<std::pair<d::AccountId, brokers::Gateway*>> accounts = {{setup_.leader, &leader_}};
  for (const auto& f : setup_.followers) {
    const auto g = followers_.find(f.follower);
    if (g != followers_.end()) accounts.emplace_back(f.account, g->second);
  }
  while (!stopping_) {
    funds_timer_->expires_after(setup_.funds_interval);
    co_await funds_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    for (const auto& [account, gateway] : accounts) {
      if (stopping_) break;
      brokers::Gateway* g = gateway;
      Result<brokers::Funds> funds = co_await brokers::await_on<Result<brokers::Funds>>(
          g->executor(), [g] { return g->funds(); });
      if (funds.ok() && !stopping_) inbox_->push(FundsFact{account, funds->available_paise});
    }
  }
}

void Engine::stop_poller() {
  stopping_ = true;
  if (!poller_done_) return;
  asio::post(leader_executor_, [this] { funds_timer_->cancel(); });
  poller_done_->get_future().wait();
  poller_done_.reset();
}

Status Engine::handle(FundsFact& f) {
  const auto known = state_.funds_paise.find(f.account);
  if (known != state_.funds_paise.end() && known->second == f.available_paise) return Status();
  return append({d::FundsSnapshot{f.account, f.available_paise}});
}

Status Engine::handle_fact(Fact& fact, bool& stopping,
                           std::chrono::steady_clock::time_point& deadline) {
  if (std::holds_alternative<StopFact>(fact)) {
    if (!stopping) {
      deadline = std::chrono::steady_clock::now() + setup_.shutdown_bound;
      drop_queued_entries();
    }
    stopping = true;
    stopping_ = true;
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

Status Engine::run() {
  if (setup_.funds_interval.count() > 0) {
    funds_timer_ = std::make_unique<asio::steady_timer>(leader_executor_);
    poller_done_.emplace();
    asio::co_spawn(leader_executor_, poll_funds(),
                   [this](std::exception_ptr) { poller_done_->set_value(); });
  }
  bool stopping = false;
  auto deadline = std::chrono::steady_clock::time_point::max();
  Status failure;
  // A burst of facts (100 followers' acks and fills arrive together) is handled as one
  // group: every fact folded in order, one synced journal write at the end.
  constexpr int kMaxGroup = 1024;
  while (true) {
    auto fact = inbox_->pop(std::chrono::milliseconds(50));
    if (!fact) {
      check_alert_rules();
      // Only when quiet: it reads every follower's positions, off the copy path.
      check_drift(std::chrono::steady_clock::now());
      if (Status s = stopping ? Status() : tick_clock(); !s.ok()) {
        failure = s;
        break;
      }
      // Prices held back by the snapshot interval go out once it has passed.
      if (Status s = snapshot_prices(); !s.ok()) {
        failure = s;
        break;
      }
      if (Status s = flush(); !s.ok()) {
        failure = s;
        break;
      }
      publish_view(false);  // quiet: what changed last shows within kViewInterval
      if (stopping && (in_flight_ <= 0 || std::chrono::steady_clock::now() > deadline)) break;
      continue;
    }
    deferred_ = true;
    for (int handled = 1;; ++handled) {
      failure = handle_fact(*fact, stopping, deadline);
      if (!failure.ok() || handled == kMaxGroup) break;
      fact = inbox_->try_pop();
      if (!fact) break;
    }
    if (failure.ok()) check_alert_rules();
    deferred_ = false;
    if (failure.ok()) failure = flush();
    if (failure.ok() && !stopping) failure = tick_clock();  // a busy engine is never quiet
    if (!failure.ok()) break;  // the journal failed: nothing more may be acted on
    publish_view(false);
    if (progress_) progress_(stats());
    if (stopping && in_flight_ <= 0) break;
  }
  // Still queued at the bound (the brokers' threads still run): journaled as not sent.
  const int unsent = failure.ok() ? journal_unsent() : 0;
  if (failure.ok()) failure = flush();
  stop_poller();
  // The streams stop on their broker threads; wait for each, so that nothing there runs
  // against this engine once run() has returned.
  brokers::stop_and_wait(leader_);
  for (const auto& [id, g] : followers_) brokers::stop_and_wait(*g);
  if (!failure.ok()) return failure;
  const int left = in_flight_.load();
  std::string how;
  if (left > 0) how = std::to_string(left) + " orders in flight at stop: reconciled on restart";
  if (unsent > 0) {
    how += std::string(how.empty() ? "" : "; ") + std::to_string(unsent) +
           " queued orders not sent (journaled as unsent)";
  }
  Status stopped = append({d::EngineStopped{how.empty() ? "stopped" : how}});
  publish_view(true);
  return stopped;
}

}  // namespace tandem::engine
