#include "domain/instruments/instrument.h"

#include <cctype>

namespace tandem::domain {

std::string to_text(const InstrumentKey& key) {
  std::string out(to_string(key.exchange));
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + ":" + key.tradingsymbol;
}

}  // namespace tandem::domain
