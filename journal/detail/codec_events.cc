// Mapping between domain events and journal/schema/events.capnp. Enum values are equal on
// both sides (the schema's enumerant order follows the domain enums), so conversion is a
// cast plus a range check on the way in: bytes from disk are never trusted.
#include "journal/detail/codec_events.h"

#include <capnp/compat/json.h>
#include <kj/debug.h>

#include <array>
#include <cctype>
#include <tuple>
#include <utility>

#include "domain/copy/client_tag.h"
#include "journal/schema/events.capnp.h"

namespace tandem::journal::detail {

namespace d = ::tandem::domain;
namespace s = ::tandem::journal::schema;

// ---- shared structs ----
void put(s::InstrumentKey::Builder b, const d::InstrumentKey& v) {
  b.setExchange(out<s::Exchange>(v.exchange));
  b.setTradingsymbol(v.tradingsymbol);
}
d::InstrumentKey get(s::InstrumentKey::Reader r) {
  return {in(r.getExchange(), d::Exchange::mcx), text(r.getTradingsymbol())};
}

void put(s::Instrument::Builder b, const d::Instrument& v) {
  put(b.initKey(), v.key);
  b.setUnderlying(v.underlying);
  b.setSegment(out<s::Segment>(v.segment));
  b.setKiteToken(v.kite_token);
  b.setDhanSecurityId(v.dhan_security_id);
  b.setLotSizeUnits(v.lot_size_units);
  b.setTickSizePaise(v.tick_size_paise);
  b.setExpiryDay(v.expiry_day);
  b.setStrikePaise(v.strike_paise);
  b.setOptionType(out<s::OptionType>(v.option_type));
  b.setFreezeQtyUnits(v.freeze_qty_units);
}
d::Instrument get(s::Instrument::Reader r) {
  d::Instrument v;
  v.key = get(r.getKey());
  v.underlying = text(r.getUnderlying());
  v.segment = in(r.getSegment(), d::Segment::index);
  v.kite_token = r.getKiteToken();
  v.dhan_security_id = text(r.getDhanSecurityId());
  v.lot_size_units = r.getLotSizeUnits();
  v.tick_size_paise = r.getTickSizePaise();
  v.expiry_day = r.getExpiryDay();
  v.strike_paise = r.getStrikePaise();
  v.option_type = in(r.getOptionType(), d::OptionType::put);
  v.freeze_qty_units = r.getFreezeQtyUnits();
  return v;
}

void put(s::FollowerSettings::Builder b, const d::FollowerSettings& v) {
  b.setFollower(v.follower.value);
  b.setAccount(v.account.value);
  b.setBroker(out<s::Broker>(v.broker));
  b.setEnabled(v.enabled);
  b.setSizing(out<s::SizingPolicy>(v.sizing));
  b.setRatioPpm(v.ratio_ppm);
  b.setMaxPositionPctBp(v.max_position_pct_bp);
  b.setCarryRemainder(v.carry_remainder);
  b.setMaxPositionUnits(v.max_position_units);
  b.setMaxPositionValuePaise(v.max_position_value_paise);
  b.setMaxOrderValuePaise(v.max_order_value_paise);
  b.setMaxDailyTrades(v.max_daily_trades);
  set_texts(b.initAllowSymbols(v.allow_symbols.size()), v.allow_symbols);
  set_texts(b.initDenySymbols(v.deny_symbols.size()), v.deny_symbols);
  set_texts(b.initAllowUnderlyings(v.allow_underlyings.size()), v.allow_underlyings);
  set_texts(b.initDenyUnderlyings(v.deny_underlyings.size()), v.deny_underlyings);
  set_enums<s::Segment>(b.initAllowSegments(v.allow_segments.size()), v.allow_segments);
  set_enums<s::Segment>(b.initDenySegments(v.deny_segments.size()), v.deny_segments);
  set_enums<s::Product>(b.initAllowProducts(v.allow_products.size()), v.allow_products);
  b.setDisallowedProduct(out<s::DisallowedProductAction>(v.disallowed_product));
  b.setReverse(v.reverse);
  b.setCopyWindowStartMin(v.copy_window_start_min);
  b.setCopyWindowEndMin(v.copy_window_end_min);
  b.setStalenessLimitMs(v.staleness_limit_ms);
  b.setPriceGuardBp(v.price_guard_bp);
  b.setCopyOn(out<s::CopyOn>(v.copy_on));
  b.setLateEvents(out<s::LateEvents>(v.late_events));
  b.setMaxDailyLossPaise(v.max_daily_loss_paise);
  b.setDailyProfitTargetPaise(v.daily_profit_target_paise);
  b.setLossGuardAction(out<s::LossGuardAction>(v.loss_guard_action));
  b.setCatchUpMs(v.catch_up_ms);
  if (!v.leader.empty()) b.setLeader(v.leader.value);
}
d::FollowerSettings get(s::FollowerSettings::Reader r) {
  d::FollowerSettings v;
  v.follower = id<d::FollowerId>(r.getFollower());
  v.account = id<d::AccountId>(r.getAccount());
  v.broker = in(r.getBroker(), d::Broker::paper);
  v.enabled = r.getEnabled();
  v.sizing = in(r.getSizing(), d::SizingPolicy::risk_based);
  v.ratio_ppm = r.getRatioPpm();
  v.max_position_pct_bp = r.getMaxPositionPctBp();
  v.carry_remainder = r.getCarryRemainder();
  v.max_position_units = r.getMaxPositionUnits();
  v.max_position_value_paise = r.getMaxPositionValuePaise();
  v.max_order_value_paise = r.getMaxOrderValuePaise();
  v.max_daily_trades = r.getMaxDailyTrades();
  v.allow_symbols = get_texts(r.getAllowSymbols());
  v.deny_symbols = get_texts(r.getDenySymbols());
  v.allow_underlyings = get_texts(r.getAllowUnderlyings());
  v.deny_underlyings = get_texts(r.getDenyUnderlyings());
  v.allow_segments = get_enums<d::Segment, s::Segment>(r.getAllowSegments(), d::Segment::index);
  v.deny_segments = get_enums<d::Segment, s::Segment>(r.getDenySegments(), d::Segment::index);
  v.allow_products = get_enums<d::Product, s::Product>(r.getAllowProducts(), d::Product::mtf);
  v.disallowed_product = in(r.getDisallowedProduct(), d::DisallowedProductAction::use_delivery);
  v.reverse = r.getReverse();
  v.copy_window_start_min = r.getCopyWindowStartMin();
  v.copy_window_end_min = r.getCopyWindowEndMin();
  v.staleness_limit_ms = r.getStalenessLimitMs();
  v.price_guard_bp = r.getPriceGuardBp();
  v.copy_on = in(r.getCopyOn(), d::CopyOn::fill);
  v.late_events = in(r.getLateEvents(), d::LateEvents::converge);
  v.max_daily_loss_paise = r.getMaxDailyLossPaise();
  v.daily_profit_target_paise = r.getDailyProfitTargetPaise();
  v.loss_guard_action = in(r.getLossGuardAction(), d::LossGuardAction::flatten);
  v.catch_up_ms = r.getCatchUpMs();
  v.leader = id<d::LeaderId>(r.getLeader());
  return v;
}

void put(s::SizingInputs::Builder b, const d::SizingInputs& v) {
  b.setPolicy(out<s::SizingPolicy>(v.policy));
  b.setRatioPpm(v.ratio_ppm);
  b.setLeaderQtyUnits(v.leader_qty_units);
  b.setLeaderCapitalPaise(v.leader_capital_paise);
  b.setFollowerCapitalPaise(v.follower_capital_paise);
  b.setLotSizeUnits(v.lot_size_units);
  b.setPremiumPaise(v.premium_paise);
  b.setMaxPositionPctBp(v.max_position_pct_bp);
  b.setRawQtyMicro(v.raw_qty_micro);
  b.setRemainderInMicro(v.remainder_in_micro);
  b.setRoundedQtyUnits(v.rounded_qty_units);
  b.setRemainderOutMicro(v.remainder_out_micro);
  b.setPositionBeforeUnits(v.position_before_units);
  b.setFinalQtyUnits(v.final_qty_units);
  b.setTargetUnits(v.target_units);
}
d::SizingInputs get(s::SizingInputs::Reader r) {
  d::SizingInputs v;
  v.policy = in(r.getPolicy(), d::SizingPolicy::risk_based);
  v.ratio_ppm = r.getRatioPpm();
  v.leader_qty_units = r.getLeaderQtyUnits();
  v.leader_capital_paise = r.getLeaderCapitalPaise();
  v.follower_capital_paise = r.getFollowerCapitalPaise();
  v.lot_size_units = r.getLotSizeUnits();
  v.premium_paise = r.getPremiumPaise();
  v.max_position_pct_bp = r.getMaxPositionPctBp();
  v.raw_qty_micro = r.getRawQtyMicro();
  v.remainder_in_micro = r.getRemainderInMicro();
  v.rounded_qty_units = r.getRoundedQtyUnits();
  v.remainder_out_micro = r.getRemainderOutMicro();
  v.position_before_units = r.getPositionBeforeUnits();
  v.final_qty_units = r.getFinalQtyUnits();
  v.target_units = r.getTargetUnits();
  return v;
}

void put(s::OrderRequest::Builder b, const d::OrderTerms& v) {
  put(b.initInstrument(), v.instrument);
  b.setSide(out<s::Side>(v.side));
  b.setOrderType(out<s::OrderType>(v.order_type));
  b.setProduct(out<s::Product>(v.product));
  b.setValidity(out<s::Validity>(v.validity));
  b.setQuantityUnits(v.quantity_units);
  b.setPricePaise(v.price_paise);
  b.setTriggerPricePaise(v.trigger_price_paise);
}
d::OrderTerms get(s::OrderRequest::Reader r) {
  d::OrderTerms v;
  v.instrument = get(r.getInstrument());
  v.side = in(r.getSide(), d::Side::sell);
  v.order_type = in(r.getOrderType(), d::OrderType::stop_loss_market);
  v.product = in(r.getProduct(), d::Product::mtf);
  v.validity = in(r.getValidity(), d::Validity::ttl);
  v.quantity_units = r.getQuantityUnits();
  v.price_paise = r.getPricePaise();
  v.trigger_price_paise = r.getTriggerPricePaise();
  return v;
}

void put(s::LeaderConfigured::Builder b, const d::LeaderConfigured& v) {
  b.setAccount(v.account.value);
  b.setBroker(out<s::Broker>(v.broker));
  if (!v.name.empty()) b.setName(v.name.value);
  if (!v.tag_code.empty()) b.setTagCode(v.tag_code);
}
d::LeaderConfigured get(s::LeaderConfigured::Reader r) {
  d::LeaderConfigured v{id<d::AccountId>(r.getAccount()), in(r.getBroker(), d::Broker::paper),
                        id<d::LeaderId>(r.getName()), text(r.getTagCode())};
  // Every tag of its followers starts with it (client_tag.h): a code that would make a tag
  // no broker takes is a damaged record, not a decision to make.
  KJ_REQUIRE(v.tag_code.size() <= d::kMaxTagCodeLength, "tag code too long", v.tag_code.size());
  for (const char c : v.tag_code)
    KJ_REQUIRE(std::isalnum(static_cast<unsigned char>(c)), "tag code");
  return v;
}

namespace {

// The event overloads below would hide the shared ones above.
using ::tandem::journal::detail::get;
using ::tandem::journal::detail::put;

// ---- events ----
void put(s::EngineStarted::Builder b, const d::EngineStarted& v) {
  b.setVersion(v.version);
  b.setConfigHash(v.config_hash);
}
d::EngineStarted get(s::EngineStarted::Reader r) {
  return {text(r.getVersion()), text(r.getConfigHash())};
}

void put(s::EngineStopped::Builder b, const d::EngineStopped& v) { b.setReason(v.reason); }
d::EngineStopped get(s::EngineStopped::Reader r) { return {text(r.getReason())}; }

void put(s::TradingDayOpened::Builder b, const d::TradingDayOpened& v) { b.setDay(v.day); }
d::TradingDayOpened get(s::TradingDayOpened::Reader r) { return {r.getDay()}; }

void put(s::BrokerConnectionChanged::Builder b, const d::BrokerConnectionChanged& v) {
  b.setAccount(v.account.value);
  b.setBroker(out<s::Broker>(v.broker));
  b.setConnected(v.connected);
  b.setDetail(v.detail);
}
d::BrokerConnectionChanged get(s::BrokerConnectionChanged::Reader r) {
  return {id<d::AccountId>(r.getAccount()), in(r.getBroker(), d::Broker::paper), r.getConnected(),
          text(r.getDetail())};
}

void put(s::FollowerConfigured::Builder b, const d::FollowerConfigured& v) {
  put(b.initSettings(), v.settings);
}
d::FollowerConfigured get(s::FollowerConfigured::Reader r) { return {get(r.getSettings())}; }

void put(s::FollowerPaused::Builder b, const d::FollowerPaused& v) {
  b.setFollower(v.follower.value);
  b.setBy(v.by);
  b.setReason(v.reason);
}
d::FollowerPaused get(s::FollowerPaused::Reader r) {
  return {id<d::FollowerId>(r.getFollower()), text(r.getBy()), text(r.getReason())};
}

void put(s::FollowerResumed::Builder b, const d::FollowerResumed& v) {
  b.setFollower(v.follower.value);
  b.setBy(v.by);
}
d::FollowerResumed get(s::FollowerResumed::Reader r) {
  return {id<d::FollowerId>(r.getFollower()), text(r.getBy())};
}

void put(s::InstrumentSnapshot::Builder b, const d::InstrumentSnapshot& v) {
  put(b.initInstrument(), v.instrument);
}
d::InstrumentSnapshot get(s::InstrumentSnapshot::Reader r) { return {get(r.getInstrument())}; }

void put(s::LeaderOrderUpdate::Builder b, const d::LeaderOrderUpdate& v) {
  b.setOrderId(v.order_id.value);
  b.setStatus(out<s::OrderStatus>(v.status));
  put(b.initInstrument(), v.instrument);
  b.setSide(out<s::Side>(v.side));
  b.setOrderType(out<s::OrderType>(v.order_type));
  b.setProduct(out<s::Product>(v.product));
  b.setValidity(out<s::Validity>(v.validity));
  b.setQuantityUnits(v.quantity_units);
  b.setFilledUnits(v.filled_units);
  b.setPricePaise(v.price_paise);
  b.setTriggerPricePaise(v.trigger_price_paise);
  b.setAveragePricePaise(v.average_price_paise);
  b.setExchangeTimeNs(v.exchange_time_ns);
  b.setReceivedTimeNs(v.received_time_ns);
  b.setRawDigest(v.raw_digest);
  b.setRecovered(v.recovered);
  if (!v.leader.empty()) b.setLeader(v.leader.value);
  b.setFeedSeq(v.feed_seq);  // 0 is capnp's default: the canonical bytes of before unchanged
}
d::LeaderOrderUpdate get(s::LeaderOrderUpdate::Reader r) {
  d::LeaderOrderUpdate v;
  v.order_id = id<d::LeaderOrderId>(r.getOrderId());
  v.status = in(r.getStatus(), d::OrderStatus::expired);
  v.instrument = get(r.getInstrument());
  v.side = in(r.getSide(), d::Side::sell);
  v.order_type = in(r.getOrderType(), d::OrderType::stop_loss_market);
  v.product = in(r.getProduct(), d::Product::mtf);
  v.validity = in(r.getValidity(), d::Validity::ttl);
  v.quantity_units = r.getQuantityUnits();
  v.filled_units = r.getFilledUnits();
  v.price_paise = r.getPricePaise();
  v.trigger_price_paise = r.getTriggerPricePaise();
  v.average_price_paise = r.getAveragePricePaise();
  v.exchange_time_ns = r.getExchangeTimeNs();
  v.received_time_ns = r.getReceivedTimeNs();
  v.raw_digest = text(r.getRawDigest());
  v.recovered = r.getRecovered();
  v.leader = id<d::LeaderId>(r.getLeader());
  v.feed_seq = r.getFeedSeq();
  return v;
}

void put(s::FundsSnapshot::Builder b, const d::FundsSnapshot& v) {
  b.setAccount(v.account.value);
  b.setAvailablePaise(v.available_paise);
}
d::FundsSnapshot get(s::FundsSnapshot::Reader r) {
  return {id<d::AccountId>(r.getAccount()), r.getAvailablePaise()};
}

void put(s::PositionsSnapshot::Builder b, const d::PositionsSnapshot& v) {
  b.setAccount(v.account.value);
  auto list = b.initPositions(v.positions.size());
  for (size_t i = 0; i < v.positions.size(); ++i) {
    const d::BrokerPosition& p = v.positions[i];
    auto pb = list[i];
    put(pb.initInstrument(), p.instrument);
    pb.setProduct(out<s::Product>(p.product));
    pb.setNetQtyUnits(p.net_qty_units);
    pb.setAveragePricePaise(p.average_price_paise);
  }
}
d::PositionsSnapshot get(s::PositionsSnapshot::Reader r) {
  d::PositionsSnapshot v;
  v.account = id<d::AccountId>(r.getAccount());
  for (auto p : r.getPositions()) {
    v.positions.push_back({get(p.getInstrument()), in(p.getProduct(), d::Product::mtf),
                           p.getNetQtyUnits(), p.getAveragePricePaise()});
  }
  return v;
}

void put(s::CopyDecision::Builder b, const d::CopyDecision& v) {
  b.setLeaderOrderId(v.leader_order_id.value);
  b.setFollower(v.follower.value);
  b.setAction(out<s::CopyAction>(v.action));
  b.setOrdinal(v.ordinal);
  b.setQuantityUnits(v.quantity_units);
  put(b.initSizing(), v.sizing);
  b.setSkipReason(out<s::SkipReason>(v.skip_reason));
  b.setClamp(out<s::Clamp>(v.clamp));
  put(b.initInstrument(), v.instrument);
  b.setSide(out<s::Side>(v.side));
}
d::CopyDecision get(s::CopyDecision::Reader r) {
  d::CopyDecision v;
  v.leader_order_id = id<d::LeaderOrderId>(r.getLeaderOrderId());
  v.follower = id<d::FollowerId>(r.getFollower());
  v.action = in(r.getAction(), d::CopyAction::skip);
  v.ordinal = r.getOrdinal();
  v.quantity_units = r.getQuantityUnits();
  v.sizing = get(r.getSizing());
  v.skip_reason = in(r.getSkipReason(), d::SkipReason::flattened);
  v.clamp = in(r.getClamp(), d::Clamp::catch_up);
  v.instrument = get(r.getInstrument());
  v.side = in(r.getSide(), d::Side::sell);
  return v;
}

void put(s::FollowerOrderIntent::Builder b, const d::FollowerOrderIntent& v) {
  b.setTag(v.tag.value);
  b.setFollower(v.follower.value);
  b.setLeaderOrderId(v.leader_order_id.value);
  b.setAction(out<s::CopyAction>(v.action));
  b.setOrdinal(v.ordinal);
  put(b.initOrder(), v.order);
  b.setTargetOrderId(v.target_order_id.value);
  b.setTargetTag(v.target_tag.value);
}
d::FollowerOrderIntent get(s::FollowerOrderIntent::Reader r) {
  d::FollowerOrderIntent v;
  v.tag = id<d::ClientTag>(r.getTag());
  v.follower = id<d::FollowerId>(r.getFollower());
  v.leader_order_id = id<d::LeaderOrderId>(r.getLeaderOrderId());
  v.action = in(r.getAction(), d::CopyAction::skip);
  v.ordinal = r.getOrdinal();
  v.order = get(r.getOrder());
  v.target_order_id = id<d::BrokerOrderId>(r.getTargetOrderId());
  v.target_tag = id<d::ClientTag>(r.getTargetTag());
  return v;
}

void put(s::FollowerOrderAck::Builder b, const d::FollowerOrderAck& v) {
  b.setTag(v.tag.value);
  b.setFollower(v.follower.value);
  b.setBrokerOrderId(v.broker_order_id.value);
}
d::FollowerOrderAck get(s::FollowerOrderAck::Reader r) {
  return {id<d::ClientTag>(r.getTag()), id<d::FollowerId>(r.getFollower()),
          id<d::BrokerOrderId>(r.getBrokerOrderId())};
}

void put(s::FollowerOrderRejected::Builder b, const d::FollowerOrderRejected& v) {
  b.setTag(v.tag.value);
  b.setFollower(v.follower.value);
  b.setErrorClass(std::string(d::to_string(v.error_class)));
  b.setMessage(v.message);
}
d::FollowerOrderRejected get(s::FollowerOrderRejected::Reader r) {
  const std::string name = text(r.getErrorClass());
  const std::optional<d::OrderFailure> failure = d::order_failure_named(name);
  KJ_REQUIRE(failure.has_value(), "unknown error class", name);
  return {id<d::ClientTag>(r.getTag()), id<d::FollowerId>(r.getFollower()), *failure,
          text(r.getMessage())};
}

void put(s::FollowerOrderUpdate::Builder b, const d::FollowerOrderUpdate& v) {
  b.setTag(v.tag.value);
  b.setFollower(v.follower.value);
  b.setBrokerOrderId(v.broker_order_id.value);
  b.setStatus(out<s::OrderStatus>(v.status));
  b.setFilledUnits(v.filled_units);
  b.setAveragePricePaise(v.average_price_paise);
  b.setExchangeTimeNs(v.exchange_time_ns);
  b.setQuantityUnits(v.quantity_units);
}
d::FollowerOrderUpdate get(s::FollowerOrderUpdate::Reader r) {
  d::FollowerOrderUpdate v;
  v.tag = id<d::ClientTag>(r.getTag());
  v.follower = id<d::FollowerId>(r.getFollower());
  v.broker_order_id = id<d::BrokerOrderId>(r.getBrokerOrderId());
  v.status = in(r.getStatus(), d::OrderStatus::expired);
  v.filled_units = r.getFilledUnits();
  v.average_price_paise = r.getAveragePricePaise();
  v.exchange_time_ns = r.getExchangeTimeNs();
  v.quantity_units = r.getQuantityUnits();
  return v;
}

void put(s::MarketCalendarConfigured::Builder b, const d::MarketCalendarConfigured& v) {
  auto list = b.initHolidays(v.holidays.size());
  for (size_t i = 0; i < v.holidays.size(); ++i) list.set(i, v.holidays[i]);
}
d::MarketCalendarConfigured get(s::MarketCalendarConfigured::Reader r) {
  d::MarketCalendarConfigured v;
  for (uint32_t day : r.getHolidays()) v.holidays.push_back(day);
  return v;
}

void put(s::FollowerFlattenRequested::Builder b, const d::FollowerFlattenRequested& v) {
  b.setFollower(v.follower.value);
  b.setBy(v.by);
  b.setRequestId(v.request_id);
}
d::FollowerFlattenRequested get(s::FollowerFlattenRequested::Reader r) {
  return {id<d::FollowerId>(r.getFollower()), text(r.getBy()), text(r.getRequestId())};
}

void put(s::AlertRaised::Builder b, const d::AlertRaised& v) {
  b.setKind(v.kind);
  b.setKey(v.key);
  b.setText(v.text);
}
d::AlertRaised get(s::AlertRaised::Reader r) {
  return {text(r.getKind()), text(r.getKey()), text(r.getText())};
}

void put(s::PriceSnapshot::Builder b, const d::PriceSnapshot& v) {
  auto list = b.initPrices(v.prices.size());
  for (size_t i = 0; i < v.prices.size(); ++i) {
    put(list[i].initInstrument(), v.prices[i].instrument);
    list[i].setLastPricePaise(v.prices[i].last_price_paise);
  }
  b.setReceivedTimeNs(v.received_time_ns);
}
d::PriceSnapshot get(s::PriceSnapshot::Reader r) {
  d::PriceSnapshot v;
  for (const auto p : r.getPrices()) {
    v.prices.push_back({get(p.getInstrument()), p.getLastPricePaise()});
  }
  v.received_time_ns = r.getReceivedTimeNs();
  return v;
}

void put(s::LossGuardTripped::Builder b, const d::LossGuardTripped& v) {
  b.setFollower(v.follower.value);
  b.setLimit(out<s::GuardLimit>(v.limit));
  b.setDayPnlPaise(v.day_pnl_paise);
  b.setThresholdPaise(v.threshold_paise);
  b.setAction(out<s::LossGuardAction>(v.action));
}
d::LossGuardTripped get(s::LossGuardTripped::Reader r) {
  return {id<d::FollowerId>(r.getFollower()), in(r.getLimit(), d::GuardLimit::profit_target),
          r.getDayPnlPaise(), r.getThresholdPaise(),
          in(r.getAction(), d::LossGuardAction::flatten)};
}

void put(s::ClockTick::Builder b, const d::ClockTick& v) {
  b.setExchangeTimeNs(v.exchange_time_ns);
}
d::ClockTick get(s::ClockTick::Reader r) { return {r.getExchangeTimeNs()}; }

void put(s::FollowerOrderFound::Builder b, const d::FollowerOrderFound& v) {
  b.setFollower(v.follower.value);
  b.setTag(v.tag.value);
  b.setLeaderOrderId(v.leader_order_id.value);
  b.setOrdinal(v.ordinal);
  b.setBrokerOrderId(v.broker_order_id.value);
  put(b.initOrder(), v.order);
  b.setStatus(out<s::OrderStatus>(v.status));
  b.setFilledUnits(v.filled_units);
  b.setAveragePricePaise(v.average_price_paise);
  b.setExchangeTimeNs(v.exchange_time_ns);
}
d::FollowerOrderFound get(s::FollowerOrderFound::Reader r) {
  d::FollowerOrderFound v;
  v.follower = id<d::FollowerId>(r.getFollower());
  v.tag = id<d::ClientTag>(r.getTag());
  v.leader_order_id = id<d::LeaderOrderId>(r.getLeaderOrderId());
  v.ordinal = r.getOrdinal();
  v.broker_order_id = id<d::BrokerOrderId>(r.getBrokerOrderId());
  v.order = get(r.getOrder());
  v.status = in(r.getStatus(), d::OrderStatus::expired);
  v.filled_units = r.getFilledUnits();
  v.average_price_paise = r.getAveragePricePaise();
  v.exchange_time_ns = r.getExchangeTimeNs();
  return v;
}

// The wire struct of each domain event, in the order of domain::Event's alternatives.
using WireStructs =
    std::tuple<s::EngineStarted, s::EngineStopped, s::TradingDayOpened, s::BrokerConnectionChanged,
               s::LeaderConfigured, s::FollowerConfigured, s::FollowerPaused, s::FollowerResumed,
               s::InstrumentSnapshot, s::LeaderOrderUpdate, s::FundsSnapshot, s::PositionsSnapshot,
               s::CopyDecision, s::FollowerOrderIntent, s::FollowerOrderAck,
               s::FollowerOrderRejected, s::FollowerOrderUpdate, s::MarketCalendarConfigured,
               s::FollowerFlattenRequested, s::AlertRaised, s::PriceSnapshot, s::LossGuardTripped,
               s::ClockTick, s::FollowerOrderFound>;
static_assert(std::tuple_size_v<WireStructs> == std::variant_size_v<d::Event>);

template <size_t I>
using WireAt = std::tuple_element_t<I, WireStructs>;

using Writer = void (*)(capnp::MessageBuilder&, const d::Event&);
using Reader = void (*)(capnp::MessageReader&, d::Event&);
using Jsoner = std::string (*)(capnp::MessageReader&);
using Unjsoner = void (*)(capnp::MessageBuilder&, kj::StringPtr);

template <size_t... I>
constexpr std::array<Writer, sizeof...(I)> make_writers(std::index_sequence<I...>) {
  return {[](capnp::MessageBuilder& m, const d::Event& e) {
    put(m.initRoot<WireAt<I>>(), std::get<I>(e));
  }...};
}
template <size_t... I>
constexpr std::array<Reader, sizeof...(I)> make_readers(std::index_sequence<I...>) {
  return {[](capnp::MessageReader& m, d::Event& out) {
    out.emplace<I>(get(m.getRoot<WireAt<I>>()));
  }...};
}
template <size_t... I>
constexpr std::array<Jsoner, sizeof...(I)> make_jsoners(std::index_sequence<I...>) {
  return {[](capnp::MessageReader& m) -> std::string {
    capnp::JsonCodec codec;
    return std::string(codec.encode(m.getRoot<WireAt<I>>()).cStr());
  }...};
}
template <size_t... I>
constexpr std::array<Unjsoner, sizeof...(I)> make_unjsoners(std::index_sequence<I...>) {
  return {[](capnp::MessageBuilder& m, kj::StringPtr json) {
    capnp::JsonCodec codec;
    codec.decode(json, m.initRoot<WireAt<I>>());
  }...};
}
constexpr auto kIndices = std::make_index_sequence<std::variant_size_v<d::Event>>();
constexpr auto kWriters = make_writers(kIndices);
constexpr auto kReaders = make_readers(kIndices);
constexpr auto kJsoners = make_jsoners(kIndices);
constexpr auto kUnjsoners = make_unjsoners(kIndices);

size_t index_of(d::EventType type) {
  const auto raw = static_cast<size_t>(type);
  KJ_REQUIRE(raw >= 1 && raw <= d::kMaxEventType, "unknown event type", raw);
  return raw - 1;
}

}  // namespace

void write_event(capnp::MessageBuilder& message, const d::Event& event) {
  kWriters[event.index()](message, event);
}

void read_event(capnp::MessageReader& message, d::EventType type, d::Event& out) {
  kReaders[index_of(type)](message, out);
}

std::string event_to_json(capnp::MessageReader& message, d::EventType type) {
  return kJsoners[index_of(type)](message);
}

void event_from_json(capnp::MessageBuilder& message, d::EventType type, kj::StringPtr json) {
  kUnjsoners[index_of(type)](message, json);
}

}  // namespace tandem::journal::detail
