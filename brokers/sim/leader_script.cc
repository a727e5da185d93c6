#include "brokers/sim/leader_script.h"

#include <sstream>

#include "brokers/json_reader.h"
#include "brokers/kite/wire.h"
#include "brokers/sim/kite_wire.h"

namespace tandem::brokers::sim {

namespace d = ::tandem::domain;

namespace {

std::vector<std::string> words_of(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "09:15:01.250" or "09:15:01" → ns since midnight.
bool parse_time(std::string_view t, d::TimeNs& out) {
  int h = 0, m = 0, s = 0, ms = 0;
  char c1 = 0, c2 = 0;
  std::istringstream in{std::string(t)};
  if (!(in >> h >> c1 >> m >> c2 >> s) || c1 != ':' || c2 != ':') return false;
  if (in.peek() == '.') {
    in.get();
    std::string frac;
    in >> frac;
    if (frac.empty() || frac.size() > 3 ||
        frac.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    while (frac.size() < 3) frac.push_back('0');
    ms = std::stoi(frac);
  } else if (!in.eof()) {
    return false;
  }
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return false;
  out = ((static_cast<d::TimeNs>(h) * 60 + m) * 60 + s) * 1'000'000'000 +
        static_cast<d::TimeNs>(ms) * 1'000'000;
  return true;
}

bool parse_instrument(std::string_view text, d::InstrumentKey& out) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) return false;
  const auto exchange = kite::exchange_from_wire(text.substr(0, colon));
  if (!exchange) return false;
  out = {*exchange, std::string(text.substr(colon + 1))};
  return true;
}

bool parse_price(std::string_view text, int64_t& out) {
  const auto paise = decimal_paise(text);
  if (!paise || *paise <= 0) return false;
  out = *paise;
  return true;
}

}  // namespace

Result<std::vector<ScriptStep>> parse_leader_script(std::string_view text) {
  std::vector<ScriptStep> steps;
  int line_no = 0;
  d::TimeNs last = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const auto w = words_of(line);
    if (w.empty()) continue;
    auto bad = [&](std::string_view why) {
      return Status::invalid_argument("leader script line " + std::to_string(line_no) + ": " +
                                      std::string(why));
    };
    ScriptStep s;
    s.line = line_no;
    if (!parse_time(w[0], s.at_ns)) return bad("'" + w[0] + "' is not a time HH:MM:SS[.mmm]");
    if (s.at_ns < last) return bad("steps must be in time order");
    last = s.at_ns;
    if (w.size() < 2) return bad("a time needs a step after it");
    const std::string& kind = w[1];
    // The order fields of place (from `side`) and modify (from `qty`), as on the wire.
    auto order_fields = [&](size_t qty_at, bool with_side) -> Status {
      size_t i = qty_at;
      d::OrderTerms& o = s.order;
      std::string form = "tradingsymbol=X&exchange=NSE&transaction_type=";
      if (with_side) {
        if (w.size() < qty_at + 1) return bad("missing side, instrument, quantity or type");
        form += w[qty_at - 2];
      } else {
        form += "BUY";
      }
      if (w.size() < i + 2) return bad("missing quantity or order type");
      form += "&quantity=" + w[i] + "&order_type=" + w[i + 1];
      size_t next = i + 2;
      if (with_side) {
        if (w.size() < next + 1) return bad("missing product");
        form += "&product=" + w[next++];
      } else {
        form += "&product=MIS";
      }
      auto parsed = kite::parse_order_form(form);
      if (!parsed.ok()) return bad(parsed.status().message());
      const d::InstrumentKey instrument = o.instrument;
      o = parsed->order;
      o.instrument = instrument;
      const bool priced =
          o.order_type == d::OrderType::limit || o.order_type == d::OrderType::stop_loss;
      const bool triggered =
          o.order_type == d::OrderType::stop_loss || o.order_type == d::OrderType::stop_loss_market;
      if (priced) {
        if (w.size() <= next || !parse_price(w[next++], o.price_paise))
          return bad("missing or bad price");
      }
      if (triggered) {
        if (w.size() <= next || !parse_price(w[next++], o.trigger_price_paise)) {
          return bad("missing or bad trigger price");
        }
      }
      if (w.size() != next) return bad("unexpected '" + w[next] + "'");
      return Status();
    };
    if (kind == "price") {
      s.kind = ScriptStep::Kind::price;
      if (w.size() != 4) return bad("price takes EXCHANGE:SYMBOL and a price");
      if (!parse_instrument(w[2], s.order.instrument)) return bad("bad instrument '" + w[2] + "'");
      if (!parse_price(w[3], s.order.price_paise)) return bad("bad price '" + w[3] + "'");
    } else if (kind == "place") {
      s.kind = ScriptStep::Kind::place;
      if (w.size() < 9)
        return bad("place takes ACCOUNT NAME SIDE INSTRUMENT QTY TYPE PRODUCT [PRICE] [TRIGGER]");
      s.account = w[2];
      s.name = w[3];
      if (!parse_instrument(w[5], s.order.instrument)) return bad("bad instrument '" + w[5] + "'");
      if (Status st = order_fields(6, true); !st.ok()) return st;
    } else if (kind == "modify") {
      s.kind = ScriptStep::Kind::modify;
      if (w.size() < 6) return bad("modify takes ACCOUNT NAME QTY TYPE [PRICE] [TRIGGER]");
      s.account = w[2];
      s.name = w[3];
      if (Status st = order_fields(4, false); !st.ok()) return st;
    } else if (kind == "cancel" || kind == "drop" || kind == "expire") {
      s.kind = kind == "cancel" ? ScriptStep::Kind::cancel
               : kind == "drop" ? ScriptStep::Kind::drop
                                : ScriptStep::Kind::expire;
      const size_t want = kind == "cancel" ? 4 : 3;
      if (w.size() != want)
        return bad(kind + (kind == "cancel" ? " takes ACCOUNT NAME" : " takes ACCOUNT"));
      s.account = w[2];
      if (kind == "cancel") s.name = w[3];
    } else {
      return bad("unknown step '" + kind + "' (price, place, modify, cancel, drop, expire)");
    }
    if (s.kind == ScriptStep::Kind::place) {
      for (const auto& earlier : steps) {
        if (earlier.kind == ScriptStep::Kind::place && earlier.account == s.account &&
            earlier.name == s.name) {
          return bad("order name '" + s.name + "' is used already");
        }
      }
    } else if (s.kind == ScriptStep::Kind::modify || s.kind == ScriptStep::Kind::cancel) {
      bool known = false;
      for (const auto& earlier : steps) {
        known |= earlier.kind == ScriptStep::Kind::place && earlier.account == s.account &&
                 earlier.name == s.name;
      }
      if (!known) return bad("no order named '" + s.name + "' placed earlier on " + s.account);
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

}  // namespace tandem::brokers::sim
