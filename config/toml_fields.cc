#include "config/toml_fields.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "brokers/json_reader.h"

namespace tandem::config {

namespace {

std::string dotted(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

}  // namespace

Result<toml::table> TomlFields::parse_text(std::string_view text, const std::string& name) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << name << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
      << e.description();
    return Status::invalid_argument(m.str());
  }
}

Result<toml::table> TomlFields::parse_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::invalid_argument(path + ": not a readable file");
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << path << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
      << e.description();
    return Status::invalid_argument(m.str());
  }
}

std::string TomlFields::where(const toml::node* at) const {
  if (at == nullptr || !at->source().begin) return file_;
  return file_ + ":" + std::to_string(at->source().begin.line);
}

void TomlFields::error(const toml::node* at, const std::string& key, const std::string& why) {
  errors_.push_back(where(at) + ": " + key + ": " + why);
}

Status TomlFields::status() const {
  if (errors_.empty()) return Status();
  std::string all;
  for (const auto& e : errors_) all += (all.empty() ? "" : "\n") + e;
  return Status::invalid_argument(all);
}

int64_t TomlFields::integer(const toml::table& t, std::string_view key, const std::string& path,
                            int64_t fallback, int64_t min, int64_t max) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  // Not value<int64_t>(): toml++ converts a float to an integer with a cast that is
  // undefined past int64 (found by tests/fuzz).
  const auto* integer = n->as_integer();
  if (integer == nullptr) {
    error(n, dotted(path, key), "must be a whole number");
    return fallback;
  }
  const int64_t v = integer->get();
  if (v < min || v > max) {
    error(n, dotted(path, key),
          "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return fallback;
  }
  return v;
}

std::string TomlFields::text(const toml::table& t, std::string_view key, const std::string& path,
                             std::string fallback, bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) error(&t, dotted(path, key), "missing");
    return fallback;
  }
  if (!n->is_string()) {
    error(n, dotted(path, key), "must be a string");
    return fallback;
  }
  return *n->value<std::string>();
}

bool TomlFields::boolean(const toml::table& t, std::string_view key, const std::string& path,
                         bool fallback) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  if (!n->is_boolean()) {
    error(n, dotted(path, key), "must be true or false");
    return fallback;
  }
  return *n->value<bool>();
}

int64_t TomlFields::paise(const toml::table& t, std::string_view key, const std::string& path,
                          int64_t fallback) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  std::optional<int64_t> p;
  if (const auto* integer = n->as_integer()) {
    p = brokers::paise_of_rupees(integer->get());
  } else if (const auto* floating = n->as_floating_point()) {
    // Whole paise only: 1500.255 is a mistake, not something to round.
    const double paise = floating->get() * 100.0;
    if (std::fabs(paise - std::round(paise)) < 1e-6) p = brokers::paise_of_rupees(floating->get());
  } else if (n->is_string()) {
    const std::string text = *n->value<std::string>();
    const size_t dot = text.find('.');
    if (dot == std::string::npos || text.size() - dot - 1 <= 2) p = brokers::decimal_paise(text);
  }
  if (!p || *p < 0) {
    error(n, dotted(path, key), "must be an amount in rupees with at most two decimals");
    return fallback;
  }
  return *p;
}

std::vector<std::string> TomlFields::texts(const toml::table& t, std::string_view key,
                                           const std::string& path) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr) {
    error(n, dotted(path, key), "must be a list of strings");
    return out;
  }
  for (const toml::node& item : *a) {
    if (!item.is_string()) {
      error(&item, dotted(path, key), "must be a list of strings");
      continue;
    }
    out.push_back(*item.value<std::string>());
  }
  return out;
}

std::vector<const toml::table*> TomlFields::tables(const toml::table& t, std::string_view key,
                                                   const std::string& path) {
  std::vector<const toml::table*> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr || !a->is_array_of_tables()) {
    error(n, dotted(path, key), "must be a list of tables ([[" + std::string(key) + "]])");
    return out;
  }
  for (const toml::node& item : *a) out.push_back(item.as_table());
  return out;
}

const toml::table* TomlFields::table(const toml::table& t, std::string_view key,
                                     const std::string& path) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) {
    error(n, dotted(path, key), "must be a table");
    return nullptr;
  }
  return n->as_table();
}

void TomlFields::only(const toml::table& t, const std::string& path,
                      std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : t) {
    bool ok = false;
    for (std::string_view name : known) ok |= k.str() == name;
    if (!ok) error(&v, dotted(path, k.str()), "unknown key");
  }
}

}  // namespace tandem::config
