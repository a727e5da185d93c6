#include "config/env_import.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace tandem::config {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A TOML basic string.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

bool truthy(const std::string& v) {
  const std::string u = upper(v);
  return u == "TRUE" || u == "1" || u == "YES" || u == "ON";
}

bool falsy(const std::string& v) {
  const std::string u = upper(v);
  return u == "FALSE" || u == "0" || u == "NO" || u == "OFF";
}

// A number as the seed wrote it, checked: "0.5", "100".
bool is_number(const std::string& v) {
  if (v.empty()) return false;
  size_t dots = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '.')
      ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(v[i])))
      return false;
  }
  return dots <= 1 && v != ".";
}

class Env {
 public:
  explicit Env(const std::map<std::string, std::string>& env) : env_(env) {}
  std::string get(const std::string& key) {
    used_.insert(key);
    const auto it = env_.find(key);
    return it == env_.end() ? std::string() : it->second;
  }
  bool has(const std::string& key) const { return env_.contains(key); }
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : env_) {
      if (!used_.contains(k)) out.push_back(k);
    }
    return out;
  }

 private:
  const std::map<std::string, std::string>& env_;
  std::set<std::string> used_;
};

// The exchange names the Zerodha copier lists, as Tandem's segments.
std::string segment_of(const std::string& exchange) {
  const std::string e = upper(trim(exchange));
  if (e == "NSE" || e == "BSE") return "equity";
  if (e == "NFO" || e == "BFO") return "derivatives";
  if (e == "MCX") return "commodity";
  if (e == "CDS" || e == "BCD") return "currency";
  return {};
}

Status number_or_fail(const std::string& key, const std::string& value) {
  if (is_number(value)) return Status();
  return Status::invalid_argument(key + "='" + value + "' is not a number");
}

// Both copiers' LOG_LEVEL (Python's names) as Tandem's [log] level.
void write_log_level(Env& env, std::ostringstream& t) {
  std::string level = upper(env.get("LOG_LEVEL"));
  if (level.empty()) return;
  level = level == "WARNING" ? "warn" : level == "CRITICAL" ? "error" : level;
  for (char& c : level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  t << "\n[log]\nlevel = " << quoted(level) << "\n";
}

// Telegram alerts, as both copiers configure them: the bot token is a secret
// (alerts.telegram_token), the chat id goes in [alerts]. Written last: [alerts] is a table.
void keep_alerts(Env& env, std::ostringstream& t, EnvImport& out) {
  const std::string token = env.get("TELEGRAM_BOT_TOKEN");
  const std::string chat = env.get("TELEGRAM_CHAT_ID");
  if (!token.empty()) out.secrets["alerts.telegram_token"] = token;
  if (!chat.empty()) t << "\n[alerts]\ntelegram_chat_id = " << quoted(chat) << "\n";
  if (!token.empty() && chat.empty()) {
    out.warnings.push_back(
        "TELEGRAM_BOT_TOKEN without TELEGRAM_CHAT_ID: set [alerts] telegram_chat_id, or tandem "
        "run refuses to start");
  }
}

Result<EnvImport> import_zerodha(Env& env) {
  EnvImport out;
  out.seed = "zerodha";
  std::ostringstream t;
  const std::string master = env.get("MASTER_USER_ID");
  if (master.empty()) {
    return Status::invalid_argument(
        "MASTER_USER_ID is needed: Tandem names the leader account by its Kite user id");
  }
  // Live only when the seed says so in words: a value we cannot read keeps paper, the side
  // on which a mistake costs nothing.
  const std::string paper = env.get("PAPER_TRADING");
  if (!paper.empty() && !truthy(paper) && !falsy(paper)) {
    out.warnings.push_back("PAPER_TRADING='" + paper +
                           "' is neither true nor false: imported as mode = \"paper\"");
  }
  t << "# Imported from the Zerodha copier's .env by `tandem config import-env`.\n";
  t << "mode = " << quoted(falsy(paper) ? "live" : "paper") << "\n";
  t << "journal = \"tandem-journal\"\n";
  write_log_level(env, t);
  t << "\n[leader]\nbroker = \"kite\"\naccount = " << quoted(master) << "\n";
  auto keep_secrets = [&](const std::string& prefix, const std::string& user) {
    const std::string key = env.get(prefix + "API_KEY");
    if (!key.empty()) out.secrets["kite." + user + ".api_key"] = key;
    const std::string secret = env.get(prefix + "API_SECRET");
    if (!secret.empty()) out.secrets["kite." + user + ".api_secret"] = secret;
    const std::string token = env.get(prefix + "ACCESS_TOKEN");
    if (!token.empty()) out.secrets["kite." + user + ".access_token"] = token;
  };
  keep_secrets("MASTER_", master);
  const std::string daily = env.get("MAX_DAILY_TRADES");
  if (!daily.empty()) {
    if (Status s = number_or_fail("MAX_DAILY_TRADES", daily); !s.ok()) return s;
  }
  const std::string count_text = env.get("FOLLOWER_COUNT");
  int count = 0;
  if (!count_text.empty()) {
    if (Status s = number_or_fail("FOLLOWER_COUNT", count_text); !s.ok()) return s;
    count = std::stoi(count_text);
  }
  if (count <= 0) return Status::invalid_argument("FOLLOWER_COUNT: no followers to import");
  for (int n = 1; n <= count; ++n) {
    const std::string p = "FOLLOWER_" + std::to_string(n) + "_";
    const std::string user = env.get(p + "USER_ID");
    if (user.empty())
      return Status::invalid_argument(p + "USER_ID is needed for follower " + std::to_string(n));
    t << "\n[[follower]]\nid = " << quoted("follower-" + std::to_string(n))
      << "\naccount = " << quoted(user) << "\nbroker = \"kite\"\nsizing = \"multiplier\"\n";
    const std::string ratio = env.get(p + "MULTIPLIER");
    if (!ratio.empty()) {
      if (Status s = number_or_fail(p + "MULTIPLIER", ratio); !s.ok()) return s;
      t << "ratio = " << ratio << "\n";
    }
    const std::string max_pos = env.get(p + "MAX_POSITION");
    if (!max_pos.empty()) {
      if (Status s = number_or_fail(p + "MAX_POSITION", max_pos); !s.ok()) return s;
      t << "max_position_units = " << max_pos << "   # " << p
        << "MAX_POSITION: Tandem caps the open position per instrument\n";
    }
    const std::string enabled = env.get(p + "ENABLED");
    if (!enabled.empty()) t << "enabled = " << (truthy(enabled) ? "true" : "false") << "\n";
    if (!daily.empty()) t << "max_daily_trades = " << daily << "   # MAX_DAILY_TRADES\n";
    const std::string segments = env.get(p + "ENABLED_SEGMENTS");
    if (!segments.empty()) {
      std::set<std::string> names;
      std::istringstream in(segments);
      for (std::string e; std::getline(in, e, ',');) {
        const std::string s = segment_of(e);
        if (s.empty())
          return Status::invalid_argument(p + "ENABLED_SEGMENTS: unknown exchange '" + trim(e) +
                                          "'");
        names.insert(s);
      }
      t << "allow_segments = [";
      bool first = true;
      for (const auto& s : names) {
        t << (first ? "" : ", ") << quoted(s);
        first = false;
      }
      t << "]   # " << p << "ENABLED_SEGMENTS=" << segments << "\n";
    }
    for (const char* exchange : {"NSE", "BSE", "NFO", "MCX", "BFO", "CDS"}) {
      const std::string m = env.get(p + exchange + "_MULTIPLIER");
      if (!m.empty() && m != ratio) {
        out.warnings.push_back(p + exchange + "_MULTIPLIER=" + m + " differs from " + p +
                               "MULTIPLIER=" + (ratio.empty() ? "1" : ratio) +
                               ": Tandem applies one ratio to every segment; review follower-" +
                               std::to_string(n) + " before going live");
      }
      const std::string l = env.get(p + exchange + "_LIMIT");
      if (!l.empty()) {
        out.notes.push_back(
            p + exchange + "_LIMIT=" + l +
            " not carried over: Tandem's limits are per instrument, not per exchange");
      }
    }
    keep_secrets(p, user);
  }
  keep_alerts(env, t, out);
  for (const auto& k : env.unused())
    out.notes.push_back(k + " not carried over: no Tandem equivalent");
  out.toml = t.str();
  return out;
}

Result<EnvImport> import_dhan(Env& env) {
  EnvImport out;
  out.seed = "dhan";
  std::ostringstream t;
  const std::string leader = env.get("LEADER_CLIENT_ID");
  const std::string follower = env.get("FOLLOWER_CLIENT_ID");
  if (follower.empty()) return Status::invalid_argument("FOLLOWER_CLIENT_ID is needed");
  t << "# Imported from the Dhan copier's .env by `tandem config import-env`.\n";
  t << "mode = \"paper\"\njournal = \"tandem-journal\"\n";
  write_log_level(env, t);
  t << "\n[leader]\nbroker = \"dhan\"\naccount = " << quoted(leader) << "\n";
  t << "\n[[follower]]\nid = \"follower\"\naccount = " << quoted(follower)
    << "\nbroker = \"dhan\"\n";
  const std::string strategy = upper(env.get("SIZING_STRATEGY"));
  const std::string ratio = env.get("COPY_RATIO");
  const std::string pct = env.get("MAX_POSITION_SIZE_PCT");
  if (!ratio.empty()) {
    if (Status s = number_or_fail("COPY_RATIO", ratio); !s.ok()) return s;
  }
  if (!pct.empty()) {
    if (Status s = number_or_fail("MAX_POSITION_SIZE_PCT", pct); !s.ok()) return s;
  }
  if (strategy.empty() || strategy == "FIXED_RATIO" || strategy == "FIXED") {
    t << "sizing = \"fixed_ratio\"\n";
    if (!ratio.empty()) t << "ratio = " << ratio << "   # COPY_RATIO\n";
  } else if (strategy == "CAPITAL_PROPORTIONAL") {
    t << "sizing = \"capital_proportional\"\n";
  } else if (strategy == "RISK_BASED") {
    t << "sizing = \"risk_based\"\n";
    if (pct.empty())
      return Status::invalid_argument("SIZING_STRATEGY=RISK_BASED needs MAX_POSITION_SIZE_PCT");
    t << "max_position_pct = " << pct << "   # MAX_POSITION_SIZE_PCT\n";
  } else {
    return Status::invalid_argument("SIZING_STRATEGY='" + strategy +
                                    "' is not FIXED_RATIO, CAPITAL_PROPORTIONAL or RISK_BASED");
  }
  const bool uses_ratio = strategy.empty() || strategy == "FIXED_RATIO" || strategy == "FIXED";
  if (!ratio.empty() && !uses_ratio) {
    out.notes.push_back("COPY_RATIO=" + ratio + " not carried over: SIZING_STRATEGY=" + strategy +
                        " sizes without a ratio");
  }
  if (!pct.empty() && strategy != "RISK_BASED") {
    out.warnings.push_back("MAX_POSITION_SIZE_PCT=" + pct +
                           " caps positions only for risk-based sizing in Tandem; set "
                           "max_position_value (rupees) on the follower to keep a cap");
  }
  const std::string leader_token = env.get("LEADER_ACCESS_TOKEN");
  if (!leader_token.empty()) out.secrets["dhan." + leader + ".access_token"] = leader_token;
  const std::string follower_token = env.get("FOLLOWER_ACCESS_TOKEN");
  if (!follower_token.empty()) out.secrets["dhan." + follower + ".access_token"] = follower_token;
  keep_alerts(env, t, out);
  for (const auto& k : env.unused())
    out.notes.push_back(k + " not carried over: no Tandem equivalent");
  out.toml = t.str();
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> parse_dotenv(std::string_view text) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::string s = trim(line);
    if (s.empty() || s[0] == '#') continue;
    if (s.rfind("export ", 0) == 0) s = trim(s.substr(7));
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::invalid_argument(".env line " + std::to_string(n) + ": not KEY=VALUE");
    }
    const std::string key = trim(s.substr(0, eq));
    std::string value = trim(s.substr(eq + 1));
    if (!value.empty() && (value[0] == '"' || value[0] == '\'')) {
      const size_t close = value.find(value[0], 1);
      if (close == std::string::npos) {
        return Status::invalid_argument(".env line " + std::to_string(n) + ": unclosed quote");
      }
      value = value.substr(1, close - 1);
    } else if (const size_t hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));  // a comment after the value
    }
    out[key] = value;
  }
  return out;
}

Result<EnvImport> import_env(const std::map<std::string, std::string>& env) {
  Env e(env);
  if (e.has("MASTER_API_KEY") || e.has("MASTER_USER_ID") || e.has("FOLLOWER_COUNT")) {
    return import_zerodha(e);
  }
  if (e.has("LEADER_CLIENT_ID") || e.has("FOLLOWER_CLIENT_ID")) return import_dhan(e);
  return Status::invalid_argument(
      "not a .env of a copier Tandem knows: expected MASTER_* / FOLLOWER_COUNT (Zerodha) or "
      "LEADER_CLIENT_ID / FOLLOWER_CLIENT_ID (Dhan)");
}

}  // namespace tandem::config
