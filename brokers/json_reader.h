// Reading broker JSON with errors that name the field. An ObjectReader returns a neutral
// value for a missing or malformed field and remembers the first such error, so a codec
// reads every field plainly and checks status() once: "kite order 'status': missing".
// Also IST timestamps ("yyyy-mm-dd hh:mm:ss", no zone) to UTC nanoseconds.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "domain/base/status.h"
#include "domain/base/time.h"

namespace tandem::brokers {

// Parses a whole body; invalid_argument naming `what` when it is not JSON.
[[nodiscard]] Result<boost::json::value> parse_json(std::string_view body, std::string_view what);

// "2021-05-31 09:18:57" (IST) → ns since the epoch (UTC); nullopt when malformed.
[[nodiscard]] std::optional<domain::TimeNs> parse_ist_timestamp(std::string_view text);

// The other way, for the simulator's bodies: IST wall time to the second, null when 0.
[[nodiscard]] boost::json::value ist_timestamp_value(domain::TimeNs ns);
// Paise as a JSON number of rupees: whole amounts as integers, others as decimals.
[[nodiscard]] boost::json::value rupees_value(int64_t paise);

// A JSON number of rupees (int or decimal, up to two places) → paise.
[[nodiscard]] std::optional<int64_t> rupees_to_paise(const boost::json::value& v);
// Rupees as paise (a double rounded to the paisa); nullopt beyond ±9×10^15 paise, which
// no price or amount comes near and past which 64 bits (or a double) would not hold them.
[[nodiscard]] std::optional<int64_t> paise_of_rupees(int64_t rupees);
[[nodiscard]] std::optional<int64_t> paise_of_rupees(double rupees);
// The same from text ("1505.25", "0.05"); empty text is 0, anything else not a number fails.
[[nodiscard]] std::optional<int64_t> decimal_paise(std::string_view text);

class ObjectReader {
 public:
  ObjectReader(const boost::json::object& object, std::string what)
      : object_(object), what_(std::move(what)) {}

  // Required fields: a missing or mistyped one is an error. Optional ones: null or absent
  // gives the fallback, a wrong type is still an error.
  std::string text(std::string_view key);
  std::string text_or(std::string_view key, std::string fallback = {});
  int64_t integer(std::string_view key);
  int64_t integer_or(std::string_view key, int64_t fallback);
  int64_t paise(std::string_view key);
  int64_t paise_or(std::string_view key, int64_t fallback);
  domain::TimeNs ist_time_or(std::string_view key, domain::TimeNs fallback);
  bool boolean_or(std::string_view key, bool fallback);

  // Records an error about `key` (for values a codec rejects after reading them).
  void fail(std::string_view key, std::string_view why);
  const Status& status() const { return status_; }

 private:
  const boost::json::value* find(std::string_view key, bool required);

  const boost::json::object& object_;
  std::string what_;
  Status status_;
};

}  // namespace tandem::brokers
