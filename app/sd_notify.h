// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram with a state
// ("READY=1", "STOPPING=1") to the socket named in $NOTIFY_SOCKET. Without that variable (not
// started by systemd with Type=notify) it does nothing.
#pragma once

#include <string_view>

namespace tandem::app {

// True when the state was sent, or when there is no one to tell.
bool notify_systemd(std::string_view state);

}  // namespace tandem::app
