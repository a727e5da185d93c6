// The broker's book as the last word on what was sent (issue 23). The journal says which
// follower orders Tandem placed; a journal restored from a backup, or one whose last writes
// were lost, can say less than the brokers know. So at start every follower's order book of
// the day is read and its tags kept: a place decided again under a tag the broker already
// has is looked up there (and acknowledged with the broker's order), never sent a second
// time. Tags the journal does not hold at all are reported as orphans.
#include "engine/engine.h"
#include "engine/run_on.h"

namespace tandem::engine {

namespace d = ::tandem::domain;

void Engine::read_broker_books() {
  for (const auto& [follower, gateway] : followers_) {
    if (gateway->broker() == "paper") continue;  // its book is rebuilt from the journal
    auto book = run_on<Result<std::vector<brokers::BrokerOrder>>>(
        gateway->executor(), [g = gateway] { return g->orders(); });
    if (!book.ok()) {
      book_unread_.insert(follower);
      alert("broker_book_unread",
            follower.value + ": its order book could not be read at start (" +
                book.status().message() +
                "); every order placed for it today is looked up by its tag before it is sent",
            "broker_book_unread:" + follower.value);
      continue;
    }
    std::set<std::string>& tags = book_tags_[follower];
    std::vector<std::string> orphans;
    for (const auto& order : *book) {
      if (order.tag.empty()) continue;  // placed by hand, not by Tandem
      tags.insert(order.tag);
      if (!state_.mappings.by_tag.contains(d::ClientTag{order.tag})) orphans.push_back(order.tag);
    }
    if (orphans.empty()) continue;
    std::string listed;
    for (size_t i = 0; i < orphans.size() && i < 10; ++i) listed += (i ? ", " : "") + orphans[i];
    if (orphans.size() > 10) listed += ", …";
    alert("orphan_orders",
          follower.value + ": " + std::to_string(orphans.size()) +
              " order(s) at the broker under tags this journal does not hold (" + listed +
              "); a copy decided again under one of them is looked up there, not placed",
          "orphan_orders:" + follower.value);
  }
}

bool Engine::at_broker(const d::FollowerOrderIntent& intent) const {
  if (book_unread_.contains(intent.follower)) return true;
  const auto tags = book_tags_.find(intent.follower);
  return tags != book_tags_.end() && tags->second.contains(intent.tag.value);
}

}  // namespace tandem::engine
