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

std::string rupees_text(int64_t paise) {
  const std::string plain = paise_text(paise);  // "-1234567.50"
  const bool negative = plain[0] == '-';
  const std::string whole = plain.substr(negative ? 1 : 0, plain.size() - 3 - (negative ? 1 : 0));
  // The last three digits, then pairs: 12,34,567.
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    const size_t left = whole.size() - i;
    if (i > 0 && left >= 3 && (left - 3) % 2 == 0) grouped += ',';
    grouped += whole[i];
  }
  return (negative ? "-₹" : "₹") + grouped + plain.substr(plain.size() - 3);
}

}  // namespace tandem::domain
