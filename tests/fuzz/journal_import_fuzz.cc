// `journal import` lines (journal/dump_import.h): each line parsed, sequenced and its hash
// re-created, as an import does before anything is appended. Seeded with the golden tapes.
#include "journal/dump_import.h"
#include "tests/fuzz/fuzz_check.h"

#include <string>

using namespace tandem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  journal::DumpChecker checker;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto item = checker.check(std::string(text.substr(start, end - start)));
    if (!item.ok()) {
      FUZZ_CHECK(!item.status().message().empty());
      break;
    }
    start = end + 1;
  }
  return 0;
}
