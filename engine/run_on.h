// The engine thread waiting for work it hands to a gateway's executor: a gateway's
// awaitable and its result, or a plain call. Startup and shutdown, when the engine thread
// has nothing else to do; and on the copy path only while the instrument list is missing
// (Engine::take_master), when the leader order waiting for it cannot be copied without it.
//
// Live, broker threads do the work and the engine thread blocks. In the simulated shell one
// thread runs everything (tests/engine/simulated_engine_test.cc): `pump` runs the
// executors' ready handlers, and a wait pumps until its result is there.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <functional>
#include <future>

#include "domain/base/assert.h"

namespace tandem::engine {

// Runs the ready handlers of every executor the engine hands work to; false when none was
// ready. Unset live (EngineSetup::pump).
using Pump = std::function<bool()>;

template <typename T>
T wait_for(std::future<T>& future, const Pump& pump) {
  while (pump && future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    const bool ran = pump();
    TANDEM_ASSERT(ran);  // nothing left to run, and still no result: it would wait for ever
  }
  return future.get();
}

template <typename T, typename Make>
T run_on(boost::asio::any_io_executor executor, Make make, const Pump& pump) {
  std::promise<T> promise;
  auto future = promise.get_future();
  boost::asio::co_spawn(
      executor, [&]() -> boost::asio::awaitable<void> { promise.set_value(co_await make()); },
      boost::asio::detached);
  return wait_for(future, pump);
}

// Calls `f` on `executor` and waits until it has returned.
template <typename F>
void call_on(boost::asio::any_io_executor executor, F f, const Pump& pump) {
  std::promise<void> done;
  auto future = done.get_future();
  boost::asio::post(executor, [&] {
    f();
    done.set_value();
  });
  wait_for(future, pump);
}

}  // namespace tandem::engine
