#include "brokers/json_reader.h"

#include <date/date.h>
#include <boost/json/parse.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace tandem::brokers {

namespace json = boost::json;

Result<json::value> parse_json(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) {
    return Status::invalid_argument(std::string(what) + ": not JSON (" + ec.message() + ")");
  }
  return v;
}

std::optional<domain::TimeNs> parse_ist_timestamp(std::string_view t) {
  if (t.size() != 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' ||
      t[16] != ':') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len, int& out) {
    const auto r = std::from_chars(t.data() + pos, t.data() + pos + len, out);
    return r.ec == std::errc() && r.ptr == t.data() + pos + len;
  };
  int y, mo, d, h, mi, s;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, s)) {
    return std::nullopt;
  }
  // Nanoseconds since 1970 in 64 bits end in 2262; a year outside these is not a broker's.
  if (y < 1970 || y > 2200 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  const date::year_month_day ymd{date::year(y), date::month(mo), date::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto local = date::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                     std::chrono::seconds(s);
  const auto utc = local - domain::kIstOffset;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(utc.time_since_epoch()).count();
}

json::value ist_timestamp_value(domain::TimeNs ns) {
  if (ns == 0) return nullptr;
  const auto t = std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(ns)) +
                 domain::kIstOffset;
  // date's calendar, printed without a stream: the simulator writes one per order update,
  // and date::format's ostringstream was a sixth of its cost per order.
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<date::days>(seconds);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{seconds - day};
  char text[40];
  const int n = std::snprintf(
      text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
      static_cast<int>(time.seconds().count()));
  return json::value(json::string_view(text, static_cast<size_t>(n)));
}

json::value rupees_value(int64_t paise) {
  if (paise % 100 == 0) return json::value(paise / 100);
  return json::value(static_cast<double>(paise) / 100.0);
}

namespace {
// No price or amount is near these; beyond them the paise would not fit in 64 bits (or a
// double would not hold them exactly).
constexpr double kMaxPaise = 9e15;
constexpr int64_t kMaxRupees = 90'000'000'000'000;
}  // namespace

std::optional<int64_t> paise_of_rupees(int64_t rupees) {
  if (rupees > kMaxRupees || rupees < -kMaxRupees) return std::nullopt;
  return rupees * 100;
}

std::optional<int64_t> paise_of_rupees(double rupees) {
  const double paise = rupees * 100.0;
  if (!std::isfinite(paise) || std::fabs(paise) > kMaxPaise) return std::nullopt;
  return std::llround(paise);  // exact for amounts with at most two decimals
}

std::optional<int64_t> rupees_to_paise(const json::value& v) {
  if (v.is_int64()) return paise_of_rupees(v.get_int64());
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(kMaxRupees)) return std::nullopt;
    return paise_of_rupees(static_cast<int64_t>(v.get_uint64()));
  }
  if (v.is_double()) return paise_of_rupees(v.get_double());
  return std::nullopt;
}

std::optional<int64_t> decimal_paise(std::string_view text) {
  if (text.empty()) return 0;
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return rupees_to_paise(json::value(v));
}

const json::value* ObjectReader::find(std::string_view key, bool required) {
  const json::value* v = object_.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) {
    if (required) fail(key, "missing");
    return nullptr;
  }
  return v;
}

void ObjectReader::fail(std::string_view key, std::string_view why) {
  if (!status_.ok()) return;
  status_ = Status::invalid_argument(what_ + " '" + std::string(key) + "': " + std::string(why));
}

std::string ObjectReader::text(std::string_view key) {
  const json::value* v = find(key, true);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    fail(key, "not a string");
    return {};
  }
  return std::string(v->get_string());
}

std::string ObjectReader::text_or(std::string_view key, std::string fallback) {
  const json::value* v = find(key, false);
  if (v == nullptr) return fallback;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());  // ids sometimes come as numbers
  fail(key, "not a string");
  return fallback;
}

int64_t ObjectReader::integer(std::string_view key) {
  const json::value* v = find(key, true);
  if (v == nullptr) return 0;
  return integer_or(key, 0);
}

int64_t ObjectReader::integer_or(std::string_view key, int64_t fallback) {
  const json::value* v = find(key, false);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) {
    if (v->get_uint64() <= INT64_MAX) return static_cast<int64_t>(v->get_uint64());
    fail(key, "out of range");
    return fallback;
  }
  if (v->is_double()) {
    // 2^63 as a double is the first value past int64; a NaN or an infinity fails the test.
    constexpr double kPastInt64 = 9223372036854775808.0;
    const double d = v->get_double();
    if (!(d >= -kPastInt64 && d < kPastInt64)) {
      fail(key, "out of range");
      return fallback;
    }
    if (d == std::floor(d)) return static_cast<int64_t>(d);
  }
  fail(key, "not a whole number");
  return fallback;
}

int64_t ObjectReader::paise(std::string_view key) {
  const json::value* v = find(key, true);
  if (v == nullptr) return 0;
  return paise_or(key, 0);
}

int64_t ObjectReader::paise_or(std::string_view key, int64_t fallback) {
  const json::value* v = find(key, false);
  if (v == nullptr) return fallback;
  const auto p = rupees_to_paise(*v);
  if (!p) {
    fail(key, "not a price");
    return fallback;
  }
  return *p;
}

domain::TimeNs ObjectReader::ist_time_or(std::string_view key, domain::TimeNs fallback) {
  const json::value* v = find(key, false);
  if (v == nullptr) return fallback;
  const auto t =
      v->is_string() ? parse_ist_timestamp(std::string_view(v->get_string())) : std::nullopt;
  if (!t) {
    fail(key, "not a 'yyyy-mm-dd hh:mm:ss' time");
    return fallback;
  }
  return *t;
}

bool ObjectReader::boolean_or(std::string_view key, bool fallback) {
  const json::value* v = find(key, false);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) {
    fail(key, "not true or false");
    return fallback;
  }
  return v->get_bool();
}

}  // namespace tandem::brokers
