// Small inline SVG charts for self-contained HTML reports (no scripts, no network): lines
// over time and horizontal bars. Coordinates are presentation only; the data stay integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::replay {

struct LineSeries {
  std::string name;
  std::string color;  // CSS colour
  bool dashed = false;
  std::vector<std::pair<int64_t, int64_t>> points;  // (x, y), x ascending
};

// A line chart; `y_unit_divisor` turns y into the axis's unit (100: paise → rupees).
[[nodiscard]] std::string line_chart(const std::string& title,
                                     const std::vector<LineSeries>& series, int64_t y_unit_divisor,
                                     const std::string& y_label);

struct Bar {
  std::string label;
  std::vector<int64_t> values;  // one per group, drawn side by side
};

// Horizontal bars: one row per label, one bar per group (colours and names in `groups`).
[[nodiscard]] std::string bar_chart(const std::string& title, const std::vector<Bar>& bars,
                                    const std::vector<std::pair<std::string, std::string>>& groups);

// Escapes text for HTML and SVG.
[[nodiscard]] std::string html_escape(const std::string& text);

}  // namespace tandem::replay
