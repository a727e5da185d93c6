// The broker's book as the last word on what was sent (issue 23). The journal says which
// follower orders Tandem placed; a journal restored from a backup, or one whose last writes
// were lost, can say less than the brokers know. So at start every follower's order book of
// the day is read and its tags kept: a place decided again under a tag the broker already
// has is looked up there (and acknowledged with the broker's order), never sent a second
// time. Tags the journal does not hold at all are orphans: each is journaled as a
// FollowerOrderFound, so its fills count in the follower's position and nothing is bought
// twice, and an alert names them. A second order under one of our tags (the tag reused by
// hand, an autoslice child) is journaled as found under a key of its own, so its fills count
// too, and not as the first order's.
#include <map>

#include "domain/copy/client_tag.h"
#include "engine/engine.h"
#include "engine/run_on.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

namespace {

// A follower's copies of one leader order take ordinals 1, 2, … (a place, then modifies and
// cancels); an orphan is matched against this many of each.
constexpr uint32_t kOrdinalsMatched = 32;

// The copy each of `follower`'s tags would be, for the leader's orders of the day.
using CopyOfTag = std::map<std::string, std::pair<d::LeaderOrderId, uint32_t>>;
CopyOfTag copies_of_leader(const std::vector<brokers::BrokerOrder>& leader_book,
                           const d::FollowerId& follower, const d::LeaderId& leader,
                           std::string_view tag_code) {
  CopyOfTag out;
  for (const auto& o : leader_book) {
    const d::LeaderOrderId id = d::leader_order_id(leader, o.order_id.value);
    for (uint32_t k = 1; k <= kOrdinalsMatched; ++k) {
      out.emplace(d::client_tag(id, follower, k, tag_code).value, std::pair(id, k));
    }
  }
  return out;
}

d::FollowerOrderFound found_of(const d::FollowerOrderReport& o, const CopyOfTag& copies) {
  d::FollowerOrderFound f;
  f.follower = o.follower;
  f.tag = d::ClientTag{o.tag};
  const auto copy = copies.find(o.tag);
  f.leader_order_id =
      copy != copies.end() ? copy->second.first : d::LeaderOrderId{"found:" + o.tag};
  f.ordinal = copy != copies.end() ? copy->second.second : 1;
  f.broker_order_id = o.order_id;
  f.order = o;  // its terms
  f.status = o.status;
  f.filled_units = o.filled_units;
  f.average_price_paise = o.average_price_paise;
  f.exchange_time_ns = o.exchange_time_ns != 0 ? o.exchange_time_ns : o.order_time_ns;
  return f;
}

}  // namespace

// One follower's book: its tags kept, a lost ack taken from it, a second order under one of
// our tags journaled, and what the journal does not hold added to `orphans` (alerted).
void Engine::read_broker_book(const d::FollowerId& follower, brokers::Gateway* gateway,
                              std::vector<d::FollowerOrderReport>& orphans) {
  auto book = run_on<Result<std::vector<brokers::BrokerOrder>>>(
      gateway->executor(), [g = gateway] { return g->orders(); }, setup_.pump);
  if (!book.ok()) {
    dispatcher_.book_unread(follower);
    alert("broker_book_unread",
          follower.value + ": its order book could not be read at start (" +
              book.status().message() +
              "); every order placed for it today is looked up by its tag before it is sent",
          "broker_book_unread:" + follower.value);
    return;
  }
  std::set<std::string> tags;
  std::vector<std::string> listed;
  for (const brokers::BrokerOrder& listed_order : *book) {
    if (listed_order.tag.empty()) continue;  // placed by hand, not by Tandem
    const d::FollowerOrderReport order = brokers::to_follower_report(listed_order, follower);
    tags.insert(order.tag);
    const d::ClientTag tag{order.tag};
    if (state().mappings.by_tag.contains(tag)) {
      // Ours. The broker lists orders oldest first: with the ack lost, the first under the
      // tag is the one it placed; any other is a second order, counted on its own.
      const d::BrokerOrderId* ours = order_of_tag(tag);
      if (ours == nullptr) {
        dispatcher_.acknowledged(tag, order.order_id);
      } else if (!(*ours == order.order_id) &&
                 !state().mappings.by_tag.contains(d::second_order_tag(tag, order.order_id))) {
        // A refused append alerts and stops the engine itself (Engine::append).
        (void)found_second_order(order);
      }
      continue;
    }
    orphans.push_back(order);
    listed.push_back(order.tag);
  }
  dispatcher_.book_read(follower, std::move(tags));
  if (listed.empty()) return;
  std::string names;
  for (size_t i = 0; i < listed.size() && i < 10; ++i) names += (i ? ", " : "") + listed[i];
  if (listed.size() > 10) names += ", …";
  alert("orphan_orders",
        follower.value + ": " + std::to_string(listed.size()) +
            " order(s) at the broker under tags this journal does not hold (" + names +
            "); journaled as found, their fills counted in its positions: none is placed "
            "again",
        "orphan_orders:" + follower.value);
}

void Engine::read_broker_books() {
  std::vector<d::FollowerOrderReport> orphans;
  for (const auto& [follower, gateway] : followers_) {
    if (gateway->broker() == "paper") continue;  // its book is rebuilt from the journal
    read_broker_book(follower, gateway, orphans);
  }
  if (orphans.empty()) return;
  // The journal lost its tail. The leader's book of the day goes in first, as a gap fill
  // would bring it, and each found copy is journaled just before its leader order is decided
  // again (handle(LeaderFact)): the leader's position and the follower's move together, and
  // a copy already at the broker is mirrored, not placed. What no leader order claims is
  // journaled after the book (FoundFact).
  auto leader_book = run_on<Result<std::vector<brokers::BrokerOrder>>>(
      leader_executor_, [&g = leader_] { return g.orders(); }, setup_.pump);
  std::map<d::FollowerId, CopyOfTag> copies;
  for (const d::FollowerOrderReport& order : orphans) {
    auto c = copies.find(order.follower);
    if (c == copies.end()) {
      c = copies
              .emplace(order.follower,
                       copies_of_leader(
                           leader_book.ok() ? *leader_book : std::vector<brokers::BrokerOrder>{},
                           order.follower, setup_.leader_name, setup_.leader_tag_code))
              .first;
    }
    d::FollowerOrderFound f = found_of(order, c->second);
    found_[f.leader_order_id].push_back(std::move(f));
  }
  if (leader_book.ok()) {
    for (const auto& o : *leader_book) {
      inbox_->push(
          LeaderFact{brokers::to_leader_update(o, clock_(), /*recovered=*/true), setup_.steady()});
    }
  }
  inbox_->push(FoundFact{});
}

Status Engine::journal_found(const d::LeaderOrderId* leader_order) {
  if (found_.empty()) return Status();
  std::vector<d::Event> found;
  for (auto it = found_.begin(); it != found_.end();) {
    if (leader_order != nullptr && !(it->first == *leader_order)) {
      ++it;
      continue;
    }
    for (auto& f : it->second) found.push_back(std::move(f));
    it = found_.erase(it);
  }
  return append(std::move(found));
}

Status Engine::handle(FoundFact&) { return journal_found(nullptr); }

const d::BrokerOrderId* Engine::order_of_tag(const d::ClientTag& tag) const {
  if (const d::BrokerOrderId* acked = dispatcher_.acked_order(tag)) return acked;
  const auto owner = state().mappings.by_tag.find(tag);
  if (owner == state().mappings.by_tag.end()) return nullptr;
  const projections::FollowerCopy* copy =
      state().mappings.find(owner->second.leader_order_id, owner->second.follower);
  if (copy == nullptr || !(copy->placed_tag == tag) || copy->broker_order_id.empty()) {
    return nullptr;
  }
  return &copy->broker_order_id;
}

Status Engine::found_second_order(const d::FollowerOrderReport& o) {
  d::FollowerOrderFound f = found_of(o, CopyOfTag{});
  f.tag = d::second_order_tag(d::ClientTag{o.tag}, o.order_id);
  f.leader_order_id = d::LeaderOrderId{"found:" + f.tag.value};
  alert("duplicate_order",
        o.follower.value + ": a second order " + o.order_id.value + " at its broker under tag " +
            o.tag + " (" + std::string(d::to_string(o.side)) + " " +
            std::to_string(o.quantity_units) + " " + o.instrument.tradingsymbol +
            "); journaled as found: its fills count in the follower's position, which is "
            "brought back to its target",
        "duplicate_order:" + f.tag.value);
  return append({std::move(f)});
}

}  // namespace tandem::engine
