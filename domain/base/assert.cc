#include "domain/base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace tandem::detail {

// stdio, not a logger: the core has no logger, and an abort must print even when logging
// is broken.
void assert_fail(const char* kind, const char* cond, const char* file, int line,
                 const std::string& values) {
  std::fprintf(stderr, "%s:%d: %s failed: %s%s\n", file, line, kind, cond, values.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace tandem::detail
