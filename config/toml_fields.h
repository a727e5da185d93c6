// Typed reads from a TOML file (toml++), collecting every mistake — with its file, line and
// key — so that one run reports all of them at once, and an unknown key (a typo) is a
// mistake too, not silently ignored. Used by every file Tandem reads settings from.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/base/status.h"

namespace tandem::config {

class TomlFields {
 public:
  // Parses `path`; a syntax error is invalid_argument with file, line and column.
  static Result<toml::table> parse_file(const std::string& path);
  static Result<toml::table> parse_text(std::string_view text, const std::string& name);

  explicit TomlFields(std::string file) : file_(std::move(file)) {}

  // Each read names the key by its dotted path; a missing optional key gives `fallback`.
  int64_t integer(const toml::table& t, std::string_view key, const std::string& path,
                  int64_t fallback, int64_t min, int64_t max);
  std::string text(const toml::table& t, std::string_view key, const std::string& path,
                   std::string fallback = {}, bool required = false);
  bool boolean(const toml::table& t, std::string_view key, const std::string& path, bool fallback);
  // Rupees as a number or a decimal string ("1500.25") → paise, exactly.
  int64_t paise(const toml::table& t, std::string_view key, const std::string& path,
                int64_t fallback);
  std::vector<std::string> texts(const toml::table& t, std::string_view key,
                                 const std::string& path);
  // The array of tables at `key` (e.g. [[account]]); empty when absent.
  std::vector<const toml::table*> tables(const toml::table& t, std::string_view key,
                                         const std::string& path);
  const toml::table* table(const toml::table& t, std::string_view key, const std::string& path);
  // Every key of `t` must be one of `known`.
  void only(const toml::table& t, const std::string& path,
            std::initializer_list<std::string_view> known);

  void error(const toml::node* at, const std::string& key, const std::string& why);
  // ok, or invalid_argument listing every mistake, one per line.
  Status status() const;

 private:
  std::string where(const toml::node* at) const;
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace tandem::config
