// Names of enumerators for logs and exports: a table indexed by the enum's value.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace tandem::domain {

template <size_t N, class E>
std::string_view enum_name(const std::array<std::string_view, N>& names, E value) {
  const auto i = static_cast<size_t>(value);
  return i < N ? names[i] : std::string_view("unknown");
}

}  // namespace tandem::domain
