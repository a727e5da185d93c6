# The journal record envelope. See docs/journal_format.md for keys, hashing and evolution.
# Evolution rule: fields are only ever added, with higher ordinals; nothing is renumbered.
@0xcdfb8b04a0dfea05;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("tandem::journal::schema");
using Json = import "/capnp/compat/json.capnp";

struct Envelope {
  seq @0 :UInt64;            # 1, 2, 3, … with no gap
  recordedAtNs @1 :Int64;    # when the shell appended it, ns since the Unix epoch (UTC)
  tradingDay @2 :UInt32;     # IST date as YYYYMMDD
  schemaVersion @3 :UInt16;  # version of the writer's schema; readers refuse newer ones
  eventType @4 :UInt16;      # stable event id (domain::EventType)
  payload @5 :Data;          # canonical Cap'n Proto bytes of the event struct
  prevHash @6 :Data $Json.hex;  # hash of record seq-1; 32 zero bytes for seq 1
  hash @7 :Data $Json.hex;      # SHA-256(prevHash ‖ header ‖ payload), see journal_format.md
}
