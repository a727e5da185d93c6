#include "projections/copy_mappings.h"

#include <algorithm>

#include "domain/orders/order_failure.h"
#include "projections/order_states.h"

namespace tandem::projections {

namespace d = ::tandem::domain;

const FollowerCopies* CopyMappings::copies_of(const d::LeaderOrderId& leader) const {
  const auto l = by_leader.find(leader);
  return l == by_leader.end() ? nullptr : &l->second;
}

const FollowerCopy* copy_in(const FollowerCopies* copies, const d::FollowerId& follower) {
  if (copies == nullptr) return nullptr;
  const auto f = copies->find(follower);
  return f == copies->end() ? nullptr : &f->second;
}

const FollowerCopy* CopyMappings::find(const d::LeaderOrderId& leader,
                                       const d::FollowerId& follower) const {
  return copy_in(copies_of(leader), follower);
}

namespace {

FollowerCopy* copy_of_tag(CopyMappings& s, const d::ClientTag& tag) {
  const auto it = s.by_tag.find(tag);
  if (it == s.by_tag.end()) return nullptr;
  return &s.by_leader[it->second.leader_order_id][it->second.follower];
}

}  // namespace

void apply(CopyMappings& s, const d::Event& event) {
  if (const auto* e = std::get_if<d::CopyDecision>(&event)) {
    if (e->action != d::CopyAction::skip) {
      FollowerCopy& c = s.by_leader[e->leader_order_id][e->follower];
      c.next_ordinal = std::max(c.next_ordinal, e->ordinal + 1);
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderIntent>(&event)) {
    FollowerCopy& c = s.by_leader[e->leader_order_id][e->follower];
    c.next_ordinal = std::max(c.next_ordinal, e->ordinal + 1);
    s.by_tag[e->tag] = {e->leader_order_id, e->follower, e->action};
    if (e->action == d::CopyAction::place) {
      c.placed_tag = e->tag;
      c.broker_order_id = {};
      c.order = e->order;
      c.status = d::OrderStatus::pending;
      c.filled_units = 0;
      c.cancel_sent = false;
      c.modify_refused = false;
    } else if (e->action == d::CopyAction::modify) {
      c.order = e->order;
      c.modify_refused = false;
    } else if (e->action == d::CopyAction::cancel) {
      c.cancel_sent = true;
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderAck>(&event)) {
    FollowerCopy* c = copy_of_tag(s, e->tag);
    if (c != nullptr && c->placed_tag == e->tag) c->broker_order_id = e->broker_order_id;
  } else if (const auto* e = std::get_if<d::FollowerOrderRejected>(&event)) {
    const auto owner = s.by_tag.find(e->tag);
    FollowerCopy* c = copy_of_tag(s, e->tag);
    if (c != nullptr && c->placed_tag == e->tag && status_rank(c->status) < 2) {
      c->status = d::OrderStatus::rejected;
    }
    if (c != nullptr && owner->second.action == d::CopyAction::modify) c->modify_refused = true;
    // A cancel that may not have reached the broker (never sent, not processed, its outcome
    // unknown) may be made again (copy/clock.h). A broker's refusal of a cancel stands.
    if (c != nullptr && d::change_may_not_have_taken(e->error_class) &&
        owner->second.action == d::CopyAction::cancel) {
      c->cancel_sent = false;
    }
  } else if (const auto* e = std::get_if<d::FollowerOrderUpdate>(&event)) {
    FollowerCopy* c = copy_of_tag(s, e->tag);
    if (c != nullptr && c->placed_tag == e->tag) {
      if (c->broker_order_id.empty()) c->broker_order_id = e->broker_order_id;
      if (status_rank(c->status) < 2 && status_rank(e->status) >= status_rank(c->status)) {
        c->status = e->status;
      }
      c->filled_units = std::max(c->filled_units, e->filled_units);
      if (e->quantity_units > 0 && status_rank(c->status) < 2)
        c->order.quantity_units = e->quantity_units;
    }
  }
}

}  // namespace tandem::projections
