#include "replay/backtest_report.h"

#include <fmt/format.h>

#include <set>

#include "domain/base/money.h"
#include "replay/svg_chart.h"

namespace tandem::replay {

namespace {

namespace d = ::tandem::domain;

int64_t skipped(const Outcome& o) {
  int64_t n = 0;
  for (const auto& [reason, count] : o.skips) n += count;
  return n;
}

std::string skip_text(const Outcome& o) {
  std::string out;
  for (const auto& [reason, n] : o.skips)
    out += fmt::format("{}{}={}", out.empty() ? "" : ";", reason, n);
  return out;
}

std::string signed_diff(int64_t simulated, int64_t actual, bool money) {
  const int64_t diff = simulated - actual;
  const std::string text = money ? d::rupees_text(diff) : std::to_string(diff);
  return diff > 0 ? "+" + text : text;
}

// Every candidate side by side, to choose between them: what each made, what it had to sit
// through, what capital it used, how much it traded and what it refused.
std::string comparison_table(const BacktestReport& report) {
  std::string out =
      "<h2>The candidates side by side</h2><table class=\"cmp\"><tr><th>follower</th><th>P&amp;L "
      "at the close</th><th>max drawdown</th><th>peak capital in positions</th><th>turnover</th>"
      "<th>orders</th><th>skipped, by reason</th></tr>";
  for (const auto& f : report.followers) {
    std::string reasons;
    for (const auto& [reason, n] : f.simulated.skips) {
      reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", html_escape(reason), n);
    }
    out += fmt::format(
        "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td><small>{}</small></td></tr>",
        html_escape(f.follower), f.simulated.pnl_paise < 0 ? "down" : "up",
        d::rupees_text(f.simulated.pnl_paise),
        d::rupees_text(max_drawdown_paise(f.simulated_series)),
        d::rupees_text(peak_exposure_paise(f.simulated_series)),
        d::rupees_text(f.simulated.turnover_paise), f.simulated.placed,
        reasons.empty() ? "none" : reasons);
  }
  return out + "</table>";
}

std::string outcome_rows(const FollowerBacktest& f) {
  struct Line {
    const char* name;
    int64_t Outcome::*field;
    bool money;
  };
  static const Line lines[] = {
      {"orders placed", &Outcome::placed, false},
      {"modified", &Outcome::modified, false},
      {"cancelled", &Outcome::cancelled, false},
      {"rejected", &Outcome::rejected, false},
      {"units filled", &Outcome::filled_units, false},
      {"turnover", &Outcome::turnover_paise, true},
      {"realised P&amp;L", &Outcome::realized_pnl_paise, true},
      {"P&amp;L marked at the leader's last prices", &Outcome::pnl_paise, true}};
  std::string out;
  auto cell = [](int64_t v, bool money) { return money ? d::rupees_text(v) : std::to_string(v); };
  for (const auto& l : lines) {
    const int64_t s = f.simulated.*l.field;
    out += fmt::format("<tr><td>{}</td><td>{}</td>", l.name, cell(s, l.money));
    if (f.recorded) {
      const int64_t a = f.actual.*l.field;
      out += fmt::format("<td>{}</td><td>{}</td>", cell(a, l.money), signed_diff(s, a, l.money));
    }
    out += "</tr>";
  }
  // Reasons one per line, small, so that the table keeps its width.
  auto reasons = [](const Outcome& o) {
    std::string text = html_escape(skip_text(o));
    for (size_t at = 0; (at = text.find(';', at)) != std::string::npos;)
      text.replace(at, 1, "<br>");
    return text.empty() ? text : "<br><small>" + text + "</small>";
  };
  out +=
      fmt::format("<tr><td>skipped</td><td>{}{}</td>", skipped(f.simulated), reasons(f.simulated));
  if (f.recorded) {
    out += fmt::format("<td>{}{}</td><td>{}</td>", skipped(f.actual), reasons(f.actual),
                       signed_diff(skipped(f.simulated), skipped(f.actual), false));
  }
  return out + "</tr>";
}

std::vector<std::pair<int64_t, int64_t>> points(const std::vector<Sample>& series,
                                                int64_t Sample::*field) {
  std::vector<std::pair<int64_t, int64_t>> out;
  out.reserve(series.size());
  for (const auto& s : series) out.emplace_back(s.at, s.*field);
  return out;
}

std::string latency_chart(const std::vector<int64_t>& latencies) {
  static const std::vector<std::pair<int64_t, std::string>> buckets = {
      {1, "< 1 ms"},       {2, "1–2 ms"},          {5, "2–5 ms"},      {10, "5–10 ms"},
      {20, "10–20 ms"},    {50, "20–50 ms"},       {100, "50–100 ms"}, {200, "100–200 ms"},
      {500, "200–500 ms"}, {INT64_MAX, "≥ 500 ms"}};
  std::vector<Bar> bars;
  for (const auto& [limit, label] : buckets) bars.push_back({label, {0}});
  for (const int64_t ns : latencies) {
    const int64_t ms_floor = ns / 1'000'000;
    for (size_t i = 0; i < buckets.size(); ++i) {
      if (ms_floor < buckets[i].first) {
        ++bars[i].values[0];
        break;
      }
    }
  }
  return bar_chart("Recorded copy latency: follower order journaled → broker ack journaled", bars,
                   {{"follower orders", "#3b6ea5"}}) +
         "<p class=\"note\">In the engine's clock, as journaled: market time. A day recorded by "
         "<code>tandem demo</code> ran that clock <code>--speed</code> times faster than real time "
         "(400 by default), so each of these is that many times the real wait; a day recorded "
         "by <code>tandem run</code> reads in real milliseconds.</p>";
}

}  // namespace

std::string backtest_html(const BacktestReport& report, const std::string& journal,
                          const std::string& config) {
  std::string html = R"(<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Tandem backtest</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2329;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:30px;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #e4e6ea;text-align:right}
td:first-child,th:first-child{text-align:left;width:45%}td{vertical-align:top}.note{color:#555}
svg .t{font:600 13px system-ui,sans-serif}svg .a{font:11px system-ui,sans-serif;fill:#444}
svg .f{fill:none;stroke:#ccd}svg .z{stroke:#999;stroke-dasharray:2 2}svg .g{stroke:#eceef2}
.up{color:#1f7a4a}.down{color:#b3261e}table.cmp td:first-child{width:auto}
table.cmp td{white-space:nowrap}table.cmp td:last-child{white-space:normal;text-align:left}
</style></head><body>)";
  html += fmt::format(
      "<h1>Backtest of {} to {}</h1><p class=\"note\">Journal <code>{}</code>, records {}..{}, "
      "{} leader events, replayed with the follower settings of <code>{}</code>. Orders the "
      "journal holds exactly as simulated use their recorded broker answers; others fill on "
      "paper at the leader's fill price plus the follower's slippage.</p>",
      report.from, report.to, html_escape(journal), report.first_seq, report.last_seq,
      report.leader_updates, html_escape(config));
  html += comparison_table(report);
  std::vector<Bar> skip_bars;
  for (const auto& f : report.followers) {
    html += fmt::format("<h2>{}</h2>", html_escape(f.follower));
    if (f.recorded) {
      html += fmt::format(
          "<p class=\"note\">Decisions equal to the recorded ones: {}; different: {}. Orders "
          "filled on paper: {}.</p>",
          f.decisions_equal, f.decisions_different, f.paper_orders);
    } else {
      html += "<p class=\"note\">A new follower: the journal has nothing to compare with.</p>";
    }
    html += "<table><tr><th></th><th>backtest</th>";
    if (f.recorded) html += "<th>recorded</th><th>difference</th>";
    html += "</tr>" + outcome_rows(f) + "</table>";
    std::vector<LineSeries> pnl = {
        {"backtest", "#c0392b", false, points(f.simulated_series, &Sample::pnl_paise)}};
    std::vector<LineSeries> exposure = {
        {"backtest", "#2e7d32", false, points(f.simulated_series, &Sample::exposure_paise)}};
    if (f.recorded) {
      pnl.push_back({"recorded", "#555", true, points(f.actual_series, &Sample::pnl_paise)});
      exposure.push_back(
          {"recorded", "#555", true, points(f.actual_series, &Sample::exposure_paise)});
    }
    std::vector<Marker> marks;
    for (const auto& [at, what] : f.events) {
      marks.push_back({at, what, what.starts_with("loss guard") ? "#b3261e" : "#a86b00"});
    }
    html += line_chart(f.follower + ": P&L through the day", pnl, 100, "₹", marks);
    html += line_chart(f.follower + ": open positions at the leader's prices", exposure, 100, "₹",
                       marks);
    std::set<std::string> reasons;
    for (const auto& [r, n] : f.simulated.skips) reasons.insert(r);
    for (const auto& [r, n] : f.actual.skips) reasons.insert(r);
    for (const auto& r : reasons) {
      const auto s = f.simulated.skips.find(r);
      const auto a = f.actual.skips.find(r);
      skip_bars.push_back({f.follower + " " + r,
                           {s == f.simulated.skips.end() ? 0 : s->second,
                            a == f.actual.skips.end() ? 0 : a->second}});
    }
  }
  html += "<h2>Skips by reason</h2>";
  html += skip_bars.empty() ? std::string("<p>No skips.</p>")
                            : bar_chart("Skipped copies by follower and reason", skip_bars,
                                        {{"backtest", "#c0392b"}, {"recorded", "#888"}});
  html += "<h2>Copy latency</h2>" + latency_chart(report.ack_latency_ns);
  return html + "</body></html>\n";
}

std::string backtest_summary_csv(const BacktestReport& report) {
  std::string out =
      "follower,run,placed,modified,cancelled,rejected,skipped,skip_reasons,filled_units,"
      "turnover_paise,realized_pnl_paise,pnl_paise,decisions_equal,decisions_different,"
      "paper_orders\n";
  for (const auto& f : report.followers) {
    auto line = [&](const char* run, const Outcome& o) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", f.follower, run,
                         o.placed, o.modified, o.cancelled, o.rejected, skipped(o), skip_text(o),
                         o.filled_units, o.turnover_paise, o.realized_pnl_paise, o.pnl_paise,
                         f.decisions_equal, f.decisions_different, f.paper_orders);
    };
    line("backtest", f.simulated);
    if (f.recorded) line("recorded", f.actual);
  }
  return out;
}

std::string backtest_series_csv(const BacktestReport& report) {
  std::string out = "follower,run,at_utc_ns,exposure_paise,pnl_paise\n";
  for (const auto& f : report.followers) {
    for (const auto& s : f.simulated_series) {
      out += fmt::format("{},backtest,{},{},{}\n", f.follower, s.at, s.exposure_paise, s.pnl_paise);
    }
    for (const auto& s : f.actual_series) {
      out += fmt::format("{},recorded,{},{},{}\n", f.follower, s.at, s.exposure_paise, s.pnl_paise);
    }
  }
  return out;
}

}  // namespace tandem::replay
