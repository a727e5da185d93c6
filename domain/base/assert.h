// TANDEM_ASSERT / TANDEM_REQUIRE: programmer errors print the failing condition and the
// values involved, then abort. Both stay on in release builds (STYLE.md §4): a broken
// invariant in a system that sends orders must stop it, not let it guess.
#pragma once

#include <sstream>
#include <string>

namespace tandem::detail {

[[noreturn]] void assert_fail(const char* kind, const char* cond, const char* file, int line,
                              const std::string& values);

inline void append_values(std::ostringstream&) {}
template <class T, class... Rest>
void append_values(std::ostringstream& out, const T& value, const Rest&... rest) {
  out << "; value = " << value;
  append_values(out, rest...);
}

template <class... Values>
std::string format_values(const Values&... values) {
  std::ostringstream out;
  append_values(out, values...);
  return out.str();
}

}  // namespace tandem::detail

#define TANDEM_ASSERT(cond, ...)                                                   \
  do {                                                                             \
    if (!(cond)) [[unlikely]]                                                      \
      ::tandem::detail::assert_fail("assertion", #cond, __FILE__, __LINE__,        \
                                    ::tandem::detail::format_values(__VA_ARGS__)); \
  } while (0)

#define TANDEM_REQUIRE(cond, ...)                                                  \
  do {                                                                             \
    if (!(cond)) [[unlikely]]                                                      \
      ::tandem::detail::assert_fail("precondition", #cond, __FILE__, __LINE__,     \
                                    ::tandem::detail::format_values(__VA_ARGS__)); \
  } while (0)

#ifdef NDEBUG
#define TANDEM_DASSERT(cond, ...) ((void)0)
#else
#define TANDEM_DASSERT(cond, ...) TANDEM_ASSERT(cond, __VA_ARGS__)
#endif
