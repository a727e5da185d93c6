// A register row: named columns in a fixed order, written as CSV (one header, every column,
// empty where a record has no such field) or as JSON lines (only the columns a row has).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem::audit {

class Row {
 public:
  // `columns` lists the columns the row may have (register_columns(), or a summary's).
  explicit Row(const std::vector<std::string_view>& columns) : columns_(&columns) {}
  Row& set(std::string_view column, std::string value);
  Row& set(std::string_view column, int64_t value);
  const std::vector<std::pair<std::string_view, std::string>>& cells() const { return cells_; }

 private:
  const std::vector<std::string_view>* columns_;
  std::vector<std::pair<std::string_view, std::string>> cells_;  // in set order
  std::vector<bool> numeric_;
  friend std::string jsonl_line(const Row& row);
};

// Every column of the registers, in CSV order.
const std::vector<std::string_view>& register_columns();

std::string csv_header(const std::vector<std::string_view>& columns);
std::string csv_line(const std::vector<std::string_view>& columns, const Row& row);
std::string jsonl_line(const Row& row);

}  // namespace tandem::audit
