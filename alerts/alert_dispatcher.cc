#include "alerts/alert_dispatcher.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "net/https_client.h"

namespace tandem::alerts {

namespace asio = boost::asio;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;

std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::webhook:
      return "webhook";
    case Channel::slack:
      return "slack";
    case Channel::telegram:
      return "telegram";
  }
  return "?";
}

std::string alert_body(const Alert& a, const Destination& to) {
  const std::string line = "Tandem " + a.kind + ": " + a.text;
  switch (to.channel) {
    case Channel::slack:
      return json::serialize(json::object{{"text", line}});
    case Channel::telegram:
      return json::serialize(json::object{{"chat_id", to.chat_id}, {"text", line}});
    case Channel::webhook:
      break;
  }
  return json::serialize(json::object{{"source", "tandem"},
                                      {"kind", a.kind},
                                      {"key", a.key},
                                      {"text", a.text},
                                      {"at_ns", a.at_ns}});
}

struct AlertDispatcher::Impl {
  struct Endpoint {
    Destination destination;
    std::string path;
    std::unique_ptr<net::HttpsClient> http;
  };
  DispatchOptions options;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::vector<Endpoint> endpoints;
  std::map<std::string, Steady::time_point> last_sent;  // by key; io thread only
  std::deque<Steady::time_point> recent;                // deliveries in the last minute
  mutable std::mutex stats_mu;
  DispatchStats stats;  // GUARDED_BY(stats_mu)
  // Alerts sent and not yet accepted, plus deliveries not yet ended; drain() waits for 0.
  int busy = 0;  // GUARDED_BY(stats_mu)
  std::condition_variable idle;

  void done() {
    std::lock_guard lock(stats_mu);
    if (--busy == 0) idle.notify_all();
  }
  std::thread thread;

  void count(int64_t DispatchStats::*field) {
    std::lock_guard lock(stats_mu);
    ++(stats.*field);
  }

  // On the io thread: deduplicated and rate-limited, then one delivery per endpoint.
  void accept(Alert alert) {
    const auto now = Steady::now();
    struct Accepted {  // the alert's own part of `busy`, on every way out
      Impl& m;
      ~Accepted() { m.done(); }
    } accepted{*this};
    const auto last = last_sent.find(alert.key);
    while (!recent.empty() && now - recent.front() > std::chrono::minutes(1)) recent.pop_front();
    if ((last != last_sent.end() && now - last->second < options.dedupe) ||
        static_cast<int>(recent.size()) >= options.per_minute) {
      count(&DispatchStats::suppressed);
      return;
    }
    last_sent[alert.key] = now;
    recent.push_back(now);
    for (auto& e : endpoints) {
      {
        std::lock_guard lock(stats_mu);
        ++busy;
      }
      asio::co_spawn(io, deliver(e, alert), [this](std::exception_ptr) { done(); });
    }
  }

  asio::awaitable<void> deliver(Endpoint& e, Alert alert) {
    net::HttpRequest request;
    request.method = boost::beast::http::verb::post;
    request.target = e.path;
    request.content_type = "application/json";
    request.body = alert_body(alert, e.destination);
    auto backoff = options.backoff_first;
    for (int attempt = 1; attempt <= options.attempts; ++attempt) {
      auto response = co_await e.http->request(request);
      if (response.ok() && response->status >= 200 && response->status < 300) {
        count(&DispatchStats::delivered);
        co_return;
      }
      const bool retry = !response.ok() || response->status == 429 || response->status >= 500;
      if (!retry || attempt == options.attempts) break;
      count(&DispatchStats::retries);
      asio::steady_timer wait(io, backoff);
      co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
      backoff *= 2;
    }
    count(&DispatchStats::failed);
  }
};

Result<std::unique_ptr<AlertDispatcher>> AlertDispatcher::start(
    std::vector<Destination> destinations, DispatchOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  for (auto& d : destinations) {
    const auto u = boost::urls::parse_uri(d.url);
    if (!u || u->scheme() != "https" || u->host().empty()) {
      return Status::invalid_argument("alerts: the " + std::string(to_string(d.channel)) +
                                      " address is not an https:// URL");
    }
    auto target =
        net::https_target(u->host(), u->has_port() ? std::string(u->port()) : "443", d.ca_pem);
    std::string path(u->encoded_path());
    if (path.empty()) path = "/";
    if (u->has_query()) path += "?" + std::string(u->encoded_query());
    auto http =
        std::make_unique<net::HttpsClient>(impl->io.get_executor(), target, 2, options.deadline);
    impl->endpoints.push_back({std::move(d), std::move(path), std::move(http)});
  }
  Impl& m = *impl;
  m.thread = std::thread([&m] { m.io.run(); });
  return std::unique_ptr<AlertDispatcher>(new AlertDispatcher(std::move(impl)));
}

AlertDispatcher::AlertDispatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AlertDispatcher::~AlertDispatcher() {
  impl_->work.reset();
  impl_->io.stop();
  impl_->thread.join();
}

void AlertDispatcher::send(Alert alert) {
  {
    std::lock_guard lock(impl_->stats_mu);
    ++impl_->busy;
  }
  asio::post(impl_->io,
             [this, alert = std::move(alert)]() mutable { impl_->accept(std::move(alert)); });
}

int AlertDispatcher::drain(std::chrono::milliseconds bound) {
  std::unique_lock lock(impl_->stats_mu);
  impl_->idle.wait_for(lock, bound, [&] { return impl_->busy == 0; });
  return impl_->busy;
}

DispatchStats AlertDispatcher::stats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

}  // namespace tandem::alerts
