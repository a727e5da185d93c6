#include "domain/copy/intent_of.h"

#include "domain/base/assert.h"
#include "domain/copy/client_tag.h"

namespace tandem::domain {

FollowerOrderIntent intent_of(const CopyDecision& d, OrderRequest order,
                              const projections::FollowerCopy* target) {
  TANDEM_ASSERT(d.action != CopyAction::skip);
  TANDEM_ASSERT(d.ordinal >= 1, d.ordinal);
  FollowerOrderIntent intent;
  intent.tag = client_tag(d.leader_order_id, d.follower, d.ordinal);
  intent.follower = d.follower;
  intent.leader_order_id = d.leader_order_id;
  intent.action = d.action;
  intent.ordinal = d.ordinal;
  intent.order = std::move(order);
  if (target != nullptr && d.action != CopyAction::place) {
    intent.target_order_id = target->broker_order_id;
    intent.target_tag = target->placed_tag;
  }
  return intent;
}

}  // namespace tandem::domain
