// The second file allowed to catch Cap'n Proto exceptions (decoding snapshots); see codec.cc.
#include "journal/snapshot_codec.h"

#include <algorithm>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "journal/detail/codec_events.h"
#include "journal/schema/snapshot.capnp.h"

namespace tandem::journal {

namespace {

namespace d = ::tandem::domain;
namespace p = ::tandem::projections;
namespace s = ::tandem::journal::schema;
using detail::get;
using detail::get_enums;
using detail::id;
using detail::in;
using detail::out;
using detail::put;
using detail::text;

// ---- projections ----
void put(s::PositionKey::Builder b, const p::PositionKey& v) {
  b.setAccount(v.account.value);
  put(b.initInstrument(), v.instrument);
  b.setProduct(out<s::Product>(v.product));
  if (!v.leader.empty()) b.setLeader(v.leader.value);
}
p::PositionKey get(s::PositionKey::Reader r) {
  return {id<d::AccountId>(r.getAccount()), id<d::LeaderId>(r.getLeader()), get(r.getInstrument()),
          in(r.getProduct(), d::Product::mtf)};
}
void put(s::OrderFill::Builder b, const p::OrderFill& v) {
  b.setFilledUnits(v.filled_units);
  b.setCostPaise(v.cost_paise);
}
p::OrderFill get(s::OrderFill::Reader r) { return {r.getFilledUnits(), r.getCostPaise()}; }

// A map's entries in key order whatever the container (the projections' by-id indexes are
// unordered), so that equal states give equal bytes.
template <class Map>
std::vector<const typename Map::value_type*> in_key_order(const Map& map) {
  std::vector<const typename Map::value_type*> entries;
  entries.reserve(map.size());
  for (const auto& entry : map) entries.push_back(&entry);
  if constexpr (requires { map.hash_function(); }) {
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
  }
  return entries;
}

template <class Builder, class Map, class Put>
void put_list(Builder list, const Map& map, Put put_one) {
  size_t i = 0;
  for (const auto* entry : in_key_order(map)) put_one(list[i++], *entry);
}

void put(s::Positions::Builder b, const p::Positions& v) {
  put_list(b.initLeaders(v.leaders.size()), v.leaders, [](auto e, const auto& kv) {
    e.setFirst(kv.first.value);
    e.setSecond(kv.second.value);
  });
  put_list(b.initFollowerAccounts(v.follower_books.size()), v.follower_books,
           [](auto e, const auto& kv) {
             e.setFirst(kv.first.value);
             e.setSecond(kv.second.account.value);
           });
  put_list(b.initFollowerLeaders(v.follower_books.size()), v.follower_books,
           [](auto e, const auto& kv) {
             e.setFirst(kv.first.value);
             e.setSecond(kv.second.leader.value);
           });
  put_list(b.initByKey(v.by_key.size()), v.by_key, [](auto e, const auto& kv) {
    put(e.initKey(), kv.first);
    e.setNetQtyUnits(kv.second.net_qty_units);
    e.setOpenCostPaise(kv.second.open_cost_paise);
    e.setRealizedPnlPaise(kv.second.realized_pnl_paise);
  });
  put_list(b.initLeaderFills(v.leader_fills.size()), v.leader_fills, [](auto e, const auto& kv) {
    e.setId(kv.first.value);
    put(e.initFill(), kv.second);
  });
  put_list(b.initFollowerOrders(v.follower_orders.size()), v.follower_orders,
           [](auto e, const auto& kv) {
             e.setTag(kv.first.value);
             put(e.initKey(), kv.second.key);
             e.setSide(out<s::Side>(kv.second.side));
             e.setQuantityUnits(kv.second.quantity_units);
             e.setFinal(kv.second.final);
             put(e.initFill(), kv.second.fill);
           });
  // Both lists name every key worked in (the tags are rebuilt from the orders).
  put_list(b.initWorkingBuy(v.working_by_key.size()), v.working_by_key, [](auto e, const auto& kv) {
    put(e.initKey(), kv.first);
    e.setAmount(kv.second.buy_units);
  });
  put_list(b.initWorkingSell(v.working_by_key.size()), v.working_by_key,
           [](auto e, const auto& kv) {
             put(e.initKey(), kv.first);
             e.setAmount(kv.second.sell_units);
           });
}
p::Positions get(s::Positions::Reader r) {
  p::Positions v;
  for (auto e : r.getLeaders()) {
    v.leaders[id<d::LeaderId>(e.getFirst())] = id<d::AccountId>(e.getSecond());
  }
  for (auto e : r.getFollowerAccounts()) {
    v.follower_books[id<d::FollowerId>(e.getFirst())].account = id<d::AccountId>(e.getSecond());
  }
  for (auto e : r.getFollowerLeaders()) {
    v.follower_books[id<d::FollowerId>(e.getFirst())].leader = id<d::LeaderId>(e.getSecond());
  }
  for (auto e : r.getByKey()) {
    v.by_key[get(e.getKey())] = {e.getNetQtyUnits(), e.getOpenCostPaise(), e.getRealizedPnlPaise()};
  }
  for (auto e : r.getLeaderFills())
    v.leader_fills[id<d::LeaderOrderId>(e.getId())] = get(e.getFill());
  for (auto e : r.getFollowerOrders()) {
    v.follower_orders[id<d::ClientTag>(e.getTag())] = {
        get(e.getKey()), in(e.getSide(), d::Side::sell), e.getQuantityUnits(), e.getFinal(),
        get(e.getFill())};
  }
  for (auto e : r.getWorkingBuy()) v.working_by_key[get(e.getKey())].buy_units = e.getAmount();
  for (auto e : r.getWorkingSell()) v.working_by_key[get(e.getKey())].sell_units = e.getAmount();
  p::index_working(v);
  return v;
}

void put(s::DailyCounters::Builder b, const p::DailyCounters& v) {
  b.setDay(v.day);
  put_list(b.initByFollowerDay(v.by_follower_day.size()), v.by_follower_day,
           [](auto e, const auto& kv) {
             e.setFollower(kv.first.first.value);
             e.setDay(kv.first.second);
             e.setOrdersPlaced(kv.second.orders_placed);
             e.setOrdersRejected(kv.second.orders_rejected);
             put_list(e.initSkipped(kv.second.skipped.size()), kv.second.skipped,
                      [](auto c, const auto& rc) {
                        c.setReason(out<s::SkipReason>(rc.first));
                        c.setCount(rc.second);
                      });
             e.setTurnoverPaise(kv.second.turnover_paise);
           });
  put_list(b.initPlaced(v.placed.size()), v.placed, [](auto e, const auto& kv) {
    e.setTag(kv.first.value);
    e.setFollower(kv.second.first.value);
    put(e.initFill(), kv.second.second);
  });
}
p::DailyCounters get(s::DailyCounters::Reader r) {
  p::DailyCounters v;
  v.day = r.getDay();
  for (auto e : r.getByFollowerDay()) {
    p::DayCounters& c = v.by_follower_day[{id<d::FollowerId>(e.getFollower()), e.getDay()}];
    c.orders_placed = e.getOrdersPlaced();
    c.orders_rejected = e.getOrdersRejected();
    for (auto rc : e.getSkipped()) {
      c.skipped[in(rc.getReason(), d::SkipReason::flattened)] = rc.getCount();
    }
    c.turnover_paise = e.getTurnoverPaise();
  }
  for (auto e : r.getPlaced()) {
    v.placed[id<d::ClientTag>(e.getTag())] = {id<d::FollowerId>(e.getFollower()), get(e.getFill())};
  }
  return v;
}

void put(s::CopyMappings::Builder b, const p::CopyMappings& v) {
  size_t copies = 0;
  for (const auto& [leader, followers] : v.by_leader) copies += followers.size();
  auto list = b.initCopies(copies);
  size_t i = 0;
  for (const auto* entry : in_key_order(v.by_leader)) {
    const auto& [leader, followers] = *entry;
    for (const auto& [follower, c] : followers) {
      auto e = list[i++];
      e.setLeaderOrderId(leader.value);
      e.setFollower(follower.value);
      auto cb = e.initCopy();
      cb.setNextOrdinal(c.next_ordinal);
      cb.setPlacedTag(c.placed_tag.value);
      cb.setBrokerOrderId(c.broker_order_id.value);
      put(cb.initOrder(), c.order);
      cb.setStatus(out<s::OrderStatus>(c.status));
      cb.setFilledUnits(c.filled_units);
      cb.setCancelSent(c.cancel_sent);
      cb.setModifyRefused(c.modify_refused);
    }
  }
  put_list(b.initTags(v.by_tag.size()), v.by_tag, [&](auto e, const auto& kv) {
    e.setTag(kv.first.value);
    e.setLeaderOrderId(kv.second.leader_order_id.value);
    e.setFollower(kv.second.follower.value);
    e.setAction(out<s::CopyAction>(kv.second.action));
  });
}
p::CopyMappings get(s::CopyMappings::Reader r) {
  p::CopyMappings v;
  for (auto e : r.getCopies()) {
    auto cr = e.getCopy();
    p::FollowerCopy c;
    c.next_ordinal = cr.getNextOrdinal();
    c.placed_tag = id<d::ClientTag>(cr.getPlacedTag());
    c.broker_order_id = id<d::BrokerOrderId>(cr.getBrokerOrderId());
    c.order = get(cr.getOrder());
    c.status = in(cr.getStatus(), d::OrderStatus::expired);
    c.filled_units = cr.getFilledUnits();
    c.cancel_sent = cr.getCancelSent();
    c.modify_refused = cr.getModifyRefused();
    v.by_leader[id<d::LeaderOrderId>(e.getLeaderOrderId())][id<d::FollowerId>(e.getFollower())] =
        std::move(c);
  }
  for (auto e : r.getTags()) {
    v.by_tag[id<d::ClientTag>(e.getTag())] = {id<d::LeaderOrderId>(e.getLeaderOrderId()),
                                              id<d::FollowerId>(e.getFollower()),
                                              in(e.getAction(), d::CopyAction::skip)};
  }
  return v;
}

void put(s::OrderState::Builder b, const p::OrderState& v) {
  b.setStatus(out<s::OrderStatus>(v.status));
  b.setQuantityUnits(v.quantity_units);
  b.setFilledUnits(v.filled_units);
  b.setAveragePricePaise(v.average_price_paise);
  b.setPricePaise(v.price_paise);
  b.setTriggerPricePaise(v.trigger_price_paise);
  b.setFirstSeenRecovered(v.first_seen_recovered);
  b.setFinalTimeNs(v.final_time_ns);
}
p::OrderState get(s::OrderState::Reader r) {
  return {in(r.getStatus(), d::OrderStatus::expired),
          r.getQuantityUnits(),
          r.getFilledUnits(),
          r.getAveragePricePaise(),
          r.getPricePaise(),
          r.getTriggerPricePaise(),
          r.getFirstSeenRecovered(),
          r.getFinalTimeNs()};
}
void put(s::OrderStates::Builder b, const p::OrderStates& v) {
  auto entries = [](auto list, const auto& map) {
    put_list(list, map, [](auto e, const auto& kv) {
      e.setId(kv.first.value);
      put(e.initState(), kv.second);
    });
  };
  entries(b.initLeader(v.leader.size()), v.leader);
  entries(b.initFollower(v.follower.size()), v.follower);
}
p::OrderStates get(s::OrderStates::Reader r) {
  p::OrderStates v;
  for (auto e : r.getLeader()) v.leader[id<d::LeaderOrderId>(e.getId())] = get(e.getState());
  for (auto e : r.getFollower()) v.follower[id<d::ClientTag>(e.getId())] = get(e.getState());
  return v;
}

// ---- the whole state ----
void put(s::CopyState::Builder b, const d::CopyState& v) {
  put_list(b.initLeaders(v.leaders.size()), v.leaders,
           [](auto e, const auto& kv) { detail::put(e, kv.second); });
  put_list(b.initFedSeqs(v.fed_seq.size()), v.fed_seq, [](auto e, const auto& kv) {
    e.setLeader(kv.first.value);
    e.setSeq(kv.second);
  });
  put_list(b.initFollowers(v.followers.size()), v.followers,
           [](auto e, const auto& kv) { put(e, kv.second); });
  {
    auto list = b.initPaused(v.paused.size());
    size_t i = 0;
    for (const auto& f : v.paused) list.set(i++, f.value);
  }
  put_list(b.initInstruments(v.instruments.size()), v.instruments,
           [](auto e, const auto& kv) { put(e, kv.second); });
  put_list(b.initFunds(v.funds_paise.size()), v.funds_paise, [](auto e, const auto& kv) {
    e.setAccount(kv.first.value);
    e.setAmount(kv.second);
  });
  {
    auto list = b.initHolidays(v.calendar.holidays.size());
    size_t i = 0;
    for (d::TradingDay day : v.calendar.holidays) list.set(i++, day);
  }
  b.setDay(v.day);
  put_list(b.initReferencePrices(v.reference_price_paise.size()), v.reference_price_paise,
           [](auto e, const auto& kv) {
             put(e.initInstrument(), kv.first);
             e.setAmount(kv.second);
           });
  put(b.initPositions(), v.positions);
  put(b.initCounters(), v.counters);
  put(b.initMappings(), v.mappings);
  put(b.initOrders(), v.orders);
  put_list(b.initMarks(v.marks_paise.size()), v.marks_paise, [](auto e, const auto& kv) {
    put(e.initInstrument(), kv.first);
    e.setAmount(kv.second);
  });
  put_list(b.initGuards(v.guards.size()), v.guards, [](auto e, const auto& kv) {
    e.setFollower(kv.first.value);
    e.setOpeningValuePaise(kv.second.opening_value_paise);
    e.setTripped(kv.second.tripped);
    e.setAction(out<s::LossGuardAction>(kv.second.action));
    e.setShareOpeningValuePaise(kv.second.share_opening_value_paise);
  });
  put_list(b.initEndedLeaderOrders(v.ended_leader_orders.size()), v.ended_leader_orders,
           [](auto e, const auto& kv) {
             e.setId(kv.first.value);
             e.setDay(kv.second);
           });
  put_list(b.initBases(v.bases.size()), v.bases, [](auto e, const auto& kv) {
    const auto& [follower, instrument, product] = kv.first;
    e.setFollower(follower.value);
    put(e.initInstrument(), instrument);
    e.setProduct(out<s::Product>(product));
    e.setSign(static_cast<int8_t>(kv.second.sign));
    e.setLeaderCapitalPaise(kv.second.leader_capital_paise);
    e.setFollowerCapitalPaise(kv.second.follower_capital_paise);
    e.setPricePaise(kv.second.price_paise);
    e.setPeakUnits(kv.second.peak_units);
  });
  {
    size_t n = 0;
    for (const auto& [leader, working] : v.leader_working) n += working.size();
    auto list = b.initLeaderWorking(n);
    size_t i = 0;
    for (const auto& [leader, working] : v.leader_working) {
      for (const auto& [key, w] : working) {
        auto e = list[i++];
        put(e.initInstrument(), key.first);
        e.setProduct(out<s::Product>(key.second));
        e.setBuyUnits(w.buy_units);
        e.setSellUnits(w.sell_units);
        if (!leader.empty()) e.setLeader(leader.value);
      }
    }
  }
  put_list(b.initFlattened(v.flattened.size()), v.flattened, [](auto e, const auto& k) {
    e.setFollower(k.first.value);
    put(e.initInstrument(), k.second);
  });
  b.setClockNs(v.clock_ns);
  b.setTickedNs(v.ticked_ns);
  {
    auto list = b.initReconfigured(v.converge_all.size());
    size_t i = 0;
    for (const auto& f : v.converge_all) list.set(i++, f.value);
  }
  b.setStateVersion(kStateVersion);
}
d::CopyState get(s::CopyState::Reader r) {
  d::CopyState v;
  for (auto e : r.getLeaders()) {
    d::LeaderConfigured leader = detail::get(e);
    v.leaders[leader.name] = std::move(leader);
  }
  for (auto e : r.getFedSeqs()) v.fed_seq[id<d::LeaderId>(e.getLeader())] = e.getSeq();
  for (auto f : r.getFollowers()) {
    d::FollowerSettings settings = get(f);
    v.followers[settings.follower] = std::move(settings);
  }
  d::index_accounts(v);
  for (auto f : r.getPaused()) v.paused.insert(d::FollowerId{text(f)});
  for (auto i : r.getInstruments()) {
    d::Instrument instrument = get(i);
    v.instruments[instrument.key] = std::move(instrument);
  }
  for (auto e : r.getFunds()) v.funds_paise[id<d::AccountId>(e.getAccount())] = e.getAmount();
  for (uint32_t day : r.getHolidays()) v.calendar.holidays.insert(day);
  v.day = r.getDay();
  for (auto e : r.getReferencePrices())
    v.reference_price_paise[get(e.getInstrument())] = e.getAmount();
  v.positions = get(r.getPositions());
  v.counters = get(r.getCounters());
  v.mappings = get(r.getMappings());
  v.orders = get(r.getOrders());
  for (auto e : r.getMarks()) v.marks_paise[get(e.getInstrument())] = e.getAmount();
  for (auto e : r.getGuards()) {
    v.guards[id<d::FollowerId>(e.getFollower())] = {e.getOpeningValuePaise(), e.getTripped(),
                                                    in(e.getAction(), d::LossGuardAction::flatten),
                                                    e.getShareOpeningValuePaise()};
  }
  for (auto e : r.getEndedLeaderOrders()) {
    v.ended_leader_orders[id<d::LeaderOrderId>(e.getId())] = e.getDay();
  }
  for (auto e : r.getBases()) {
    v.bases[{id<d::FollowerId>(e.getFollower()), get(e.getInstrument()),
             in(e.getProduct(), d::Product::mtf)}] = {e.getSign(), e.getLeaderCapitalPaise(),
                                                      e.getFollowerCapitalPaise(),
                                                      e.getPricePaise(), e.getPeakUnits()};
  }
  for (auto e : r.getLeaderWorking()) {
    v.leader_working[id<d::LeaderId>(e.getLeader())]
                    [{get(e.getInstrument()), in(e.getProduct(), d::Product::mtf)}] = {
        e.getBuyUnits(), e.getSellUnits()};
  }
  for (auto e : r.getFlattened()) {
    v.flattened.insert({id<d::FollowerId>(e.getFollower()), get(e.getInstrument())});
  }
  v.clock_ns = r.getClockNs();
  v.ticked_ns = r.getTickedNs();
  for (auto f : r.getReconfigured()) v.converge_all.insert(d::FollowerId{text(f)});
  return v;
}

}  // namespace

WordBytes encode_snapshot(const d::CopyState& state) {
  capnp::MallocMessageBuilder message;
  put(message.initRoot<s::CopyState>(), state);
  const kj::Array<capnp::word> words =
      capnp::canonicalize(message.getRoot<s::CopyState>().asReader());
  WordBytes out;
  out.words.resize(words.size());
  std::memcpy(out.words.data(), words.begin(), words.size() * sizeof(capnp::word));
  out.size = words.size() * sizeof(capnp::word);
  return out;
}

Result<d::CopyState> decode_snapshot(std::span<const uint8_t> bytes, uint64_t seq) {
  const std::string where = "snapshot at record " + std::to_string(seq) + ": ";
  if (bytes.empty() || bytes.size() % 8 != 0) {
    return Status::corruption(where + std::to_string(bytes.size()) + " bytes, not whole words");
  }
  std::vector<capnp::word> aligned(bytes.size() / 8);
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  d::CopyState state;
  uint16_t version = 0;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&] {
                 kj::ArrayPtr<const capnp::word> segments[1] = {
                     kj::arrayPtr(aligned.data(), aligned.size())};
                 capnp::ReaderOptions options;
                 options.traversalLimitInWords =
                     1ull << 30;  // snapshots grow with the day, unlike records
                 options.nestingLimit = 16;
                 capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), options);
                 const auto root = reader.getRoot<s::CopyState>();
                 version = root.getStateVersion();
                 if (version == kStateVersion) state = get(root);
               })) {
    return Status::corruption(where + "does not decode (" +
                              std::string(e->getDescription().cStr()) + ")");
  }
  if (version != kStateVersion) {
    return Status::unsupported(where + "holds state version " + std::to_string(version) +
                               ", this tandem folds version " + std::to_string(kStateVersion));
  }
  return state;
}

}  // namespace tandem::journal
