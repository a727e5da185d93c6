#include "fleet/tap_loop.h"

#include <thread>

namespace tandem::fleet {

Result<OpenTap> open_tap_when_ready(journal::Store& store, const std::vector<std::string>& urls,
                                    const domain::LeaderConfigured& leader, int replicas,
                                    const std::function<domain::TimeNs()>& clock,
                                    const std::function<bool()>& keep_waiting,
                                    const std::function<void(const Status&)>& waiting) {
  for (bool told = false;;) {
    Status failed;
    auto connected = JetStream::connect(urls, "tandem-tap", std::chrono::seconds(5));
    if (connected.ok()) {
      OpenTap out{std::move(*connected), nullptr};
      auto opened = Tap::open(store, *out.js, leader, replicas, clock());
      if (opened.ok()) {
        out.tap = std::move(*opened);
        return out;
      }
      failed = opened.status();
    } else {
      failed = connected.status();
    }
    const bool transient =
        failed.code() == StatusCode::disconnected || failed.code() == StatusCode::unavailable;
    if (!transient || !keep_waiting()) return failed;
    if (!told) waiting(failed);
    told = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

void TapInbox::push(domain::LeaderOrderUpdate u) {
  {
    std::lock_guard lock(mu_);
    updates_.push_back(std::move(u));
  }
  cv_.notify_one();
}

std::deque<domain::LeaderOrderUpdate> TapInbox::take(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, wait, [&] { return !updates_.empty(); });
  return std::exchange(updates_, {});
}

void subscribe_tap(brokers::Gateway& gateway, const domain::LeaderConfigured& leader,
                   std::function<domain::TimeNs()> clock, TapInbox& inbox,
                   brokers::OnConnectionChange on_connection, MarksPublisher* marks) {
  brokers::subscribe_leader(
      gateway, std::move(clock),
      [&inbox, marks, name = leader.name](domain::LeaderOrderUpdate u) {
        if (marks != nullptr) marks->traded(u.instrument);
        u.leader = name;
        u.order_id = domain::leader_order_id(name, u.order_id.value);
        inbox.push(std::move(u));
      },
      std::move(on_connection));
}

Status journal_and_publish(Tap& tap, TapInbox& inbox, const std::function<domain::TimeNs()>& clock,
                           const std::atomic<bool>& stop, const TapHooks& hooks) {
  using Steady = std::chrono::steady_clock;
  bool publish_failing = false;
  while (!stop) {
    const std::deque<domain::LeaderOrderUpdate> came = inbox.take(std::chrono::milliseconds(200));
    const auto taken = Steady::now();
    for (const domain::LeaderOrderUpdate& u : came) {
      if (auto recorded = tap.record(u, clock()); !recorded.ok()) return recorded.status();
    }
    const auto journaled = Steady::now();
    const Status published = tap.publish_pending();
    if (!came.empty()) hooks.turn(journaled - taken, Steady::now() - journaled);
    if (!published.ok() && !publish_failing) hooks.publish_failing(published);
    publish_failing = !published.ok();
  }
  return Status();
}

}  // namespace tandem::fleet
