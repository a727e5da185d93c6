// The copy path, input before effect (DESIGN.md invariant 1): a leader update read off its
// stream is synced on its own thread (sequencer.h) while the core decides on it; the orders go to
// their broker threads at once, held at their send gates until the input is durable; the
// decisions and intents follow in the journal without a sync of their own.
#include "engine/engine.h"

#include <boost/asio/post.hpp>
#include "copy/decide.h"
#include "domain/base/assert.h"
#include "net/send_gate.h"

namespace tandem::engine {

namespace asio = boost::asio;
namespace d = ::tandem::domain;

namespace {

projections::OrderState order_state_of(const d::LeaderOrderUpdate& u) {
  return {u.status,      u.quantity_units,     u.filled_units, u.average_price_paise,
          u.price_paise, u.trigger_price_paise};
}

}  // namespace

// A fed update is let go by its feed once durable here (or nothing new), and not otherwise:
// a journal that refused it stops the engine, and the next run gets it again.
Status Engine::handle(LeaderFact& f) {
  Status handled = handle_leader(f);
  if (handled.ok() && f.durable) f.durable();
  return handled;
}

Status Engine::handle_leader(LeaderFact& f) {
  // Under the id the journal keeps it by: a named leader's is qualified (its stream or book
  // set `leader`; the broker's id came as it is).
  f.update.order_id = d::leader_order_id(f.update.leader, f.update.order_id.value);
  const d::LeaderOrderUpdate& update = f.update;
  // A tap stream message delivered again (its acknowledgement was lost, or came too late):
  // decided once already, by its sequence.
  if (update.feed_seq != 0 && update.feed_seq <= d::fed_seq_of(state(), update.leader)) {
    return Status();
  }
  if (Status s = open_day(update.received_time_ns); !s.ok()) return s;
  const auto known = state().orders.leader.find(update.order_id);
  if (known != state().orders.leader.end() &&
      projections::merge(known->second, order_state_of(update)) == known->second) {
    return Status();  // nothing new: a repeat from the stream or the gap fill
  }
  // Ended on an earlier day and forgotten (forget_ended.h): as for a known final order, a
  // later report changes nothing.
  if (state().ended_leader_orders.contains(update.order_id)) return Status();
  if (Status s = ensure_instrument(update.instrument); !s.ok()) return s;
  // The copies of it found at the broker go in first: decided on, it is mirrored from them.
  if (Status s = journal_found(&update.order_id); !s.ok()) return s;
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.leader_updates;
  }
  if (Status s = decide_and_send(update, f.received_steady, &update); !s.ok()) return s;
  if (update.average_price_paise > 0)
    feed_paper_price(update.instrument, update.average_price_paise);
  rules_.watch_drift(update.instrument, setup_.steady());
  return Status();
}

Status Engine::decide_and_send(const d::Event& input, LeaderTime received,
                               const d::LeaderOrderUpdate* copied, std::vector<d::Event>* decided) {
  sequencer_.begin_input(input);
  std::vector<d::Event> outputs = sequencer_.step(input);  // while the disk syncs the input
  if (decided != nullptr) *decided = outputs;
  return send_and_journal(std::move(outputs), received, copied);
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
  Dispatcher::SendGates gates;
  std::vector<d::Event> unsent;
  for (const auto& intent : intents) {
    if (!dispatcher_.dispatch(intent, received, false, &gates)) {
      // A follower without a broker session in this run: say so, do not leave it pending.
      unsent.push_back(d::FollowerOrderRejected{intent.tag, intent.follower, d::OrderFailure::input,
                                                "no broker session for this follower"});
    }
  }
  dispatcher_.release();
  const Result<journal::AppendResult> journaled = sequencer_.end_input();
  dispatcher_.open_gates(gates, journaled.ok());
  if (Status s = noted(journaled.status()); !s.ok()) return s;
  if (!intents.empty() && copied != nullptr) {
    std::lock_guard lock(stats_mu_);
    stats_.leader_sync_bytes += journaled->bytes;
    ++stats_.leader_syncs;
  }
  std::vector<journal::AppendItem> written;
  if (Status s = noted(sequencer_.append_outputs(std::move(outputs), &written)); !s.ok()) return s;
  if (copied != nullptr && !written.empty()) feed_.record_copies(*copied, written);
  return append(std::move(unsent));
}

}  // namespace tandem::engine
