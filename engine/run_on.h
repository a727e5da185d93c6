// Running a gateway's awaitable from the engine thread and waiting for its result. Startup
// only: the engine thread has nothing else to do until the state is in place.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <future>

namespace tandem::engine {

template <typename T, typename Make>
T run_on(boost::asio::any_io_executor executor, Make make) {
  std::promise<T> promise;
  auto future = promise.get_future();
  boost::asio::co_spawn(
      executor, [&]() -> boost::asio::awaitable<void> { promise.set_value(co_await make()); },
      boost::asio::detached);
  return future.get();
}

}  // namespace tandem::engine
