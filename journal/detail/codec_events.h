// Field-by-field mapping between domain events and their Cap'n Proto structs.
// Private to journal/codec.cc: the readers here throw kj::Exception on bad bytes or
// out-of-range enum values, and only codec.cc, which catches them, may call them.
#pragma once

#include <capnp/message.h>
#include <kj/debug.h>

#include <string>
#include <vector>

#include "domain/events.h"
#include "journal/schema/events.capnp.h"

namespace tandem::journal::detail {

// ---- scalars: enums are cast (equal ordinals) and range-checked on the way in ----
template <class Wire, class Domain>
Wire out(Domain v) {
  return static_cast<Wire>(static_cast<uint16_t>(v));
}
template <class Domain, class Wire>
Domain in(Wire w, Domain last) {
  const auto raw = static_cast<uint16_t>(w);
  KJ_REQUIRE(raw <= static_cast<uint16_t>(last), "enum value out of range", raw);
  return static_cast<Domain>(raw);
}
inline std::string text(capnp::Text::Reader t) { return std::string(t.begin(), t.size()); }
template <class Id>
Id id(capnp::Text::Reader t) {
  return Id{text(t)};
}
inline void set_texts(capnp::List<capnp::Text>::Builder b, const std::vector<std::string>& v) {
  for (size_t i = 0; i < v.size(); ++i) b.set(i, v[i]);
}
inline std::vector<std::string> get_texts(capnp::List<capnp::Text>::Reader r) {
  std::vector<std::string> v;
  v.reserve(r.size());
  for (auto t : r) v.push_back(text(t));
  return v;
}
template <class Wire, class Domain>
void set_enums(typename capnp::List<Wire>::Builder b, const std::vector<Domain>& v) {
  for (size_t i = 0; i < v.size(); ++i) b.set(i, out<Wire>(v[i]));
}
template <class Domain, class Wire>
std::vector<Domain> get_enums(typename capnp::List<Wire>::Reader r, Domain last) {
  std::vector<Domain> v;
  v.reserve(r.size());
  for (auto w : r) v.push_back(in(w, last));
  return v;
}

// ---- structs shared by events and snapshots ----
void put(schema::InstrumentKey::Builder b, const domain::InstrumentKey& v);
domain::InstrumentKey get(schema::InstrumentKey::Reader r);
void put(schema::Instrument::Builder b, const domain::Instrument& v);
domain::Instrument get(schema::Instrument::Reader r);
void put(schema::FollowerSettings::Builder b, const domain::FollowerSettings& v);
domain::FollowerSettings get(schema::FollowerSettings::Reader r);
void put(schema::SizingInputs::Builder b, const domain::SizingInputs& v);
domain::SizingInputs get(schema::SizingInputs::Reader r);
void put(schema::OrderRequest::Builder b, const domain::OrderTerms& v);
domain::OrderTerms get(schema::OrderRequest::Reader r);
void put(schema::LeaderConfigured::Builder b, const domain::LeaderConfigured& v);
domain::LeaderConfigured get(schema::LeaderConfigured::Reader r);

// Builds the root struct of `message` for the event's type.
void write_event(capnp::MessageBuilder& message, const domain::Event& event);

// Reads the root struct of `message` as the event of wire id `type` into `out` (left as it
// was when this throws kj::Exception). Into, not returned: a replay decodes a million events,
// and each move of a 376-byte variant costs.
void read_event(capnp::MessageReader& message, domain::EventType type, domain::Event& out);

// Canonical bytes of the event's root struct, read back as capnp for the JSON dump.
std::string event_to_json(capnp::MessageReader& message, domain::EventType type);

// Builds the root struct of `message` for wire id `type` from its JSON (event_to_json's
// output). Throws kj::Exception on JSON that does not fit the type.
void event_from_json(capnp::MessageBuilder& message, domain::EventType type, kj::StringPtr json);

}  // namespace tandem::journal::detail
