// Awaiting a coroutine that must run on another executor — a gateway's calls run on its own
// broker thread (gateway.h) — from a coroutine elsewhere: `make()` is called and its
// awaitable run there, and the caller resumes on its own executor with the result. Unlike
// co_spawn with use_awaitable, the result need not be default-constructible (Result<T>).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <utility>

namespace tandem::brokers {

template <typename T, typename Make>
boost::asio::awaitable<T> await_on(boost::asio::any_io_executor executor, Make make) {
  std::optional<T> out;
  co_await boost::asio::co_spawn(
      std::move(executor), [&]() -> boost::asio::awaitable<void> { out.emplace(co_await make()); },
      boost::asio::use_awaitable);
  co_return std::move(*out);
}

}  // namespace tandem::brokers
