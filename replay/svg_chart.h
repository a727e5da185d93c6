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

// Something that happened at an instant, drawn over a line chart (a loss guard's trip, a pause).
struct Marker {
  int64_t x = 0;
  std::string label;
  std::string color;
};

// A line chart over the day: x is an instant (ns since the epoch), drawn on an IST time axis
// with gridlines; `y_unit_divisor` turns y into the axis's unit (100: paise → rupees, labelled
// with Indian grouping).
[[nodiscard]] std::string line_chart(const std::string& title,
                                     const std::vector<LineSeries>& series, int64_t y_unit_divisor,
                                     const std::string& y_label,
                                     const std::vector<Marker>& markers = {});

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
