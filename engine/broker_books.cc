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
    for (const auto& [share, g] : followers_) {
      if (g == gateway) dispatcher_.book_unread(share);  // every share of the account
    }
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
    const d::FollowerOrderReport order = brokers::to_follower_report(
        listed_order, share_of_tag(gateway, d::ClientTag{listed_order.tag}, follower));
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

d::FollowerId Engine::share_of_tag(const brokers::Gateway* gateway, const d::ClientTag& tag,
                                   const d::FollowerId& fallback) const {
  if (const auto owner = state().mappings.by_tag.find(tag); owner != state().mappings.by_tag.end())
    return owner->second.follower;
  for (const auto& [share, g] : followers_) {
    const auto settings = state().followers.find(share);
    if (g != gateway || settings == state().followers.end()) continue;
    const auto leader = state().leaders.find(settings->second.leader);
    if (leader != state().leaders.end() && !leader->second.tag_code.empty() &&
        tag.value.starts_with(leader->second.tag_code)) {
      return share;
    }
  }
  return fallback;
}

void Engine::read_broker_books() {
  std::vector<d::FollowerOrderReport> orphans;
  std::set<const brokers::Gateway*> read;  // an account's shares share its gateway: read once
  for (const auto& [follower, gateway] : followers_) {
    if (gateway->broker() == "paper") continue;  // its book is rebuilt from the journal
    if (!read.insert(gateway).second) continue;
    read_broker_book(follower, gateway, orphans);
  }
  if (orphans.empty()) return;
  // The journal lost its tail. The leader's book of the day goes in first, as a gap fill
  // would bring it, and each found copy is journaled just before its leader order is decided
  // again (handle(LeaderFact)): the leader's position and the follower's move together, and
  // a copy already at the broker is mirrored, not placed. What no leader order claims is
  // journaled after the book (FoundFact).
  std::vector<std::vector<brokers::BrokerOrder>> books;  // each leader's, as setup_.leaders
  for (const LeaderLink& l : leaders_) {
    auto book = run_on<Result<std::vector<brokers::BrokerOrder>>>(
        l.gateway->executor(), [&g = *l.gateway] { return g.orders(); }, setup_.pump);
    books.push_back(book.ok() ? std::move(book).value() : std::vector<brokers::BrokerOrder>{});
  }
  std::map<d::FollowerId, CopyOfTag> copies;
  for (const d::FollowerOrderReport& order : orphans) {
    auto c = copies.find(order.follower);
    if (c == copies.end()) {
      // The copies it may be: of its own leader's orders, under that leader's tag code.
      const auto settings = state().followers.find(order.follower);
      const d::LeaderId leader =
          settings == state().followers.end() ? d::LeaderId{} : settings->second.leader;
      CopyOfTag of_leader;
      for (size_t k = 0; k < leaders_.size(); ++k) {
        const d::LeaderConfigured& l = setup_.leaders[k];
        if (l.name == leader) {
          of_leader = copies_of_leader(books[k], order.follower, l.name, l.tag_code);
        }
      }
      c = copies.emplace(order.follower, std::move(of_leader)).first;
    }
    d::FollowerOrderFound f = found_of(order, c->second);
    found_[f.leader_order_id].push_back(std::move(f));
  }
  for (size_t k = 0; k < leaders_.size(); ++k) {
    // A fed leader's updates come from its tap's stream only, which gives every shard the
    // same ones (its unacknowledged messages come again): its book only names the copies.
    if (leaders_[k].feed != nullptr) continue;
    for (const auto& o : books[k]) {
      d::LeaderOrderUpdate u = brokers::to_leader_update(o, clock_(), /*recovered=*/true);
      u.leader = setup_.leaders[k].name;
      inbox_->push(LeaderFact{std::move(u), setup_.steady(), {}});
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
