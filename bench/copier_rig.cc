#include "bench/copier_rig.h"

#include <fmt/format.h>

#include <filesystem>

#include "engine/run_on.h"
#include "net/https_client.h"

namespace tandem::bench {

namespace d = ::tandem::domain;

CopierRig::CopierRig(const SimBroker& broker, const std::vector<std::string>& followers,
                     int broker_threads, brokers::LeaderFeed* feed)
    : broker_(broker), threads_(broker_threads), feed_(feed) {
  leader_ = gateway("LEADER");
  setup_.leaders = {bench_leader()};
  for (const std::string& id : followers) {
    followers_.push_back(gateway(id));
    d::FollowerSettings f;
    f.follower = {id};
    f.account = {id};
    f.broker = d::Broker::kite;
    setup_.followers.push_back(f);
    engine_followers_[{id}] = followers_.back().get();
  }
  static std::atomic<int> rigs{0};
  dir_ = (std::filesystem::temp_directory_path() /
          fmt::format("tandem-bench-{}-{}", ::getpid(), rigs++))
             .string();
}

std::unique_ptr<brokers::kite::KiteGateway> CopierRig::gateway(const std::string& user) {
  brokers::kite::KiteAccount a;
  a.rest = net::https_target("localhost", std::to_string(broker_.port()), broker_.ca_pem());
  a.stream = a.rest;
  a.credentials = {"e2e", SimBroker::token_of(user)};
  return std::make_unique<brokers::kite::KiteGateway>(
      threads_.for_account(accounts_++).get_executor(), a, market_clock);
}

bool CopierRig::start() {
  std::vector<brokers::kite::KiteGateway*> all = {leader_.get()};
  for (auto& g : followers_) all.push_back(g.get());
  for (brokers::kite::KiteGateway* g : all) {
    if (Status s = engine::run_on<Status>(g->executor(), [g] { return g->warm(); }, {}); !s.ok()) {
      fmt::print(stderr, "tandem-bench: warming a connection: {}\n", s.message());
      return false;
    }
  }
  std::filesystem::remove_all(dir_);
  journal::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto store = journal::Store::open(dir_, store_options);
  if (!store.ok()) {
    fmt::print(stderr, "tandem-bench: {}\n", store.status().message());
    return false;
  }
  store_ = std::move(*store);
  engine_ = std::make_unique<engine::Engine>(*store_, setup_,
                                             std::vector<brokers::Gateway*>{leader_.get()},
                                             engine_followers_, market_clock);
  if (feed_ != nullptr) engine_->feed_leader(0, *feed_);
  engine_->on_progress([this](const engine::EngineStats& s) {
    acks_ = s.acks;
    std::lock_guard lock(mu_);
    // By index: a bench adds far fewer than kMaxLatencySamples, so none is dropped.
    for (; sends_seen_ < s.send_latency_ns.size(); ++sends_seen_) {
      sends_.push_back(s.send_latency_ns[sends_seen_]);
    }
  });
  if (Status s = engine_->start(); !s.ok()) {
    fmt::print(stderr, "tandem-bench: {}\n", s.message());
    return false;
  }
  engine_thread_ = std::thread([this] { (void)engine_->run(); });
  if (feed_ == nullptr) {  // the leader's own stream connected (and gap-filled)
    for (int connects = 0; connects < 1;) {
      engine::call_on(leader_->executor(), [&] { connects = leader_->stream_connects(); }, {});
      if (connects < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300) +
                              std::chrono::milliseconds(followers_.size()));
  return true;
}

void CopierRig::stop_engine() {
  if (!engine_thread_.joinable()) return;
  engine_->request_stop();
  engine_thread_.join();
}

CopierRig::~CopierRig() {
  stop_engine();
  brokers::stop_and_wait(*leader_);
  for (auto& g : followers_) brokers::stop_and_wait(*g);
  threads_.stop();
  engine_.reset();
  store_.reset();
  std::filesystem::remove_all(dir_);
}

std::vector<int64_t> CopierRig::take_send_latencies() {
  std::lock_guard lock(mu_);
  return std::exchange(sends_, {});
}

}  // namespace tandem::bench
