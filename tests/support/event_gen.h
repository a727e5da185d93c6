// RapidCheck generators for every domain event, for codec and store properties. Strings are
// printable ASCII plus a multi-byte character (₹), so text round trips are exercised.
// Defined once in event_gen.cc: the generators instantiate RapidCheck's templates for every
// event type, which took each test file that included them over a minute to compile.
#pragma once

#include <rapidcheck.h>

#include "domain/events.h"

namespace tandem::testing {

// Any event, of any type.
[[nodiscard]] rc::Gen<domain::Event> event_gen();

}  // namespace tandem::testing

namespace rc {

template <>
struct Arbitrary<::tandem::domain::Event> {
  static Gen<::tandem::domain::Event> arbitrary() { return ::tandem::testing::event_gen(); }
};

}  // namespace rc
