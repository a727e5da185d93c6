#include "domain/instruments/instrument.h"

#include <algorithm>
#include <cctype>

namespace tandem::domain {

int64_t lot_unit(const Instrument& i) {
  return i.segment == Segment::equity ? 1 : std::max<int64_t>(i.lot_size_units, 1);
}

std::string to_text(const InstrumentKey& key) {
  std::string out(to_string(key.exchange));
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + ":" + key.tradingsymbol;
}

bool same_contract(const Instrument& a, const Instrument& b) {
  if (a.key == b.key) return true;
  return a.key.exchange == b.key.exchange && a.segment == Segment::derivatives &&
         b.segment == Segment::derivatives && a.expiry_day != 0 && a.underlying == b.underlying &&
         a.expiry_day == b.expiry_day && a.strike_paise == b.strike_paise &&
         a.option_type == b.option_type;
}

}  // namespace tandem::domain
