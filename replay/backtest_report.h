// The backtest's outputs: one self-contained HTML file (inline CSS and SVG, nothing loaded
// from anywhere) and CSV beside it — a summary per follower (simulated and as recorded)
// and the position and P&L series through the day.
#pragma once

#include <string>

#include "replay/backtest.h"

namespace tandem::replay {

[[nodiscard]] std::string backtest_html(const BacktestReport& report, const std::string& journal,
                                        const std::string& config);
[[nodiscard]] std::string backtest_summary_csv(const BacktestReport& report);
[[nodiscard]] std::string backtest_series_csv(const BacktestReport& report);

}  // namespace tandem::replay
