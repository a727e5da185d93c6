// Reading a whole text file the user named (a CA, a holiday list): invalid_argument naming
// what it was for and the path when it cannot be read.
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

}  // namespace tandem::app
