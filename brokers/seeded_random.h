// Seeded randomness for the broker layer (backoff jitter, simulated latency, paper fills):
// SplitMix64, small and well mixed, so a run is reproduced from its seed.
#pragma once

#include <cstdint>

namespace tandem::brokers {

// One SplitMix64 output for input x: a pure function, for draws keyed by data (a tag).
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The next draw from a sequence kept in `state`, uniform in [0, bound].
inline uint64_t next_draw(uint64_t& state, uint64_t bound) { return mix64(state++) % (bound + 1); }

}  // namespace tandem::brokers
