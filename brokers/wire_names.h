// Broker vocabularies as tables: each wire name beside its domain value, read and written
// through the same table so that the two directions cannot disagree. Shared by the codecs.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "brokers/json_reader.h"

namespace tandem::brokers {

template <class E>
struct Name {
  std::string_view wire;
  E value;
};

template <class E, size_t N>
std::optional<E> from_wire(const std::array<Name<E>, N>& names, std::string_view wire) {
  for (const auto& n : names) {
    if (n.wire == wire) return n.value;
  }
  return std::nullopt;
}

// The first wire name of `value` (tables list the preferred spelling first).
template <class E, size_t N>
std::string_view to_wire(const std::array<Name<E>, N>& names, E value) {
  for (const auto& n : names) {
    if (n.value == value) return n.wire;
  }
  return {};
}

// Reads an enum field, recording an error for a value we do not know.
template <class E, size_t N>
E read_enum(ObjectReader& r, std::string_view key, const std::array<Name<E>, N>& names) {
  const std::string wire = r.text(key);
  const auto value = from_wire(names, wire);
  if (!value) {
    if (r.status().ok()) r.fail(key, "unknown value '" + wire + "'");
    return names[0].value;
  }
  return *value;
}

}  // namespace tandem::brokers
