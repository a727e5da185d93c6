#include "config/sim_config.h"

#include "brokers/kite/wire.h"
#include "config/toml_fields.h"
#include "domain/base/time.h"

namespace tandem::config {

namespace d = ::tandem::domain;

namespace {

brokers::sim::Faults read_faults(TomlFields& f, const toml::table* t, const std::string& path) {
  brokers::sim::Faults out;
  if (t == nullptr) return out;
  f.only(*t, path,
         {"latency_ms", "latency_jitter_ms", "seed", "orders_per_second", "stall_next_orders",
          "stall_ms", "reset_next_orders", "reset_next_books", "reject_symbols", "check_funds",
          "registered_ip", "streams_down"});
  constexpr int64_t kDay = 86'400'000;
  out.latency = std::chrono::milliseconds(f.integer(*t, "latency_ms", path, 0, 0, kDay));
  out.latency_jitter =
      std::chrono::milliseconds(f.integer(*t, "latency_jitter_ms", path, 0, 0, kDay));
  out.seed = static_cast<uint64_t>(f.integer(*t, "seed", path, 1, 0, INT64_MAX));
  out.orders_per_second =
      static_cast<int>(f.integer(*t, "orders_per_second", path, 10, 1, 1'000'000));
  out.stall_next_orders =
      static_cast<int>(f.integer(*t, "stall_next_orders", path, 0, 0, 1'000'000));
  out.stall = std::chrono::milliseconds(f.integer(*t, "stall_ms", path, 60'000, 0, kDay));
  out.reset_next_orders =
      static_cast<int>(f.integer(*t, "reset_next_orders", path, 0, 0, 1'000'000));
  out.reset_next_books = static_cast<int>(f.integer(*t, "reset_next_books", path, 0, 0, 1'000'000));
  for (auto& s : f.texts(*t, "reject_symbols", path)) out.reject_symbols.insert(std::move(s));
  out.check_funds = f.boolean(*t, "check_funds", path, true);
  out.registered_ip = f.text(*t, "registered_ip", path);
  out.streams_down = f.boolean(*t, "streams_down", path, false);
  return out;
}

// A derivative's contract: `expiry` (a TOML date), `strike` (rupees) and `option` (CE or PE;
// none for a future). The Kite instruments CSV and Dhan's scrip master are written from
// them, and contracts are matched across the two brokers by them.
void read_contract(TomlFields& f, const toml::table& t, const std::string& path,
                   d::Instrument& inst) {
  const bool derivative = inst.segment == d::Segment::derivatives;
  for (const char* key : {"expiry", "strike", "option"}) {
    if (t.contains(key) && !derivative) {
      f.error(t.get(key), path + "." + key, "only a derivative (NFO, BFO) has one");
    }
  }
  if (const toml::node* expiry = t.get("expiry")) {
    const auto date = expiry->value<toml::date>();
    const d::TradingDay day =
        date ? static_cast<d::TradingDay>(date->year * 10000 + date->month * 100 + date->day) : 0;
    if (!date || !d::is_valid_trading_day(day)) {
      f.error(expiry, path + ".expiry", "wants a date, e.g. expiry = 2026-12-29");
    }
    inst.expiry_day = day;
  }
  inst.strike_paise = f.paise(t, "strike", path, 0);
  const std::string option = f.text(t, "option", path);
  if (option == "CE" || option == "PE") {
    inst.option_type = option == "CE" ? d::OptionType::call : d::OptionType::put;
    if (inst.expiry_day == 0 || inst.strike_paise <= 0) {
      f.error(t.get("option"), path + ".option", "an option needs an expiry and a strike");
    }
  } else if (!option.empty()) {
    f.error(t.get("option"), path + ".option", "wants CE or PE, got '" + option + "'");
  }
}

Result<SimSettings> read(const Result<toml::table>& doc, const std::string& name) {
  if (!doc.ok()) return doc.status();
  const toml::table& root = *doc;
  TomlFields f(name);
  SimSettings out;
  f.only(root, "", {"kite", "fills", "account", "instrument"});
  if (const toml::table* kite = f.table(root, "kite", "")) {
    f.only(*kite, "kite", {"api_key", "api_secret"});
    out.kite.api_key = f.text(*kite, "api_key", "kite", "", true);
    out.kite.api_secret = f.text(*kite, "api_secret", "kite", "", true);
  } else {
    f.error(&root, "kite", "missing: the [kite] table with api_key and api_secret");
  }
  if (const toml::table* fills = f.table(root, "fills", "")) {
    f.only(*fills, "fills", {"slippage_bp", "latency_ms", "jitter_ms", "max_fill_units", "seed"});
    out.kite.fills.slippage_bp = f.integer(*fills, "slippage_bp", "fills", 0, 0, 10'000);
    out.kite.fills.latency_ns = f.integer(*fills, "latency_ms", "fills", 0, 0, 60'000) * 1'000'000;
    out.kite.fills.jitter_ns = f.integer(*fills, "jitter_ms", "fills", 0, 0, 60'000) * 1'000'000;
    out.kite.fills.max_fill_units = f.integer(*fills, "max_fill_units", "fills", 0, 0, INT64_MAX);
    out.kite.fills.seed =
        static_cast<uint64_t>(f.integer(*fills, "seed", "fills", 1, 0, INT64_MAX));
  }
  const auto accounts = f.tables(root, "account", "");
  if (accounts.empty()) f.error(&root, "account", "at least one [[account]] is needed");
  for (size_t i = 0; i < accounts.size(); ++i) {
    const std::string path = "account[" + std::to_string(i) + "]";
    const toml::table& a = *accounts[i];
    f.only(a, path, {"user_id", "access_token", "funds", "faults", "exchanges"});
    brokers::sim::SimAccount account;
    account.user_id = f.text(a, "user_id", path, "", true);
    account.access_token = f.text(a, "access_token", path, "", true);
    account.funds_paise = f.paise(a, "funds", path, account.funds_paise);
    account.faults = read_faults(f, f.table(a, "faults", path), path + ".faults");
    if (a.contains("exchanges")) {
      account.exchanges = f.texts(a, "exchanges", path);
      for (const auto& e : account.exchanges) {
        if (!brokers::kite::exchange_from_wire(e)) {
          f.error(a.get("exchanges"), path + ".exchanges", "unknown exchange '" + e + "'");
        }
      }
    }
    for (const auto& earlier : out.kite.accounts) {
      if (earlier.user_id == account.user_id && !account.user_id.empty()) {
        f.error(&a, path + ".user_id", "'" + account.user_id + "' appears twice");
      }
    }
    out.kite.accounts.push_back(std::move(account));
  }
  const auto instruments = f.tables(root, "instrument", "");
  for (size_t i = 0; i < instruments.size(); ++i) {
    const std::string path = "instrument[" + std::to_string(i) + "]";
    const toml::table& t = *instruments[i];
    f.only(t, path,
           {"exchange", "symbol", "underlying", "token", "lot", "tick", "freeze", "price", "expiry",
            "strike", "option"});
    d::Instrument inst;
    const std::string exchange = f.text(t, "exchange", path, "", true);
    const auto e = brokers::kite::exchange_from_wire(exchange);
    if (!exchange.empty() && !e)
      f.error(t.get("exchange"), path + ".exchange", "unknown exchange '" + exchange + "'");
    inst.key = {e.value_or(d::Exchange::nse), f.text(t, "symbol", path, "", true)};
    inst.underlying = f.text(t, "underlying", path, inst.key.tradingsymbol);
    inst.kite_token = static_cast<uint32_t>(f.integer(t, "token", path, 0, 0, UINT32_MAX));
    inst.lot_size_units = f.integer(t, "lot", path, 1, 1, 1'000'000);
    inst.tick_size_paise = f.paise(t, "tick", path, 5);
    inst.freeze_qty_units = f.integer(t, "freeze", path, 0, 0, INT64_MAX);
    inst.segment = e && (*e == d::Exchange::nfo || *e == d::Exchange::bfo) ? d::Segment::derivatives
                                                                           : d::Segment::equity;
    read_contract(f, t, path, inst);
    const int64_t price = f.paise(t, "price", path, 0);
    if (price > 0) out.opening_prices[inst.key] = price;
    out.kite.instruments.push_back(std::move(inst));
  }
  if (Status s = f.status(); !s.ok()) return s;
  return out;
}

}  // namespace

Result<SimSettings> read_sim_settings(const std::string& path) {
  return read(TomlFields::parse_file(path), path);
}

Result<SimSettings> parse_sim_settings(std::string_view text, const std::string& name) {
  return read(TomlFields::parse_text(text, name), name);
}

}  // namespace tandem::config
