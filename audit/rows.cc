#include "audit/rows.h"

#include <boost/json.hpp>

#include <algorithm>

#include "domain/base/assert.h"

namespace tandem::audit {

Row& Row::set(std::string_view column, std::string value) {
  TANDEM_ASSERT(std::find(columns_->begin(), columns_->end(), column) != columns_->end(), column);
  cells_.emplace_back(column, std::move(value));
  numeric_.push_back(false);
  return *this;
}

Row& Row::set(std::string_view column, int64_t value) {
  set(column, std::to_string(value));
  numeric_.back() = true;
  return *this;
}

const std::vector<std::string_view>& register_columns() {
  static const std::vector<std::string_view> columns = {"seq",
                                                        "recorded_at_ist",
                                                        "recorded_at_utc",
                                                        "trading_day",
                                                        "record",
                                                        "follower",
                                                        "leader_order_id",
                                                        "tag",
                                                        "action",
                                                        "ordinal",
                                                        "side",
                                                        "instrument",
                                                        "product",
                                                        "order_type",
                                                        "validity",
                                                        "quantity_units",
                                                        "price_paise",
                                                        "trigger_price_paise",
                                                        "status",
                                                        "filled_units",
                                                        "average_price_paise",
                                                        "exchange_time_ist",
                                                        "broker_order_id",
                                                        "target_tag",
                                                        "target_order_id",
                                                        "skip_reason",
                                                        "clamp",
                                                        "sizing_policy",
                                                        "ratio_ppm",
                                                        "leader_qty_units",
                                                        "leader_capital_paise",
                                                        "follower_capital_paise",
                                                        "lot_size_units",
                                                        "premium_paise",
                                                        "max_position_pct_bp",
                                                        "raw_qty_micro",
                                                        "remainder_in_micro",
                                                        "rounded_qty_units",
                                                        "remainder_out_micro",
                                                        "position_before_units",
                                                        "final_qty_units",
                                                        "recovered",
                                                        "error_class",
                                                        "message",
                                                        "detail",
                                                        "record_hash"};
  return columns;
}

namespace {

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string csv_header(const std::vector<std::string_view>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += columns[i];
  }
  return out + "\n";
}

std::string csv_line(const std::vector<std::string_view>& columns, const Row& row) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    for (const auto& [column, value] : row.cells()) {
      if (column == columns[i]) {
        out += csv_field(value);
        break;
      }
    }
  }
  return out + "\n";
}

std::string jsonl_line(const Row& row) {
  boost::json::object o;
  for (size_t i = 0; i < row.cells_.size(); ++i) {
    const auto& [column, value] = row.cells_[i];
    if (row.numeric_[i]) {
      o[column] = std::stoll(value);
    } else {
      o[column] = value;
    }
  }
  return boost::json::serialize(o) + "\n";
}

}  // namespace tandem::audit
