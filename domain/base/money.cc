#include "domain/base/money.h"

namespace tandem::domain {

std::string paise_text(int64_t paise) {
  // Through unsigned arithmetic so that INT64_MIN has a magnitude too.
  const bool negative = paise < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(paise) : static_cast<uint64_t>(paise);
  const uint64_t fraction = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += fraction < 10 ? ".0" : ".";
  out += std::to_string(fraction);
  return out;
}

}  // namespace tandem::domain
