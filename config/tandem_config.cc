#include "config/tandem_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "config/toml_fields.h"
#include "crypto/sha256.h"
#include "domain/copy/client_tag.h"

extern "C" char** environ;

namespace tandem::config {

namespace d = ::tandem::domain;

namespace {

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

template <typename E, size_t N>
std::optional<E> named(const std::array<std::pair<std::string_view, E>, N>& names,
                       std::string_view text) {
  for (const auto& [name, value] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string choices(const std::array<std::pair<std::string_view, E>, N>& names) {
  std::string out;
  for (const auto& [name, value] : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

constexpr std::array<std::pair<std::string_view, d::SizingPolicy>, 4> kSizing{{
    {"multiplier", d::SizingPolicy::multiplier},
    {"fixed_ratio", d::SizingPolicy::fixed_ratio},
    {"capital_proportional", d::SizingPolicy::capital_proportional},
    {"risk_based", d::SizingPolicy::risk_based},
}};
constexpr std::array<std::pair<std::string_view, d::Segment>, 5> kSegments{{
    {"equity", d::Segment::equity},
    {"derivatives", d::Segment::derivatives},
    {"currency", d::Segment::currency},
    {"commodity", d::Segment::commodity},
    {"index", d::Segment::index},
}};
constexpr std::array<std::pair<std::string_view, d::Product>, 8> kProducts{{
    {"CNC", d::Product::delivery},
    {"MIS", d::Product::intraday},
    {"NRML", d::Product::carry_forward},
    {"MTF", d::Product::mtf},
    {"delivery", d::Product::delivery},
    {"intraday", d::Product::intraday},
    {"carry_forward", d::Product::carry_forward},
    {"mtf", d::Product::mtf},
}};
constexpr std::array<std::pair<std::string_view, d::DisallowedProductAction>, 3> kDisallowed{{
    {"skip", d::DisallowedProductAction::skip},
    {"use_intraday", d::DisallowedProductAction::use_intraday},
    {"use_delivery", d::DisallowedProductAction::use_delivery},
}};
constexpr std::array<std::pair<std::string_view, d::CopyOn>, 2> kCopyOn{{
    {"placement", d::CopyOn::placement},
    {"fill", d::CopyOn::fill},
}};
constexpr std::array<std::pair<std::string_view, d::LossGuardAction>, 3> kGuardActions{{
    {"exits_only", d::LossGuardAction::exits_only},
    {"stop", d::LossGuardAction::stop},
    {"flatten", d::LossGuardAction::flatten},
}};
constexpr std::array<std::pair<std::string_view, d::LateEvents>, 3> kLateEvents{{
    {"skip", d::LateEvents::skip},
    {"copy", d::LateEvents::copy},
    {"converge", d::LateEvents::converge},
}};
constexpr std::array<std::pair<std::string_view, d::Broker>, 3> kBrokers{{
    {"kite", d::Broker::kite},
    {"dhan", d::Broker::dhan},
    {"paper", d::Broker::paper},
}};

class Reader {
 public:
  explicit Reader(const std::string& name) : f_(name) {}
  TomlFields& fields() { return f_; }

  template <typename E, size_t N>
  E choice(const toml::table& t, std::string_view key, const std::string& path, E fallback,
           const std::array<std::pair<std::string_view, E>, N>& names) {
    const std::string text = f_.text(t, key, path);
    if (text.empty()) return fallback;
    const auto v = named(names, text);
    if (!v) {
      f_.error(t.get(key), path + "." + std::string(key),
               "'" + text + "' is not one of " + choices(names));
      return fallback;
    }
    return *v;
  }

  template <typename E, size_t N>
  std::vector<E> choices_of(const toml::table& t, std::string_view key, const std::string& path,
                            const std::array<std::pair<std::string_view, E>, N>& names) {
    std::vector<E> out;
    for (const auto& text : f_.texts(t, key, path)) {
      const auto v = named(names, text);
      if (!v) {
        f_.error(t.get(key), path + "." + std::string(key),
                 "'" + text + "' is not one of " + choices(names));
        continue;
      }
      out.push_back(*v);
    }
    return out;
  }

  // A decimal ratio (2, 0.5, "0.33") as millionths, exactly.
  int64_t ppm(const toml::table& t, std::string_view key, const std::string& path,
              int64_t fallback) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    std::optional<double> v;
    if (n->is_integer()) v = static_cast<double>(*n->value<int64_t>());
    if (n->is_floating_point()) v = *n->value<double>();
    const double scaled = v ? *v * 1e6 : -1;
    // NaN compares false with everything, so it is named before the range checks.
    if (!v || !std::isfinite(scaled) || scaled < 0 || scaled > 1e12 ||
        std::fabs(scaled - std::round(scaled)) > 1e-3) {
      f_.error(n, path + "." + std::string(key),
               "must be a non-negative number with at most 6 decimals");
      return fallback;
    }
    return std::llround(scaled);
  }

  // "09:20-15:00" → minutes after midnight.
  void window(const toml::table& t, const std::string& path, d::FollowerSettings& s) {
    const std::string text = f_.text(t, "copy_window", path);
    if (text.empty()) return;
    int h1 = 0, m1 = 0, h2 = 0, m2 = 0;
    char c1 = 0, dash = 0, c2 = 0;
    std::istringstream in(text);
    if (!(in >> h1 >> c1 >> m1 >> dash >> h2 >> c2 >> m2) || c1 != ':' || dash != '-' ||
        c2 != ':' || h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || h1 * 60 + m1 >= h2 * 60 + m2) {
      f_.error(t.get("copy_window"), path + ".copy_window",
               "'" + text + "' is not a window like \"09:20-15:00\"");
      return;
    }
    s.copy_window_start_min = h1 * 60 + m1;
    s.copy_window_end_min = h2 * 60 + m2;
  }

  // An id goes into logs, alerts, the journal and broker tags: printable ASCII letters,
  // digits, '-', '_' and '.', so no control or bidi character can forge or hide text.
  std::string id(const toml::table& t, std::string_view key, const std::string& path,
                 const std::string& fallback, bool required) {
    std::string v = f_.text(t, key, path, fallback, required);
    const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (t.contains(key) && (v.empty() || v.size() > 64 || !plain)) {
      f_.error(t.get(key), path + "." + std::string(key),
               "must be 1 to 64 letters, digits, '-', '_' or '.'");
    }
    return v;
  }

  Connection connection(const toml::table& t, const std::string& path, Connection c = {}) {
    c.api_url = f_.text(t, "api_url", path, c.api_url);
    c.ws_url = f_.text(t, "ws_url", path, c.ws_url);
    c.ca_file = f_.text(t, "ca_file", path);
    c.source_ip = f_.text(t, "source_ip", path);
    if (!c.source_ip.empty() && !is_ip_address(c.source_ip)) {
      f_.error(t.get("source_ip"), path + ".source_ip",
               "'" + c.source_ip + "' is not an IPv4 or IPv6 address");
    }
    c.scrip_master_url = f_.text(t, "scrip_master_url", path, c.scrip_master_url);
    return c;
  }

 private:
  TomlFields f_;
};

// Environment overrides, applied to the document before it is read, so that they are
// checked like the file's own values. Values are parsed as TOML values ("2.5", "true",
// "\"text\"") and taken as strings when they do not parse. Returns the follower variables
// that name no configured follower (a typo there would otherwise change nothing, silently).
std::vector<std::string> apply_environment(toml::table& root) {
  auto assign = [](toml::table& t, std::string_view key, const std::string& text) {
    try {
      toml::table parsed = toml::parse("v = " + text);
      if (toml::node* n = parsed.get("v")) {
        n->visit([&](auto& v) { t.insert_or_assign(key, v); });
        return;
      }
    } catch (const toml::parse_error&) {
    }
    t.insert_or_assign(key, text);
  };
  auto set = [&](toml::table& t, std::string_view key, const std::string& env) {
    if (const char* v = std::getenv(env.c_str())) assign(t, key, v);
  };
  set(root, "mode", "TANDEM_MODE");
  set(root, "journal", "TANDEM_JOURNAL");
  set(root, "http", "TANDEM_HTTP");
  set(root, "broker_threads", "TANDEM_BROKER_THREADS");
  if (std::getenv("TANDEM_LOG_LEVEL") != nullptr && !root.contains("log")) {
    root.insert("log", toml::table{});
  }
  if (toml::table* log = root["log"].as_table()) set(*log, "level", "TANDEM_LOG_LEVEL");
  if (toml::table* leader = root["leader"].as_table())
    set(*leader, "account", "TANDEM_LEADER_ACCOUNT");
  std::vector<std::string> prefixes;
  if (toml::array* followers = root["follower"].as_array()) {
    for (toml::node& n : *followers) {
      toml::table* f = n.as_table();
      const auto id = f != nullptr ? (*f)["id"].value<std::string>() : std::nullopt;
      if (!id) continue;
      std::string prefix = "TANDEM_FOLLOWER_";
      for (char c : *id)
        prefix += static_cast<char>(std::isalnum(static_cast<unsigned char>(c))
                                        ? std::toupper(static_cast<unsigned char>(c))
                                        : '_');
      prefix += "_";
      prefixes.push_back(prefix);
      for (char** env = environ; *env != nullptr; ++env) {
        const std::string_view e(*env);
        if (e.substr(0, prefix.size()) != prefix) continue;
        const size_t eq = e.find('=');
        std::string key(e.substr(prefix.size(), eq - prefix.size()));
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        assign(*f, key, std::string(e.substr(eq + 1)));
      }
    }
  }
  std::vector<std::string> unmatched;
  const std::string_view any = "TANDEM_FOLLOWER_";
  for (char** env = environ; *env != nullptr; ++env) {
    const std::string_view e(*env);
    if (e.substr(0, any.size()) != any) continue;
    const bool matched = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
      return e.substr(0, p.size()) == p;
    });
    if (!matched) unmatched.emplace_back(e.substr(0, e.find('=')));
  }
  return unmatched;
}

// The share's leader, and its id: the follower's own when it follows one leader, else
// "<follower>@<leader>" (the core's FollowerId of each share; '@' is no id's character).
void name_share(const LeaderConfig& leader, bool several, d::FollowerSettings& s) {
  s.leader = {leader.name};
  if (several) s.follower = {s.follower.value + "@" + leader.name};
}

// One leader's table, `[leader]` or one of `[[leader]]` (named).
LeaderConfig read_leader(Reader& r, const toml::table& t, const std::string& path, bool named) {
  TomlFields& f = r.fields();
  if (named) {
    f.only(t, path,
           {"name", "tag_code", "broker", "account", "api_url", "ws_url", "ca_file", "source_ip",
            "scrip_master_url"});
  } else {
    f.only(t, path,
           {"broker", "account", "api_url", "ws_url", "ca_file", "source_ip", "scrip_master_url"});
  }
  LeaderConfig l;
  if (named) {
    l.name = r.id(t, "name", path, "", true);
    if (l.name.find('.') != std::string::npos) {
      f.error(t.get("name"), path + ".name", "must be letters, digits, '-' or '_' (no '.')");
    }
    // Its followers' tags start with it: Kite takes 20 letters and digits, 13 + the ordinal
    // are ours.
    std::string fallback = l.name.empty() ? "" : std::string(1, l.name[0]);
    for (char& c : fallback) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    l.tag_code = f.text(t, "tag_code", path, fallback);
    const bool plain = std::all_of(l.tag_code.begin(), l.tag_code.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    if (l.tag_code.empty() || l.tag_code.size() > d::kMaxTagCodeLength || !plain) {
      f.error(t.contains("tag_code") ? t.get("tag_code") : &t, path + ".tag_code",
              "must be 1 to 3 letters or digits (every tag of its followers' orders starts "
              "with it)");
    }
  }
  l.broker = r.choice(t, "broker", path, d::Broker::kite, kBrokers);
  if (l.broker == d::Broker::paper) {
    f.error(t.get("broker"), path + ".broker",
            "the leader is a real account: \"kite\" or \"dhan\"");
  }
  l.account = r.id(t, "account", path, "", true);
  l.connection =
      r.connection(t, path, l.broker == d::Broker::dhan ? dhan_connection() : Connection{});
  return l;
}

// `[leader]`, or `[[leader]]` tables, each with its own name, account and tag code.
void read_leaders(Reader& r, const toml::table& root, TandemConfig& out) {
  TomlFields& f = r.fields();
  const toml::node* node = root.get("leader");
  if (node == nullptr) {
    f.error(&root, "leader", "missing: the [leader] table (or [[leader]] tables, one per leader)");
    return;
  }
  if (node->is_table()) {
    out.leaders.push_back(read_leader(r, *node->as_table(), "leader", false));
    return;
  }
  const auto tables = f.tables(root, "leader", "");
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string path = "leader[" + std::to_string(i) + "]";
    LeaderConfig l = read_leader(r, *tables[i], path, true);
    for (const LeaderConfig& earlier : out.leaders) {
      if (earlier.name == l.name && !l.name.empty()) {
        f.error(tables[i]->get("name"), path + ".name", "'" + l.name + "' appears twice");
      }
      if (earlier.account == l.account && !l.account.empty()) {
        f.error(tables[i]->get("account"), path + ".account",
                "'" + l.account + "' is leader '" + earlier.name + "' already");
      }
      if (earlier.tag_code == l.tag_code && !l.tag_code.empty()) {
        f.error(tables[i]->contains("tag_code") ? tables[i]->get("tag_code") : tables[i],
                path + ".tag_code",
                "'" + l.tag_code + "' is leader '" + earlier.name +
                    "''s too: set a tag_code of its own (tags must name their leader)");
      }
    }
    out.leaders.push_back(std::move(l));
  }
  if (tables.empty() && f.status().ok()) f.error(node, "leader", "at least one leader is needed");
}

// The keys a follower sets per leader it follows, in a `[[follower.follow]]` table or, as
// the defaults of every one, in the `[[follower]]` itself.
constexpr std::string_view kShareKeys[] = {"sizing",
                                           "ratio",
                                           "max_position_pct",
                                           "carry_remainder",
                                           "max_position_units",
                                           "max_position_value",
                                           "allow_symbols",
                                           "deny_symbols",
                                           "allow_underlyings",
                                           "deny_underlyings",
                                           "allow_segments",
                                           "deny_segments",
                                           "allow_products",
                                           "disallowed_product",
                                           "reverse",
                                           "copy_window",
                                           "staleness_limit_ms",
                                           "late_events",
                                           "price_guard_bp",
                                           "copy_on",
                                           "catch_up_ms"};

bool is_share_key(std::string_view key) {
  return std::find(std::begin(kShareKeys), std::end(kShareKeys), key) != std::end(kShareKeys);
}

// A follower's copy of one leader: each key from `follow` when it sets it, else from the
// follower's own table (`follow` null: a follower of the only leader).
void read_share(Reader& r, const toml::table& t, const std::string& path, const toml::table* follow,
                const std::string& follow_path, d::FollowerSettings& s) {
  TomlFields& f = r.fields();
  auto at = [&](std::string_view key) -> const toml::table& {
    return follow != nullptr && follow->contains(key) ? *follow : t;
  };
  auto where = [&](std::string_view key) -> const std::string& {
    return follow != nullptr && follow->contains(key) ? follow_path : path;
  };
  s.sizing =
      r.choice(at("sizing"), "sizing", where("sizing"), d::SizingPolicy::multiplier, kSizing);
  s.ratio_ppm = r.ppm(at("ratio"), "ratio", where("ratio"), d::kPpm);
  if (s.ratio_ppm == 0) {
    f.error(at("ratio").get("ratio"), where("ratio") + ".ratio",
            "must be above 0 (0 copies nothing)");
  }
  s.max_position_pct_bp =
      r.ppm(at("max_position_pct"), "max_position_pct", where("max_position_pct"), 0) / 10'000;
  if (s.max_position_pct_bp > 10'000) {
    f.error(at("max_position_pct").get("max_position_pct"),
            where("max_position_pct") + ".max_position_pct",
            "must be at most 100 (percent of capital)");
  }
  if (s.sizing == d::SizingPolicy::risk_based && s.max_position_pct_bp == 0) {
    f.error(&at("max_position_pct"), where("max_position_pct") + ".max_position_pct",
            "risk_based sizing needs it (percent of capital)");
  }
  s.carry_remainder =
      f.boolean(at("carry_remainder"), "carry_remainder", where("carry_remainder"), false);
  s.max_position_units = f.integer(at("max_position_units"), "max_position_units",
                                   where("max_position_units"), 0, 0, INT64_MAX);
  s.max_position_value_paise =
      f.paise(at("max_position_value"), "max_position_value", where("max_position_value"), 0);
  s.allow_symbols = f.texts(at("allow_symbols"), "allow_symbols", where("allow_symbols"));
  s.deny_symbols = f.texts(at("deny_symbols"), "deny_symbols", where("deny_symbols"));
  s.allow_underlyings =
      f.texts(at("allow_underlyings"), "allow_underlyings", where("allow_underlyings"));
  s.deny_underlyings =
      f.texts(at("deny_underlyings"), "deny_underlyings", where("deny_underlyings"));
  s.allow_segments =
      r.choices_of(at("allow_segments"), "allow_segments", where("allow_segments"), kSegments);
  s.deny_segments =
      r.choices_of(at("deny_segments"), "deny_segments", where("deny_segments"), kSegments);
  s.allow_products =
      r.choices_of(at("allow_products"), "allow_products", where("allow_products"), kProducts);
  s.disallowed_product =
      r.choice(at("disallowed_product"), "disallowed_product", where("disallowed_product"),
               d::DisallowedProductAction::skip, kDisallowed);
  s.reverse = f.boolean(at("reverse"), "reverse", where("reverse"), false);
  r.window(at("copy_window"), where("copy_window"), s);
  s.staleness_limit_ms = f.integer(at("staleness_limit_ms"), "staleness_limit_ms",
                                   where("staleness_limit_ms"), 0, 0, 86'400'000);
  s.late_events = r.choice(at("late_events"), "late_events", where("late_events"),
                           d::LateEvents::skip, kLateEvents);
  s.price_guard_bp =
      f.integer(at("price_guard_bp"), "price_guard_bp", where("price_guard_bp"), 0, 0, 10'000);
  s.copy_on = r.choice(at("copy_on"), "copy_on", where("copy_on"), d::CopyOn::placement, kCopyOn);
  s.catch_up_ms =
      f.integer(at("catch_up_ms"), "catch_up_ms", where("catch_up_ms"), 0, 0, 86'400'000);
}

// The keys a `[[follower]]` may set: the account's own, and the defaults of its shares.
void check_follower_keys(TomlFields& f, const toml::table& t, const std::string& path) {
  static constexpr std::string_view kAccountKeys[] = {"id",
                                                      "account",
                                                      "broker",
                                                      "enabled",
                                                      "max_order_value",
                                                      "max_daily_trades",
                                                      "max_daily_loss",
                                                      "daily_profit_target",
                                                      "loss_guard_action",
                                                      "paper_capital",
                                                      "paper_slippage_bp",
                                                      "api_url",
                                                      "ws_url",
                                                      "ca_file",
                                                      "source_ip",
                                                      "scrip_master_url",
                                                      "follow"};
  for (const auto& [key, value] : t) {
    const std::string_view k = key.str();
    if (!is_share_key(k) &&
        std::find(std::begin(kAccountKeys), std::end(kAccountKeys), k) == std::end(kAccountKeys)) {
      f.error(&value, path + "." + std::string(k), "unknown key");
    }
  }
}

// A follower's id and account are named once (every share of an earlier follower carries
// its id and account), and its account is no leader's.
void check_named_once(TomlFields& f, const toml::table& t, const std::string& path,
                      const d::FollowerSettings& s, const TandemConfig& out) {
  const toml::node* account_at = t.contains("account") ? t.get("account") : t.get("id");
  for (const auto& earlier : out.followers) {
    const std::string& id = earlier.settings.follower.value;
    if (id == s.follower.value || id.starts_with(s.follower.value + "@")) {
      if (!s.follower.empty()) {
        f.error(t.get("id"), path + ".id", "'" + s.follower.value + "' appears twice");
      }
      break;
    }
    if (earlier.settings.account == s.account && !s.account.empty()) {
      f.error(account_at, path + ".account",
              "'" + s.account.value +
                  "' is another follower's account already: one [[follower]] per account, with "
                  "a [[follower.follow]] for each leader it follows");
      break;
    }
  }
  for (const LeaderConfig& l : out.leaders) {
    if (s.account.value == l.account && !s.account.empty()) {
      f.error(account_at, path + ".account",
              l.name.empty() ? "is the leader's account"
                             : "is leader '" + l.name + "''s account (a copy loop)");
    }
  }
}

// Its `[[follower.follow]]` tables: a share of each leader named, over the follower's defaults.
void read_follows(Reader& r, const toml::table& t, const std::string& path,
                  const std::vector<const toml::table*>& follows, const FollowerConfig& fc,
                  TandemConfig& out) {
  TomlFields& f = r.fields();
  std::vector<std::string> followed;
  for (size_t k = 0; k < follows.size(); ++k) {
    const std::string follow_path = path + ".follow[" + std::to_string(k) + "]";
    const toml::table& ft = *follows[k];
    for (const auto& [key, value] : ft) {
      if (key.str() != "leader" && !is_share_key(key.str())) {
        f.error(&value, follow_path + "." + std::string(key.str()),
                "unknown key in a follow (the account's own settings go in its [[follower]])");
      }
    }
    const std::string name = f.text(ft, "leader", follow_path, "", true);
    const auto leader = std::find_if(out.leaders.begin(), out.leaders.end(),
                                     [&](const LeaderConfig& l) { return l.name == name; });
    if (leader == out.leaders.end()) {
      if (!name.empty()) {
        f.error(ft.get("leader"), follow_path + ".leader",
                "'" + name + "' is no [[leader]]'s name");
      }
      continue;
    }
    if (std::find(followed.begin(), followed.end(), name) != followed.end()) {
      f.error(ft.get("leader"), follow_path + ".leader", "'" + name + "' is followed twice");
      continue;
    }
    followed.push_back(name);
    FollowerConfig share = fc;
    read_share(r, t, path, &ft, follow_path, share.settings);
    name_share(*leader, follows.size() > 1, share.settings);
    out.followers.push_back(std::move(share));
  }
}

// A `[[follower]]`: its account-wide settings, then one share per leader it follows.
void read_follower(Reader& r, const toml::table& t, const std::string& path, TandemConfig& out) {
  TomlFields& f = r.fields();
  check_follower_keys(f, t, path);
  FollowerConfig fc;
  d::FollowerSettings& s = fc.settings;
  s.follower = {r.id(t, "id", path, "", true)};
  s.account = {r.id(t, "account", path, s.follower.value, false)};
  s.broker = r.choice(t, "broker", path, d::Broker::paper, kBrokers);
  s.enabled = f.boolean(t, "enabled", path, true);
  s.max_order_value_paise = f.paise(t, "max_order_value", path, 0);
  s.max_daily_trades = f.integer(t, "max_daily_trades", path, 0, 0, 1'000'000);
  s.max_daily_loss_paise = f.paise(t, "max_daily_loss", path, 0);
  s.daily_profit_target_paise = f.paise(t, "daily_profit_target", path, 0);
  s.loss_guard_action =
      r.choice(t, "loss_guard_action", path, d::LossGuardAction::exits_only, kGuardActions);
  fc.paper_capital_paise = f.paise(t, "paper_capital", path, fc.paper_capital_paise);
  fc.paper_slippage_bp = f.integer(t, "paper_slippage_bp", path, 0, 0, 10'000);
  fc.connection =
      r.connection(t, path, s.broker == d::Broker::dhan ? dhan_connection() : Connection{});
  check_named_once(f, t, path, s, out);
  const auto follows = f.tables(t, "follow", path);
  if (!follows.empty()) return read_follows(r, t, path, follows, fc, out);
  if (out.leaders.size() > 1) {
    f.error(&t, path + ".follow",
            "follows no leader: with several [[leader]], list the ones it follows as "
            "[[follower.follow]] tables (leader = \"NAME\")");
    return;
  }
  FollowerConfig share = fc;  // the only leader's
  read_share(r, t, path, nullptr, path, share.settings);
  if (!out.leaders.empty()) name_share(out.leaders[0], false, share.settings);
  out.followers.push_back(std::move(share));
}

Result<TandemConfig> read(Result<toml::table> doc, const std::string& name) {
  if (!doc.ok()) return doc.status();
  toml::table& root = *doc;
  const std::vector<std::string> unmatched = apply_environment(root);
  Reader r(name);
  TomlFields& f = r.fields();
  for (const std::string& variable : unmatched) {
    f.error(nullptr, variable, "names no configured follower (ids: see [[follower]] id)");
  }
  TandemConfig out;
  f.only(root, "",
         {"mode", "journal", "holidays", "log", "http", "http_hosts", "operators", "broker_threads",
          "max_queue_ms", "alerts", "leader", "follower"});
  const std::string mode = f.text(root, "mode", "", "paper");
  if (mode != "paper" && mode != "live")
    f.error(root.get("mode"), "mode", "must be \"paper\" or \"live\"");
  out.live = mode == "live";
  out.journal = f.text(root, "journal", "", out.journal);
  if (out.journal.empty()) f.error(root.get("journal"), "journal", "must name a directory");
  out.holidays_file = f.text(root, "holidays", "");
  out.http = f.text(root, "http", "", out.http);
  out.http_hosts = f.texts(root, "http_hosts", "");
  for (const auto& host : out.http_hosts) {
    if (host.empty() ||
        host.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != std::string::npos) {
      f.error(root.get("http_hosts"), "http_hosts",
              "'" + host + "' is not a host name (letters, digits, dots and dashes; no port)");
    }
  }
  out.operators = f.texts(root, "operators", "");
  for (const auto& name : out.operators) {
    if (name.empty() || name.size() > 32 ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos) {
      f.error(root.get("operators"), "operators",
              "'" + name + "' is not an operator's name (letters, digits, _ and -, at most 32)");
    }
  }
  out.broker_threads =
      static_cast<int>(f.integer(root, "broker_threads", "", out.broker_threads, 1, 16));
  out.max_queue_ms = f.integer(root, "max_queue_ms", "", out.max_queue_ms, 0, 3'600'000);
  if (const toml::table* alerts = f.table(root, "alerts", "")) {
    f.only(*alerts, "alerts", {"telegram_chat_id", "ca_file"});
    out.alerts.telegram_chat_id = f.text(*alerts, "telegram_chat_id", "alerts");
    out.alerts.ca_file = f.text(*alerts, "ca_file", "alerts");
  }
  if (const toml::table* log = f.table(root, "log", "")) {
    f.only(*log, "log", {"level", "file", "format"});
    out.log_level = f.text(*log, "level", "log", out.log_level);
    if (out.log_level != "debug" && out.log_level != "info" && out.log_level != "warn" &&
        out.log_level != "error") {
      f.error(log->get("level"), "log.level", "must be debug, info, warn or error");
    }
    out.log_file = f.text(*log, "file", "log");
    out.log_format = f.text(*log, "format", "log", out.log_format);
    if (out.log_format != "text" && out.log_format != "json") {
      f.error(log->get("format"), "log.format", "must be text or json");
    }
  }
  read_leaders(r, root, out);
  const auto followers = f.tables(root, "follower", "");
  if (followers.empty()) f.error(&root, "follower", "at least one [[follower]] is needed");
  for (size_t i = 0; i < followers.size(); ++i) {
    read_follower(r, *followers[i], "follower[" + std::to_string(i) + "]", out);
  }
  if (Status s = f.status(); !s.ok()) return s;
  std::ostringstream canonical;
  canonical << toml::toml_formatter(root);
  out.hash = crypto::sha256_hex(canonical.str());
  return out;
}

}  // namespace

Result<TandemConfig> read_tandem_config(const std::string& path) {
  return read(TomlFields::parse_file(path), path);
}

Connection dhan_connection() {
  Connection c;
  c.api_url = "https://api.dhan.co/v2";
  c.ws_url = "wss://api-order-update.dhan.co";
  c.scrip_master_url = "https://images.dhan.co/api-data/api-scrip-master.csv";
  return c;
}

Result<TandemConfig> parse_tandem_config(std::string_view text, const std::string& name) {
  return read(TomlFields::parse_text(text, name), name);
}

}  // namespace tandem::config
