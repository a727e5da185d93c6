// Field-by-field mapping between domain events and their Cap'n Proto structs.
// Private to journal/codec.cc: the readers here throw kj::Exception on bad bytes or
// out-of-range enum values, and only codec.cc, which catches them, may call them.
#pragma once

#include <capnp/message.h>

#include <string>

#include "domain/events.h"

namespace tandem::journal::detail {

// Builds the root struct of `message` for the event's type.
void write_event(capnp::MessageBuilder& message, const domain::Event& event);

// Reads the root struct of `message` as the event of wire id `type`. Throws kj::Exception.
domain::Event read_event(capnp::MessageReader& message, domain::EventType type);

// Canonical bytes of the event's root struct, read back as capnp for the JSON dump.
std::string event_to_json(capnp::MessageReader& message, domain::EventType type);

}  // namespace tandem::journal::detail
