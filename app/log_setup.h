// The operator's log (`tandem run`, and `tandem demo --log-file`): spdlog lines stamped in IST,
// the time the dashboard shows, each either logfmt (`2026-11-20T10:00:01.234+05:30 info
// event=copy follower=f1 …`) or, for log shippers, one JSON object per line with the same keys
// (`--log-format json`). Every line is written as logfmt; the JSON form is parsed from it, so
// the two never say different things.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::app {

enum class LogFormat { text, json };

// "text" or "json"; anything else is an error naming the flag.
[[nodiscard]] Result<LogFormat> parse_log_format(std::string_view word);

struct LogOptions {
  std::string level = "info";
  std::string file;     // empty: no file
  bool console = true;  // standard error
  LogFormat format = LogFormat::text;
};

// The process's logger "tandem", registered with spdlog; a warning or an error is flushed at
// once, the rest every second.
std::shared_ptr<spdlog::logger> make_logger(const LogOptions& options);

// A logfmt value: as it is when it is one plain word, else quoted with `"` and `\` escaped.
[[nodiscard]] std::string logfmt_value(std::string_view value);

// One logfmt line as a JSON object's members (`key=value` pairs; a word without `=` joins
// "msg"), after `time` and `level`: what the JSON format writes.
[[nodiscard]] std::string logfmt_to_json(std::string_view time, std::string_view level,
                                         std::string_view line);

}  // namespace tandem::app
