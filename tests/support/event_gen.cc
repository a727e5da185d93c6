#include "tests/support/event_gen.h"

#include <rapidcheck.h>

#include <string>

#include "domain/events.h"

namespace tandem::testing {
namespace {

rc::Gen<std::string> text() {
  return rc::gen::container<std::string>(
      rc::gen::weightedOneOf<char>({{20, rc::gen::inRange<char>(32, 127)},
                                    {1, rc::gen::element<char>('\xe2', '\x82', '\xb9')}}));
}

template <class E>
rc::Gen<E> enum_upto(E last) {
  return rc::gen::map(rc::gen::inRange<int>(0, static_cast<int>(last) + 1),
                      [](int v) { return static_cast<E>(v); });
}

}  // namespace
}  // namespace tandem::testing

namespace rc {

namespace td = ::tandem::domain;
namespace tt = ::tandem::testing;

template <class Tag>
struct Arbitrary<td::StringId<Tag>> {
  static Gen<td::StringId<Tag>> arbitrary() {
    return gen::map(tt::text(), [](std::string s) { return td::StringId<Tag>{std::move(s)}; });
  }
};

#define TANDEM_ENUM_ARBITRARY(Type, Last)                              \
  template <>                                                          \
  struct Arbitrary<Type> {                                             \
    static Gen<Type> arbitrary() { return tt::enum_upto(Type::Last); } \
  }
TANDEM_ENUM_ARBITRARY(td::Broker, paper);
TANDEM_ENUM_ARBITRARY(td::Side, sell);
TANDEM_ENUM_ARBITRARY(td::OrderType, stop_loss_market);
TANDEM_ENUM_ARBITRARY(td::Product, mtf);
TANDEM_ENUM_ARBITRARY(td::Validity, ttl);
TANDEM_ENUM_ARBITRARY(td::Exchange, mcx);
TANDEM_ENUM_ARBITRARY(td::Segment, index);
TANDEM_ENUM_ARBITRARY(td::OptionType, put);
TANDEM_ENUM_ARBITRARY(td::OrderStatus, expired);
TANDEM_ENUM_ARBITRARY(td::SizingPolicy, risk_based);
TANDEM_ENUM_ARBITRARY(td::CopyOn, fill);
TANDEM_ENUM_ARBITRARY(td::LateEvents, converge);
TANDEM_ENUM_ARBITRARY(td::DisallowedProductAction, use_delivery);
TANDEM_ENUM_ARBITRARY(td::CopyAction, skip);
TANDEM_ENUM_ARBITRARY(td::SkipReason, flattened);
TANDEM_ENUM_ARBITRARY(td::Clamp, catch_up);
TANDEM_ENUM_ARBITRARY(td::LossGuardAction, flatten);
TANDEM_ENUM_ARBITRARY(td::GuardLimit, profit_target);
TANDEM_ENUM_ARBITRARY(td::OrderFailure, queue_timeout);
#undef TANDEM_ENUM_ARBITRARY

template <>
struct Arbitrary<td::InstrumentKey> {
  static Gen<td::InstrumentKey> arbitrary() {
    return gen::build<td::InstrumentKey>(gen::set(&td::InstrumentKey::exchange),
                                         gen::set(&td::InstrumentKey::tradingsymbol, tt::text()));
  }
};

template <>
struct Arbitrary<td::Instrument> {
  static Gen<td::Instrument> arbitrary() {
    using I = td::Instrument;
    return gen::build<I>(
        gen::set(&I::key), gen::set(&I::underlying, tt::text()), gen::set(&I::segment),
        gen::set(&I::kite_token), gen::set(&I::dhan_security_id, tt::text()),
        gen::set(&I::lot_size_units), gen::set(&I::tick_size_paise), gen::set(&I::expiry_day),
        gen::set(&I::strike_paise), gen::set(&I::option_type), gen::set(&I::freeze_qty_units));
  }
};

template <>
struct Arbitrary<td::FollowerSettings> {
  static Gen<td::FollowerSettings> arbitrary() {
    using F = td::FollowerSettings;
    auto texts = gen::container<std::vector<std::string>>(tt::text());
    return gen::build<F>(
        gen::set(&F::follower), gen::set(&F::account), gen::set(&F::broker), gen::set(&F::enabled),
        gen::set(&F::sizing), gen::set(&F::ratio_ppm), gen::set(&F::max_position_pct_bp),
        gen::set(&F::carry_remainder), gen::set(&F::max_position_units),
        gen::set(&F::max_position_value_paise), gen::set(&F::max_order_value_paise),
        gen::set(&F::max_daily_trades), gen::set(&F::allow_symbols, texts),
        gen::set(&F::deny_symbols, texts), gen::set(&F::allow_underlyings, texts),
        gen::set(&F::deny_underlyings, texts), gen::set(&F::allow_segments),
        gen::set(&F::deny_segments), gen::set(&F::allow_products), gen::set(&F::disallowed_product),
        gen::set(&F::reverse), gen::set(&F::copy_window_start_min),
        gen::set(&F::copy_window_end_min), gen::set(&F::staleness_limit_ms),
        gen::set(&F::price_guard_bp), gen::set(&F::copy_on), gen::set(&F::late_events),
        gen::set(&F::max_daily_loss_paise), gen::set(&F::daily_profit_target_paise),
        gen::set(&F::loss_guard_action), gen::set(&F::catch_up_ms), gen::set(&F::leader));
  }
};

template <>
struct Arbitrary<td::SizingInputs> {
  static Gen<td::SizingInputs> arbitrary() {
    using S = td::SizingInputs;
    return gen::build<S>(gen::set(&S::policy), gen::set(&S::ratio_ppm),
                         gen::set(&S::leader_qty_units), gen::set(&S::leader_capital_paise),
                         gen::set(&S::follower_capital_paise), gen::set(&S::lot_size_units),
                         gen::set(&S::premium_paise), gen::set(&S::max_position_pct_bp),
                         gen::set(&S::raw_qty_micro), gen::set(&S::remainder_in_micro),
                         gen::set(&S::rounded_qty_units), gen::set(&S::remainder_out_micro),
                         gen::set(&S::position_before_units), gen::set(&S::final_qty_units));
  }
};

template <>
struct Arbitrary<td::OrderTerms> {
  static Gen<td::OrderTerms> arbitrary() {
    using O = td::OrderTerms;
    return gen::build<O>(gen::set(&O::instrument), gen::set(&O::side), gen::set(&O::order_type),
                         gen::set(&O::product), gen::set(&O::validity),
                         gen::set(&O::quantity_units), gen::set(&O::price_paise),
                         gen::set(&O::trigger_price_paise));
  }
};

template <>
struct Arbitrary<td::BrokerPosition> {
  static Gen<td::BrokerPosition> arbitrary() {
    using P = td::BrokerPosition;
    return gen::build<P>(gen::set(&P::instrument), gen::set(&P::product),
                         gen::set(&P::net_qty_units), gen::set(&P::average_price_paise));
  }
};

template <>
struct Arbitrary<td::InstrumentPrice> {
  static Gen<td::InstrumentPrice> arbitrary() {
    using P = td::InstrumentPrice;
    return gen::build<P>(gen::set(&P::instrument), gen::set(&P::last_price_paise));
  }
};

}  // namespace rc

rc::Gen<tandem::domain::Event> tandem::testing::event_gen() {
  namespace gen = rc::gen;
  namespace tt = ::tandem::testing;
  {
    using namespace ::tandem::domain;
    auto as_event = [](auto g) { return gen::cast<Event>(g); };
    return gen::oneOf(
        as_event(gen::build<EngineStarted>(gen::set(&EngineStarted::version, tt::text()),
                                           gen::set(&EngineStarted::config_hash, tt::text()))),
        as_event(gen::build<EngineStopped>(gen::set(&EngineStopped::reason, tt::text()))),
        as_event(gen::build<TradingDayOpened>(gen::set(&TradingDayOpened::day))),
        as_event(gen::build<BrokerConnectionChanged>(
            gen::set(&BrokerConnectionChanged::account), gen::set(&BrokerConnectionChanged::broker),
            gen::set(&BrokerConnectionChanged::connected),
            gen::set(&BrokerConnectionChanged::detail, tt::text()))),
        as_event(gen::build<LeaderConfigured>(
            gen::set(&LeaderConfigured::account), gen::set(&LeaderConfigured::broker),
            gen::set(&LeaderConfigured::name),
            gen::set(&LeaderConfigured::tag_code,
                     gen::resize(3, gen::container<std::string>(
                                        gen::elementOf(std::string("ABSWZ0189abz"))))))),
        as_event(gen::build<FollowerConfigured>(gen::set(&FollowerConfigured::settings))),
        as_event(gen::build<FollowerPaused>(gen::set(&FollowerPaused::follower),
                                            gen::set(&FollowerPaused::by, tt::text()),
                                            gen::set(&FollowerPaused::reason, tt::text()))),
        as_event(gen::build<FollowerResumed>(gen::set(&FollowerResumed::follower),
                                             gen::set(&FollowerResumed::by, tt::text()))),
        as_event(gen::build<InstrumentSnapshot>(gen::set(&InstrumentSnapshot::instrument))),
        as_event(gen::build<LeaderOrderUpdate>(
            gen::set(&LeaderOrderUpdate::order_id), gen::set(&LeaderOrderUpdate::status),
            gen::set(&LeaderOrderUpdate::instrument), gen::set(&LeaderOrderUpdate::side),
            gen::set(&LeaderOrderUpdate::order_type), gen::set(&LeaderOrderUpdate::product),
            gen::set(&LeaderOrderUpdate::validity), gen::set(&LeaderOrderUpdate::quantity_units),
            gen::set(&LeaderOrderUpdate::filled_units), gen::set(&LeaderOrderUpdate::price_paise),
            gen::set(&LeaderOrderUpdate::trigger_price_paise),
            gen::set(&LeaderOrderUpdate::average_price_paise),
            gen::set(&LeaderOrderUpdate::exchange_time_ns),
            gen::set(&LeaderOrderUpdate::received_time_ns),
            gen::set(&LeaderOrderUpdate::raw_digest, tt::text()),
            gen::set(&LeaderOrderUpdate::recovered), gen::set(&LeaderOrderUpdate::leader),
            gen::set(&LeaderOrderUpdate::feed_seq))),
        as_event(gen::build<FundsSnapshot>(gen::set(&FundsSnapshot::account),
                                           gen::set(&FundsSnapshot::available_paise))),
        as_event(gen::build<PositionsSnapshot>(gen::set(&PositionsSnapshot::account),
                                               gen::set(&PositionsSnapshot::positions))),
        as_event(gen::build<CopyDecision>(
            gen::set(&CopyDecision::leader_order_id), gen::set(&CopyDecision::follower),
            gen::set(&CopyDecision::action), gen::set(&CopyDecision::ordinal),
            gen::set(&CopyDecision::quantity_units), gen::set(&CopyDecision::sizing),
            gen::set(&CopyDecision::skip_reason), gen::set(&CopyDecision::clamp),
            gen::set(&CopyDecision::instrument), gen::set(&CopyDecision::side))),
        as_event(gen::build<FollowerOrderIntent>(
            gen::set(&FollowerOrderIntent::tag),
            gen::set(&FollowerOrderIntent::follower),
            gen::set(&FollowerOrderIntent::leader_order_id), gen::set(&FollowerOrderIntent::action),
            gen::set(&FollowerOrderIntent::ordinal), gen::set(&FollowerOrderIntent::order),
            gen::set(&FollowerOrderIntent::target_order_id),
            gen::set(&FollowerOrderIntent::target_tag))),
        as_event(gen::build<FollowerOrderAck>(gen::set(&FollowerOrderAck::tag),
                                              gen::set(&FollowerOrderAck::follower),
                                              gen::set(&FollowerOrderAck::broker_order_id))),
        as_event(gen::build<FollowerOrderRejected>(
            gen::set(&FollowerOrderRejected::tag),
            gen::set(&FollowerOrderRejected::follower),
            gen::set(&FollowerOrderRejected::error_class),
            gen::set(&FollowerOrderRejected::message, tt::text()))),
        as_event(gen::build<FollowerOrderUpdate>(
            gen::set(&FollowerOrderUpdate::tag),
            gen::set(&FollowerOrderUpdate::follower),
            gen::set(&FollowerOrderUpdate::broker_order_id), gen::set(&FollowerOrderUpdate::status),
            gen::set(&FollowerOrderUpdate::filled_units),
            gen::set(&FollowerOrderUpdate::average_price_paise),
            gen::set(&FollowerOrderUpdate::exchange_time_ns),
            gen::set(&FollowerOrderUpdate::quantity_units))),
        as_event(
            gen::build<MarketCalendarConfigured>(gen::set(&MarketCalendarConfigured::holidays))),
        as_event(gen::build<FollowerFlattenRequested>(
            gen::set(&FollowerFlattenRequested::follower),
            gen::set(&FollowerFlattenRequested::by, tt::text()),
            gen::set(&FollowerFlattenRequested::request_id, tt::text()))),
        as_event(gen::build<AlertRaised>(gen::set(&AlertRaised::kind, tt::text()),
                                         gen::set(&AlertRaised::key, tt::text()),
                                         gen::set(&AlertRaised::text, tt::text()))),
        as_event(gen::build<PriceSnapshot>(gen::set(&PriceSnapshot::prices),
                                           gen::set(&PriceSnapshot::received_time_ns))),
        as_event(gen::build<LossGuardTripped>(
            gen::set(&LossGuardTripped::follower), gen::set(&LossGuardTripped::limit),
            gen::set(&LossGuardTripped::day_pnl_paise),
            gen::set(&LossGuardTripped::threshold_paise), gen::set(&LossGuardTripped::action))),
        as_event(gen::build<ClockTick>(gen::set(&ClockTick::exchange_time_ns))),
        as_event(gen::build<FollowerOrderFound>(
            gen::set(&FollowerOrderFound::follower), gen::set(&FollowerOrderFound::tag),
            gen::set(&FollowerOrderFound::leader_order_id), gen::set(&FollowerOrderFound::ordinal),
            gen::set(&FollowerOrderFound::broker_order_id), gen::set(&FollowerOrderFound::order),
            gen::set(&FollowerOrderFound::status), gen::set(&FollowerOrderFound::filled_units),
            gen::set(&FollowerOrderFound::average_price_paise),
            gen::set(&FollowerOrderFound::exchange_time_ns))));
  }
}
