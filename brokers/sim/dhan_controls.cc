// The simulator's Dhan account controls, as DhanHQ-py's auth.py and _trader_control.py call
// them: the profile (token validity, segments), token renewal, the static IPs order calls
// must come from (SEBI 2026), and the day's kill switch. Where Dhan documents no answer
// (RenewToken's body, the kill switch's status, the refusals), the choice is listed in
// brokers.md §4.
#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

#include "brokers/json_reader.h"
#include "brokers/sim/dhan_replies.h"
#include "brokers/sim/kite_sim.h"
#include "net/request_fields.h"

namespace tandem::brokers::sim {

namespace d = ::tandem::domain;
namespace json = boost::json;
using boost::beast::http::verb;
using net::ServerReply;

namespace {

constexpr d::TimeNs kDayNs = 86'400'000'000'000;
// A token lives 24 hours; a static IP, once set, cannot be changed for 7 days (brokers.md §2).
constexpr d::TimeNs kTokenLifeNs = kDayNs;
constexpr d::TimeNs kIpFixedNs = 7 * kDayNs;

// Dhan's "dd/MM/yyyy HH:mm" in IST (profile.json's tokenValidity).
std::string validity_text(d::TimeNs ns) {
  const d::TradingDay day = d::ist_trading_day(ns);
  const int minute = d::ist_minute_of_day(ns);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04u %02d:%02d", day % 100, day / 100 % 100,
                day / 10000, minute / 60, minute % 60);
  return buf;
}

// Dhan's activeSegment ("Equity, Derivative, …") for the exchanges the account may trade on.
std::string active_segments(const std::vector<std::string>& exchanges) {
  std::string out;
  for (const auto& [segment, names] :
       {std::pair{"Equity", "NSE BSE"}, std::pair{"Derivative", "NFO BFO"},
        std::pair{"Currency", "CDS BCD"}, std::pair{"Commodity", "MCX"}}) {
    const bool on = std::any_of(exchanges.begin(), exchanges.end(), [&](const std::string& e) {
      return std::string_view(names).find(e) != std::string_view::npos;
    });
    if (on) out += std::string(out.empty() ? "" : ", ") + segment;
  }
  return out;
}

}  // namespace

std::optional<ServerReply> KiteSim::dhan_controls(Account& a, const net::HttpRequest& r,
                                                  const std::string& path) {
  const d::TimeNs now = clock_();
  const std::string& id = a.config.user_id;
  if (r.method == verb::get && path == "/profile") {
    return dhan_ok(
        200,
        json::serialize(json::object{
            {"dhanClientId", id},
            {"tokenValidity", validity_text(a.token_issued_ns + kTokenLifeNs)},
            {"activeSegment", active_segments(a.config.exchanges)},
            {"ddpi", "Active"},
            {"mtf", "Active"},
            {"dataPlan", "Active"},
            {"dataValidity", d::day_text(d::ist_trading_day(now + 30 * kDayNs)) + " 09:00:00.0"}}));
  }
  if (r.method == verb::get && path == "/RenewToken") {
    // A fresh 24-hour token; the one it was asked with stops working.
    set_token(a, "dhan-renewed" + std::to_string(++logins_) + id);
    a.token_issued_ns = now;
    return dhan_ok(
        200, json::serialize(json::object{{"dhanClientId", id},
                                          {"dhanClientName", "SIM CLIENT"},
                                          {"dhanClientUcc", "SIM0001"},
                                          {"givenPowerOfAttorney", true},
                                          {"accessToken", a.config.access_token},
                                          {"expiryTime", validity_text(now + kTokenLifeNs)}}));
  }
  if (path == "/ip/getIP" && r.method == verb::get) {
    return dhan_ok(200, json::serialize(json::object{
                            {"primaryIP", a.config.faults.registered_ip},
                            {"secondaryIP", a.secondary_ip},
                            {"modifyDatePrimary", d::day_text(a.primary_ip_fixed_until)},
                            {"modifyDateSecondary", d::day_text(a.secondary_ip_fixed_until)}}));
  }
  if ((path == "/ip/setIP" && r.method == verb::post) ||
      (path == "/ip/modifyIP" && r.method == verb::put)) {
    const bool modify = path == "/ip/modifyIP";
    boost::system::error_code ec;
    const json::value body = json::parse(r.body, ec);
    const json::object* o = !ec && body.is_object() ? &body.as_object() : nullptr;
    const json::value* ip = o != nullptr ? o->if_contains("ip") : nullptr;
    const json::value* flag = o != nullptr ? o->if_contains("ipFlag") : nullptr;
    if (ip == nullptr || !ip->is_string() || flag == nullptr || !flag->is_string() ||
        (flag->as_string() != "PRIMARY" && flag->as_string() != "SECONDARY")) {
      return dhan_error(400, "DH-905", "ip and ipFlag (PRIMARY or SECONDARY) are required");
    }
    const std::string address(ip->as_string());
    boost::asio::ip::make_address(address, ec);
    if (ec) return dhan_error(400, "DH-905", "Not an IP address: " + address);
    const bool primary = flag->as_string() == "PRIMARY";
    std::string& slot = primary ? a.config.faults.registered_ip : a.secondary_ip;
    d::TradingDay& fixed_until = primary ? a.primary_ip_fixed_until : a.secondary_ip_fixed_until;
    if (!modify && !slot.empty()) {
      return dhan_error(
          400, "DH-905",
          std::string(flag->as_string()) + " IP is already set; change it with modifyIP");
    }
    if (modify && slot.empty()) {
      return dhan_error(400, "DH-905",
                        std::string(flag->as_string()) + " IP is not set; set it with setIP");
    }
    if (modify && d::ist_trading_day(now) < fixed_until) {
      return dhan_error(
          400, "DH-905",
          std::string(flag->as_string()) + " IP can be modified from " + d::day_text(fixed_until));
    }
    slot = address;
    fixed_until = d::ist_trading_day(now + kIpFixedNs);
    return dhan_ok(
        200, json::serialize(json::object{
                 {"status", "SUCCESS"},
                 {"message", modify ? "IP modified successfully" : "IP saved successfully"}}));
  }
  if (path == "/killswitch" && r.method == verb::get) {
    return dhan_ok(200, json::serialize(json::object{
                            {"dhanClientId", id},
                            {"killSwitchStatus", a.kill_switch ? "ACTIVATE" : "DEACTIVATE"}}));
  }
  if (path == "/killswitch" && r.method == verb::post) {
    const std::string action = net::param(net::query_of(r.target), "killSwitchStatus");
    if (action != "ACTIVATE" && action != "DEACTIVATE") {
      return dhan_error(400, "DH-905", "killSwitchStatus must be ACTIVATE or DEACTIVATE");
    }
    if (action == "ACTIVATE") {
      // Dhan's note: every position closed and no order pending before the switch is thrown.
      a.book.advance(now);
      bool working = false;
      a.book.for_each_order([&](const BrokerOrder& o) { working |= !d::is_final(o.status); });
      bool open = false;
      for (const auto& p : a.book.positions()) open |= p.net_qty_units != 0;
      if (working || open) {
        return dhan_error(400, "DH-906",
                          "Close every position and cancel every pending order before "
                          "activating the kill switch");
      }
    }
    a.kill_switch = action == "ACTIVATE";
    return dhan_ok(
        200, json::serialize(json::object{
                 {"dhanClientId", id},
                 {"killSwitchStatus", a.kill_switch ? "Kill Switch has been successfully activated"
                                                    : "Kill Switch has been successfully "
                                                      "deactivated"}}));
  }
  return std::nullopt;
}

}  // namespace tandem::brokers::sim
