#include "engine/broker_threads.h"

#include <algorithm>

namespace tandem::engine {

BrokerThreads::BrokerThreads(int count) {
  for (int i = 0; i < std::max(count, 1); ++i) {
    auto t = std::make_unique<Thread>();
    t->thread = std::thread([io = &t->io] { io->run(); });
    threads_.push_back(std::move(t));
  }
}

BrokerThreads::~BrokerThreads() { stop(); }

void BrokerThreads::stop() {
  for (auto& t : threads_) {
    if (!t->thread.joinable()) continue;
    t->work.reset();
    t->io.stop();
    t->thread.join();
  }
}

}  // namespace tandem::engine
