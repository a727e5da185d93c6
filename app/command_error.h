// One error style for every command: "tandem COMMAND: what went wrong" on standard error,
// naming the thing (a file, a flag, an account), never a status code's name; the command
// then exits 1 (2 for a command line that does not parse, main.cc).
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::app {

inline int command_error(std::string_view command, std::string_view message) {
  fmt::print(stderr, "tandem {}: {}\n", command, message);
  return 1;
}

inline int command_error(std::string_view command, const Status& status) {
  return command_error(command, status.message());
}

}  // namespace tandem::app
