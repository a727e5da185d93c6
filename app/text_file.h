// Text the command reads: a whole file the user named (a CA, a holiday list) —
// invalid_argument naming what it was for and the path when it cannot be read — or a file
// embedded in the binary (app/embed_files.cmake), which comes as chunks.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "domain/base/status.h"

namespace tandem::app {

inline Result<std::string> read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::invalid_argument(what + ": cannot read " + path);
  return text.str();
}

inline std::string embedded_text(const char* const* chunks) {
  std::string out;
  for (; *chunks != nullptr; ++chunks) out += *chunks;
  return out;
}

}  // namespace tandem::app
