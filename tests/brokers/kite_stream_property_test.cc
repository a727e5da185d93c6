// Goal (issue 4): for any scripted sequence of leader orders and faults, the adapter's view
// of the order book after reconnect equals the simulator's. The view is what the gateway's
// order stream has emitted: the last state of each order. Faults are dropped sockets at any
// point of the script, and the stream must converge whatever the interleaving.
// Method: RapidCheck generates the script; each case runs a fresh simulator over loopback
// TLS and a KiteGateway subscribed to the leader, then waits (bounded) for convergence.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <map>
#include <sstream>

#include "brokers/kite/kite_gateway.h"
#include "tests/support/sim_loop.h"

namespace tandem::brokers {
namespace {

namespace asio = boost::asio;
namespace d = ::tandem::domain;
using namespace std::chrono_literals;

enum class Step : uint8_t { place_market, place_limit, modify, cancel, move_price, drop_socket };

struct ScriptStep {
  Step step = Step::place_market;
  int pick = 0;   // which earlier order a modify or cancel applies to
  int qty = 1;    // quantity, or price offset in rupees for move_price
  int pause = 0;  // ms before the next step, so drops land mid-burst or between
};

const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};

using State = std::tuple<d::OrderStatus, int64_t, int64_t, int64_t, int64_t>;
State state_of(const BrokerOrder& o) {
  return {o.status, o.filled_units, o.quantity_units, o.price_paise, o.average_price_paise};
}

std::map<std::string, State> book_view(const std::vector<BrokerOrder>& orders) {
  std::map<std::string, State> out;
  for (const auto& o : orders) out[o.order_id.value] = state_of(o);
  return out;
}

// Runs one script; returns the adapter's view and the simulator's book at the end.
std::pair<std::map<std::string, State>, std::map<std::string, State>> run_script(
    const std::vector<ScriptStep>& script) {
  auto leader = testing::sim_account("L1", "tokL");
  leader.faults.orders_per_second = 1000;
  sim::KiteSimConfig config;
  config.api_key = "pk";
  config.accounts = {leader};
  testing::KiteSimLoop loop(config, 100ms);
  loop.kite.set_price(kInfy, 1500'00);
  std::map<std::string, State> view;
  std::map<std::string, State> truth;
  loop.run([&]() -> asio::awaitable<void> {
    auto account = loop.account("pk", "tokL");
    account.stream_options.liveness_timeout = 1000ms;
    account.stream_options.backoff_first = 20ms;
    kite::KiteGateway gateway(loop.io.get_executor(), account, testing::wall_clock);
    gateway.subscribe([&](const BrokerOrder& o, bool) { view[o.order_id.value] = state_of(o); },
                      [](bool, const Status&) {});
    co_await testing::wait_until([&] { return gateway.stream_connects() >= 1; }, 5000ms);
    std::vector<d::BrokerOrderId> placed;
    int64_t price = 1500'00;
    for (const ScriptStep& s : script) {
      d::OrderTerms o;
      o.instrument = kInfy;
      o.quantity_units = s.qty;
      switch (s.step) {
        case Step::place_market:
        case Step::place_limit: {
          o.order_type = s.step == Step::place_market ? d::OrderType::market : d::OrderType::limit;
          o.price_paise = s.step == Step::place_limit ? price - 5'00 : 0;
          auto r = loop.kite.place_as_owner("L1", o);
          if (r.ok()) placed.push_back(r->order_id);
          break;
        }
        case Step::modify:
          if (!placed.empty()) {
            o.order_type = d::OrderType::limit;
            o.price_paise = price - 10'00;
            (void)loop.kite.modify_as_owner("L1", placed[s.pick % placed.size()], o);
          }
          break;
        case Step::cancel:
          if (!placed.empty())
            (void)loop.kite.cancel_as_owner("L1", placed[s.pick % placed.size()]);
          break;
        case Step::move_price:
          price += (s.qty % 2 == 0 ? 1 : -1) * s.qty * 1'00;
          loop.kite.set_price(kInfy, price);
          break;
        case Step::drop_socket:
          (void)loop.kite.drop_websockets("L1");
          break;
      }
      if (s.pause > 0) co_await testing::sleep_for(std::chrono::milliseconds(s.pause));
    }
    // Converged: the view equals the simulator's book, and stays so for a moment.
    co_await testing::wait_until([&] { return view == book_view(loop.kite.orders_of("L1")); },
                                 5000ms);
    co_await testing::sleep_for(100ms);
    truth = book_view(loop.kite.orders_of("L1"));
    gateway.stop();
    co_await testing::sleep_for(20ms);
  });
  return {view, truth};
}

TEST(KiteStreamProperty, AdapterViewAfterReconnectEqualsTheSimulatorsBook) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, 12);  // each case is a real TLS session
  params.maxSize = 40;
  rc::detail::TestMetadata metadata;
  metadata.id = "kite stream view";
  const auto result = rc::detail::checkTestable(
      [] {
        const auto script = *rc::gen::container<std::vector<ScriptStep>>(rc::gen::build<ScriptStep>(
            rc::gen::set(&ScriptStep::step,
                         rc::gen::weightedElement<Step>({{4, Step::place_market},
                                                         {3, Step::place_limit},
                                                         {2, Step::modify},
                                                         {2, Step::cancel},
                                                         {3, Step::move_price},
                                                         {2, Step::drop_socket}})),
            rc::gen::set(&ScriptStep::pick, rc::gen::inRange(0, 20)),
            rc::gen::set(&ScriptStep::qty, rc::gen::inRange(1, 20)),
            rc::gen::set(&ScriptStep::pause, rc::gen::element(0, 0, 1, 5, 30))));
        const auto [view, truth] = run_script(script);
        RC_ASSERT(view == truth);
      },
      metadata, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << message.str();
}

}  // namespace
}  // namespace tandem::brokers
