// Goal: the paper broker fills deterministically — the same seed gives the same fills — and
// as a real book would: market orders at the reference with slippage after the latency,
// limits when the price reaches them, stops when it crosses their trigger; it refuses a
// repeated tag, finds orders by tag, modifies and cancels working orders. Its change feed
// (what the simulator pushes) names every order whose state changed, and advance() leaves
// no working order that could fill at the current price.
#include "brokers/paper/paper_book.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tandem::brokers::paper_book_test {
namespace {

namespace d = ::tandem::domain;
constexpr d::TimeNs kMs = 1'000'000;
const d::InstrumentKey kInfy{d::Exchange::nse, "INFY"};

d::OrderTerms order(d::Side side, d::OrderType type, int64_t qty, int64_t price = 0,
                    int64_t trigger = 0) {
  d::OrderTerms o;
  o.instrument = kInfy;
  o.side = side;
  o.order_type = type;
  o.quantity_units = qty;
  o.price_paise = price;
  o.trigger_price_paise = trigger;
  return o;
}

TEST(PaperBook, MarketOrderFillsAfterTheLatencyWithSlippage) {
  PaperBook book({.slippage_bp = 10, .latency_ns = 20 * kMs});
  book.set_price(kInfy, 1500'00);
  auto placed = book.place(order(d::Side::buy, d::OrderType::market, 10), {"t1"}, 0);
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->status, d::OrderStatus::open);
  EXPECT_TRUE(book.advance(19 * kMs).empty());
  const auto filled = book.advance(20 * kMs);
  ASSERT_EQ(filled.size(), 1u);
  EXPECT_EQ(filled[0].status, d::OrderStatus::complete);
  EXPECT_EQ(filled[0].average_price_paise, 1501'50);  // 0.1% worse for a buy
  EXPECT_TRUE(book.advance(30 * kMs).empty());
}

TEST(PaperBook, PartialFillsTradesAndNetPositions) {
  PaperBook book({.max_fill_units = 4});
  book.set_price(kInfy, 100'00);
  ASSERT_TRUE(book.place(order(d::Side::buy, d::OrderType::market, 10), {"b"}, 0).ok());
  auto step = book.advance(0);
  ASSERT_EQ(step.size(), 1u);
  EXPECT_EQ(step[0].status, d::OrderStatus::open);  // partly filled stays open, as on Kite
  EXPECT_EQ(step[0].filled_units, 4);
  EXPECT_EQ(step[0].pending_units, 6);
  book.set_price(kInfy, 110'00);
  book.advance(1);
  step = book.advance(2);
  ASSERT_EQ(step.size(), 1u);
  EXPECT_EQ(step[0].status, d::OrderStatus::complete);
  EXPECT_EQ(step[0].average_price_paise, (4 * 100'00 + 6 * 110'00) / 10);
  EXPECT_EQ(book.trades().size(), 3u);
  // Its history: placed, then each of its three fills.
  const auto history = book.history_of(step[0].order_id);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].filled_units, 0);
  EXPECT_EQ(history[1].filled_units, 4);
  EXPECT_EQ(history[2].filled_units, 8);
  EXPECT_EQ(history[3].status, d::OrderStatus::complete);
  EXPECT_TRUE(book.history_of(d::BrokerOrderId{"P999"}).empty());
  ASSERT_TRUE(book.place(order(d::Side::sell, d::OrderType::market, 4), {"s"}, 3).ok());
  book.advance(3);
  auto positions = book.positions();
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0].net_qty_units, 6);
  EXPECT_EQ(positions[0].average_price_paise, 106'00);  // a reduction keeps the average
  ASSERT_TRUE(book.place(order(d::Side::sell, d::OrderType::market, 8), {"s2"}, 4).ok());
  book.advance(4);
  book.advance(5);
  positions = book.positions();
  EXPECT_EQ(positions[0].net_qty_units, -2);
  EXPECT_EQ(positions[0].average_price_paise, 110'00);  // flipped: the new side's price
}

TEST(PaperBook, LimitWaitsForThePriceAndStopTriggers) {
  PaperBook book({});
  book.set_price(kInfy, 1500'00);
  auto limit = book.place(order(d::Side::buy, d::OrderType::limit, 5, 1490'00), {"l"}, 0);
  auto stop =
      book.place(order(d::Side::sell, d::OrderType::stop_loss_market, 5, 0, 1480'00), {"s"}, 0);
  ASSERT_TRUE(limit.ok() && stop.ok());
  EXPECT_EQ(stop->status, d::OrderStatus::trigger_pending);
  EXPECT_TRUE(book.advance(1).empty());
  book.set_price(kInfy, 1489'00);
  auto changed = book.advance(2);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].average_price_paise, 1489'00);  // filled at the better price
  book.set_price(kInfy, 1479'00);
  changed = book.advance(3);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].tag, "s");
  EXPECT_EQ(changed[0].average_price_paise, 1479'00);
}

TEST(PaperBook, AStopModifiedToMarketFillsWithoutItsTrigger) {
  PaperBook book({});
  book.set_price(kInfy, 1500'00);
  auto stop =
      book.place(order(d::Side::sell, d::OrderType::stop_loss_market, 5, 0, 1480'00), {"s"}, 0);
  ASSERT_TRUE(stop.ok());
  EXPECT_TRUE(book.advance(1).empty());  // 1500 is above the trigger: it waits
  auto hurried = book.modify(stop->order_id, order(d::Side::sell, d::OrderType::market, 5), 2);
  ASSERT_TRUE(hurried.ok());
  EXPECT_EQ(hurried->status, d::OrderStatus::open);
  const auto changed = book.advance(3);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].status, d::OrderStatus::complete);
  EXPECT_EQ(changed[0].average_price_paise, 1500'00);
}

TEST(PaperBook, RepeatedTagIsRefusedAndFoundForReconciliation) {
  PaperBook book({});
  ASSERT_TRUE(book.place(order(d::Side::buy, d::OrderType::market, 1), {"dup"}, 0).ok());
  auto again = book.place(order(d::Side::buy, d::OrderType::market, 1), {"dup"}, 0);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::rejected);
  ASSERT_TRUE(book.find_by_tag({"dup"}).has_value());
  EXPECT_FALSE(book.find_by_tag({"other"}).has_value());
  EXPECT_EQ(book.order_book().size(), 1u);
}

TEST(PaperBook, ASimulatedBrokersBookAcceptsARepeatedTagAndFindsTheFirst) {
  PaperBook book({.unique_tags = false});
  auto first = book.place(order(d::Side::buy, d::OrderType::market, 1), {"dup"}, 0);
  auto second = book.place(order(d::Side::buy, d::OrderType::market, 2), {"dup"}, 0);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->order_id, second->order_id);
  EXPECT_EQ(book.find_by_tag({"dup"})->order_id, first->order_id);
  EXPECT_EQ(book.order_book().size(), 2u);
}

TEST(PaperBook, AnIocOrderFillsWhatItCanAtOnceAndTheRestIsCancelled) {
  PaperBook book({.latency_ns = 5 * kMs, .max_fill_units = 4});
  book.set_price(kInfy, 100'00);
  auto ioc = [](d::OrderTerms o) {
    o.validity = d::Validity::ioc;
    return o;
  };
  const auto below = book.place(ioc(order(d::Side::buy, d::OrderType::limit, 3, 99'00)), {"l"}, 0);
  const auto part = book.place(ioc(order(d::Side::buy, d::OrderType::market, 10)), {"m"}, 0);
  const auto stop =
      book.place(ioc(order(d::Side::sell, d::OrderType::stop_loss_market, 2, 0, 90'00)), {"s"}, 0);
  ASSERT_TRUE(below.ok() && part.ok() && stop.ok());
  EXPECT_TRUE(book.advance(1 * kMs).empty()) << "an IOC order ended before it reached the market";
  std::map<std::string, BrokerOrder> after;
  for (const auto& o : book.advance(5 * kMs)) after[o.tag] = o;
  ASSERT_EQ(after.size(), 2u) << "the untriggered stop changed";
  EXPECT_EQ(after["l"].status, d::OrderStatus::cancelled)
      << "an IOC limit away from the price stayed";
  EXPECT_EQ(after["l"].cancelled_units, 3);
  EXPECT_EQ(after["m"].status, d::OrderStatus::cancelled);
  EXPECT_EQ(after["m"].filled_units, 4) << "what could fill at once did not";
  EXPECT_EQ(after["m"].cancelled_units, 6);
  EXPECT_EQ(book.find_by_tag({"s"})->status, d::OrderStatus::trigger_pending);
  book.set_price(kInfy, 89'00);
  const auto triggered = book.advance(6 * kMs);
  ASSERT_EQ(triggered.size(), 1u);
  EXPECT_EQ(triggered[0].status, d::OrderStatus::complete);  // triggered, then filled whole
}

TEST(PaperBook, ModifyAndCancelWorkingOrders) {
  PaperBook book({});
  auto placed = book.place(order(d::Side::buy, d::OrderType::limit, 10, 100'00), {"m"}, 0);
  ASSERT_TRUE(placed.ok());
  auto modified =
      book.modify(placed->order_id, order(d::Side::buy, d::OrderType::limit, 4, 99'00), 1);
  ASSERT_TRUE(modified.ok());
  EXPECT_EQ(modified->quantity_units, 4);
  auto cancelled = book.cancel(placed->order_id, 2);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, d::OrderStatus::cancelled);
  EXPECT_FALSE(book.cancel(placed->order_id, 3).ok());
  EXPECT_FALSE(book.modify({"P99"}, order(d::Side::buy, d::OrderType::limit, 1, 1), 3).ok());
}

// Same seed, same fills: whatever the seed, two books fed the same calls agree exactly, and
// the fill times do not depend on the order the orders were placed in.
RC_GTEST_PROP(PaperBookProp, SameSeedSameFills, (uint64_t seed)) {
  const int n = *rc::gen::inRange(1, 20);
  auto run = [&](bool reversed) {
    PaperBook book({.slippage_bp = 5, .latency_ns = 10 * kMs, .jitter_ns = 50 * kMs, .seed = seed});
    book.set_price(kInfy, 1000'00);
    for (int k = 0; k < n; ++k) {
      const int i = reversed ? n - 1 - k : k;
      RC_ASSERT(book.place(order(d::Side::buy, d::OrderType::market, i + 1),
                           {"tag" + std::to_string(i)}, 0)
                    .ok());
    }
    std::map<std::string, d::TimeNs> filled_at;
    for (d::TimeNs t = 0; t <= 70 * kMs; t += kMs) {
      for (const auto& o : book.advance(t)) filled_at[o.tag] = o.exchange_time_ns;
    }
    return filled_at;
  };
  const auto a = run(false);
  RC_ASSERT(a.size() == static_cast<size_t>(n));
  RC_ASSERT(run(false) == a);
  RC_ASSERT(run(true) == a);
}

// Random buys and sells at random prices: each position's detail agrees with its trades —
// bought − sold is the net position, the values are the sums of units × price, and the P&L
// at the mark is what closing the position there would leave.
RC_GTEST_PROP(PaperBookProp, PositionDetailsAgreeWithTheTrades, ()) {
  PaperBook book({});
  const int n = *rc::gen::inRange(1, 30);
  int64_t cash = 0, units = 0;
  int64_t price = 0;
  for (int k = 0; k < n; ++k) {
    price = *rc::gen::inRange<int64_t>(900'00, 1100'00);
    book.set_price(kInfy, price);
    const bool buy = *rc::gen::arbitrary<bool>();
    const int64_t qty = *rc::gen::inRange<int64_t>(1, 50);
    RC_ASSERT(book.place(order(buy ? d::Side::buy : d::Side::sell, d::OrderType::market, qty),
                         {"t" + std::to_string(k)}, 0)
                  .ok());
    book.advance(0);
    units += buy ? qty : -qty;
    cash += buy ? -qty * price : qty * price;
  }
  const auto details = book.position_details();
  RC_ASSERT(details.size() == 1u);
  const PositionDetail& p = details[0];
  RC_ASSERT(p.net == book.positions().at(0));
  RC_ASSERT(p.bought_units - p.sold_units == units);
  RC_ASSERT(p.net.net_qty_units == units);
  RC_ASSERT(p.sold_value_paise - p.bought_value_paise == cash);
  RC_ASSERT(p.last_price_paise == price);
  RC_ASSERT(p.pnl_paise() == cash + units * price);
}

// Could `o` fill at `ref` now (no latency, no jitter, whole fills)? The fill rules, from the
// trader's side: a market order always; a limit when the price is at or better than its
// own; a stop once the price crosses its trigger.
bool could_fill(const BrokerOrder& o, int64_t ref) {
  if (d::is_final(o.status)) return false;
  const bool buy = o.side == d::Side::buy;
  if (o.status == d::OrderStatus::trigger_pending) {
    return buy ? ref >= o.trigger_price_paise : ref <= o.trigger_price_paise;
  }
  if (o.order_type == d::OrderType::market || o.order_type == d::OrderType::stop_loss_market) {
    return true;
  }
  return buy ? ref <= o.price_paise : ref >= o.price_paise;
}

// Random calls on a book: after each, take_changed() names exactly the orders whose state
// differs from what it last gave (a modify may be named without a visible change), in id
// order, and after each advance() no working order could still fill at the current price
// (an order the book stopped considering would).
RC_GTEST_PROP(PaperBookProp, ChangeFeedIsCompleteAndAdvanceMissesNoWorkingOrder, ()) {
  PaperBook book({});
  int64_t ref = 1000'00;
  book.set_price(kInfy, ref);
  std::map<std::string, BrokerOrder> last;  // by order id, as take_changed() last gave it
  std::vector<std::string> ids;
  d::TimeNs now = 0;
  const int steps = *rc::gen::inRange(1, 80);
  for (int step = 0; step < steps; ++step) {
    std::string modified;
    switch (*rc::gen::inRange(0, 5)) {
      case 0: {  // place
        const auto type =
            *rc::gen::element(d::OrderType::market, d::OrderType::limit, d::OrderType::stop_loss,
                              d::OrderType::stop_loss_market);
        const auto side = *rc::gen::element(d::Side::buy, d::Side::sell);
        const int64_t price = *rc::gen::inRange<int64_t>(950'00, 1050'00);
        const int64_t trigger = *rc::gen::inRange<int64_t>(950'00, 1050'00);
        auto placed = book.place(order(side, type, *rc::gen::inRange(1, 50), price, trigger),
                                 {"t" + std::to_string(step)}, now);
        if (placed.ok()) ids.push_back(placed->order_id.value);
        break;
      }
      case 1:  // modify
        if (!ids.empty()) {
          modified = *rc::gen::elementOf(ids);
          const int64_t price = *rc::gen::inRange<int64_t>(950'00, 1050'00);
          (void)book.modify(
              {modified},
              order(d::Side::buy, *rc::gen::element(d::OrderType::limit, d::OrderType::market),
                    *rc::gen::inRange(1, 50), price),
              now);
        }
        break;
      case 2:  // cancel
        if (!ids.empty()) (void)book.cancel({*rc::gen::elementOf(ids)}, now);
        break;
      case 3:
        ref = *rc::gen::inRange<int64_t>(950'00, 1050'00);
        book.set_price(kInfy, ref);
        break;
      default: {
        now += kMs;
        (void)book.advance(now);
        for (const BrokerOrder& o : book.order_book()) {
          RC_ASSERT_FALSE(could_fill(o, ref));
        }
        break;
      }
    }
    std::set<std::string> differs;
    for (const BrokerOrder& o : book.order_book()) {
      const auto it = last.find(o.order_id.value);
      if (it == last.end() || !(it->second == o)) differs.insert(o.order_id.value);
    }
    std::vector<std::string> named;
    book.take_changed([&](const BrokerOrder& o) {
      named.push_back(o.order_id.value);
      last[o.order_id.value] = o;
    });
    const std::set<std::string> named_set(named.begin(), named.end());
    RC_ASSERT(named_set.size() == named.size());  // once each
    for (const std::string& id : differs) RC_ASSERT(named_set.contains(id));
    for (const std::string& id : named_set) RC_ASSERT(differs.contains(id) || id == modified);
    std::vector<std::string> in_order = named;
    std::sort(in_order.begin(), in_order.end(), [](const std::string& a, const std::string& b) {
      return std::stoull(a.substr(1)) < std::stoull(b.substr(1));
    });
    RC_ASSERT(in_order == named);
  }
}

}  // namespace
}  // namespace tandem::brokers::paper_book_test
