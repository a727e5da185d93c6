// Requests to the operator's server: raw bytes through the HTTP parser the server reads with
// (net/server_request.h), then the access checks and routes it applies before the
// engine (app/operator_routes.h). A request without this server's Host and the token must
// never reach a route past the open ones.
#include "app/operator_routes.h"
#include "net/request_fields.h"
#include "net/server_request.h"
#include "tests/fuzz/fuzz_check.h"

using namespace tandem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto request = net::parse_request(fuzz::text_of(data, size));
  if (!request.ok()) return 0;
  const app::OperatorAccess access{.token = "0123456789abcdef", .hosts = {"desk.lan"}};
  auto routed = app::route_request(*request, access);
  (void)app::live_allowed(*request, access);
  if (const auto* route = std::get_if<app::Route>(&routed)) {
    const bool open =
        route->kind == app::Route::Kind::health || route->kind == app::Route::Kind::ready ||
        route->kind == app::Route::Kind::metrics || route->kind == app::Route::Kind::page;
    if (!open) {
      FUZZ_CHECK(net::header(*request, "authorization") == "Bearer 0123456789abcdef");
    }
    if (route->kind == app::Route::Kind::command) {
      FUZZ_CHECK(app::printable(route->command.by, 64));
      FUZZ_CHECK(app::printable(route->command.reason, 500));
    }
  }
  return 0;
}
