#include "replay/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>

#include "domain/base/money.h"

namespace tandem::replay {

namespace {

constexpr double kWidth = 720, kHeight = 240, kLeft = 70, kRight = 130, kTop = 28, kBottom = 30;

// At most this many points per line: enough for the eye, small enough for a busy day.
constexpr size_t kMaxPoints = 600;

constexpr int64_t kMinuteNs = 60'000'000'000;
constexpr int64_t kIstNs = 330 * kMinuteNs;  // IST is UTC+05:30

// "14:30" for an instant, in IST.
std::string ist_hhmm(int64_t ns) {
  const int64_t minutes = ((ns + kIstNs) / kMinuteNs) % (24 * 60);
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

// The time axis's tick: an hour over a long span, down to five minutes over a short one.
int64_t time_step(int64_t span_ns) {
  for (const int64_t minutes : {5, 15, 30, 60}) {
    if (span_ns <= 8 * minutes * kMinuteNs) return minutes * kMinuteNs;
  }
  return 120 * kMinuteNs;
}

// A y label: rupees with Indian grouping for paise, else the plain number.
std::string axis_value(int64_t y, int64_t divisor) {
  if (divisor != 100) return std::to_string(y / divisor);
  const std::string text = domain::rupees_text(y / 100 * 100);  // whole rupees
  return text.substr(0, text.size() - 3);
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string line_chart(const std::string& title, const std::vector<LineSeries>& series,
                       int64_t y_unit_divisor, const std::string& y_label,
                       const std::vector<Marker>& markers) {
  int64_t x0 = INT64_MAX, x1 = INT64_MIN, y0 = 0, y1 = 0;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  }
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" role=\"img\"><title>{2}</title><text x=\"{3}\" y=\"16\" class=\"t\">{2}</text>",
      kWidth, kHeight, html_escape(title), kLeft);
  if (x0 >= x1) x1 = x0 + 1;
  if (y0 == y1) y1 = y0 + 1;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto px = [&](int64_t x) {
    return kLeft + pw * static_cast<double>(x - x0) / static_cast<double>(x1 - x0);
  };
  auto py = [&](int64_t y) {
    return kTop + ph * static_cast<double>(y1 - y) / static_cast<double>(y1 - y0);
  };
  // Gridlines: five levels of y, labelled; the zero line; an IST time axis.
  for (int k = 0; k <= 4; ++k) {
    const int64_t y = y0 + (y1 - y0) * k / 4;
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" class=\"g\"/>",
                       kLeft, py(y), kLeft + pw);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"a\" text-anchor=\"end\">{}</text>",
                       kLeft - 4, py(y) + 4, axis_value(y, y_unit_divisor));
  }
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" class=\"z\"/>",
                     kLeft, py(0), kLeft + pw);
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"f\"/>", kLeft,
                     kTop, pw, ph);
  const int64_t step = time_step(x1 - x0);
  for (int64_t t = (x0 + kIstNs + step - 1) / step * step - kIstNs; t <= x1; t += step) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" class=\"g\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" class=\"a\" text-anchor=\"middle\">{4}</text>",
        px(t), kTop, kTop + ph, kTop + ph + 14, ist_hhmm(t));
  }
  for (const Marker& m : markers) {
    if (m.x < x0 || m.x > x1) continue;
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"{3}\" "
        "stroke-dasharray=\"4 3\"/><text x=\"{4:.1f}\" y=\"{5}\" class=\"a\" fill=\"{3}\">{6} "
        "{7}</text>",
        px(m.x), kTop, kTop + ph, m.color, px(m.x) + 3, kTop + 10, ist_hhmm(m.x),
        html_escape(m.label));
  }
  svg += fmt::format("<text x=\"4\" y=\"{:.1f}\" class=\"a\">{}</text>", kTop + ph / 2,
                     html_escape(y_label));
  int row = 0;
  for (const auto& s : series) {
    std::string path;
    const size_t step = std::max<size_t>(1, s.points.size() / kMaxPoints);
    for (size_t i = 0; i < s.points.size(); i += step) {
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", px(s.points[i].first),
                          py(s.points[i].second));
    }
    if (!s.points.empty() && (s.points.size() - 1) % step != 0) {
      path += fmt::format(" L{:.1f},{:.1f}", px(s.points.back().first), py(s.points.back().second));
    }
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{}/>", path,
                       s.color, s.dashed ? " stroke-dasharray=\"5 3\"" : "");
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"{4}/>"
        "<text x=\"{5}\" y=\"{6}\" class=\"a\">{7}</text>",
        kWidth - kRight + 8, kTop + 10 + row * 16, kWidth - kRight + 28, s.color,
        s.dashed ? " stroke-dasharray=\"5 3\"" : "", kWidth - kRight + 32, kTop + 14 + row * 16,
        html_escape(s.name));
    ++row;
  }
  return svg + "</svg>";
}

std::string bar_chart(const std::string& title, const std::vector<Bar>& bars,
                      const std::vector<std::pair<std::string, std::string>>& groups) {
  int64_t top = 1;
  for (const auto& b : bars) {
    for (const int64_t v : b.values) top = std::max(top, v);
  }
  // The labels' column fits the longest (about 6.5 px a character at the axis font).
  size_t longest = 10;
  for (const auto& b : bars) longest = std::max(longest, b.label.size());
  const double bar_h = 12, gap = 8, label_w = 12 + 6.5 * static_cast<double>(longest), plot_w = 420;
  const double width = label_w + plot_w + 80;
  const double row_h = bar_h * static_cast<double>(groups.size()) + gap;
  const double height = 40 + row_h * static_cast<double>(bars.size()) + 10;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{2:.0f}\" height=\"{0:.0f}\" viewBox=\"0 "
      "0 "
      "{2:.0f} {0:.0f}\" role=\"img\"><title>{1}</title><text x=\"4\" y=\"16\" "
      "class=\"t\">{1}</text>",
      height, html_escape(title), width);
  for (size_t g = 0; g < groups.size(); ++g) {
    svg += fmt::format(
        "<rect x=\"{}\" y=\"22\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"31\" "
        "class=\"a\">{}</text>",
        label_w + 130 * static_cast<double>(g), groups[g].second,
        label_w + 14 + 130 * static_cast<double>(g), html_escape(groups[g].first));
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = 40 + row_h * static_cast<double>(i);
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"a\" text-anchor=\"end\">{}</text>",
                       label_w - 6, y + bar_h, html_escape(bars[i].label));
    for (size_t g = 0; g < bars[i].values.size() && g < groups.size(); ++g) {
      const double w = plot_w * static_cast<double>(bars[i].values[g]) / static_cast<double>(top);
      const double by = y + bar_h * static_cast<double>(g);
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/><text "
          "x=\"{:.1f}\" "
          "y=\"{:.1f}\" class=\"a\">{}</text>",
          label_w, by, w, bar_h - 1, groups[g].second, label_w + w + 4, by + bar_h - 2,
          bars[i].values[g]);
    }
  }
  return svg + "</svg>";
}

}  // namespace tandem::replay
