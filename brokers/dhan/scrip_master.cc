#include "brokers/dhan/scrip_master.h"

#include <array>
#include <charconv>
#include <cmath>

#include "brokers/csv_fields.h"
#include "brokers/json_reader.h"
#include "brokers/wire_names.h"
#include "domain/base/money.h"

namespace tandem::brokers::dhan {

namespace {

namespace d = ::tandem::domain;

constexpr std::array<Name<d::Exchange>, 7> kSegments{{{"NSE_EQ", d::Exchange::nse},
                                                      {"NSE_FNO", d::Exchange::nfo},
                                                      {"BSE_EQ", d::Exchange::bse},
                                                      {"BSE_FNO", d::Exchange::bfo},
                                                      {"NSE_CURRENCY", d::Exchange::cds},
                                                      {"BSE_CURRENCY", d::Exchange::bcd},
                                                      {"MCX_COMM", d::Exchange::mcx}}};

// The scrip master's exchange and segment letter → our exchange; index rows ("I") and
// anything else are not traded.
std::optional<d::Exchange> exchange_of(std::string_view exchange, std::string_view segment) {
  if (exchange == "NSE" && segment == "E") return d::Exchange::nse;
  if (exchange == "NSE" && segment == "D") return d::Exchange::nfo;
  if (exchange == "BSE" && segment == "E") return d::Exchange::bse;
  if (exchange == "BSE" && segment == "D") return d::Exchange::bfo;
  if (exchange == "NSE" && segment == "C") return d::Exchange::cds;
  if (exchange == "BSE" && segment == "C") return d::Exchange::bcd;
  if (exchange == "MCX" && segment == "M") return d::Exchange::mcx;
  return std::nullopt;
}

std::pair<std::string_view, std::string_view> master_codes(d::Exchange e) {
  switch (e) {
    case d::Exchange::nse:
      return {"NSE", "E"};
    case d::Exchange::nfo:
      return {"NSE", "D"};
    case d::Exchange::bse:
      return {"BSE", "E"};
    case d::Exchange::bfo:
      return {"BSE", "D"};
    case d::Exchange::cds:
      return {"NSE", "C"};
    case d::Exchange::bcd:
      return {"BSE", "C"};
    case d::Exchange::mcx:
      return {"MCX", "M"};
  }
  return {"NSE", "E"};
}

// "2026-11-24 14:30:00" or "2026-11-24" → 20261124; empty (no expiry) → 0.
std::optional<d::TradingDay> expiry_day(std::string_view text) {
  if (text.empty()) return 0;
  unsigned y = 0, m = 0, dd = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto num = [](std::string_view s, unsigned& v) {
    return std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc();
  };
  if (!num(text.substr(0, 4), y) || !num(text.substr(5, 2), m) || !num(text.substr(8, 2), dd)) {
    return std::nullopt;
  }
  if (y <= 1) return 0;  // Dhan's placeholder 0001-01-01 for instruments without expiry
  return static_cast<d::TradingDay>(y * 10000 + m * 100 + dd);
}

// Lot sizes come as "75" or "75.0".
std::optional<int64_t> whole_number(std::string_view text) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < 0 || v > 1e15 ||
      v != std::floor(v)) {
    return std::nullopt;
  }
  return static_cast<int64_t>(v);
}

// The scrip master's expiry: the date and the close, "2026-11-24 14:30:00".
std::string expiry_text(d::TradingDay day) {
  return day == 0 ? std::string() : d::day_text(day) + " 14:30:00";
}

}  // namespace

std::optional<d::Exchange> exchange_of_segment(std::string_view segment) {
  return from_wire(kSegments, segment);
}

std::string_view segment_of(d::Exchange exchange) { return to_wire(kSegments, exchange); }

Result<std::vector<d::Instrument>> parse_scrip_master(std::string_view csv) {
  constexpr std::array<std::string_view, 11> kNeeded = {
      "SEM_EXM_EXCH_ID",    "SEM_SEGMENT",   "SEM_SMST_SECURITY_ID", "SEM_INSTRUMENT_NAME",
      "SEM_TRADING_SYMBOL", "SEM_LOT_UNITS", "SEM_EXPIRY_DATE",      "SEM_STRIKE_PRICE",
      "SEM_OPTION_TYPE",    "SEM_TICK_SIZE", "SM_SYMBOL_NAME"};
  enum Col { kExch, kSeg, kId, kName, kSymbol, kLot, kExpiry, kStrike, kOption, kTick, kUnder };
  std::array<size_t, kNeeded.size()> at{};
  std::vector<d::Instrument> out;
  bool header = true;
  const Status read = for_each_csv_row(
      csv, "dhan scrip master", [&](const std::vector<std::string_view>& f) -> Status {
        auto bad = [](std::string why) { return Status::invalid_argument(std::move(why)); };
        if (header) {
          for (size_t c = 0; c < kNeeded.size(); ++c) {
            size_t k = 0;
            while (k < f.size() && f[k] != kNeeded[c]) ++k;
            if (k == f.size()) return bad("no column " + std::string(kNeeded[c]));
            at[c] = k;
          }
          header = false;
          return Status();
        }
        auto col = [&](Col c) { return at[c] < f.size() ? f[at[c]] : std::string_view(); };
        if (f.size() < 3) return bad("too few columns");
        const auto exchange = exchange_of(col(kExch), col(kSeg));
        if (!exchange) return Status();
        d::Instrument i;
        i.key = {*exchange, std::string(col(kSymbol))};
        i.dhan_security_id = std::string(col(kId));
        if (i.key.tradingsymbol.empty() || i.dhan_security_id.empty()) {
          return bad("SEM_TRADING_SYMBOL or SEM_SMST_SECURITY_ID is empty");
        }
        const auto lot = col(kLot).empty() ? std::optional<int64_t>(1) : whole_number(col(kLot));
        const auto expiry = expiry_day(col(kExpiry));
        const auto strike = decimal_paise(col(kStrike));
        // SEM_TICK_SIZE is in paise in the live file ("5.0000" for ₹0.05) as third-party clients
        // record it; Dhan's docs do not say (brokers.md §4).
        const auto tick = col(kTick).empty() ? std::optional<int64_t>(5) : whole_number(col(kTick));
        if (!lot) return bad("SEM_LOT_UNITS is not a whole number");
        if (!expiry) return bad("SEM_EXPIRY_DATE is not a date");
        if (!strike) return bad("SEM_STRIKE_PRICE is not a number");
        if (!tick) return bad("SEM_TICK_SIZE is not a whole number of paise");
        i.lot_size_units = *lot > 0 ? *lot : 1;
        i.expiry_day = *expiry;
        i.strike_paise = *strike;
        i.tick_size_paise = *tick > 0 ? *tick : 5;
        const std::string_view option = col(kOption);
        i.option_type = option == "CE"   ? d::OptionType::call
                        : option == "PE" ? d::OptionType::put
                                         : d::OptionType::none;
        const std::string_view kind = col(kName);
        const bool derivative = kind.starts_with("FUT") || kind.starts_with("OPT");
        if (*exchange == d::Exchange::mcx) {
          i.segment = d::Segment::commodity;
        } else if (*exchange == d::Exchange::cds || *exchange == d::Exchange::bcd) {
          i.segment = d::Segment::currency;
        } else {
          i.segment = derivative ? d::Segment::derivatives : d::Segment::equity;
        }
        // The underlying: SM_SYMBOL_NAME when given, else the symbol up to its first '-'
        // (NIFTY-Nov2026-23500-CE → NIFTY), else the symbol itself.
        const std::string_view symbol = i.key.tradingsymbol;
        i.underlying = !col(kUnder).empty() && derivative ? std::string(col(kUnder))
                       : derivative ? std::string(symbol.substr(0, symbol.find('-')))
                                    : std::string(symbol);
        out.push_back(std::move(i));
        return Status();
      });
  if (!read.ok()) return read;
  if (header) return Status::invalid_argument("dhan scrip master: empty (no header)");
  return out;
}

std::string scrip_master_csv(const std::vector<d::Instrument>& instruments) {
  std::string out =
      "SEM_EXM_EXCH_ID,SEM_SEGMENT,SEM_SMST_SECURITY_ID,SEM_INSTRUMENT_NAME,SEM_EXPIRY_CODE,"
      "SEM_TRADING_SYMBOL,SEM_LOT_UNITS,SEM_CUSTOM_SYMBOL,SEM_EXPIRY_DATE,SEM_STRIKE_PRICE,"
      "SEM_OPTION_TYPE,SEM_TICK_SIZE,SEM_EXPIRY_FLAG,SEM_EXCH_INSTRUMENT_TYPE,SEM_SERIES,"
      "SM_SYMBOL_NAME\n";
  for (const auto& i : instruments) {
    const auto [exchange, segment] = master_codes(i.key.exchange);
    const bool derivative = i.segment == d::Segment::derivatives;
    const bool index_like = i.underlying.find("NIFTY") != std::string::npos;
    const std::string kind = !derivative ? "EQUITY"
                             : i.option_type == d::OptionType::none
                                 ? (index_like ? "FUTIDX" : "FUTSTK")
                                 : (index_like ? "OPTIDX" : "OPTSTK");
    const std::string option = i.option_type == d::OptionType::call  ? "CE"
                               : i.option_type == d::OptionType::put ? "PE"
                                                                     : "";
    out += std::string(exchange) + "," + std::string(segment) + "," + i.dhan_security_id + "," +
           kind + ",," + i.key.tradingsymbol + "," + std::to_string(i.lot_size_units) + ",," +
           expiry_text(i.expiry_day) + "," + (derivative ? d::paise_text(i.strike_paise) : "") +
           "," + option + "," + std::to_string(i.tick_size_paise) + ",,," +
           (derivative ? "" : "EQ") + "," + (derivative ? i.underlying : "") + "\n";
  }
  return out;
}

SecurityMap::SecurityMap(const std::vector<d::Instrument>& dhan_instruments)
    : instruments_(dhan_instruments) {
  for (size_t n = 0; n < instruments_.size(); ++n) {
    by_security_[{instruments_[n].key.exchange, instruments_[n].dhan_security_id}] = n;
    by_key_[instruments_[n].key] = n;
  }
}

const d::Instrument* SecurityMap::by_security(d::Exchange exchange,
                                              std::string_view security_id) const {
  const auto it = by_security_.find({exchange, std::string(security_id)});
  return it == by_security_.end() ? nullptr : &instruments_[it->second];
}

const d::Instrument* SecurityMap::by_key(const d::InstrumentKey& key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &instruments_[it->second];
}

const d::Instrument* SecurityMap::same_contract(const d::Instrument& other) const {
  if (const auto* same = by_key(other.key)) return same;
  for (const auto& i : instruments_) {
    if (d::same_contract(i, other)) return &i;
  }
  return nullptr;
}

SecurityMap SecurityMap::for_instruments(const std::vector<d::Instrument>& ours) const {
  std::vector<d::Instrument> mapped;
  for (const d::Instrument& i : ours) {
    if (const d::Instrument* dhan = same_contract(i)) {
      d::Instrument m = i;
      m.dhan_security_id = dhan->dhan_security_id;
      mapped.push_back(std::move(m));
    }
  }
  return SecurityMap(mapped);
}

}  // namespace tandem::brokers::dhan
