// Money as text for people and reports: paise → "1234.50", "-0.05". Integers only; no
// floating point ever touches an amount (STYLE.md: money is integers).
#pragma once

#include <cstdint>
#include <string>

namespace tandem::domain {

[[nodiscard]] std::string paise_text(int64_t paise);

// For people reading reports: "-₹12,34,567.50", with Indian digit grouping (lakh, crore).
[[nodiscard]] std::string rupees_text(int64_t paise);

}  // namespace tandem::domain
