#include "app/log_setup.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <boost/json.hpp>

#include <chrono>
#include <vector>

#include "domain/base/time.h"

namespace tandem::app {

namespace {

namespace json = boost::json;

// Stamps each line with the IST time, and writes it as text or JSON.
class IstFormatter final : public spdlog::formatter {
 public:
  explicit IstFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(msg.time.time_since_epoch()).count();
    const std::string time = domain::ist_timestamp_text(ns);
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string_view text(msg.payload.data(), msg.payload.size());
    std::string line =
        format_ == LogFormat::json
            ? logfmt_to_json(time, std::string_view(level.data(), level.size()), text)
            : time + " " + std::string(level.data(), level.size()) + " " + std::string(text);
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<IstFormatter>(format_);
  }

 private:
  LogFormat format_;
};

bool plain(std::string_view v) {
  if (v.empty()) return false;
  for (const char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      return false;
  }
  return true;
}

}  // namespace

Result<LogFormat> parse_log_format(std::string_view word) {
  if (word == "text") return LogFormat::text;
  if (word == "json") return LogFormat::json;
  return Status::invalid_argument("--log-format must be text or json, not '" + std::string(word) +
                                  "'");
}

std::shared_ptr<spdlog::logger> make_logger(const LogOptions& o) {
  std::vector<spdlog::sink_ptr> sinks;
  if (o.console) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!o.file.empty()) {
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(o.file, 64 << 20, 5));
  }
  auto log = std::make_shared<spdlog::logger>("tandem", sinks.begin(), sinks.end());
  log->set_level(spdlog::level::from_str(o.level));
  log->set_formatter(std::make_unique<IstFormatter>(o.format));
  // A kill -9 loses at most the last second of lines, and never a warning or an error.
  log->flush_on(spdlog::level::warn);
  spdlog::drop(log->name());
  spdlog::register_logger(log);
  spdlog::flush_every(std::chrono::seconds(1));
  return log;
}

std::string logfmt_value(std::string_view value) {
  if (plain(value)) return std::string(value);
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out + "\"";
}

std::string logfmt_to_json(std::string_view time, std::string_view level, std::string_view line) {
  json::object o;
  o["time"] = time;
  o["level"] = level;
  std::string msg;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '=') ++end;
    if (end < line.size() && line[end] == '=' && end > i) {
      const std::string key(line.substr(i, end - i));
      std::string value;
      i = end + 1;
      if (i < line.size() && line[i] == '"') {
        for (++i; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) ++i;
          value += line[i];
        }
        ++i;  // the closing quote
      } else {
        while (i < line.size() && line[i] != ' ') value += line[i++];
      }
      o[key] = value;
    } else {  // a word that is no pair
      while (end < line.size() && line[end] != ' ') ++end;
      msg += (msg.empty() ? "" : " ") + std::string(line.substr(i, end - i));
      i = end;
    }
  }
  if (!msg.empty()) o["msg"] = msg;
  return json::serialize(o);
}

}  // namespace tandem::app
