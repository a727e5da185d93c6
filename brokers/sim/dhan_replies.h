// The simulator's Dhan answers: a bare JSON body, or Dhan's error object with its DH-9xx
// code (brokers.md §2).
#pragma once

#include <string>
#include <string_view>

#include "brokers/sim/dhan_wire.h"
#include "net/https_server.h"

namespace tandem::brokers::sim {

inline net::ServerReply dhan_error(unsigned status, std::string_view code,
                                   std::string_view message) {
  return net::server_reply(status, dhan::error_body(code, message));
}

inline net::ServerReply dhan_ok(unsigned status, std::string body) {
  return net::server_reply(status, std::move(body));
}

}  // namespace tandem::brokers::sim
