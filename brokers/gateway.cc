#include "brokers/gateway.h"

#include <boost/asio/post.hpp>

#include <future>

namespace tandem::brokers {

boost::asio::awaitable<Status> Gateway::warm() { co_return Status(); }

boost::asio::awaitable<Result<AccountFacts>> Gateway::account_facts() { co_return AccountFacts{}; }

boost::asio::awaitable<Result<std::vector<BrokerOrder>>> find_by_tag(Gateway& gateway,
                                                                     domain::ClientTag tag) {
  Result<std::vector<BrokerOrder>> book = co_await gateway.orders();
  if (!book.ok()) co_return book.status();
  std::vector<BrokerOrder> found;
  for (BrokerOrder& o : *book) {
    if (o.tag == tag.value) found.push_back(std::move(o));
  }
  co_return found;
}

void subscribe_leader(Gateway& gateway, std::function<domain::TimeNs()> clock,
                      OnLeaderUpdate on_update, OnConnectionChange on_connection) {
  gateway.subscribe([clock = std::move(clock), on_update = std::move(on_update)](
                        const BrokerOrder& o,
                        bool recovered) { on_update(to_leader_update(o, clock(), recovered)); },
                    std::move(on_connection));
}

void subscribe_follower(Gateway& gateway, domain::FollowerId follower, OnFollowerReport on_report) {
  gateway.subscribe([follower = std::move(follower), on_report = std::move(on_report)](
                        const BrokerOrder& o, bool) { on_report(to_follower_report(o, follower)); },
                    [](bool, const Status&) {});
}

void stop_and_wait(Gateway& gateway) {
  std::promise<void> stopped;
  boost::asio::post(gateway.executor(), [&] {
    gateway.stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
}

}  // namespace tandem::brokers
